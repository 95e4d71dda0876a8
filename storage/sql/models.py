"""The reporting tables, as typed SQLAlchemy models.

Only what officials' reports need is kept: no phone numbers, no display names (except the
name a learner asked to have printed on their certificate). Times are UTC. When a learner
asks to be forgotten, their `learners` row stays but is made anonymous, with their lessons and
answers, so campaign totals do not shrink; their certificate stays as a count only, its code,
name and link to the row gone (storage/sql/ingest.py `_on_forget`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        # SQLite stores text: keep it naive UTC so comparisons sort as strings correctly.
        return value.replace(tzinfo=None) if getattr(dialect, "name", "") == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc(epoch: int | float | str) -> datetime:
    return datetime.fromtimestamp(float(epoch), UTC)


# Stable constraint names, so Alembic migrations can refer to them on both databases.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# A forgotten learner's row stays, anonymous, so totals never shrink: its platform and every
# profile field hold this marker, and nothing left in it can be tied to a person.
ERASED = "(erased)"


class Learner(Base):
    __tablename__ = "learners"
    __table_args__ = (UniqueConstraint("platform", "platform_user"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))  # "tg", "console", ...
    platform_user: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    area: Mapped[str] = mapped_column(String(32), default="", index=True)  # ward/commune id
    age_band: Mapped[str] = mapped_column(String(16), default="")
    class_code: Mapped[str] = mapped_column(String(32), default="", index=True)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    profile_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # newest profile applied
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False: blocked the bot
    paused: Mapped[bool] = mapped_column(Boolean, default=False)


class Completion(Base):
    """One finished attempt at a lesson (passed or not)."""

    __tablename__ = "completions"
    # At most one first pass per learner and lesson, whatever two reporters do at once
    # (a partial index: retakes and detached rows, learner_id NULL, are not limited).
    __table_args__ = (
        Index(
            "uq_completions_first_pass",
            "learner_id",
            "lesson",
            unique=True,
            postgresql_where=text("first_pass"),
            sqlite_where=text("first_pass"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id"), index=True)
    lesson: Mapped[str] = mapped_column(String(64))
    lesson_version: Mapped[int] = mapped_column(Integer)
    module: Mapped[str] = mapped_column(String(64), index=True)
    score: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    # The learner's first pass of this lesson: what "lessons completed" counts.
    first_pass: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    in_group: Mapped[bool] = mapped_column(Boolean, default=False)


class Response(Base):
    """One answer to one question, for item analysis."""

    __tablename__ = "responses"
    __table_args__ = (Index("ix_responses_lesson_question", "lesson", "question"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id"), index=True)
    lesson: Mapped[str] = mapped_column(String(64))
    lesson_version: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(String(64))
    choice: Mapped[int | None] = mapped_column(Integer)  # the option picked; None: typed
    correct: Mapped[bool] = mapped_column(Boolean)
    review: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ModuleCompletion(Base):
    """A learner finished a module: once per learner (NULLs, detached rows, are distinct)."""

    __tablename__ = "module_completions"
    __table_args__ = (
        Index("uq_module_completions_learner_id", "learner_id", "module", unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id"), index=True)
    module: Mapped[str] = mapped_column(String(64), index=True)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Class(Base):
    """A class or community digital team; a learner joins with the facilitator's code."""

    __tablename__ = "classes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    facilitator: Mapped[str] = mapped_column(String(120), default="")
    area: Mapped[str] = mapped_column(String(32), default="")
    # Its weekly time, "D HH:MM" (ISO weekday; bot/groups/class_schedule.py), or none.
    schedule: Mapped[str | None] = mapped_column(String(16), nullable=True)


class Certificate(Base):
    __tablename__ = "certificates"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")  # as the learner typed it
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ProcessedEvent(Base):
    """Every outbox event applied, by id: what makes a second delivery change nothing."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Erasure(Base):
    """A learner who asked to be forgotten: a keyed hash (HMAC-SHA256, the erase key from
    config) of the platform id, and when.

    It stops an older event, delivered late by a recovering reporter, from re-creating the
    learner; such events are stored detached from any learner. Kept 30 days (see
    reporter.py), long enough for any late event, then deleted."""

    __tablename__ = "erasures"

    user_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VneidConfirmation(Base):
    """A learner's own answer to "confirmed on VNeID yet?" (bot/confirm.py): SELF-REPORTED,
    hocso cannot check it. One row per learner, the newest answer; deleted on /forget. The
    name is kept only when the learner agreed to share it with a facilitator (after "needs
    help"); the ward and class are the learner's own (their row in `learners`)."""

    __tablename__ = "vneid_confirmations"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    answer: Mapped[str] = mapped_column(String(8))  # "yes", "no" or "help"
    name: Mapped[str] = mapped_column(String(80), default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    event_id: Mapped[str] = mapped_column(String(32))
