"""The numbers officials ask for, queried from the reporting database for a time range.

A report is a list of small tables (name, columns, rows) so that one formatter can print
any of them as text, CSV or JSON (see hocso/report_cli.py). Definitions:

* learners started: learners whose first consent (or first event) falls in the range;
* lessons completed: first passes of a lesson (a retake does not count again);
* learners certified: certificates issued in the range;
* funnel: of the learners who started in the range, how many by the end of it passed the
  first lesson, finished the first module, and were certified;
* questions most often answered wrongly: first answers in lessons (not reviews).

Rows of learners who asked to be forgotten stay in totals under "(erased)". A learner's
platform is the start of their id ("tg", "zalo"): every report splits by it, and one can be
limited to a platform (then without the forgotten, whose platform is no longer known).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import SQLColumnExpression, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.sql import confirmations
from storage.sql.db import Database
from storage.sql.models import (
    ERASED,
    Certificate,
    Class,
    Completion,
    Learner,
    ModuleCompletion,
    Response,
)

NOT_GIVEN = "(not given)"


@dataclass
class Table:
    name: str  # a stable machine name, e.g. "by_area"
    title: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)


@dataclass
class Report:
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    tables: list[Table]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


@dataclass
class Labels:
    """How to show ids: ward and age-band names from config, the first lesson and module."""

    areas: Mapping[str, str] = field(default_factory=dict)
    age_bands: Mapping[str, str] = field(default_factory=dict)
    first_lesson: str = ""
    first_module: str = ""
    # learner-id prefix -> the platform's name (handlers/platforms.py `platform_names`)
    platforms: Mapping[str, str] = field(default_factory=dict)


async def build_report(
    db: Database,
    start: datetime,
    end: datetime,
    target: int = 0,
    labels: Labels | None = None,
    top: int = 10,
    platform: str | None = None,
) -> Report:
    """`platform`: only the learners of one ("tg", "zalo"); None: everyone."""
    labels = labels or Labels()
    on = partial(_on, platform=platform)
    async with db.session() as s:
        classes = {c.code: c.name for c in await s.scalars(select(Class))}
        by = partial(_breakdown, s, start, end, on=on)
        tables = [
            await _totals(s, start, end, on),
            await by("by_area", "By ward/commune", Learner.area, labels.areas),
            await by("by_age", "By age band", Learner.age_band, labels.age_bands),
            await by("by_class", "By class", Learner.class_code, classes),
            await by("by_platform", "By platform", Learner.platform, labels.platforms),
            await _by_module(s, start, end, on),
            await _funnel(s, start, end, labels, on),
            await _target(s, end, target, on),
            await _wrong_questions(s, start, end, top, on),
            await _self_reported(s, "area", labels.areas, start, end, platform),
            await _self_reported(s, "class", classes, start, end, platform),
        ]
    return Report(start, end, tables)


def _in(column, start: datetime | None, end: datetime | None):  # noqa: ANN001, ANN202
    if start is None or end is None:
        return true()  # no range: ever
    return (column >= start) & (column < end)


async def _count(s: AsyncSession, query) -> int:  # noqa: ANN001
    return int(await s.scalar(query) or 0)


def _on(table, platform: str | None):  # noqa: ANN001, ANN202
    """Rows of `table` that belong to learners on `platform` (all rows when None)."""
    if platform is None:
        return true()
    if table is Learner:
        return Learner.platform == platform
    return table.learner_id.in_(select(Learner.id).where(Learner.platform == platform))


On = Callable[[Any], Any]  # _on with the platform filled in
EVERYONE: On = partial(_on, platform=None)


async def _totals(s: AsyncSession, start: datetime, end: datetime, on: On) -> Table:
    started = select(func.count()).select_from(Learner).where(_in(Learner.started_at, start, end))
    started = started.where(on(Learner))
    done = select(func.count()).select_from(Completion)
    done = done.where(_in(Completion.finished_at, start, end), on(Completion))
    certified = select(func.count()).select_from(Certificate)
    certified = certified.where(_in(Certificate.issued_at, start, end), on(Certificate))
    return Table(
        "totals",
        "Totals",
        ["measure", "count"],
        [
            ["learners started", await _count(s, started)],
            ["lessons completed", await _count(s, done.where(Completion.first_pass))],
            ["lesson attempts", await _count(s, done)],
            ["learners certified", await _count(s, certified)],
        ],
    )


async def _breakdown(
    s: AsyncSession,
    start: datetime,
    end: datetime,
    name: str,
    title: str,
    column,  # noqa: ANN001 - a Learner column
    names: Mapping[str, str],
    on: On = EVERYONE,
) -> Table:
    """Learners started, lessons completed and learners certified, per value of `column`."""
    counts = await _counts_by(s, column, start, end, on)

    def label(key: str | None) -> str:
        if key is None:
            return ERASED
        return names.get(key) or key or NOT_GIVEN

    # most lessons completed first, then most started, then by name
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1][1], -kv[1][0], label(kv[0])))
    rows: list[list[object]] = [[label(k), *v] for k, v in ordered]
    return Table(name, title, ["name", "started", "lessons completed", "certified"], rows)


async def _self_reported(
    s: AsyncSession,
    by: str,
    names: Mapping[str, str],
    start: datetime,
    end: datetime,
    platform: str | None,
) -> Table:
    """Learners' own answers to "confirmed on VNeID yet?" (storage/confirmations.py), per
    ward or class: labelled SELF-REPORTED, hocso cannot check them."""
    where = "ward/commune" if by == "area" else "class"
    title = f"VNeID confirmation by {where} ({confirmations.SELF_REPORTED}, answered in range)"
    counts = await confirmations.counts_by(s, by, start, end, platform)
    rows = confirmations.rows(counts, names)
    return Table(f"vneid_by_{by}", title, list(confirmations.COLUMNS), rows)


async def _counts_by(
    s: AsyncSession,
    column,  # noqa: ANN001 - a Learner column
    start: datetime | None = None,
    end: datetime | None = None,
    on: On = EVERYONE,
) -> dict[str | None, list[int]]:
    """[started, lessons completed, certified] per value of `column` (None: erased), in the
    range, or ever without one."""
    counts: dict[str | None, list[int]] = {}

    def add(rows, index: int) -> None:  # noqa: ANN001
        for key, n in rows:
            key = None if key == ERASED else key  # an anonymous row or a detached one
            counts.setdefault(key, [0, 0, 0])[index] += n

    started = select(column, func.count()).where(_in(Learner.started_at, start, end), on(Learner))
    add(await s.execute(started.group_by(column)), 0)
    done = (
        select(column, func.count())
        .select_from(Completion)
        .outerjoin(Learner, Completion.learner_id == Learner.id)
        .where(Completion.first_pass, _in(Completion.finished_at, start, end), on(Completion))
    )
    add(await s.execute(done.group_by(column)), 1)
    certified = (  # a forgotten learner's certificate has no learner: counted as erased
        select(column, func.count())
        .select_from(Certificate)
        .outerjoin(Learner, Certificate.learner_id == Learner.id)
        .where(_in(Certificate.issued_at, start, end), on(Certificate))
    )
    add(await s.execute(certified.group_by(column)), 2)
    return counts


async def _by_module(s: AsyncSession, start: datetime, end: datetime, on: On) -> Table:
    counts: dict[str, list[int]] = {}
    lessons = (
        select(Completion.module, func.count())
        .where(Completion.first_pass, _in(Completion.finished_at, start, end), on(Completion))
        .group_by(Completion.module)
    )
    for module, n in await s.execute(lessons):
        counts.setdefault(module, [0, 0])[0] = n
    finished = (
        select(ModuleCompletion.module, func.count())
        .where(_in(ModuleCompletion.finished_at, start, end), on(ModuleCompletion))
        .group_by(ModuleCompletion.module)
    )
    for module, n in await s.execute(finished):
        counts.setdefault(module, [0, 0])[1] = n
    rows = [[m or NOT_GIVEN, *v] for m, v in sorted(counts.items())]
    return Table("by_module", "By module", ["module", "lessons completed", "finished"], rows)


async def _funnel(
    s: AsyncSession, start: datetime, end: datetime, labels: Labels, on: On
) -> Table:
    cohort = select(Learner.id).where(_in(Learner.started_at, start, end), on(Learner))
    started = await _count(s, select(func.count()).select_from(cohort.subquery()))

    async def reached(
        table: type[Completion | ModuleCompletion | Certificate], *where: SQLColumnExpression[bool]
    ) -> int:
        query = select(func.count(func.distinct(table.learner_id))).where(
            table.learner_id.in_(cohort), *where
        )
        return await _count(s, query)

    lesson_where = [Completion.passed, Completion.finished_at < end]
    if labels.first_lesson:
        lesson_where.append(Completion.lesson == labels.first_lesson)
    module_where = [ModuleCompletion.finished_at < end]
    if labels.first_module:
        module_where.append(ModuleCompletion.module == labels.first_module)
    first_lesson = await reached(Completion, *lesson_where)
    first_module = await reached(ModuleCompletion, *module_where)
    stages = [
        ("started", started),
        (f"passed lesson 1 ({labels.first_lesson or 'any'})", first_lesson),
        (f"finished module 1 ({labels.first_module or 'any'})", first_module),
        ("certified", await reached(Certificate, Certificate.issued_at < end)),
    ]
    rows = [[stage, n, f"{100 * n / started:.1f}%" if started else "-"] for stage, n in stages]
    title = "Funnel (learners who started in the range)"
    return Table("funnel", title, ["stage", "learners", "of started"], rows)


async def _target(s: AsyncSession, end: datetime, target: int, on: On) -> Table:
    query = select(func.count()).select_from(Certificate)
    certified = await _count(s, query.where(Certificate.issued_at < end, on(Certificate)))
    share = f"{100 * certified / target:.2f}%" if target else "-"
    return Table(
        "target",
        "Progress toward the campaign target (all certificates to the end of the range)",
        ["certified", "target", "reached"],
        [[certified, target, share]],
    )


async def _wrong_questions(
    s: AsyncSession, start: datetime, end: datetime, top: int, on: On
) -> Table:
    wrong = func.sum(case((Response.correct.is_(False), 1), else_=0))
    query = (
        select(Response.lesson, Response.question, func.count(), wrong)
        .where(Response.review.is_(False), _in(Response.answered_at, start, end), on(Response))
        .group_by(Response.lesson, Response.question)
        .having(wrong > 0)
        .order_by(wrong.desc(), func.count().desc(), Response.lesson, Response.question)
        .limit(top)
    )
    rows = [
        [lesson, question, int(answers), int(wrongs), f"{100 * wrongs / answers:.0f}%"]
        for lesson, question, answers, wrongs in await s.execute(query)
    ]
    columns = ["lesson", "question", "answers", "wrong", "wrong share"]
    return Table("wrong_questions", f"Top {top} questions answered wrongly", columns, rows)


@dataclass
class IssuedCertificate:
    code: str
    name: str
    issued_at: datetime
    area: str
    age_band: str
    class_code: str


async def certificates(db: Database, code: str | None = None) -> list[IssuedCertificate]:
    """Certificates with their learner's area, age band and class (one, if `code` given);
    not those of learners who asked to be forgotten (their certificates stay only as counts)."""
    query = (  # a forgotten learner's certificate has no learner any more
        select(Certificate, Learner)
        .join(Learner, Certificate.learner_id == Learner.id)
        .where(Learner.platform != ERASED)
        .order_by(Certificate.issued_at, Certificate.code)
    )
    if code is not None:
        query = query.where(Certificate.code == code)
    async with db.session() as s:
        return [
            IssuedCertificate(
                c.code,
                c.name,
                c.issued_at,
                learner.area if learner else "",
                learner.age_band if learner else "",
                learner.class_code if learner else "",
            )
            for c, learner in await s.execute(query)
        ]


@dataclass
class ClassSummary:
    code: str
    name: str
    facilitator: str
    area: str
    started: int  # learners who joined with this code and have not asked to be forgotten
    lessons_completed: int
    certified: int
    schedule: str = ""  # "D HH:MM" (bot/groups/class_schedule.py), or none


async def class_summaries(db: Database) -> list[ClassSummary]:
    """Every class, registered or only seen on a learner, with its numbers so far; by code."""
    async with db.session() as s:
        registered = {c.code: c for c in await s.scalars(select(Class))}
        counts = await _counts_by(s, Learner.class_code)
    codes = sorted(set(registered) | {k for k in counts if k})
    summaries = []
    for code in codes:
        row = registered.get(code)
        started, lessons, certified = counts.get(code, [0, 0, 0])
        name, facilitator, area = (row.name, row.facilitator, row.area) if row else ("", "", "")
        schedule = (row.schedule or "") if row else ""
        summaries.append(
            ClassSummary(code, name, facilitator, area, started, lessons, certified, schedule)
        )
    return summaries


async def export_certificates(
    db: Database,
    out: TextIO,
    zone: ZoneInfo,
    wards: Mapping[str, str],
    show: Callable[[str], str] = str,
) -> None:
    """Every certificate as CSV rows (code, name, issued, ward, age band, class): `hocso
    certificate export` and the web page's download. `show`: how a code is written."""
    await db.ensure_schema()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "issued", "ward", "age_band", "class"])
    for c in await certificates(db):
        day = c.issued_at.astimezone(zone).date().isoformat()
        ward = wards.get(c.area, c.area)  # an unknown id as the learner's client sent it
        writer.writerow(
            [show(c.code), no_formula(c.name), day]
            + [no_formula(v) for v in (ward, c.age_band, c.class_code)]
        )


def no_formula(text: str) -> str:
    """A learner-typed name (or a forged ward) must not run as a formula when the CSV opens
    in a spreadsheet, nor break its row (a lone carriage return is not quoted by `csv`)."""
    text = "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in text)
    return "'" + text if text.lstrip()[:1] in ("=", "+", "-", "@") else text
