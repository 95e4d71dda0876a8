"""One conversation's updates in order, different conversations at once, on every platform.

Within one process. Across processes the engine's compare-and-set write keeps each
learner's state right; this keeps replies in the order the learner acted. The key is any
hashable naming a conversation, e.g. ("tg", user_id).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager


class Ordering:
    def __init__(self) -> None:
        # key -> (lock, how many updates hold or await it); emptied as they finish, so
        # memory stays bounded by the updates in flight
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def turn(self, key: Hashable | None) -> AsyncIterator[None]:
        """Wait for this conversation's earlier updates; None: no order to keep."""
        if key is None:
            yield
            return
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    @property
    def in_flight(self) -> int:
        """Conversations with an update being processed or waiting."""
        return len(self._locks)
