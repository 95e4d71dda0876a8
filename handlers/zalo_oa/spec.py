"""The Zalo Official Account as hocso sees it (handlers/platform.py): the registry's entry.

Its settings come from the environment only (settings.py: the ZALO_OA_* names of issue 22),
read when asked. Light on purpose: the adapter, aiohttp's client and Pillow are imported only
when the adapter is built.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, TextIO

from handlers.platform import Adapter, Config, Platform, Wiring
from handlers.zalo_oa.capabilities import OA
from handlers.zalo_oa.settings import ENV, REQUIRED, SettingsError, ZaloOASettings, from_env

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from handlers.push import PushSender
    from storage.redis.keys import Keys

ON = "ZALO_OA"  # the "token" of a deployment where any ZALO_OA_* variable is set


def settings() -> ZaloOASettings | None:
    """The OA's settings from the environment (None: no OA); SettingsError when wrong."""
    return from_env(os.environ)


def token(config: Config) -> str:
    """Not empty when the deployment sets any ZALO_OA_* variable: the OA is on."""
    return ON if any(os.environ.get(name, "").strip() for name in ENV) else ""


def token_problem(given: str) -> str | None:
    """Why the OA cannot be served, in one line (the variable to fix); None when it can."""
    if not given:
        return f"no Zalo OA: set {', '.join(REQUIRED)} (docs/zalo-oa.md)"
    try:
        return None if settings() else token_problem("")
    except SettingsError as exc:
        return str(exc).splitlines()[0]


def oa_link() -> str:
    """The OA's chat for people (zalo.me/<OA id>), or "" when no OA is set up."""
    oa_id = os.environ.get("ZALO_OA_ID", "").strip()
    return f"https://zalo.me/{oa_id}" if oa_id.isdecimal() else ""


def adapter(wiring: Wiring) -> Adapter:
    from functools import partial

    from limits import RateLimitItemPerMinute

    from handlers.limits import PushLimits
    from handlers.zalo_oa.adapter import ZaloOAAdapter
    from storage.sql.classes import add_facilitator_handle
    from storage.sql.db import open_database

    found = settings()
    assert found is not None  # checked by token_problem before any service starts
    config = wiring.config
    per_group = RateLimitItemPerMinute(found.group_per_minute)
    limits = PushLimits.for_redis(
        wiring.redis, config.redis.url, wiring.keys.prefix, per_group=per_group
    )
    checks = wiring.checks
    # Facilitators registered by their code are written to the class (storage/sql).
    database = open_database(config.database, config.data_dir, config.privacy.erase_key)
    official = ZaloOAAdapter(
        found,
        wiring.handle,
        wiring.redis,
        wiring.keys,
        limits,
        checks,
        ticks=wiring.ticks,
        register=partial(add_facilitator_handle, database),
    )
    if isinstance(checks, dict):  # the process's /health: 503 while the grant is lost
        checks["zalo_oa"] = official.health
    return official


@asynccontextmanager
async def push(wiring: Wiring) -> AsyncIterator[PushSender]:
    """Reminders on the OA (push.py): consultation messages in the window, templates out of it."""
    from handlers.limits import PushLimits
    from handlers.zalo_oa.push import open_push

    found = settings()
    assert found is not None  # checked by token_problem before any service starts
    config = wiring.config
    limits = PushLimits.for_redis(wiring.redis, config.redis.url, wiring.keys.prefix)
    async with open_push(found, wiring.redis, wiring.keys, limits, config.timezone) as sender:
        yield sender


async def status(config: Config, redis: Redis, keys: Keys, now: float) -> list[str]:
    from handlers.zalo_oa.status import status_lines

    found = settings()
    return await status_lines(redis, keys, found, now, config.timezone) if found else []


async def class_group(config: Config, code: str, name: str, which: str, out: TextIO) -> int:
    from handlers.zalo_oa.class_group import run_tie

    return await run_tie(config, code, name, which, out)


async def class_lines(config: Config, codes: list[str]) -> list[str]:
    from handlers.zalo_oa.class_group import group_lines

    return await group_lines(config, codes)


def join_hint(config: Config, code: str) -> str | None:
    """An OA's link and QR code open its chat but carry no code (only Zalo Mini App links take
    parameters, docs/zalo-oa.md): learners type the code, recognised alone at any step when
    it has a digit or a hyphen (bot/engine.py `TYPED_CODE`), else after /start."""
    link = oa_link()
    if not token(config) or not link:
        return None
    from bot.engine import TYPED_CODE

    send = code if TYPED_CODE.match(code.upper()) else f"/start {code}"
    hint = f"On the Zalo OA: learners open {link} (or scan the OA's QR code) and send: {send}"
    if send != code:
        hint += (
            "\n(A code with a digit or a hyphen, e.g. LOP-1A, is recognised typed alone at any "
            "step; this one needs /start before it.)"
        )
    return hint


ZALO_OA = Platform(
    id="zoa",
    name="Zalo OA",
    section="",  # read from the environment when asked: handlers/zalo_oa/settings.py
    settings_model=None,
    env={},
    token=token,
    token_problem=token_problem,
    token_hint="a Zalo OA (ZALO_OA_APP_ID, ZALO_OA_APP_SECRET, ZALO_OA_SECRET_KEY, ZALO_OA_ID)",
    adapter=adapter,
    capabilities=OA,
    join_hint=join_hint,
    push=push,
    groups=True,
    class_group=class_group,
    class_lines=class_lines,
    # The app's 4,000 calls a minute (§6), shared with answering learners: reminders take
    # at most half of it.
    push_rate=lambda config: 30,
    status=status,
)
