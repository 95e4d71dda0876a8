"""What each learner and each row adds to the web_* counts, in one place, so a full recount
and an increment (web/increments.py) count alike: an increment takes a learner's old share
out (sign -1) and puts the new one in (sign +1).

Two kinds of share:
- a learner's, from their State (web_learners): started, the funnel's stages, certificates,
  active or stuck (which depends on the time of the recount);
- a row's: a first pass (per day, per module), a module finished, a first answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Select,
    and_,
    any_,
    bindparam,
    case,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql.models import ERASED, Certificate, Completion, Learner, ModuleCompletion, Response
from storage.sql.web_models import ALL_CLASSES, WebAnswer, WebDaily, WebGroup, WebModule, WebStuck

ACTIVE_DAYS = 7  # "active": did something in the last week; "stuck": not for a week or more
# Tables whose new rows an increment counts, by id.
GROWING: dict[str, Any] = {
    "learners": Learner,
    "responses": Response,
    "completions": Completion,
    "module_completions": ModuleCompletion,
}


@dataclass(frozen=True)
class Course:
    """What the funnel measures: passing the first lesson, finishing the first module."""

    first_lesson: str = ""
    first_module: str = ""


Key = tuple  # (class_code, area, *more)
CHUNK = 500  # learner ids per IN (...) on SQLite; PostgreSQL takes them as one array
PG_CHUNK = 5000


def chunk_size(conn: AsyncConnection) -> int:
    return PG_CHUNK if conn.dialect.name == "postgresql" else CHUNK


def among(conn: AsyncConnection, column, ids: list[int]) -> ColumnElement[bool]:  # noqa: ANN001
    """`column IN ids`: on PostgreSQL one array parameter (= ANY), which is parsed and
    planned once, not a parameter per id."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(BigInteger)))
    return column.in_(ids)


class Counts:
    """Sums per key, each also added to its ward's ALL_CLASSES key."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: dict[Key, list[int]] = defaultdict(lambda: [0] * width)

    def add(self, area: str | None, klass: str | None, more: tuple, values: Iterable) -> None:
        """Count for the class (None: only for the ward) and its ward."""
        area = ERASED if area is None else area
        keys = [(ALL_CLASSES, area, *more)]
        if klass is not None:
            keys.append((klass, area, *more))
        for key in keys:
            row = self.rows[key]
            for i, v in enumerate(values):
                row[i] += int(v or 0)


# Each table's key columns after (class_code, area), and its value columns, in order.
TABLES: dict[Any, tuple[tuple[str, ...], tuple[str, ...]]] = {
    WebDaily: (("day",), ("started", "lessons", "certified")),
    WebGroup: (
        (), ("started", "lessons", "lesson_one", "module_one", "certified", "active", "stuck")
    ),
    WebStuck: (("lesson",), ("stuck", "failed")),
    WebModule: (("module",), ("lessons", "finished")),
    WebAnswer: (("lesson", "question", "choice"), ("answers", "wrong")),
}  # fmt: skip


class Days:
    """The local date of a UTC time, as local_day (web/rollup.py) computes it in SQL."""

    def __init__(self, dialect: str, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        # SQLite shifts by the zone's offset now (exact for zones without daylight saving).
        self.offset = None if dialect == "postgresql" else datetime.now(self.zone).utcoffset()

    def of(self, at: datetime) -> date:
        if self.offset is None:
            return at.astimezone(self.zone).date()
        return (at.replace(tzinfo=None) + (self.offset or timedelta())).date()


STATE_COLUMNS = (
    "learner_id", "area", "class_code", "started_day", "lesson_one", "module_one",
    "certified_days", "last_at", "tried", "tried_failed",
)  # fmt: skip


@dataclass
class State:
    """A learner as counted (a row of web_learners)."""

    area: str
    class_code: str
    started_day: date
    lesson_one: bool = False
    module_one: bool = False
    certified_days: tuple[date, ...] = ()
    last_at: datetime | None = None  # the newest start, answer or finished lesson
    tried: str = ""  # the lesson tried last
    tried_failed: bool = False

    def row(self, learner_id: int) -> dict:
        days = ",".join(sorted(d.isoformat() for d in self.certified_days))
        return {
            "learner_id": learner_id, "area": self.area, "class_code": self.class_code,
            "started_day": self.started_day, "lesson_one": self.lesson_one,
            "module_one": self.module_one, "certified_days": days, "last_at": self.last_at,
            "tried": self.tried, "tried_failed": self.tried_failed,
        }  # fmt: skip

    @classmethod
    def of_row(cls, r) -> State:  # noqa: ANN001 - a web_learners row
        days = tuple(date.fromisoformat(d) for d in r.certified_days.split(",") if d)
        return cls(r.area, r.class_code, _day(r.started_day), bool(r.lesson_one),
                   bool(r.module_one), days, r.last_at, r.tried, bool(r.tried_failed))  # fmt: skip

    def key(self) -> tuple[str, str]:
        return self.class_code, self.area


class Tally:
    """Changes to every web_* table, as sums per key."""

    def __init__(self) -> None:
        self.counts = {model: Counts(len(values)) for model, (_, values) in TABLES.items()}

    def learner(self, s: State, since: datetime, sign: int) -> None:
        active = s.last_at is not None and s.last_at >= since
        certified = bool(s.certified_days)
        stuck = not active and not certified
        g = (sign, 0, sign * s.lesson_one, sign * s.module_one, sign * certified,
             sign * active, sign * stuck)  # fmt: skip
        self.counts[WebGroup].add(s.area, s.class_code, (), g)
        daily = self.counts[WebDaily]
        daily.add(s.area, s.class_code, (s.started_day,), (sign, 0, 0))
        for day in s.certified_days:
            daily.add(s.area, s.class_code, (day,), (0, 0, sign))
        if stuck:
            self.counts[WebStuck].add(
                s.area, s.class_code, (s.tried,), (sign, sign * s.tried_failed)
            )

    def activity(
        self, area: str, klass: str, certified: bool, tried: str, failed: bool, sign: int
    ) -> None:
        """A learner became active (sign 1) or quiet (-1), and nothing else changed: what
        learner(state, since_before, -1) and learner(state, since, 1) add up to, for less."""
        stuck = 0 if certified else -sign
        self.counts[WebGroup].add(area, klass, (), (0, 0, 0, 0, 0, sign, stuck))
        if not certified:
            self.counts[WebStuck].add(area, klass, (tried,), (stuck, stuck * failed))

    def detached_certificates(self, days: dict[date, int], sign: int) -> None:
        """Certificates of forgotten learners: they still count, under "(erased)"."""
        for day, n in days.items():
            self.counts[WebDaily].add(ERASED, ERASED, (day,), (0, 0, sign * n))
            self.counts[WebGroup].add(ERASED, ERASED, (), (0, 0, 0, 0, sign * n, 0, 0))

    def first_passes(self, key: tuple[str, str] | None, day: date, module: str, n: int) -> None:
        klass, area = key or (ERASED, ERASED)  # None: a detached row
        self.counts[WebDaily].add(area, klass, (day,), (0, n, 0))
        self.counts[WebModule].add(area, klass, (module,), (n, 0))
        self.counts[WebGroup].add(area, klass, (), (0, n, 0, 0, 0, 0, 0))

    def module_finished(self, key: tuple[str, str] | None, module: str, n: int) -> None:
        klass, area = key or (ERASED, ERASED)
        self.counts[WebModule].add(area, klass, (module,), (0, n))

    def answers(
        self, area: str | None, lesson: str, question: str, choice: int, n: int, wrong: int
    ) -> None:
        """First answers in lessons, per ward only (a class's are counted when its page is
        opened)."""
        self.counts[WebAnswer].add(area, None, (lesson, question, choice), (n, wrong))

    def rows(self, model: type, nonzero: bool = False) -> list[dict]:
        more, values = TABLES[model]
        names = ("class_code", "area", *more, *values)
        return [
            dict(zip(names, (*key, *v), strict=True))
            for key, v in self.counts[model].rows.items()
            if not nonzero or any(v)
        ]


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _only(conn: AsyncConnection, query: Select, column, ids: list[int] | None) -> Select:  # noqa: ANN001
    return query.where(column.is_not(None) if ids is None else among(conn, column, ids))


async def learner_states(
    conn: AsyncConnection,
    days: Days,
    first_lesson: str,
    first_module: str,
    ids: list[int] | None = None,
) -> dict[int, State]:
    """Every learner's State (ids None), or these learners'. Each part is one grouping per
    table, merged here by learner id: joining the groupings in SQL made SQLite rescan a
    grouping for every learner (minutes for 50,000 learners)."""
    if ids is not None:
        found: dict[int, State] = {}
        size = chunk_size(conn)
        for i in range(0, len(ids), size):
            part = ids[i : i + size]
            found |= await _states(conn, days, first_lesson, first_module, part)
        return found
    return await _states(conn, days, first_lesson, first_module, ids)


async def _states(
    conn: AsyncConnection,
    days: Days,
    first_lesson: str,
    first_module: str,
    ids: list[int] | None,
) -> dict[int, State]:
    L, C, R = Learner, Completion, Response
    found: dict[int, State] = {}
    query = _only(conn, select(L.id, L.area, L.class_code, L.started_at), L.id, ids)
    for i, area, klass, started in await conn.execute(query):
        found[i] = State(area, klass, days.of(started), last_at=started)

    def later(i: int, at: datetime | None) -> State | None:
        s = found.get(i)
        if s is not None and at is not None and (s.last_at is None or at > s.last_at):
            s.last_at = at
        return s

    query = select(R.learner_id, func.max(R.answered_at)).group_by(R.learner_id)
    for i, at in await conn.execute(_only(conn, query, R.learner_id, ids)):
        later(i, at)
    if ids is not None:
        # A few learners: their dozens of lessons each, read through the learner_id index
        # (SQLite planned the grouped join below as a scan of every lesson).
        query = select(C.learner_id, C.lesson, C.passed, C.finished_at)
        tried: dict[int, tuple[datetime, str, bool]] = {}
        for i, lesson, passed, at in await conn.execute(
            query.where(among(conn, C.learner_id, ids))
        ):
            if (s := later(i, at)) is None:
                continue
            if passed and (not first_lesson or lesson == first_lesson):
                s.lesson_one = True
            known = tried.get(i)
            if known is None or at > known[0]:
                tried[i] = (at, lesson, not passed)
            elif at == known[0]:  # the same moment: the greatest lesson; failed if any was
                tried[i] = (at, max(lesson, known[1]), known[2] or not passed)
        for i, (_, lesson, failed) in tried.items():
            found[i].tried, found[i].tried_failed = lesson, failed
        return await _modules_and_certificates(conn, days, first_module, ids, found)
    one = C.passed if not first_lesson else and_(C.passed, C.lesson == first_lesson)
    query = select(C.learner_id, func.max(C.finished_at), func.max(case((one, 1), else_=0)))
    for i, at, passed_one in await conn.execute(
        _only(conn, query.group_by(C.learner_id), C.learner_id, ids)
    ):
        if (s := later(i, at)) is not None:
            s.lesson_one = bool(passed_one)
    # The lesson tried last (of several at the same moment: the greatest; failed if any was).
    last = _only(
        conn,
        select(C.learner_id, func.max(C.finished_at).label("at")).group_by(C.learner_id),
        C.learner_id,
        ids,
    ).subquery()
    query = (
        select(C.learner_id, func.max(C.lesson), func.min(case((C.passed, 1), else_=0)))
        .join(last, and_(last.c.learner_id == C.learner_id, last.c.at == C.finished_at))
        .group_by(C.learner_id)
    )
    for i, lesson, passed in await conn.execute(_only(conn, query, C.learner_id, ids)):
        if (s := found.get(i)) is not None:
            s.tried, s.tried_failed = lesson, passed == 0
    return await _modules_and_certificates(conn, days, first_module, ids, found)


async def _modules_and_certificates(
    conn: AsyncConnection,
    days: Days,
    first_module: str,
    ids: list[int] | None,
    found: dict[int, State],
) -> dict[int, State]:
    M = ModuleCompletion
    query = select(M.learner_id).distinct()
    if first_module:
        query = query.where(M.module == first_module)
    for (i,) in await conn.execute(_only(conn, query, M.learner_id, ids)):
        if (s := found.get(i)) is not None:
            s.module_one = True
    issued = select(Certificate.learner_id, Certificate.issued_at)
    for i, at in await conn.execute(_only(conn, issued, Certificate.learner_id, ids)):
        if (s := found.get(i)) is not None:
            s.certified_days = (*s.certified_days, days.of(at))
    return found


async def detached_certificates(conn: AsyncConnection, days: Days) -> dict[date, int]:
    """Forgotten learners' certificates (no link to a learner), per local day issued."""
    found: dict[date, int] = defaultdict(int)
    query = select(Certificate.issued_at).where(Certificate.learner_id.is_(None))
    for (at,) in await conn.execute(query):
        found[days.of(at)] += 1
    return dict(found)


def detached_meta(detached: dict[date, int]) -> dict[str, str]:
    """Forgotten learners' certificates per day, as web_meta rows (to take them out when
    their number changes)."""
    return {f"detached:{day.isoformat()}": str(n) for day, n in detached.items()}


def detached_of(meta: dict[str, str]) -> dict[date, int]:
    return {
        date.fromisoformat(name.split(":", 1)[1]): int(value)
        for name, value in meta.items()
        if name.startswith("detached:")
    }
