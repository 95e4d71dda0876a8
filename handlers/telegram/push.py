"""Reminders to Telegram learners: the `PushSender` (handlers/push.py) of the Telegram adapter.

Replies are rendered exactly as answers are (send.py). This bot client has no rate
limiter of its own: pushed messages wait in the fleet-wide one (handlers/limits.py), and a 429
pauses every process (`SlowDown`), not only this one.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import timedelta
from types import TracebackType
from typing import Any

from redis.asyncio import Redis
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.events import Reply
from handlers.push import SlowDown, TryLater, Unreachable
from handlers.telegram.http import AiohttpRequest
from handlers.telegram.send import Blocked, Sender
from handlers.telegram.settings import TelegramSettings
from storage.redis.keys import Keys


class TelegramPush:
    platform = "tg"

    def __init__(
        self, settings: TelegramSettings, redis: Redis, keys: Keys, connections: int = 64
    ) -> None:
        options: dict[str, Any] = {"base_url": settings.base_url} if settings.base_url else {}
        request = AiohttpRequest(connection_pool_size=connections, pool_timeout=30.0)
        self.bot = Bot(settings.token, request=request, **options)
        # Paid broadcasts: up to 1000 messages a second, charged in Stars (0.1 Star per
        # message over the free limit), see docs/reminders.md.
        paid = {"allow_paid_broadcast": True} if settings.paid_broadcast else None
        self.sender = Sender(self.bot, redis, keys, settings.token.partition(":")[0], (), paid)

    async def __aenter__(self) -> TelegramPush:
        await self.bot.initialize()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.bot.shutdown()

    async def push(self, chat: str, replies: Sequence[Reply]) -> None:
        try:
            await self.sender.show(int(chat), replies, None)
        except Blocked as exc:
            raise Unreachable(str(exc)) from exc
        except RetryAfter as exc:
            with warnings.catch_warnings():  # an int today, a timedelta in a later PTB
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = exc.retry_after
            raise SlowDown(wait.total_seconds() if isinstance(wait, timedelta) else wait) from exc
        except (BadRequest, TimedOut):
            raise  # refused for good, or it may have arrived: not sent again
        except NetworkError as exc:
            raise TryLater(str(exc)) from exc
