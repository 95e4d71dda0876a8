"""What the engine needs from learner storage: read a learner, write back only if unchanged.

The engine depends on this interface, not on Redis: storage/state.py is the Redis
implementation used in production, bot/memory_store.py one kept in this process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class StorageUnavailable(Exception):
    """Storage cannot be reached, or did not answer in time; nothing was changed."""


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
    ) -> bool:
        """Write `new` (None erases the learner) and append its reporting `events`, in one
        atomic step, if the stored version is still `version`; `old` is what `load` gave,
        so only changes need writing. Called even when nothing changed (a store that loaded
        from a cache confirms then that `version` is current). False on a conflict: the
        caller reloads and decides again. Raises StorageUnavailable."""
        ...
