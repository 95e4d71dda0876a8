"""How Telegram updates and requests flow: each learner's updates in order, different
learners at once (handlers/ordering.py); replies go out at once within Telegram's per-chat
and per-group limits, a 429 pauses only the chat it was about, and network errors are retried
with back-off."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Hashable
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import BaseRateLimiter, BaseUpdateProcessor

from handlers.limits import PushLimits
from handlers.ordering import Ordering
from storage import metrics

log = logging.getLogger(__name__)


class LearnerOrder(BaseUpdateProcessor):
    """PTB's hook for handlers/ordering.py: up to `max_concurrent_updates` at once, but one
    at a time per conversation (see `order_key`)."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self.order = Ordering()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        async with self.order.turn(order_key(update)):
            await coroutine

    @property
    def learners_in_flight(self) -> int:
        return self.order.in_flight

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def order_key(update: object) -> tuple[str, int | str] | None:
    """Whose updates wait for each other: a group chat's (its lesson is one conversation), a
    learner's private ones, and a quiz poll's votes (their update does not name the chat). A
    member's group taps and private lesson never wait for each other."""
    if not isinstance(update, Update):
        return None
    if update.poll_answer is not None:
        return ("tg", f"poll:{update.poll_answer.poll_id}")
    chat = update.effective_chat
    if chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        return ("tg", chat.id)
    if update.effective_user is not None:
        return ("tg", update.effective_user.id)
    return ("tg", chat.id) if chat is not None else None


SENDS = ("send", "copy", "forward")  # endpoints whose repetition shows the learner a duplicate
PER_CHAT = (4, 4.0)  # a burst of 4 messages to one chat, refilled at 1 a second
PER_GROUP = (20, 60.0)  # 20 messages a minute to one group
CHATS_KEPT = 10_000  # chats whose limits are remembered (the least recent are forgotten)


class ReplyLimiter(BaseRateLimiter[dict[str, Any]]):
    """Replies are not bulk notifications: they go out at once, with no limit for the whole
    bot (Telegram's 30/s is for broadcasts; pushed messages wait in handlers/limits.py).
    Each chat gets about 1 new message a second with short bursts (edits do not wait), each
    group 20 messages or edits a minute; a 429
    pauses that chat alone (and, for a request marked `rate_limit_args={"bulk": True}`, every
    process's pushes through `PushLimits.pause`). Failed network calls are retried with
    exponential back-off; a send that timed out is never repeated (it may have arrived)."""

    def __init__(
        self,
        retries: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        push_limits: PushLimits | None = None,
        per_chat: tuple[int, float] = PER_CHAT,
        per_group: tuple[int, float] = PER_GROUP,
        chats_kept: int = CHATS_KEPT,
    ) -> None:
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.push_limits = push_limits
        self.per_chat = per_chat
        self.per_group = per_group
        self.chats_kept = chats_kept
        self._limits: OrderedDict[Hashable, AsyncLimiter] = OrderedDict()
        self._paused: dict[Hashable, float] = {}  # chat -> monotonic time its 429 ends

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # noqa: ANN001, ANN201
        """Every Bot API call; a message sent or not is counted (storage/metrics.py)."""
        try:
            result = await self._request(callback, args, kwargs, endpoint, data, rate_limit_args)
        except TelegramError as exc:
            if endpoint.startswith(SENDS):
                metrics.REPLY_FAILURES.labels("tg", type(exc).__name__).inc()
            raise
        if endpoint.startswith(SENDS):
            metrics.REPLIES.labels("tg").inc()
        return result

    async def _request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # noqa: ANN001, ANN202
        chat = data.get("chat_id")
        bulk = bool(rate_limit_args and rate_limit_args.get("bulk"))
        delay = self.backoff
        # Telegram's ~1 a second in a private chat is about new messages: the edit that
        # shows an answer, or takes a keyboard away, does not wait behind it. In groups,
        # edits count too (about 20 a minute).
        limited = chat is not None and (endpoint.startswith(SENDS) or is_group(chat))
        for attempt in range(self.retries + 1):
            if chat is not None:
                await self._turn(chat, limited)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                log.warning("%s to %s: 429, waiting %.1fs", endpoint, chat, seconds)
                metrics.RATE_LIMITED.labels("tg").inc()
                if bulk and self.push_limits is not None:
                    await self.push_limits.pause(seconds)  # every process stops pushing
                if attempt == self.retries:
                    raise
                if chat is None:
                    await asyncio.sleep(seconds)
                else:
                    self._paused[chat] = time.monotonic() + seconds
            except BadRequest:
                raise  # our request was wrong: sending it again would not help
            except TimedOut:
                # Telegram may have delivered it and only answered late: a second send would
                # show the learner the same message twice. Only repeatable calls go again.
                if endpoint.startswith(SENDS) or attempt == self.retries:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
            except NetworkError as exc:
                if attempt == self.retries:
                    raise
                log.warning("%s failed (%s); retrying in %.1fs", endpoint, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
        raise AssertionError("unreachable")

    async def _turn(self, chat: Hashable, limited: bool = True) -> None:
        """Wait out this chat's 429, then take its share of the per-chat (or group) limit."""
        until = self._paused.get(chat)
        if until is not None:
            left = until - time.monotonic()
            if left > 0:
                await asyncio.sleep(left)
            self._paused.pop(chat, None)
        if not limited:
            return
        limiter = self._limits.get(chat)
        if limiter is None:
            rate, period = self.per_group if is_group(chat) else self.per_chat
            limiter = self._limits[chat] = AsyncLimiter(rate, period)
            if len(self._limits) > self.chats_kept:
                self._limits.popitem(last=False)  # a forgotten chat only regains its burst
        else:
            self._limits.move_to_end(chat)
        await limiter.acquire()


def is_group(chat: object) -> bool:
    """Groups and supergroups have negative ids (channels too: they are not used here)."""
    try:
        return int(chat) < 0  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False  # "@channelusername"


def retry_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for (PTB is moving retry_after from int to timedelta)."""
    value = getattr(exc, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(exc.retry_after)  # type: ignore[arg-type]
