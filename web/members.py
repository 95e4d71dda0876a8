"""A class's members, for its facilitator: who each is (as far as we may say), the lesson they
tried last, when they last did anything, and whether they are stuck.

The reporting tables keep no chat names (storage/models.py: only what reports need, and what
the consent covers); the one name a learner gives is the one they ask to have printed on
their certificate. So a member is shown by that name when they have one, else by their place
in the class ("Người học 3") with their platform and the day they started: enough for a
facilitator who knows their class to tell who is who, and nothing the learner did not agree
to share. Read live (indexed by class): a class has tens of members, not thousands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.sql.models import Certificate, Completion, Learner, Response
from web.rollup import ACTIVE_DAYS

LIMIT = 2000  # members shown at most: a class is far smaller


@dataclass
class Member:
    number: int  # place in the class, by the day they started
    platform: str
    name: str  # the name printed on their certificate; "" if none
    started_at: datetime
    last_lesson: str  # lesson id; "" if none yet
    last_passed: bool
    last_active: datetime
    certified: bool
    stuck: bool


async def class_members(s: AsyncSession, code: str, now: datetime) -> list[Member]:
    learners = (
        select(Learner.id, Learner.platform, Learner.started_at)
        .where(Learner.class_code == code)
        .order_by(Learner.started_at, Learner.id)
        .limit(LIMIT)
    )
    rows = list(await s.execute(learners))
    ids = [r.id for r in rows]
    if not ids:
        return []
    done = (
        select(Completion.learner_id, Completion.lesson, Completion.passed, Completion.finished_at)
        .where(Completion.learner_id.in_(ids))
        .order_by(Completion.learner_id, Completion.finished_at)
    )
    last: dict[int, tuple[str, bool, datetime]] = {}
    for learner, lesson, passed, at in await s.execute(done):
        if learner is not None:
            last[learner] = (lesson, bool(passed), at)  # ordered: the newest wins
    answered = (
        select(Response.learner_id, func.max(Response.answered_at))
        .where(Response.learner_id.in_(ids))
        .group_by(Response.learner_id)
    )
    answers = {learner: at for learner, at in await s.execute(answered) if at is not None}
    certificates = select(Certificate.learner_id, Certificate.name).where(
        Certificate.learner_id.in_(ids)
    )
    names = {learner: name or "" for learner, name in await s.execute(certificates)}
    since = now - timedelta(days=ACTIVE_DAYS)
    members = []
    for n, r in enumerate(rows, 1):
        lesson, passed, finished = last.get(r.id, ("", False, r.started_at))
        seen = max(t for t in (r.started_at, finished, answers.get(r.id)) if t is not None)
        certified = r.id in names
        members.append(
            Member(
                n, r.platform, names.get(r.id, ""), r.started_at, lesson, passed, seen,
                certified, stuck=not certified and seen < since,
            )
        )  # fmt: skip
    return members
