"""Group lessons kept in this process (bot/groups/store.py `GroupStore`), for tests and tools
that need no Redis."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from bot.groups.state import Answered, GroupSnapshot


class MemoryGroupStore:
    """Group lessons kept in this process, with the Redis store's promises (see
    storage/redis/groups.py): compare-and-set state, each answer counted once while open."""

    def __init__(self) -> None:
        self.states: dict[str, dict[str, str]] = {}
        self.versions: dict[str, int] = {}
        self.rosters: dict[str, dict[str, str]] = {}
        self.participants: dict[str, set[str]] = {}
        self.answers: dict[str, dict[tuple[int, str], int]] = {}
        self.marks: dict[str, dict[tuple[int, str], int]] = {}
        self.tallies: dict[str, dict[str, int]] = {}
        self.codes: dict[str, tuple[str, float]] = {}

    async def load_group(self, chat: str) -> GroupSnapshot:
        return GroupSnapshot(
            dict(self.states.get(chat, {})),
            self.versions.get(chat, 0),
            dict(self.rosters.get(chat, {})),
            set(self.participants.get(chat, set())),
            dict(self.answers.get(chat, {})),
            dict(self.tallies.get(chat, {})),
        )

    async def save_group(
        self, chat: str, version: int, old: Mapping[str, str], new: Mapping[str, str]
    ) -> bool:
        if self.versions.get(chat, 0) != version:
            return False
        self.states[chat] = dict(new)
        self.versions[chat] = version + 1
        return True

    async def answer(
        self, chat: str, run: str, step: int, user: str, mark: str, choice: int
    ) -> Answered:
        state = self.states.get(chat, {})
        if state.get("rn") != run or int(state.get("sp", "0")) != step:
            return Answered(-1)
        if state.get("ph") != "ask":
            return Answered(-2)
        member = user in self.rosters.get(chat, {})
        book = (self.answers if member else self.marks).setdefault(chat, {})
        who = (step, user if member else mark)
        tally = self.tallies.setdefault(chat, {})
        people = self.participants.setdefault(chat, set())
        status = 0 if who in book else 1
        if status:
            book[who] = choice
            for name in (f"{step}:{choice}", f"{step}:n", *([f"{step}:j"] if member else [])):
                tally[name] = tally.get(name, 0) + 1
            if member:
                people.add(user)
            self.versions[chat] = self.versions.get(chat, 0) + 1
        return Answered(
            status,
            book[who],
            tally.get(f"{step}:n", 0),
            tally.get(f"{step}:j", 0),
            len(people),
            member,
        )

    async def join(self, chat: str, user: str, name: str) -> tuple[bool, int]:
        roster = self.rosters.setdefault(chat, {})
        new = user not in roster
        roster[user] = name
        people = self.participants.setdefault(chat, set())
        if self.states.get(chat, {}).get("ph", "") not in ("", "end"):
            people.add(user)
        return new, len(people)

    async def leave(self, chat: str, user: str) -> None:
        self.rosters.get(chat, {}).pop(user, None)
        self.participants.get(chat, set()).discard(user)
        book = self.answers.get(chat, {})
        for key in [k for k in book if k[1] == user]:
            del book[key]

    async def end_run(self, chat: str, run: str, cleared: Sequence[str]) -> bool:
        state = self.states.get(chat, {})
        if state.get("rn") != run:
            return False
        for part in (self.participants, self.answers, self.marks, self.tallies):
            part.pop(chat, None)
        for name in cleared:
            state.pop(name, None)
        self.versions[chat] = self.versions.get(chat, 0) + 1
        return True

    async def due_chats(self, now: int, platform: str) -> list[str]:
        def due(state: dict[str, str]) -> bool:  # a lesson's next step, or a class reminder
            return any(0 < int(state.get(name, "0")) <= now for name in ("du", "ca"))

        return [c for c, s in self.states.items() if c.startswith(f"{platform}:") and due(s)]

    async def move_group(self, old: str, new: str) -> None:
        parts: tuple[dict[str, Any], ...] = (
            self.states,
            self.versions,
            self.rosters,
            self.participants,
            self.answers,
            self.marks,
            self.tallies,
        )
        for part in parts:
            if old in part:
                part[new] = part.pop(old)

    async def put_code(self, code: str, value: str, seconds: int) -> bool:
        if code in self.codes and self.codes[code][1] > time.time():
            return False
        self.codes[code] = (value, time.time() + seconds)
        return True

    async def read_code(self, code: str, take: bool = False) -> str | None:
        value, until = self.codes.get(code, ("", 0.0))
        if until <= time.time():
            return None
        if take:
            del self.codes[code]
        return value
