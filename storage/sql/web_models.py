"""Tables of `hocso web`: its accounts, and the numbers it shows, counted ahead of time.

The counts (`web_*` tables but the two of accounts) are kept up to date from the reporting
tables by web/rollup.py every few minutes (web_increments.py holds what lets it count only
what changed), so a page reads a few hundred small rows however many learners there are.
Each row counts the learners of one ward (`area`) and one class (`class_code`) as they are
now; rows with class_code ALL_CLASSES hold the whole ward, so the campaign's totals and a
ward's are read without adding up thousands of classes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.sql.models import Base, UTCDateTime

ALL_CLASSES = "*"  # never a class code: codes are A-Z 0-9 _ -
ROLES = ("official", "facilitator")


class WebUser(Base):
    """Someone who logs in to the web page: an official (sees everything) or a facilitator
    (sees only their classes)."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, with its salt
    # Bumped on logout and on a new password: cookies carrying an older value stop working.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebUserClass(Base):
    """A class a facilitator may see."""

    __tablename__ = "web_user_classes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("web_users.id", ondelete="CASCADE"), primary_key=True
    )
    class_code: Mapped[str] = mapped_column(String(32), primary_key=True)


def _key(length: int) -> Mapped[str]:
    return mapped_column(String(length), primary_key=True)


# Every count row starts with the same key, one class in one ward (or ALL_CLASSES of it): the
# primary key's index then serves both the campaign's and a ward's rows and a class's.
class WebDaily(Base):
    """Per local day: learners who started, lessons first passed, certificates issued."""

    __tablename__ = "web_daily"

    class_code: Mapped[str] = _key(32)
    area: Mapped[str] = _key(32)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    started: Mapped[int] = mapped_column(Integer, default=0)
    lessons: Mapped[int] = mapped_column(Integer, default=0)
    certified: Mapped[int] = mapped_column(Integer, default=0)


class WebGroup(Base):
    """Learners as they are now: the funnel's stages, active lately, stuck."""

    __tablename__ = "web_groups"

    class_code: Mapped[str] = _key(32)
    area: Mapped[str] = _key(32)

    started: Mapped[int] = mapped_column(Integer, default=0)
    lessons: Mapped[int] = mapped_column(Integer, default=0)  # lessons first passed, ever
    lesson_one: Mapped[int] = mapped_column(Integer, default=0)  # passed the first lesson
    module_one: Mapped[int] = mapped_column(Integer, default=0)  # finished the first module
    certified: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[int] = mapped_column(Integer, default=0)  # did something in the last 7 days
    stuck: Mapped[int] = mapped_column(Integer, default=0)  # not certified, quiet for 7 days


class WebModule(Base):
    __tablename__ = "web_modules"

    class_code: Mapped[str] = _key(32)
    area: Mapped[str] = _key(32)

    module: Mapped[str] = mapped_column(String(64), primary_key=True)
    lessons: Mapped[int] = mapped_column(Integer, default=0)  # first passes of its lessons
    finished: Mapped[int] = mapped_column(Integer, default=0)  # learners who finished it


class WebAnswer(Base):
    """First answers in lessons (not reviews), per option chosen (-1: typed, or not known)."""

    __tablename__ = "web_answers"

    class_code: Mapped[str] = _key(32)
    area: Mapped[str] = _key(32)

    lesson: Mapped[str] = mapped_column(String(64), primary_key=True)
    question: Mapped[str] = mapped_column(String(64), primary_key=True)
    choice: Mapped[int] = mapped_column(Integer, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    wrong: Mapped[int] = mapped_column(Integer, default=0)


class WebStuck(Base):
    """Stuck learners by the lesson they tried last ('' : none yet) and whether they failed it."""

    __tablename__ = "web_stuck"

    class_code: Mapped[str] = _key(32)
    area: Mapped[str] = _key(32)

    lesson: Mapped[str] = mapped_column(String(64), primary_key=True)
    stuck: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)


class WebMeta(Base):
    """When the counts were made, and how long that took."""

    __tablename__ = "web_meta"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))


class WebTarget(Base):
    """A ward's own target (adults to certify), uploaded by an official on the web page as a
    CSV keyed by the official ward codes; it overrides campaign.ward_targets in config."""

    __tablename__ = "web_targets"

    area: Mapped[str] = mapped_column(String(32), primary_key=True)
    target: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(64), default="")  # the official's username
