"""The SQL behind each page: reads of the web_* counts (made by web/rollup.py), narrowed to
what the viewer may see, and the few lookups that must be live (a certificate, the newest
event). Each answers in a few milliseconds whatever the number of learners.

A Scope says which learners: all of a ward or of the campaign (officials), or those of some
classes (a facilitator's, or one class an official opened). Rows with class_code ALL_CLASSES
hold a ward's totals, so an official's page adds up a few rows per ward, never every class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import case, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.sql.db import Database
from storage.sql.models import ERASED, Certificate, Class, Completion, Learner, Response
from storage.sql.reports import IssuedCertificate, certificates
from storage.sql.web_models import (
    ALL_CLASSES,
    WebAnswer,
    WebDaily,
    WebGroup,
    WebMeta,
    WebModule,
    WebStuck,
)


@dataclass(frozen=True)
class Scope:
    area: str | None = None  # one ward; None: every ward
    classes: tuple[str, ...] | None = None  # these classes only; None: every learner

    def where(self, model: Any) -> list:  # a web_* model: WebDaily, WebGroup, ...
        conditions = []
        if self.classes is None:
            conditions.append(model.class_code == ALL_CLASSES)
        else:
            conditions.append(model.class_code.in_(self.classes))
        if self.area is not None:
            conditions.append(model.area == self.area)
        return conditions


@dataclass
class Totals:
    started: int = 0
    lesson_one: int = 0
    module_one: int = 0
    certified: int = 0
    active: int = 0
    stuck: int = 0
    lessons: int = 0


@dataclass
class Day:
    day: date
    started: int
    lessons: int
    certified: int


@dataclass
class Group:
    """One ward's or one class's learners."""

    key: str
    started: int = 0
    lessons: int = 0
    certified: int = 0
    active: int = 0
    stuck: int = 0


@dataclass
class QuestionStat:
    lesson: str
    question: str
    answers: int
    wrong: int
    options: dict[int, int] = field(default_factory=dict)  # option index -> times picked


@dataclass
class Meta:
    refreshed_at: datetime | None
    seconds: float


async def meta(s: AsyncSession) -> Meta:
    values = dict((await s.execute(select(WebMeta.name, WebMeta.value))).all())
    at = values.get("refreshed_at")
    return Meta(datetime.fromisoformat(at) if at else None, float(values.get("seconds", 0)))


async def totals(s: AsyncSession, scope: Scope) -> Totals:
    g = WebGroup
    row = (
        await s.execute(
            select(
                func.sum(g.started),
                func.sum(g.lesson_one),
                func.sum(g.module_one),
                func.sum(g.certified),
                func.sum(g.active),
                func.sum(g.stuck),
                func.sum(g.lessons),
            ).where(*scope.where(g))
        )
    ).one()
    return Totals(*(int(v or 0) for v in row))


async def days(s: AsyncSession, scope: Scope) -> list[Day]:
    d = WebDaily
    query = (
        select(d.day, func.sum(d.started), func.sum(d.lessons), func.sum(d.certified))
        .where(*scope.where(d))
        .group_by(d.day)
        .order_by(d.day)
    )
    return [Day(day, int(a), int(b), int(c)) for day, a, b, c in await s.execute(query)]


async def by_ward(s: AsyncSession, scope: Scope) -> dict[str, Group]:
    return await _groups(s, scope, WebGroup.area)


async def by_class(s: AsyncSession, scope: Scope) -> dict[str, Group]:
    """Per class (learners without a class are left out)."""
    found = await _groups(s, scope, WebGroup.class_code, every_class=scope.classes is None)
    for not_a_class in ("", ERASED):
        found.pop(not_a_class, None)
    return found


async def _groups(
    s: AsyncSession,
    scope: Scope,
    column,  # noqa: ANN001 - a WebGroup column
    every_class: bool = False,
) -> dict[str, Group]:
    g = WebGroup
    where = scope.where(g)
    if every_class:  # each class's own rows, not the wards' totals
        where = [g.class_code != ALL_CLASSES]
        where += [g.area == scope.area] if scope.area is not None else []
    query = (
        select(
            column,
            func.sum(g.started),
            func.sum(g.lessons),
            func.sum(g.certified),
            func.sum(g.active),
            func.sum(g.stuck),
        )
        .where(*where)
        .group_by(column)
    )
    return {key: Group(key, *(int(v) for v in values)) for key, *values in await s.execute(query)}


async def modules(s: AsyncSession, scope: Scope) -> dict[str, tuple[int, int]]:
    """Per module: (lessons first passed in it, learners who finished it)."""
    m = WebModule
    query = (
        select(m.module, func.sum(m.lessons), func.sum(m.finished))
        .where(*scope.where(m))
        .group_by(m.module)
    )
    return {module: (int(a), int(b)) for module, a, b in await s.execute(query)}


async def most_missed(s: AsyncSession, scope: Scope, top: int = 10) -> list[QuestionStat]:
    """The questions most often answered wrongly at first try, with how often each option
    was picked."""
    if scope.classes is not None:
        return await _most_missed_in_classes(s, scope, top)
    a = WebAnswer
    wrong = func.sum(a.wrong)
    answers = func.sum(a.answers)
    query = (
        select(a.lesson, a.question, answers, wrong)
        .where(*scope.where(a))
        .group_by(a.lesson, a.question)
        .having(wrong > 0)
        .order_by(wrong.desc(), answers.desc(), a.lesson, a.question)
        .limit(top)
    )
    stats = [QuestionStat(les, q, int(n), int(w)) for les, q, n, w in await s.execute(query)]
    if stats:
        keys = [(x.lesson, x.question) for x in stats]
        query = (
            select(a.lesson, a.question, a.choice, func.sum(a.answers))
            .where(*scope.where(a), tuple_(a.lesson, a.question).in_(keys))
            .group_by(a.lesson, a.question, a.choice)
        )
        found = {(x.lesson, x.question): x for x in stats}
        for les, q, choice, n in await s.execute(query):
            if choice >= 0:
                found[(les, q)].options[int(choice)] = int(n)
    return stats


async def _most_missed_in_classes(s: AsyncSession, scope: Scope, top: int) -> list[QuestionStat]:
    """The same for some classes, counted now from their learners' answers (indexed by
    class and by learner: a class's answers are a few thousand rows)."""
    r = Response
    choice = func.coalesce(r.choice, -1)
    query = (
        select(r.lesson, r.question, choice, func.count(), func.sum(case((r.correct, 0), else_=1)))
        .join(Learner, r.learner_id == Learner.id)
        .where(Learner.class_code.in_(scope.classes or ()), r.review.is_(False))
        .group_by(r.lesson, r.question, choice)
    )
    if scope.area is not None:
        query = query.where(Learner.area == scope.area)
    found: dict[tuple[str, str], QuestionStat] = {}
    for lesson, question, picked, n, wrong in await s.execute(query):
        stat = found.setdefault((lesson, question), QuestionStat(lesson, question, 0, 0))
        stat.answers += int(n)
        stat.wrong += int(wrong)
        if picked >= 0:
            stat.options[int(picked)] = int(n)
    ranked = sorted(
        (x for x in found.values() if x.wrong),
        key=lambda x: (-x.wrong, -x.answers, x.lesson, x.question),
    )
    return ranked[:top]


async def stuck_by_lesson(s: AsyncSession, scope: Scope) -> list[tuple[str, int, int]]:
    """(lesson tried last, learners stuck there, of them who failed it), most first."""
    t = WebStuck
    query = (
        select(t.lesson, func.sum(t.stuck), func.sum(t.failed))
        .where(*scope.where(t))
        .group_by(t.lesson)
        .order_by(func.sum(t.stuck).desc(), t.lesson)
    )
    return [(lesson, int(n), int(f)) for lesson, n, f in await s.execute(query)]


class ClassInfo(NamedTuple):
    code: str
    name: str
    facilitator: str
    area: str


@dataclass
class ClassRow:
    code: str
    name: str
    facilitator: str
    area: str
    started: int
    certified: int
    active: int
    stuck: int


CLASS_SORTS = ("code", "name", "facilitator", "ward", "started", "certified", "active", "stuck")


async def class_rows(
    s: AsyncSession,
    scope: Scope,
    sort: str = "code",
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[ClassRow], int]:
    """One page of the classes (every registered class; the reporter registers a code the
    first time a learner brings it), sorted in the database, and how many there are."""
    g = WebGroup
    where = [g.class_code != ALL_CLASSES] if scope.classes is None else scope.where(g)
    if scope.area is not None and scope.classes is None:
        where.append(g.area == scope.area)
    counts = (
        select(
            g.class_code.label("code"),
            func.sum(g.started).label("started"),
            func.sum(g.certified).label("certified"),
            func.sum(g.active).label("active"),
            func.sum(g.stuck).label("stuck"),
        )
        .where(*where)
        .group_by(g.class_code)
        .subquery()
    )
    numbers = [func.coalesce(counts.c[k], 0) for k in ("started", "certified", "active", "stuck")]
    query = select(
        Class.code, Class.name, Class.facilitator, Class.area, *numbers, func.count().over()
    ).outerjoin(counts, counts.c.code == Class.code)
    if scope.classes is not None:
        query = query.where(Class.code.in_(scope.classes))
    if scope.area is not None:
        query = query.where(or_(Class.area == scope.area, counts.c.code.is_not(None)))
    columns = dict(zip(CLASS_SORTS, [Class.code, Class.name, Class.facilitator, Class.area,
                                     *numbers], strict=True))  # fmt: skip
    key = columns.get(sort, Class.code)
    query = query.order_by(key.desc() if descending else key, Class.code)
    query = query.offset(offset).limit(limit)
    found = list(await s.execute(query))
    rows = [ClassRow(*r[:4], *(int(n) for n in r[4:8])) for r in found]
    if found:
        return rows, int(found[0][8])
    if offset:  # past the last page: count them anyway
        return rows, (await class_rows(s, scope, sort, descending))[1]
    return rows, 0


async def registered_classes(
    s: AsyncSession, codes: list[str] | None = None
) -> dict[str, ClassInfo]:
    """The classes' names, facilitators and wards (plain rows: a city has thousands)."""
    query = select(Class.code, Class.name, Class.facilitator, Class.area)
    if codes is not None:
        query = query.where(Class.code.in_(codes))
    return {row.code: ClassInfo(*row) for row in await s.execute(query)}


async def last_event(s: AsyncSession) -> datetime | None:
    """When the newest reported event happened (each an indexed max: instant)."""
    newest = [
        await s.scalar(select(func.max(Response.answered_at))),
        await s.scalar(select(func.max(Completion.finished_at))),
        await s.scalar(select(func.max(Learner.started_at))),
        await s.scalar(select(func.max(Certificate.issued_at))),
    ]
    return max((t for t in newest if t is not None), default=None)


async def certificate(db: Database, code: str) -> IssuedCertificate | None:
    found = await certificates(db, code) if code else []
    return found[0] if found else None
