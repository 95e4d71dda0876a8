"""Counting ahead: rebuild the web_* count tables from the reporting tables.

A page must answer in well under a second with a million learners, and counting answers and
lessons of that many learners takes seconds. So the counts are made here, every few minutes
(`web.refresh`), a few hundred rows per ward and class, and pages read those. Each learner is
counted in the ward and class they are in now (a forgotten learner's rows under "(erased)"),
as `hocso report` does.

The rebuild reads in one snapshot, then swaps the rows in one short transaction, so a page
never sees half of a recount. Two web servers on one PostgreSQL database do not recount at
the same time (an advisory lock).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    text,
    union,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.sql.db import Database
from storage.sql.models import (
    ERASED,
    Certificate,
    Completion,
    Learner,
    ModuleCompletion,
    Response,
)
from storage.sql.web_models import (
    ALL_CLASSES,
    WebAnswer,
    WebDaily,
    WebGroup,
    WebMeta,
    WebModule,
    WebStuck,
)

log = logging.getLogger(__name__)

ACTIVE_DAYS = 7  # "active": did something in the last week; "stuck": not for a week or more
LOCK_ID = 0x686F63736F  # "hocso": the advisory lock of a recount on PostgreSQL
RECOUNT_LIMIT = 900  # seconds one recount statement may take on PostgreSQL


@dataclass(frozen=True)
class Course:
    """What the funnel measures: passing the first lesson, finishing the first module."""

    first_lesson: str = ""
    first_module: str = ""


Key = tuple  # (class_code, area, *more)


class _Counts:
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


def local_day(column, dialect: str, zone: str):  # noqa: ANN001, ANN201
    """The local date of a UTC timestamp column, computed by the database."""
    if dialect == "postgresql":
        return func.date(func.timezone(zone, column))
    # SQLite keeps naive UTC text: shift by the zone's offset now (exact for zones without
    # daylight saving, like Vietnam's).
    offset = datetime.now(ZoneInfo(zone)).utcoffset() or timedelta()
    return func.date(column, f"{int(offset.total_seconds() // 60):+d} minutes")


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


async def refresh(db: Database, zone: str, course: Course, now: datetime | None = None) -> float:
    """Recount everything; returns the seconds it took (0.0: another server was recounting)."""
    began = time.monotonic()
    now = now or datetime.now(UTC)
    await db.ensure_schema()
    engine = db.engine
    if not db.is_sqlite:
        # Not the database's usual per-statement timeout (made for the reporter's quick
        # writes): a recount of millions of answers takes longer. The server bounds it instead.
        args = {"timeout": db.connect_timeout}
        engine = create_async_engine(db.url, connect_args=args, poolclass=NullPool)
    try:
        return await _recount(engine, zone, course, now, began)
    finally:
        if engine is not db.engine:
            await engine.dispose()


async def _recount(
    engine: AsyncEngine, zone: str, course: Course, now: datetime, began: float
) -> float:
    async with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            await conn.execution_options(isolation_level="REPEATABLE READ")
        async with conn.begin():
            if postgres:
                # Big groupings fit in memory instead of spilling to disk (this transaction
                # only), and a recount that cannot finish gives up.
                await conn.execute(text("SET LOCAL work_mem = '64MB'"))
                await conn.execute(text(f"SET LOCAL statement_timeout = '{RECOUNT_LIMIT}s'"))
            tables = await _count(conn, zone, course, now)
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            got = await conn.scalar(text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": LOCK_ID})
            if not got:
                return 0.0
        for model, rows in tables.items():
            await conn.execute(delete(model))
            if rows:
                await conn.execute(insert(model), rows)
        seconds = time.monotonic() - began
        await conn.execute(delete(WebMeta))
        meta = {"refreshed_at": now.isoformat(), "seconds": f"{seconds:.3f}"}
        await conn.execute(insert(WebMeta), [{"name": k, "value": v} for k, v in meta.items()])
    log.info("recounted the web page's numbers in %.1f s", seconds)
    return seconds


async def _count(
    conn: AsyncConnection, zone: str, course: Course, now: datetime
) -> dict[type, list[dict]]:
    dialect = conn.dialect.name
    area = Learner.area
    klass = Learner.class_code

    # -- per local day: started, lessons first passed, certified --
    daily = _Counts(3)
    started_day = local_day(Learner.started_at, dialect, zone)
    query = select(area, klass, started_day, func.count()).group_by(area, klass, started_day)
    for a, k, d, n in await conn.execute(query):
        daily.add(a, _klass(k), (_day(d),), (n, 0, 0))
    lesson_day = local_day(Completion.finished_at, dialect, zone)
    query = (
        select(area, klass, lesson_day, func.count())
        .select_from(Completion)
        .outerjoin(Learner, Completion.learner_id == Learner.id)
        .where(Completion.first_pass)
        .group_by(area, klass, lesson_day)
    )
    for a, k, d, n in await conn.execute(query):
        daily.add(a, _klass(k), (_day(d),), (0, n, 0))
    cert_day = local_day(Certificate.issued_at, dialect, zone)
    query = (
        select(area, klass, cert_day, func.count())
        .select_from(Certificate)
        .outerjoin(Learner, Certificate.learner_id == Learner.id)
        .group_by(area, klass, cert_day)
    )
    for a, k, d, n in await conn.execute(query):
        daily.add(a, _klass(k), (_day(d),), (0, 0, n))

    # -- learners now: funnel, active in the last week, stuck --
    # Each stage is a set of learner ids joined to the learners (hash joins: an IN (...)
    # per learner would scan a million ids a million times).
    since = now - timedelta(days=ACTIVE_DAYS)
    passed = select(Completion.learner_id).where(Completion.passed)
    if course.first_lesson:
        passed = passed.where(Completion.lesson == course.first_lesson)
    lesson_one = passed.distinct().subquery()
    finished = select(ModuleCompletion.learner_id)
    if course.first_module:
        finished = finished.where(ModuleCompletion.module == course.first_module)
    module_one = finished.distinct().subquery()
    certified = select(Certificate.learner_id).distinct().subquery()
    # Each side made distinct first: a week of answers is millions of rows, of far fewer
    # learners, and a union would sort them all.
    recent = union(
        select(Response.learner_id)
        .where(Response.answered_at >= since)
        .group_by(Response.learner_id),
        select(Completion.learner_id)
        .where(Completion.finished_at >= since)
        .group_by(Completion.learner_id),
    ).subquery()
    is_active = or_(Learner.started_at >= since, recent.c.learner_id.is_not(None))
    is_certified = certified.c.learner_id.is_not(None)
    is_stuck = and_(not_(is_active), not_(is_certified))

    def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    def with_stages(query: Select) -> Select:
        return (
            query.select_from(Learner)
            .outerjoin(certified, certified.c.learner_id == Learner.id)
            .outerjoin(recent, recent.c.learner_id == Learner.id)
        )

    groups = _Counts(7)
    query = with_stages(
        select(
            area,
            klass,
            func.count(),
            func.count(lesson_one.c.learner_id),
            func.count(module_one.c.learner_id),
            func.count(certified.c.learner_id),
            flag(is_active),
            flag(is_stuck),
        )
    )
    query = (
        query.outerjoin(lesson_one, lesson_one.c.learner_id == Learner.id)
        .outerjoin(module_one, module_one.c.learner_id == Learner.id)
        .group_by(area, klass)
    )
    for a, k, started, *values in await conn.execute(query):
        groups.add(a, _klass(k), (), (started, 0, *values))
    for (k, a, _), (_, lessons, _) in daily.rows.items():
        if k != ALL_CLASSES:
            groups.add(a, k, (), (0, lessons, 0, 0, 0, 0, 0))
    # Certificates of forgotten learners' detached rows still count in totals.
    query = select(func.count()).select_from(Certificate).where(Certificate.learner_id.is_(None))
    if detached := await conn.scalar(query):
        groups.add(ERASED, ERASED, (), (0, 0, 0, 0, detached, 0, 0))

    # -- where the stuck stopped: the lesson they tried last, and whether they failed it --
    last = (
        select(Completion.learner_id, func.max(Completion.finished_at).label("at"))
        .where(Completion.learner_id.is_not(None))
        .group_by(Completion.learner_id)
        .subquery()
    )
    tried = (
        select(
            Completion.learner_id,
            func.max(Completion.lesson).label("lesson"),
            func.min(case((Completion.passed, 1), else_=0)).label("passed"),
        )
        .join(
            last,
            and_(last.c.learner_id == Completion.learner_id, last.c.at == Completion.finished_at),
        )
        .group_by(Completion.learner_id)
        .subquery()
    )
    lesson = func.coalesce(tried.c.lesson, literal(""))
    failed = func.sum(case((tried.c.passed == 0, 1), else_=0))
    query = (
        with_stages(select(area, klass, lesson, func.count(), failed))
        .outerjoin(tried, tried.c.learner_id == Learner.id)
        .where(is_stuck)
        .group_by(area, klass, lesson)
    )
    stuck = _Counts(2)
    for a, k, les, n, f in await conn.execute(query):
        stuck.add(a, _klass(k), (les,), (n, f))

    # -- modules: lessons first passed in each, learners who finished it --
    modules = _Counts(2)
    query = (
        select(area, klass, Completion.module, func.count())
        .select_from(Completion)
        .outerjoin(Learner, Completion.learner_id == Learner.id)
        .where(Completion.first_pass)
        .group_by(area, klass, Completion.module)
    )
    for a, k, m, n in await conn.execute(query):
        modules.add(a, _klass(k), (m,), (n, 0))
    query = (
        select(area, klass, ModuleCompletion.module, func.count())
        .select_from(ModuleCompletion)
        .outerjoin(Learner, ModuleCompletion.learner_id == Learner.id)
        .group_by(area, klass, ModuleCompletion.module)
    )
    for a, k, m, n in await conn.execute(query):
        modules.add(a, _klass(k), (m,), (0, n))

    # -- first answers in lessons (not reviews), per option picked: per ward only; a class's
    # few hundred answers are counted when its page is opened (web/queries.py) --
    answers = _Counts(2)
    choice = func.coalesce(Response.choice, literal(-1))
    wrong = func.sum(case((Response.correct, 0), else_=1))
    query = (
        select(area, Response.lesson, Response.question, choice, func.count(), wrong)
        .select_from(Response)
        .outerjoin(Learner, Response.learner_id == Learner.id)
        .where(Response.review.is_(False))
        .group_by(area, Response.lesson, Response.question, choice)
    )
    for a, les, q, c, n, w in await conn.execute(query):
        answers.add(a, None, (les, q, int(c)), (n, w))

    return {
        WebDaily: _rows(daily, ("day",), ("started", "lessons", "certified")),
        WebGroup: _rows(
            groups,
            (),
            ("started", "lessons", "lesson_one", "module_one", "certified", "active", "stuck"),
        ),
        WebStuck: _rows(stuck, ("lesson",), ("stuck", "failed")),
        WebModule: _rows(modules, ("module",), ("lessons", "finished")),
        WebAnswer: _rows(answers, ("lesson", "question", "choice"), ("answers", "wrong")),
    }


def _klass(code: str | None) -> str:
    return ERASED if code is None else code  # a detached row: its learner was forgotten


def _rows(counts: _Counts, more: tuple[str, ...], values: tuple[str, ...]) -> list[dict]:
    names = ("class_code", "area", *more, *values)
    return [dict(zip(names, (*key, *v), strict=True)) for key, v in counts.rows.items()]


async def refreshed_at(db: Database) -> datetime | None:
    """When the counts were last made; None if never."""
    async with db.session() as s:
        value = await s.scalar(select(WebMeta.value).where(WebMeta.name == "refreshed_at"))
    return datetime.fromisoformat(value) if value else None
