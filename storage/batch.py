"""A learner store for the reminder loop: many pushed turns at once, few round trips.

The loop claims reminders with their learners' state (storage/schedule.py returns it), hands
it here (`preload`), and lets the engine decide each pushed turn as usual. The first `load` of
a preloaded learner costs nothing; the saves of every turn decided in the same moment go to
Redis in one pipeline (each still its own atomic, version-checked script, so a learner who
acted meanwhile makes that turn reload and decide again, as with the plain store).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from redis import exceptions as redis_errors

from bot.store import StorageUnavailable
from storage.state import VERSION, StateStore

Pending = tuple[list[str], list[str | int], asyncio.Future[bool]]


class BatchStore:
    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.preloaded: dict[str, tuple[dict[str, str], int]] = {}
        self._pending: list[Pending] = []
        self._flushing: asyncio.Task[None] | None = None

    def preload(self, key: str, fields: dict[str, str]) -> None:
        """The learner's state as just read (with its version field)."""
        fields = dict(fields)
        self.preloaded[key] = fields, int(fields.pop(VERSION, "0"))

    async def load(self, key: str) -> tuple[dict[str, str], int]:
        found = self.preloaded.pop(key, None)
        return found if found is not None else await self.store.load(key)

    async def save(
        self,
        key: str,
        version: int,
        old: Mapping[str, str],
        new: Mapping[str, str] | None,
        events: Sequence[Mapping[str, str]] = (),
        due: float | None = None,
    ) -> bool:
        keys, args = self.store.write_args(key, version, old, new, events, due)
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((keys, args, done))
        if self._flushing is None or self._flushing.done():
            # After every turn ready now has queued its save: one pipeline for them all.
            self._flushing = asyncio.create_task(self._flush())
        return await done

    async def _flush(self) -> None:
        await asyncio.sleep(0)
        while self._pending:
            batch, self._pending = self._pending, []
            pipe = self.store.redis.pipeline(transaction=False)
            for keys, args, _ in batch:
                await self.store._write(keys=keys, args=args, client=pipe)  # only queued
            try:
                results = await pipe.execute(raise_on_error=False)
            except (redis_errors.ConnectionError, redis_errors.TimeoutError) as exc:
                for *_, done in batch:
                    done.set_exception(StorageUnavailable(str(exc)))
                continue
            for (*_, done), result in zip(batch, results, strict=True):
                if isinstance(result, Exception):
                    done.set_exception(StorageUnavailable(str(result)))
                else:
                    done.set_result(int(result) >= 0)
