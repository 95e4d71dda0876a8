"""What group lessons and pair mode need from storage beyond learners (bot/store.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.groups.state import Answered, GroupSnapshot


class GroupStore(Protocol):
    """What group lessons need beyond learners (bot/groups/chats.py): a chat's lesson state, kept
    under the chat's own hash tag, and short-lived link codes (pair mode).

    storage/redis/groups.py is the Redis implementation, bot/groups/memory_store.py one in this
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
