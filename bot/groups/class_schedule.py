"""A class's weekly time ("thứ Bảy 19:00"), set by its facilitator with `hocso class add
--schedule`: its members who chose no daily reminder time are reminded then
(bot/reminders/routes.py).

Stored as "D HH:MM", D the ISO weekday (1 Monday ... 7 Sunday). The engine gets it through a
lookup it is given (storage/sql/classes.py `class_schedule`), cached here for a few minutes so a
class learner's turns do not each ask the reporting database.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import clock_time
from bot.understand import spoken_time

log = logging.getLogger(__name__)

# A class code -> its stored schedule ("6 19:00"), or None.
ScheduleLookup = Callable[[str], Awaitable[str | None]]

CACHE_FOR = 300.0  # seconds: a schedule changed with `hocso class add` counts within minutes
LOOKUP_WITHIN = 2.0  # seconds
VI_DAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
VI_PLAIN = ("thu hai", "thu ba", "thu tu", "thu nam", "thu sau", "thu bay", "chu nhat")
EN_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Weekday names without accents, lower case -> ISO weekday. "thứ 7"/"T7" count as calendars
# write them (thứ Hai is day 2 in Vietnamese, so "thứ N" is ISO weekday N - 1).
DAYS = {
    **{name: d for d, name in enumerate(VI_PLAIN, 1)},
    **{f"thu {n}": n - 1 for n in range(2, 8)},
    **{f"t{n}": n - 1 for n in range(2, 8)},
    "cn": 7,
    **{name: d for d, name in enumerate(EN_DAYS, 1)},
    **{name[:3]: d for d, name in enumerate(EN_DAYS, 1)},
}


def _plain(text: str) -> str:
    """Lower case without accents ("Thứ Bảy" -> "thu bay"); đ is a letter of its own."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def parse(text: str) -> str:
    """ "thứ Bảy 19:00", "thu bay 19h", "T7 7 giờ tối", "Chủ nhật 8 giờ rưỡi sáng",
    "Saturday 7pm" -> "6 19:00" and so on; ValueError if not. The time is read as the
    reminder question reads it (bot/understand.py `spoken_time`)."""
    words = _plain(text).split()
    for length in (2, 1):  # "thu bay", "chu nhat", "thu 7"; then "t7", "cn", "saturday"
        day = DAYS.get(" ".join(words[:length]))
        if day is not None and len(words) > length:
            minute = spoken_time(" ".join(words[length:]))
            if minute is not None:
                return f"{day} {minute // 60:02d}:{minute % 60:02d}"
    raise ValueError(text)


def weekly(stored: str | None) -> tuple[int, int] | None:
    """(ISO weekday, minute of the day) of a stored schedule; None if none or damaged."""
    if not stored:
        return None
    try:
        day, hhmm = stored.split()
        if not 1 <= int(day) <= 7:
            return None
        return int(day), clock_time(hhmm)
    except ValueError:
        return None


def shown(stored: str | None, lang: str = "vi") -> str:
    """A stored schedule as a facilitator reads it: "Thứ Bảy 19:00" ("Saturday 19:00" in
    English); "" for none."""
    when = weekly(stored)
    if when is None:
        return ""
    day, minute = when
    name = EN_DAYS[day - 1].capitalize() if lang == "en" else VI_DAYS[day - 1]
    return f"{name} {minute // 60:02d}:{minute % 60:02d}"


def next_start(stored: str, after: int, zone: ZoneInfo, before: int = 0) -> int:
    """The first class start (epoch seconds) of a stored schedule with `start - before` later
    than `after`; 0 for none. `before`: how long ahead of it something happens (a reminder)."""
    when = weekly(stored)
    if when is None:
        return 0
    day, minute = when
    today = datetime.fromtimestamp(after, zone).date()
    for ahead in range(8):  # today, the days of the week, and the same day a week on
        date = today + timedelta(days=ahead)
        if date.isoweekday() != day:
            continue
        start = datetime.combine(date, time(minute // 60, minute % 60), zone)
        if int(start.timestamp()) - before > after:
            return int(start.timestamp())
    return 0


class ClassTimes:
    """The schedules the engine plans class learners' reminders by, looked up and kept a
    few minutes; a lookup that fails or is slow counts as no schedule, and is tried again."""

    def __init__(self, lookup: ScheduleLookup, clock: Callable[[], float]) -> None:
        self.lookup = lookup
        self.clock = clock
        self.kept: dict[str, tuple[float, tuple[int, int] | None]] = {}

    async def get(self, code: str) -> tuple[int, int] | None:
        now = self.clock()
        if (hit := self.kept.get(code)) and now - hit[0] < CACHE_FOR:
            return hit[1]
        try:
            when = weekly(await asyncio.wait_for(self.lookup(code), LOOKUP_WITHIN))
        except Exception as exc:  # noqa: BLE001  (reports down or slow: the learner's own plan)
            log.warning("schedule of class %s not looked up: %r", code, exc)
            return hit[1] if hit else None
        if len(self.kept) > 10_000:  # codes are few; this only bounds a flood of bad ones
            self.kept.clear()
        self.kept[code] = (now, when)
        return when
