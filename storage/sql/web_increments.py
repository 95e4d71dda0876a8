"""Tables that let web/rollup.py recount only what changed since the last recount.

- `web_learners`: each learner as last counted (the ward and class counted under, the funnel
  stages, the last activity, the lesson tried last), so a recount can take a learner's old
  share out of the counts before putting the new one in.
- `web_touched`: learners whose counted rows were changed rather than added to: a new ward or
  class, an earlier start, a certificate, a first pass demoted, an erasure. Written by
  triggers (migration 0006) in the same transaction as the change, so no change is missed,
  whoever makes it (the reporter, `hocso class`, a hand-written UPDATE).
- `web_gaps`: ids below the last counted one that were not there yet when counted (a
  reporter's transaction still open on PostgreSQL): looked at again until they appear, or
  for an hour.

learner_id 0 in web_touched asks for a full recount (rows were deleted).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.sql.models import Base, UTCDateTime

FULL_RECOUNT = 0  # web_touched.learner_id: rows were deleted; only a full recount is right


class WebLearner(Base):
    __tablename__ = "web_learners"
    __table_args__ = (Index("ix_web_learners_last_at", "last_at"),)

    learner_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    area: Mapped[str] = mapped_column(String(32))
    class_code: Mapped[str] = mapped_column(String(32))
    started_day: Mapped[date] = mapped_column(Date)
    lesson_one: Mapped[bool] = mapped_column(Boolean)
    module_one: Mapped[bool] = mapped_column(Boolean)
    certified_days: Mapped[str] = mapped_column(String(255))  # local days, ISO, comma-joined
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())  # newest start, answer or lesson
    tried: Mapped[str] = mapped_column(String(64))  # the lesson tried last ('' : none)
    tried_failed: Mapped[bool] = mapped_column(Boolean)


class WebTouched(Base):
    __tablename__ = "web_touched"
    __table_args__ = (Index("ix_web_touched_learner_id", "learner_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    learner_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    completion_id: Mapped[int | None] = mapped_column(  # a first pass demoted
        BigInteger().with_variant(Integer, "sqlite")
    )


class WebGap(Base):
    __tablename__ = "web_gaps"

    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
