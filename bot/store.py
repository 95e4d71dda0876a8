"""What the engine needs from learner storage: read a learner, write back only if unchanged.

The engine depends on this interface, not on Redis: storage/redis/state.py is the Redis
implementation used in production, bot/memory_store.py one kept in this process. Group lessons
add `GroupStore` (storage/redis/groups.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.events import DoneMark
from bot.group_state import Answered, GroupSnapshot

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


class GroupStore(Protocol):
    """What group lessons need beyond learners (bot/classroom.py): a chat's lesson state, kept
    under the chat's own hash tag, and short-lived link codes (pair mode).

    storage/redis/groups.py is the Redis implementation, bot/memory_store.py one in this
    process. Every method raises StorageUnavailable when storage cannot be reached."""

    async def load_group(self, chat: str) -> GroupSnapshot:
        """The chat's state, roster, this run's participants, answers and tally, read at once."""
        ...

    async def save_group(
        self, chat: str, version: int, old: Mapping[str, str], new: Mapping[str, str]
    ) -> bool:
        """Write `new` if the version is still `version`; the chat's due time (the sooner of
        fields "du", a lesson's next step, and "ca", its class reminder) is indexed in the
        same step, for `due_chats`. False on a conflict."""
        ...

    async def answer(
        self, chat: str, run: str, step: int, user: str, mark: str, choice: int
    ) -> Answered:
        """Count one answer once, if `run` is still on `step` and its answer is not shown: a
        member who joined by id, anyone else by their anonymous `mark` only."""
        ...

    async def join(self, chat: str, user: str, name: str) -> tuple[bool, int]:
        """Add a member (first name kept for the group's summaries) and, during a run, to its
        participants; (newly joined, participants now)."""
        ...

    async def leave(self, chat: str, user: str) -> None:
        """Forget a member in this chat: roster, participation and answers."""
        ...

    async def end_run(self, chat: str, run: str, cleared: Sequence[str]) -> bool:
        """If `run` is the chat's run: drop its fields `cleared` and everything it kept
        beside the state (participants, answers, tally, anonymous marks). False otherwise."""
        ...

    async def due_chats(self, now: int, platform: str) -> list[str]:
        """Chats of `platform` whose lesson waits for the tutor to move on, or whose class
        reminder is due."""
        ...

    async def move_group(self, old: str, new: str) -> None:
        """The chat `old` is now `new` (a group that became a supergroup): its state and
        everything kept beside it go with it. Nothing happens when `old` has nothing."""
        ...

    async def put_code(self, code: str, value: str, seconds: int) -> bool:
        """Keep `value` under a fresh `code` for `seconds`; False if the code is taken."""
        ...

    async def read_code(self, code: str, take: bool = False) -> str | None:
        """The value kept under `code` (None once expired); `take` deletes it as it is read,
        so a code works once."""
        ...
