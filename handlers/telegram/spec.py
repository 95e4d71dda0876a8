"""Telegram as hocso sees it (handlers/platform.py): the registry's entry for this package.

Light on purpose: python-telegram-bot is imported only when the adapter or the push sender
is built, so `hocso chat` and `hocso report` never load it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.events import Reach
from handlers import CannotServe
from handlers.platform import Adapter, Config, Platform, Wiring
from handlers.push import PushSender
from handlers.telegram.capabilities import CAPABILITIES
from handlers.telegram.settings import ENV, USERNAME, TelegramSettings, bot_username

TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")


def token_problem(token: str) -> str | None:
    """Why this bot token cannot work, in one line; None when it looks right."""
    if not token:
        return "no Telegram bot token: set TELEGRAM_BOT_TOKEN (from @BotFather)"
    if not TOKEN.match(token):
        return "TELEGRAM_BOT_TOKEN is malformed: expected digits, ':' and 30+ letters"
    return None


def adapter(wiring: Wiring) -> Adapter:
    from handlers.limits import PushLimits
    from handlers.telegram.adapter import TelegramAdapter

    config = wiring.config
    return TelegramAdapter(
        config.telegram,
        wiring.handle,
        wiring.redis,
        wiring.keys,
        checks=wiring.checks,
        listen=config.server.listen,  # the one web server, when it serves alone
        port=config.server.port,
        media_roots=(config.lessons_dir, config.data_dir),  # the only files ever uploaded
        ticks=wiring.ticks,  # group lessons that move on by themselves
        # Flood limits shared by every worker: a group's messages wait their turn.
        limits=PushLimits.for_redis(wiring.redis, config.redis.url, wiring.keys.prefix),
    )


@asynccontextmanager
async def push(wiring: Wiring) -> AsyncIterator[PushSender]:
    """Telegram's sender of reminders; a refused token or an unreachable API at start-up
    (getMe) is CannotServe, later failures are retried by the reminder loop."""
    from telegram.error import InvalidToken, NetworkError

    from handlers.telegram.push import TelegramPush

    settings = wiring.config.telegram
    try:
        async with TelegramPush(settings, wiring.redis, wiring.keys) as sender:
            yield sender
    except InvalidToken as exc:
        raise CannotServe("Telegram refused the bot token: check TELEGRAM_BOT_TOKEN") from exc
    except NetworkError as exc:
        where = settings.base_url or "api.telegram.org"
        raise CannotServe(f"cannot reach Telegram at {where}: {exc}") from exc


def reach(config: Config) -> Reach:
    """The bot's username names the one official bot, and makes its links (a class's link
    carries its code: /start CODE); nothing without it, never a guessed name."""
    name = config.telegram.username
    if not name:
        return Reach()
    link = f"https://t.me/{name}"
    return Reach(handle=name, link=link, join=f"{link}?start={{code}}")


def with_username(config: Config, typed: str) -> Config:
    """The settings with the bot's username replaced by `typed` ("@hocso_bot" too)."""
    name = bot_username(typed)
    if not re.match(USERNAME, name):
        raise ValueError(
            f"bad bot username {typed!r} for --bot: 5 to 32 of A-Z a-z 0-9 _, as @BotFather "
            "gave it (e.g. hocso_cantho_bot)"
        )
    telegram = config.telegram.model_copy(update={"username": name})
    return config.model_copy(update={"telegram": telegram})


TELEGRAM = Platform(
    id="tg",
    name="Telegram",
    section="telegram",
    settings_model=TelegramSettings,
    env=ENV,
    token=lambda config: config.telegram.token,
    token_problem=token_problem,
    token_hint="TELEGRAM_BOT_TOKEN (from @BotFather)",
    adapter=adapter,
    capabilities=CAPABILITIES,
    push=push,
    push_rate=lambda config: config.telegram.broadcast_rate,
    groups=True,  # group lessons: handlers/telegram/group.py
    reach=reach,
    rehandle=with_username,
    link_hint=(
        "Set telegram.username in config.yaml (or TELEGRAM_BOT_USERNAME), or pass --bot USERNAME"
    ),
)
