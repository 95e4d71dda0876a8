"""How Telegram updates and requests flow: each learner's updates in order, different
learners at once (handlers/ordering.py); flood limits kept, 429s waited out and network
errors retried with back-off."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

from handlers.ordering import Ordering

log = logging.getLogger(__name__)


class LearnerOrder(BaseUpdateProcessor):
    """PTB's hook for handlers/ordering.py: up to `max_concurrent_updates` at once, but one
    at a time per learner (or chat)."""

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


class PatientLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (30 messages/s overall, 20/min per group; on a 429 every request
    of this process waits `retry_after`, then retries), plus retries with exponential
    back-off when the network or Telegram's side fails, so replies are not lost."""

    def __init__(
        self,
        retries: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        group_period: float = 60.0,
    ) -> None:
        """`group_period`: the time in which 20 requests may go to one group (tests shrink
        it, with the fleet's limit in handlers/limits.py, to run a whole lesson quickly)."""
        super().__init__(max_retries=retries, group_time_period=group_period)
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # noqa: ANN001, ANN201
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
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
