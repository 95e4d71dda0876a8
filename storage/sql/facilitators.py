"""Registered facilitators, for group lessons: who may lead one without being a group admin.

`hocso class add CODE --name ... --facilitator "Chị Lan @chilan_cantho"` names the facilitator;
a Telegram @username (or a platform id such as tg:123456) written in that field is what a group
lesson recognises them by. The engine asks through bot/groups/chats.py's `Facilitators`; this
reads the classes table, at most once a minute. The class's weekly time comes with it (the
group's reminder), and a facilitator's `/schedule` in the group is written here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from sqlalchemy import select

from storage.sql.classes import set_class_schedule
from storage.sql.db import Database
from storage.sql.models import Class

# "@username" (not the middle of an e-mail address), or a platform id such as "tg:123456".
HANDLE = re.compile(r"(?<![\w.])@([A-Za-z][A-Za-z0-9_]{4,31})(?!\w|\.\w)|\b([a-z]+:\d+)\b")
REFRESH = 60.0  # seconds a read of the classes is used


def handles(facilitator: str) -> set[str]:
    """The @usernames (lower case, without @) and platform ids written in a facilitator field."""
    found = set()
    for username, platform_id in HANDLE.findall(facilitator):
        found.add(username.lower() if username else platform_id)
    return found


class ClassFacilitators:
    def __init__(self, database: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self.database = database
        self.clock = clock
        self._by_handle: dict[str, str] = {}
        self._schedules: dict[str, str] = {}  # class code -> "6 19:00" ("" for none)
        self._read_at: float | None = None

    async def class_of(self, user: str, username: str) -> str | None:
        await self._fresh()
        found = self._by_handle.get(user)
        if found is None and username:
            found = self._by_handle.get(username.lower())
        return found

    async def schedule_of(self, code: str) -> str | None:
        await self._fresh()
        return self._schedules.get(code)

    async def set_schedule(self, code: str, schedule: str) -> None:
        if await set_class_schedule(self.database, code, schedule):
            self._schedules[code] = schedule

    async def _fresh(self) -> None:
        if self._read_at is None or self.clock() - self._read_at > REFRESH:
            await self._read()

    async def _read(self) -> None:
        await self.database.ensure_schema()
        async with self.database.session() as session:
            rows = (
                await session.execute(select(Class.code, Class.facilitator, Class.schedule))
            ).all()
        by_handle: dict[str, str] = {}
        for code, facilitator, _ in sorted(rows, key=lambda r: r[0]):
            for handle in handles(facilitator or ""):
                by_handle.setdefault(handle, code)
        schedules = {code: schedule or "" for code, _, schedule in rows}
        self._by_handle, self._schedules, self._read_at = by_handle, schedules, self.clock()
