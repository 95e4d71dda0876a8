"""`hocso class add CODE ... --zalo-group [GROUP_ID]`: the class's group on the Zalo OA.

Without an id it creates the group through the API (backed by the GMF asset in
ZALO_OA_GMF_ASSET) and prints its join link; with one it links a group the OA already owns.
Either way it prints a one-time facilitator code (leads.py) and what to do with it, step by
step. `hocso class list` names each class's group (`group_lines`).
"""

from __future__ import annotations

import os
from typing import TextIO

import aiohttp
from redis.asyncio import Redis
from redis.exceptions import RedisError

from handlers.platform import Config
from handlers.zalo_oa.api import OAClient, OAError, OAUnreachable
from handlers.zalo_oa.keys import OAKeys
from handlers.zalo_oa.leads import CODE_FOR, Leads
from handlers.zalo_oa.settings import SettingsError, ZaloOASettings, from_env
from handlers.zalo_oa.tokens import GrantLost, Tokens
from storage.redis.keys import Keys
from storage.redis.url import open_redis

NEW = "new"  # --zalo-group without an id
ADVICE = {
    -221: "the OA must be verified first",
    -224: "group chats (GMF) need the OA on the Advanced or Premium package",
    -201: "check ZALO_OA_GMF_ASSET: an asset bought at oa.zalo.me for one group",
    -403: "the OA is not in that group",
}


def settings_or_problem() -> tuple[ZaloOASettings | None, str]:
    try:
        found = from_env(os.environ)
    except SettingsError as exc:
        return None, str(exc).splitlines()[0]
    if found is None:
        return None, "--zalo-group needs a Zalo OA: set ZALO_OA_* (docs/zalo-oa.md)"
    return found, ""


async def tie_group(
    settings: ZaloOASettings,
    redis: Redis,
    keys: Keys,
    code: str,
    name: str,
    which: str,
    out: TextIO,
) -> int:
    """Create or link the class's group; print its link and the facilitator's code."""
    oa_keys = OAKeys(keys, settings.oa_id)
    leads = Leads(redis, oa_keys)
    async with aiohttp.ClientSession() as session:
        client = OAClient.of(session, settings)
        tokens = Tokens(client, redis, oa_keys, settings.refresh_token)
        try:
            if which == NEW:
                if not settings.gmf_asset:
                    out.write(
                        "hocso: a new group needs a GMF asset: set ZALO_OA_GMF_ASSET (bought at "
                        "oa.zalo.me), or link a group the OA has: --zalo-group GROUP_ID\n"
                    )
                    return 2
                made = await tokens.call(
                    lambda t: client.create_group(t, name, settings.gmf_asset, f"Lớp {code}")
                )
                group_id, link = str(made.get("group_id") or ""), str(made.get("group_link") or "")
            else:
                groups = await tokens.call(lambda t: client.groups(t, 0, 50))
                found = next((g for g in groups if str(g.get("group_id")) == which), None)
                if found is None:
                    have = ", ".join(f"{g.get('group_id')} ({g.get('name')})" for g in groups)
                    out.write(f"hocso: the OA has no group {which}; it has: {have or 'none'}\n")
                    return 2
                group_id, link = which, str(found.get("group_link") or "")
        except OAError as exc:
            advice = ADVICE.get(exc.code, "see docs/zalo-oa.md")
            out.write(f"hocso: Zalo refused ({exc.code} {exc.message}): {advice}\n")
            return 2
        except (OAUnreachable, GrantLost) as exc:
            out.write(f"hocso: Zalo could not be asked ({exc}); try again later\n")
            return 2
    if not group_id:
        out.write("hocso: Zalo answered without a group id; try again\n")
        return 2
    await leads.link(code, group_id, link)
    lead_code = await leads.issue(code, group_id)
    days = CODE_FOR // 86400
    out.write(
        f"Zalo OA group of class {code}: {group_id}\n"
        f"Join link for learners (send it, or print it as a QR code): {link or '(none given)'}\n"
        f"Facilitator code: {lead_code} (works once, for {days} days)\n"
        "  1. The facilitator opens the OA's chat in Zalo (not the group) and sends this code.\n"
        "  2. The OA answers that they lead the class.\n"
        "  3. In the group, they type /lesson or «bắt đầu học» to open a lesson.\n"
        "  A new facilitator, or a lost code: run this command again.\n"
    )
    return 0


async def run_tie(config: Config, code: str, name: str, which: str, out: TextIO) -> int:
    settings, problem = settings_or_problem()
    if settings is None:
        out.write(f"hocso: {problem}\n")
        return 2
    if not config.redis.url:
        out.write("hocso: --zalo-group needs REDIS_URL: the group and codes are kept there\n")
        return 2
    redis = open_redis(config.redis.url, socket_connect_timeout=config.redis.connect_timeout)
    try:
        keys = Keys(config.redis.prefix, config.redis.shards)
        return await tie_group(settings, redis, keys, code, name, which, out)
    except (RedisError, OSError) as exc:
        out.write(f"hocso: cannot reach Redis (REDIS_URL): {type(exc).__name__}\n")
        return 2
    finally:
        await redis.aclose()


async def group_lines(config: Config, codes: list[str]) -> list[str]:
    """Each class's OA group and join link, for `hocso class list` (none without an OA)."""
    settings, _ = settings_or_problem()
    if settings is None or not config.redis.url or not codes:
        return []
    redis = open_redis(config.redis.url, socket_connect_timeout=config.redis.connect_timeout)
    try:
        leads = Leads(
            redis, OAKeys(Keys(config.redis.prefix, config.redis.shards), settings.oa_id)
        )
        lines = []
        for code in codes:
            group_id, link = await leads.group_of(code)
            if group_id:
                lines.append(f"  {code}: Zalo OA group {group_id} {link}".rstrip())
        return ["Zalo OA groups:", *lines] if lines else []
    except (RedisError, OSError):
        return ["Zalo OA groups: not shown (Redis cannot be reached)"]
    finally:
        await redis.aclose()
