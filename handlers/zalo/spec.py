"""The Zalo Bot Platform as hocso sees it (handlers/platform.py): the registry's entry.

Light on purpose: the adapter and its Bot API client are imported only when built.
"""

from __future__ import annotations

import re

from handlers.platform import Adapter, Config, Platform, Wiring
from handlers.zalo.capabilities import ZALO_BOT
from handlers.zalo.settings import ENV, ZaloSettings

TOKEN = re.compile(r"^\d+:\S{8,}$")  # "{bot_id}:{secret}", as Zalo Bot Manager gives it


def token_problem(token: str) -> str | None:
    """Why this bot token cannot work, in one line; None when it looks right."""
    if not TOKEN.match(token):
        return (
            "ZALO_BOT_TOKEN is malformed: expected the bot's id (digits), ':' and its secret, "
            "as Zalo Bot Manager gave it"
        )
    return None


def adapter(wiring: Wiring) -> Adapter:
    from handlers.zalo.adapter import ZaloAdapter
    from handlers.zalo_oa.spec import oa_link

    config = wiring.config
    pictures = [config.lessons_dir, config.data_dir / "certificates"]
    # A protected user, whose messages Zalo hides from the bot, is pointed to the OA.
    return ZaloAdapter(
        config.zalo,
        wiring.handle,
        wiring.redis,
        wiring.keys,
        pictures,
        wiring.checks,
        oa_link=oa_link(),
    )


def join_hint(config: Config, code: str) -> str | None:
    """Zalo's bots have no link that carries a code (none in any copy of Zalo's docs we
    found, docs/zalo.md): Zalo learners type it."""
    if not config.zalo.token:
        return None
    return (
        f"On Zalo: learners open the bot in Zalo and send this message: /start {code}\n"
        "(Zalo bots have no link that carries a class code, so there is no Zalo link or QR "
        "code for it.)"
    )


ZALO = Platform(
    id="zalo",
    name="Zalo",
    section="zalo",
    settings_model=ZaloSettings,
    env=ENV,
    token=lambda config: config.zalo.token,
    token_problem=token_problem,
    token_hint="ZALO_BOT_TOKEN (from Zalo Bot Manager)",
    adapter=adapter,
    capabilities=ZALO_BOT,
    join_hint=join_hint,
)
