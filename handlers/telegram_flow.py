"""How updates and requests flow: each learner's updates in order, different learners at
once; flood limits kept, 429s waited out and network errors retried with back-off."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)


class LearnerOrder(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` at once, but one at a time per learner (or chat).

    Within one process. Across processes the engine's compare-and-set write keeps each
    learner's state right; this keeps replies in the order the learner acted.
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        # key -> (lock, how many updates hold or await it); emptied as they finish, so
        # memory stays bounded by the updates in flight
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key, (None, 0))
        lock = lock or asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    @property
    def learners_in_flight(self) -> int:
        return len(self._locks)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def order_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


SENDS = ("send", "copy", "forward")  # endpoints whose repetition shows the learner a duplicate


class PatientLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (30 messages/s overall, 20/min per group; on a 429 every request
    of this process waits `retry_after`, then retries), plus retries with exponential
    back-off when the network or Telegram's side fails, so replies are not lost."""

    def __init__(self, retries: int = 5, backoff: float = 1.0, max_backoff: float = 30.0) -> None:
        super().__init__(max_retries=retries)
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
