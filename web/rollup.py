"""Counting ahead: keep the web_* count tables up to date with the reporting tables.

A page must answer in well under a second with a million learners, and counting answers and
lessons of that many learners takes a minute. So the counts are kept here, every few minutes
(`web.refresh`), a few hundred rows per ward and class, and pages read those. Each learner is
counted in the ward and class they are in now (a forgotten learner's rows under "(erased)"),
as `hocso report` does.

A recount is incremental (web/increments.py): it counts the rows added since the last one,
and counts again the few learners whose counted rows changed (noted by triggers in
web_touched), so it takes time in proportion to what happened since, not to the campaign's
size. The first recount, one after rows were deleted, one in another time zone or with other
first lesson/module, or one after a very large load (demo data) counts everything (`_full`).

Either way it reads and writes in one transaction (PostgreSQL: one snapshot, REPEATABLE READ;
SQLite: BEGIN IMMEDIATE, the reporter waits), so a page never sees half of a recount and no
row is counted twice or missed. Two web servers on one PostgreSQL database do not recount at
the same time (an advisory lock).
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.sql.db import Database
from storage.sql.models import Completion, Learner, ModuleCompletion, Response
from storage.sql.web_increments import FULL_RECOUNT, WebGap, WebLearner, WebTouched
from storage.sql.web_models import WebMeta
from web.bulk import insert_rows
from web.increments import Increment
from web.tally import (
    ACTIVE_DAYS,
    GROWING,
    STATE_COLUMNS,
    TABLES,
    Course,
    Days,
    Tally,
    detached_certificates,
    detached_meta,
    learner_states,
)

log = logging.getLogger(__name__)

LOCK_ID = 0x686F63736F  # "hocso": the advisory lock of a recount on PostgreSQL
RECOUNT_LIMIT = 900  # seconds one recount statement may take on PostgreSQL
# Rows added since the last recount above which counting everything again is quicker.
FULL_AFTER = 1_000_000
# After a full recount, ids this close below the newest are checked for ones not yet
# committed (a reporter's transaction still open on PostgreSQL).
GAP_WINDOW = 10_000


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


async def refresh(
    db: Database, zone: str, course: Course, now: datetime | None = None, *, full: bool = False
) -> float:
    """Bring the counts up to date (`full`: count everything again); returns the seconds it
    took (0.0: another server was recounting)."""
    began = time.monotonic()
    now = now or datetime.now(UTC)
    await db.ensure_schema()
    # A connection of its own: on PostgreSQL without the usual per-statement timeout (made
    # for the reporter's quick writes; a full recount of millions of answers takes longer,
    # the server bounds it instead); on SQLite in autocommit mode, so the recount opens its
    # transaction itself with BEGIN IMMEDIATE (pysqlite would begin only at the first write,
    # after the reads).
    if db.is_sqlite:
        args: dict = {"timeout": db.statement_timeout, "isolation_level": None}
    else:
        args = {"timeout": db.connect_timeout}
    engine = create_async_engine(db.url, connect_args=args, poolclass=NullPool)
    try:
        return await _recount(engine, zone, course, now, began, full)
    finally:
        await engine.dispose()


async def _recount(
    engine: AsyncEngine, zone: str, course: Course, now: datetime, began: float, full: bool
) -> float:
    async with engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                seconds = await _count(conn, zone, course, now, began, full)
            except BaseException:
                await conn.exec_driver_sql("ROLLBACK")
                raise
            await conn.exec_driver_sql("COMMIT")
            return seconds
        await conn.execution_options(isolation_level="REPEATABLE READ")
        async with conn.begin():
            got = await conn.scalar(text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": LOCK_ID})
            if not got:
                return 0.0
            # Big groupings fit in memory instead of spilling to disk (this transaction
            # only), and a recount that cannot finish gives up.
            await conn.execute(text("SET LOCAL work_mem = '64MB'"))
            await conn.execute(text(f"SET LOCAL statement_timeout = '{RECOUNT_LIMIT}s'"))
            return await _count(conn, zone, course, now, began, full)


async def _count(
    conn: AsyncConnection, zone: str, course: Course, now: datetime, began: float, full: bool
) -> float:

    days = Days(conn.dialect.name, zone)
    meta = dict((await conn.execute(select(WebMeta.name, WebMeta.value))).all())
    # What the counts depend on besides the rows: a change means counting everything again.
    basis = f"{zone}|{days.offset}|{course.first_lesson}|{course.first_module}"
    fingerprint = hashlib.sha256(basis.encode()).hexdigest()[:32]
    marks = {t: int(meta[f"mark:{t}"]) for t in GROWING if f"mark:{t}" in meta}
    reason = ""
    if full:
        reason = "asked"
    elif meta.get("fingerprint") != fingerprint or len(marks) < len(GROWING) or "at" not in meta:
        reason = "first recount, or a new time zone or course"
    else:
        sentinel = select(WebTouched.id).where(WebTouched.learner_id == FULL_RECOUNT).limit(1)
        if await conn.scalar(sentinel) is not None:
            reason = "rows were deleted"
        else:
            newest = select(*(select(func.max(m.id)).scalar_subquery() for m in GROWING.values()))
            ids = (await conn.execute(newest)).one()
            added = sum(max(0, (i or 0) - marks[t]) for t, i in zip(GROWING, ids, strict=True))
            if added > FULL_AFTER:
                reason = f"{added:,} rows added"
    if reason:
        meta = await _full(conn, days, course, now)
        kind = f"in full ({reason})"
    else:
        step = Increment(conn, days, course, now, meta, marks)
        meta = await step.run()
        kind = "incrementally"
    seconds = time.monotonic() - began
    meta |= {"refreshed_at": now.isoformat(), "seconds": f"{seconds:.3f}"}
    # "all" or "changes": what the last recount read (for whoever looks into web_meta).
    meta |= {"fingerprint": fingerprint, "at": now.isoformat()}
    meta["counted"] = "all" if reason else "changes"
    await conn.execute(delete(WebMeta))
    await conn.execute(insert(WebMeta), [{"name": k, "value": v} for k, v in meta.items()])
    log.info("recounted the web page's numbers %s in %.1f s", kind, seconds)
    return seconds


async def _full(conn: AsyncConnection, days: Days, course: Course, now: datetime) -> dict:
    """Count everything; returns the web_meta rows an increment starts from."""
    dialect, zone = conn.dialect.name, str(days.zone)
    tally = Tally()
    since = now - timedelta(days=ACTIVE_DAYS)
    # Per learner: started, funnel stages, certificates, active or stuck.
    states = await learner_states(conn, days, course.first_lesson, course.first_module)
    for state in states.values():
        tally.learner(state, since, 1)
    detached = await detached_certificates(conn, days)
    tally.detached_certificates(detached, 1)
    # Per row: first passes by day and module, modules finished, first answers by option.
    area, klass = Learner.area, Learner.class_code
    lesson_day = local_day(Completion.finished_at, dialect, zone)
    query = (
        select(area, klass, lesson_day, Completion.module, func.count())
        .select_from(Completion)
        .outerjoin(Learner, Completion.learner_id == Learner.id)
        .where(Completion.first_pass)
        .group_by(area, klass, lesson_day, Completion.module)
    )
    for a, k, d, m, n in await conn.execute(query):
        tally.first_passes(None if a is None else (k, a), _day(d), m, n)
    query = (
        select(area, klass, ModuleCompletion.module, func.count())
        .select_from(ModuleCompletion)
        .outerjoin(Learner, ModuleCompletion.learner_id == Learner.id)
        .group_by(area, klass, ModuleCompletion.module)
    )
    for a, k, m, n in await conn.execute(query):
        tally.module_finished(None if a is None else (k, a), m, n)
    choice = func.coalesce(Response.choice, -1)
    wrong = func.sum(case((Response.correct, 0), else_=1))
    query = (
        select(area, Response.lesson, Response.question, choice, func.count(), wrong)
        .select_from(Response)
        .outerjoin(Learner, Response.learner_id == Learner.id)
        .where(Response.review.is_(False))
        .group_by(area, Response.lesson, Response.question, choice)
    )
    for a, les, q, c, n, w in await conn.execute(query):
        tally.answers(a, les, q, int(c), n, w)

    # Where the next increment starts: the newest ids, and the few just below not there yet.
    meta: dict[str, str] = {}
    gaps: list[tuple[str, int]] = []
    for table, model in GROWING.items():
        newest = await conn.scalar(select(func.max(model.id))) or 0
        meta[f"mark:{table}"] = str(newest)
        if dialect == "postgresql" and newest:
            low = max(0, newest - GAP_WINDOW)
            seen = set((await conn.execute(select(model.id).where(model.id > low))).scalars())
            gaps += [(table, i) for i in range(low + 1, newest + 1) if i not in seen]
    meta |= detached_meta(detached)
    touched = await conn.scalar(select(func.max(WebTouched.id)))

    for model in TABLES:
        await conn.execute(delete(model))
        rows = tally.rows(model, nonzero=True)
        if rows:
            columns = list(rows[0])
            await insert_rows(
                conn, model.__tablename__, columns, [tuple(r.values()) for r in rows]
            )
    await conn.execute(delete(WebLearner))
    learners = [tuple(s.row(i).values()) for i, s in states.items()]
    await insert_rows(conn, WebLearner.__tablename__, STATE_COLUMNS, learners)
    if touched is not None:
        # Only the notes this snapshot saw (a reporter committing now keeps its own).
        await conn.execute(delete(WebTouched).where(WebTouched.id <= touched))
    if dialect == "postgresql":
        # Statistics for the tables just rewritten, so the next increments' lookups by
        # learner plan as index scans from the start (autovacuum would come later).
        await conn.execute(text(f"ANALYZE {WebLearner.__tablename__}"))
    await conn.execute(delete(WebGap))
    seen_at = datetime.now(UTC)
    await insert_rows(
        conn, WebGap.__tablename__, ("table_name", "id", "seen_at"),
        [(t, i, seen_at) for t, i in gaps],
    )  # fmt: skip
    return meta


async def refreshed_at(db: Database) -> datetime | None:
    """When the counts were last made; None if never."""
    async with db.session() as s:
        value = await s.scalar(select(WebMeta.value).where(WebMeta.name == "refreshed_at"))
    return datetime.fromisoformat(value) if value else None
