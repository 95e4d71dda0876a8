"""Classes a facilitator registers (`hocso class add`): one `classes` row per code.

Their learners' numbers are counted with the reports, in storage/sql/reports.py
(`class_summaries`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storage.sql.db import Database
from storage.sql.models import Class


async def save_class(
    db: Database,
    code: str,
    name: str,
    facilitator: str | None = None,
    area: str | None = None,
    schedule: str | None = None,
) -> bool:
    """Create the class or update it (None leaves that field as it is; a schedule of ""
    removes it); True if it is new."""
    await db.ensure_schema()
    try:
        return await _save(db, code, name, facilitator, area, schedule)
    except IntegrityError:
        # The reporter stored the code between our read and our insert (a learner joined
        # with it just then); now it is there to update.
        return await _save(db, code, name, facilitator, area, schedule)


async def _save(
    db: Database,
    code: str,
    name: str,
    facilitator: str | None,
    area: str | None,
    schedule: str | None,
) -> bool:
    async with db.session() as s, s.begin():
        row = await s.get(Class, code)
        created = row is None
        if row is None:
            row = Class(code=code, name="", facilitator="", area="")
            s.add(row)
        row.name = name
        if facilitator is not None:
            row.facilitator = facilitator
        if area is not None:
            row.area = area
        if schedule is not None:
            row.schedule = schedule or None
    return created


async def set_class_schedule(db: Database, code: str, schedule: str) -> bool:
    """Set a registered class's weekly time ("" removes it), as its facilitator typed it in
    the group (`/schedule`); False when the class is not registered."""
    await db.ensure_schema()
    async with db.session() as s, s.begin():
        row = await s.get(Class, code)
        if row is None:
            return False
        row.schedule = schedule or None
    return True


async def find_class(db: Database, code: str) -> tuple[str, str] | None:
    """(name, facilitator) of a registered class, for the engine to greet a learner joining
    it (bot/engine.py `ClassLookup`); None when the code is not registered."""
    await db.ensure_schema()
    async with db.session() as s:
        row = (
            await s.execute(select(Class.name, Class.facilitator).where(Class.code == code))
        ).first()
    return (row.name, row.facilitator) if row and row.name else None


async def class_schedule(db: Database, code: str) -> str | None:
    """The class's weekly time, "D HH:MM" (bot/groups/class_schedule.py), for the engine to
    plan its members' reminders by; None when it has none or is not registered."""
    await db.ensure_schema()
    async with db.session() as s:
        return await s.scalar(select(Class.schedule).where(Class.code == code))


async def add_facilitator_handle(db: Database, code: str, handle: str) -> bool:
    """Add a platform id ("zoa:123...") to a class's facilitator field, so group lessons know
    that person (storage/sql/facilitators.py reads it); False when the class is unknown.
    Nothing is added twice; the field keeps its 120 characters (the oldest ids go first)."""
    await db.ensure_schema()
    async with db.session() as s, s.begin():
        row = await s.get(Class, code)
        if row is None:
            return False
        words = (row.facilitator or "").split()
        if handle not in words:
            words.append(handle)
        while len(" ".join(words)) > 120 and len(words) > 1:
            words.pop(0)
        row.facilitator = " ".join(words)
    return True
