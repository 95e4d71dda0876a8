"""A learner store kept in this process: for engine tests and tools that need no Redis.

It keeps the same promises as the Redis store (storage/redis/state.py): a write applies only if
the version is unchanged, and a learner's state and its events are written together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.events import DoneMark
from bot.store import REMOVE, Save


class MemoryStore:
    def __init__(self) -> None:
        self.learners: dict[str, dict[str, str]] = {}
        self.versions: dict[str, int] = {}
        self.events: list[dict[str, str]] = []  # the outbox, in the order written
        self.schedule: dict[str, float] = {}  # reminders: learner -> next due time

    async def load(self, key: str) -> tuple[dict[str, str], int]:
        return dict(self.learners.get(key, {})), self.versions.get(key, 0)

    async def save(
        self,
        key: str,
        version: int,
        old: Mapping[str, str],
        new: Mapping[str, str] | None,
        events: Sequence[Mapping[str, str]] = (),
        due: float | None = None,
        done: DoneMark | None = None,  # left to the adapter: no update marks in memory
    ) -> bool:
        if self.versions.get(key, 0) != version:
            return False
        if new is None or due == REMOVE:
            self.schedule.pop(key, None)
        elif due is not None:
            self.schedule[key] = due
        if new is not None and dict(new) == dict(old) and not events:
            return True  # nothing to write
        if new is None:
            self.learners.pop(key, None)
            self.versions.pop(key, None)
        else:
            self.learners[key] = dict(new)
            self.versions[key] = version + 1
        self.events += [dict(e) for e in events]
        return True

    async def save_many(self, saves: Sequence[Save]) -> list[bool]:
        return [await self.save(s.key, s.version, s.old, s.new, s.events, s.due) for s in saves]
