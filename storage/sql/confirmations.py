"""Self-reported VNeID confirmations (issue 25), as reports show them.

Learners answer "confirmed on VNeID yet?" themselves (bot/confirm.py); hocso cannot check
it, so every table and file made here says SELF-REPORTED. Counted per ward and per class:
the learners whose newest answer is "yes" (confirmed), "no" (not yet) or "help" (asked for
someone to help). Those who asked for help are listed for a facilitator to visit, with only
what a visit needs: the class, the ward, the day they asked, and their name only if they
agreed to share it. No chat or platform ids ever leave the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.sql.db import Database
from storage.sql.models import ERASED, Class, Learner, VneidConfirmation

SELF_REPORTED = "SELF-REPORTED"
ANSWERS = ("yes", "no", "help")
COLUMNS = ["name", "confirmed (self-reported)", "not yet", "asked for help", "answered"]
NOT_GIVEN = "(not given)"


@dataclass(frozen=True)
class Counts:
    """One ward's or class's answers: confirmed, not yet, asked for help."""

    key: str
    yes: int = 0
    no: int = 0
    help: int = 0

    @property
    def answered(self) -> int:
        return self.yes + self.no + self.help


@dataclass(frozen=True)
class HelpRequest:
    """A learner who asked for help: what a facilitator needs to find them, nothing more."""

    class_code: str
    class_name: str
    area: str
    name: str  # only if the learner agreed to share it; else ""
    asked_at: datetime


def _scope(classes: tuple[str, ...] | None, area: str | None) -> list[ColumnElement[bool]]:
    """Conditions on the learner: in one of `classes` (None: any), of ward `area` (None: any)."""
    conditions: list[ColumnElement[bool]] = []
    if classes is not None:
        conditions.append(Learner.class_code.in_(classes))
    if area is not None:
        conditions.append(Learner.area == area)
    return conditions


def _in(column, start: datetime | None, end: datetime | None):  # noqa: ANN001, ANN202
    if start is None or end is None:
        return true()
    return (column >= start) & (column < end)


async def counts_by(
    s: AsyncSession,
    by: str,
    start: datetime | None = None,
    end: datetime | None = None,
    platform: str | None = None,
    classes: tuple[str, ...] | None = None,
    area: str | None = None,
) -> list[Counts]:
    """Answers per ward (`by="area"`) or class (`by="class"`), answered in the range (or
    ever), most confirmed first; of these classes or this ward only, if given."""
    column = Learner.area if by == "area" else Learner.class_code
    query = (
        select(column, VneidConfirmation.answer, func.count())
        .join(Learner, VneidConfirmation.learner_id == Learner.id)
        .where(_in(VneidConfirmation.answered_at, start, end), Learner.platform != ERASED)
        .group_by(column, VneidConfirmation.answer)
    )
    if platform is not None:
        query = query.where(Learner.platform == platform)
    query = query.where(*_scope(classes, area))
    found: dict[str, dict[str, int]] = {}
    for key, answer, n in await s.execute(query):
        found.setdefault(key or "", {})[answer] = n
    out = [Counts(k, v.get("yes", 0), v.get("no", 0), v.get("help", 0)) for k, v in found.items()]
    return sorted(out, key=lambda c: (-c.yes, -c.answered, c.key))


async def class_answers(db: Database) -> dict[str, Counts]:
    """Every class's answers so far, by class code (each class's report)."""
    async with db.session() as s:
        return {c.key: c for c in await counts_by(s, "class")}


def rows(counts: list[Counts], names: Mapping[str, str]) -> list[list[object]]:
    """Table rows: the ward's or class's name, then the counts."""
    return [
        [names.get(c.key) or c.key or NOT_GIVEN, c.yes, c.no, c.help, c.answered] for c in counts
    ]


async def help_requests(
    db: Database, classes: tuple[str, ...] | None = None, area: str | None = None
) -> list[HelpRequest]:
    """Learners whose newest answer is "needs help", oldest request first; of these classes
    or this ward only, if given."""
    query = (
        select(Learner.class_code, Class.name, Learner.area, VneidConfirmation)
        .join(Learner, VneidConfirmation.learner_id == Learner.id)
        .outerjoin(Class, Class.code == Learner.class_code)
        .where(VneidConfirmation.answer == "help", Learner.platform != ERASED)
        .order_by(VneidConfirmation.answered_at, Learner.id)
    )
    query = query.where(*_scope(classes, area))
    async with db.session() as s:
        return [
            HelpRequest(code or "", name or "", ward or "", answer.name, answer.answered_at)
            for code, name, ward, answer in await s.execute(query)
        ]
