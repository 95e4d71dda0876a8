"""One incremental recount: what changed since the last one, applied to the web_* counts.

- Rows added (ids above the last counted, or in web_gaps) are counted under their learner's
  ward and class.
- Learners with new rows, new learners, and those noted in web_touched (a new ward or class,
  an earlier start, a certificate, a demoted first pass, an erasure) are counted again: their
  old share (web_learners, as counted then) comes out, the new one goes in. A learner whose
  ward or class changed has all their rows moved from the old key to the new.
- Learners whose last activity crossed the week's edge since the last recount move between
  active and stuck.
- Forgotten learners' certificates (no longer linked) are counted again: a handful of rows.

Each part takes time in proportion to what changed, so a recount every few minutes takes
well under a second at any campaign size.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql.models import Completion, ModuleCompletion, Response
from storage.sql.web_increments import WebGap, WebLearner, WebTouched
from web.bulk import insert_rows
from web.tally import (
    ACTIVE_DAYS,
    GROWING,
    STATE_COLUMNS,
    TABLES,
    Course,
    Days,
    State,
    Tally,
    among,
    chunk_size,
    detached_certificates,
    detached_meta,
    detached_of,
    learner_states,
)

GAP_LIFETIME = timedelta(hours=1)  # longer than any reporter's transaction


def _chunks(conn: AsyncConnection, ids: list[int]) -> list[list[int]]:
    size = chunk_size(conn)
    return [ids[i : i + size] for i in range(0, len(ids), size)]


class Increment:
    def __init__(
        self,
        conn: AsyncConnection,
        days: Days,
        course: Course,
        now: datetime,
        meta: dict[str, str],
        marks: dict[str, int],
    ) -> None:
        self.conn, self.days, self.course, self.meta, self.marks = conn, days, course, meta, marks
        self.since = now - timedelta(days=ACTIVE_DAYS)
        self.since_before = datetime.fromisoformat(meta["at"]) - timedelta(days=ACTIVE_DAYS)
        self.tally = Tally()
        self.gaps: dict[str, dict[int, datetime]] = defaultdict(dict)
        self.seen: dict[str, set[int]] = defaultdict(set)

    async def _new(self, table: str, query: Select) -> list:
        """The rows of `table` not counted yet: above its mark, or in its gaps."""
        model = GROWING[table]
        condition = model.id > self.marks[table]
        if gaps := list(self.gaps[table]):
            condition = or_(condition, among(self.conn, model.id, gaps))
        rows = list(await self.conn.execute(query.where(condition)))
        self.seen[table] = {r[0] for r in rows}
        return rows

    async def run(self) -> dict[str, str]:
        conn, days = self.conn, self.days
        for table, i, seen_at in await conn.execute(
            select(WebGap.table_name, WebGap.id, WebGap.seen_at)
        ):
            self.gaps[table][i] = seen_at
        t = WebTouched
        notes = list(await conn.execute(select(t.id, t.learner_id, t.completion_id)))
        touched = {learner for _, learner, _ in notes if learner}
        demoted = {c for _, _, c in notes if c is not None}

        R, C, M = Response, Completion, ModuleCompletion
        learners = await self._new("learners", select(GROWING["learners"].id))
        answers = await self._new(
            "responses",
            select(R.id, R.learner_id, R.lesson, R.question, R.choice, R.correct, R.review),
        )
        lessons = await self._new(
            "completions", select(C.id, C.learner_id, C.module, C.first_pass, C.finished_at)
        )
        modules = await self._new("module_completions", select(M.id, M.learner_id, M.module))
        changed = set(touched) | {r[0] for r in learners}
        for rows in (answers, lessons, modules):
            changed |= {r[1] for r in rows if r[1] is not None}
        ids = sorted(changed)

        # Each changed learner: the old share out, the new in.
        old: dict[int, State] = {}
        for part in _chunks(conn, ids):
            query = select(WebLearner).where(among(conn, WebLearner.learner_id, part))
            for row in await conn.execute(query):
                old[row.learner_id] = State.of_row(row)
        first = self.course.first_lesson, self.course.first_module
        new = await learner_states(conn, days, *first, ids)
        for i in ids:
            if i in old:
                self.tally.learner(old[i], self.since_before, -1)
            if i in new:
                self.tally.learner(new[i], self.since, 1)
        await self._aging(changed)
        await self._detached()

        # Rows: moved learners' all out and in again; others' new rows in.
        moved = {
            i
            for i in ids
            if i in new and (i in touched or i not in old or old[i].key() != new[i].key())
        }

        def key(i: int | None) -> tuple[str, str] | None:
            return None if i is None else new[i].key()

        for _, i, module, first_pass, finished in lessons:
            if first_pass and i not in moved and (i is None or i in new):
                self.tally.first_passes(key(i), days.of(finished), module, 1)
        for _, i, module in modules:
            if i not in moved and (i is None or i in new):
                self.tally.module_finished(key(i), module, 1)
        for _, i, lesson, question, choice, correct, review in answers:
            if review or (i is not None and i not in new):
                continue
            area = None if i is None else new[i].area
            if i in moved and i in old:
                area = old[i].area  # not counted yet: comes back out below with the rest
                self.tally.answers(area, lesson, question, _choice(choice), 1, not correct)
            elif i not in moved:
                self.tally.answers(area, lesson, question, _choice(choice), 1, not correct)
        await self._move(sorted(moved), old, new, demoted)

        await self._write(new, ids, [n for n, _, _ in notes])
        meta = {k: v for k, v in self.meta.items() if k.startswith("detached:")}
        meta = detached_meta(self.detached) if self.detached is not None else meta
        return meta | {f"mark:{t}": str(m) for t, m in self.marks.items()}

    async def _aging(self, changed: set[int]) -> None:
        """Learners not heard from, whose last activity fell out of (or, with an earlier
        `now`, back into) the last week since the previous recount."""
        low, high = sorted((self.since_before, self.since))
        if low == high:
            return
        w = WebLearner
        query = select(
            w.learner_id, w.area, w.class_code, w.certified_days, w.tried, w.tried_failed
        ).where(w.last_at >= low, w.last_at < high)
        # Each of them was active and is not now (or the other way round with an earlier
        # `now`): only active and stuck change.
        sign = 1 if self.since < self.since_before else -1
        for i, area, klass, certified, tried, failed in await self.conn.execute(query):
            if i not in changed:
                self.tally.activity(area, klass, bool(certified), tried, bool(failed), sign)

    async def _detached(self) -> None:
        before = detached_of(self.meta)
        now = await detached_certificates(self.conn, self.days)
        self.detached: dict[date, int] | None = now
        if now != before:
            self.tally.detached_certificates(before, -1)
            self.tally.detached_certificates(now, 1)

    async def _move(
        self, ids: list[int], old: dict[int, State], new: dict[int, State], demoted: set[int]
    ) -> None:
        """Learners whose counted rows changed: every row out under the key they were
        counted under (as they were then: a demoted first pass was a first pass), and in
        under the new one. Rows not counted yet are in `self.seen`: they only go in."""
        conn, days = self.conn, self.days
        R, C, M = Response, Completion, ModuleCompletion
        fresh = self.seen["completions"]
        for part in _chunks(conn, ids):
            lessons: Any = select(C.id, C.learner_id, C.module, C.first_pass, C.finished_at)
            for cid, i, module, first_pass, finished in await conn.execute(
                lessons.where(among(conn, C.learner_id, part))
            ):
                day = days.of(finished)
                if first_pass:
                    self.tally.first_passes(new[i].key(), day, module, 1)
                was_first = first_pass or cid in demoted
                if i in old and cid not in fresh and was_first:
                    self.tally.first_passes(old[i].key(), day, module, -1)
            modules: Any = select(M.id, M.learner_id, M.module).where(
                among(conn, M.learner_id, part)
            )
            for mid, i, module in await conn.execute(modules):
                self.tally.module_finished(new[i].key(), module, 1)
                if i in old and mid not in self.seen["module_completions"]:
                    self.tally.module_finished(old[i].key(), module, -1)
            # Answers grouped in the database (dozens per learner); the ones not counted yet
            # were added back under the old ward above, so all come out here.
            choice = func.coalesce(R.choice, -1)
            wrong = func.sum(case((R.correct, 0), else_=1))
            answers: Any = (
                select(R.learner_id, R.lesson, R.question, choice, func.count(), wrong)
                .where(among(conn, R.learner_id, part), R.review.is_(False))
                .group_by(R.learner_id, R.lesson, R.question, choice)
            )
            for i, lesson, question, picked, n, w in await conn.execute(answers):
                self.tally.answers(new[i].area, lesson, question, int(picked), n, w)
                if i in old:
                    self.tally.answers(old[i].area, lesson, question, int(picked), -n, -w)

    async def _write(self, new: dict[int, State], ids: list[int], notes: list[int]) -> None:
        conn = self.conn
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        for model, (more, values) in TABLES.items():
            rows = self.tally.rows(model, nonzero=True)
            if not rows:
                continue
            table = model.__table__
            keys = ["class_code", "area", *more]
            adding = insert(table)
            upsert: Any = adding.on_conflict_do_update(
                index_elements=keys, set_={v: table.c[v] + adding.excluded[v] for v in values}
            ).returning(*(table.c[c] for c in keys + list(values)))
            empty = [
                {f"k_{k}": v for k, v in zip(keys, row, strict=False)}
                for row in await conn.execute(upsert, rows)
                if not any(row[len(keys) :])
            ]
            if empty:
                match = and_(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
                await conn.execute(delete(table).where(match), empty)
        for part in _chunks(conn, ids):
            await conn.execute(delete(WebLearner).where(among(conn, WebLearner.learner_id, part)))
        states = [tuple(new[i].row(i).values()) for i in ids if i in new]
        await insert_rows(conn, WebLearner.__tablename__, STATE_COLUMNS, states)
        for part in _chunks(conn, notes):
            await conn.execute(delete(WebTouched).where(among(conn, WebTouched.id, part)))
        await self._advance_marks()

    async def _advance_marks(self) -> None:
        """Move each mark to the newest id seen; ids below it not seen yet become gaps
        (kept for GAP_LIFETIME), gaps now seen are gone."""
        now = datetime.now(UTC)
        rows: list[tuple[str, int, datetime]] = []
        for table in GROWING:
            seen, mark = self.seen[table], self.marks[table]
            newest = max(seen, default=mark)
            gaps = {i: at for i, at in self.gaps[table].items() if i not in seen}
            for i in range(mark + 1, newest + 1):
                if i not in seen:
                    gaps[i] = now
            rows += [(table, i, at) for i, at in gaps.items() if now - at < GAP_LIFETIME]
            self.marks[table] = max(mark, newest)
        await self.conn.execute(delete(WebGap))
        await insert_rows(self.conn, WebGap.__tablename__, ("table_name", "id", "seen_at"), rows)


def _choice(choice: int | None) -> int:
    return -1 if choice is None else int(choice)
