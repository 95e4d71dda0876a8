"""What the engine needs from learner storage: read a learner, write back only if unchanged.

The engine depends on this interface, not on Redis: storage/redis/state.py is the Redis
implementation used in production, bot/memory_store.py one kept in this process. Group lessons
add their own (bot/groups/store.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.events import DoneMark

# `save(..., due=REMOVE)`: the learner leaves the reminder schedule.
REMOVE = 0.0


class StorageUnavailable(Exception):
    """Storage cannot be reached, or did not answer in time; nothing was changed."""


@dataclass(slots=True)
class Save:
    """One learner's write, as `LearnerStore.save` takes it (for `save_many`)."""

    key: str
    version: int
    old: Mapping[str, str]
    new: Mapping[str, str] | None
    events: Sequence[Mapping[str, str]] = ()
    due: float | None = None


class LearnerStore(Protocol):
    async def load(self, key: str) -> tuple[dict[str, str], int]:
        """The fields stored under `key` ({} for a new learner) and the version to pass
        back to `save`. Raises StorageUnavailable."""
        ...

    async def save(
        self,
        key: str,
        version: int,
        old: Mapping[str, str],
        new: Mapping[str, str] | None,
        events: Sequence[Mapping[str, str]] = (),
        due: float | None = None,
        done: DoneMark | None = None,
    ) -> bool:
        """Write `new` (None erases the learner) and append its reporting `events`, in one
        atomic step, if the stored version is still `version`; `old` is what `load` gave,
        so only changes need writing. Called even when nothing changed (a store that loaded
        from a cache confirms then that `version` is current). False on a conflict: the
        caller reloads and decides again. Raises StorageUnavailable.

        `due` moves the learner in the reminder schedule in the same step: None leaves it,
        a time (epoch seconds; infinity for "opted out") sets it, REMOVE takes the learner
        off. Erasing a learner always takes them off.

        `done`: the event's update mark (bot/events.py `DoneMark`), written with this save
        when it is the mark's learner's and the save lands; a store may leave it (the
        adapter then writes it on its own)."""
        ...

    async def save_many(self, saves: Sequence[Save]) -> list[bool]:
        """Each write as `save` would do it, in as few round trips as the store can (a wave of
        reminders); True or False for each. The states may have been read elsewhere (the
        reminder claim): each is confirmed, even when nothing changed. Raises
        StorageUnavailable: then some may have been written, each after its own check."""
        ...
