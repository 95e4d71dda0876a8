"""A learner store for the reminder loop: many pushed turns at once, few round trips.

The loop claims reminders with their learners' state (storage/schedule.py returns it) and
hands it here (`preload`); the engine then decides each pushed turn as usual. Loading a
preloaded learner costs no round trip, and the saves of every turn decided in the same moment
go to Redis in one pipeline: each is still its own version-checked script, so a learner who
acted meanwhile makes that turn decide again (on the state the script sent back).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from redis import exceptions as redis_errors

from bot.store import StorageUnavailable
from storage.state import StateStore

Pending = tuple[str, Mapping[str, str] | None, list[str], list[str | int], asyncio.Future[bool]]


class BatchStore:
    def __init__(self, store: StateStore) -> None:
        self.store = store
        self._pending: list[Pending] = []
        self._flushing: asyncio.Task[None] | None = None

    def preload(self, key: str, fields: Mapping[str, str]) -> None:
        """The learner's state as the claim just read it (with its version field)."""
        self.store.known(key, fields)

    async def load(self, key: str) -> tuple[dict[str, str], int]:
        return await self.store.load(key)

    async def save(
        self,
        key: str,
        version: int,
        old: Mapping[str, str],
        new: Mapping[str, str] | None,
        events: Sequence[Mapping[str, str]] = (),
        due: float | None = None,
    ) -> bool:
        request = self.store.write_request(key, version, old, new, events, due)
        if request is None:
            return True
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((key, new, *request, done))
        if self._flushing is None or self._flushing.done():
            # After every turn ready now has queued its save: one pipeline for them all.
            self._flushing = asyncio.create_task(self._flush())
        return await done

    async def _flush(self) -> None:
        await asyncio.sleep(0)
        while self._pending:
            batch, self._pending = self._pending, []
            pipe = self.store.redis.pipeline(transaction=False)
            for _, _, keys, args, _ in batch:
                await self.store._write(keys=keys, args=args, client=pipe)  # only queued
            try:
                results = await pipe.execute(raise_on_error=False)
            except (redis_errors.ConnectionError, redis_errors.TimeoutError) as exc:
                for key, _, _, _, done in batch:
                    self.store._forget(key)
                    done.set_exception(StorageUnavailable(str(exc)))
                continue
            for (key, new, _, _, done), result in zip(batch, results, strict=True):
                if isinstance(result, Exception):
                    self.store._forget(key)
                    done.set_exception(StorageUnavailable(str(result)))
                else:
                    done.set_result(self.store.written(key, new, result))
