"""Migrations mend the data they find: `hocso db upgrade` on a database that has history."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from alembic import command
from outbox import count
from sqlalchemy import select

from storage.sql.db import Database, alembic_config
from storage.sql.models import ERASED, Certificate, Completion, Erasure, Learner, ModuleCompletion

AT = datetime(2026, 1, 1, tzinfo=UTC)


async def upgrade_to(db: Database, revision: str) -> None:
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda c: command.upgrade(alembic_config(c), revision))


def attempt(learner_id: int, n: int, first_pass: bool) -> Completion:
    return Completion(
        event_id=f"c{learner_id}-{n}", learner_id=learner_id, lesson="l1", lesson_version=1,
        module="m1", score=3, total=3, passed=True, first_pass=first_pass,
        finished_at=AT + timedelta(minutes=n), in_group=False,
    )  # fmt: skip


async def test_upgrade_keeps_one_first_pass_and_one_module_completion(db_url):
    db = Database(db_url)
    await upgrade_to(db, "0001")
    async with db.session() as session, session.begin():
        for n in (1, 2):
            session.add(Learner(id=n, platform="tg", platform_user=str(n), locale="vi", area="",
                                age_band="", class_code="", started_at=AT, active=True,
                                paused=False))  # fmt: skip
        await session.flush()
        # Learner 1 was counted twice by two racing reporters (issue 8, defect 2).
        session.add_all([attempt(1, 2, True), attempt(1, 1, True), attempt(1, 3, False)])
        session.add_all([attempt(2, 1, True)])
        for n, learner in enumerate((1, 1, 2, None, None)):
            session.add(ModuleCompletion(event_id=f"m{n}", learner_id=learner, module="m1",
                                         finished_at=AT + timedelta(minutes=n)))  # fmt: skip
    await upgrade_to(db, "head")
    try:
        assert await count(db, Completion) == 4  # no attempt is lost
        async with db.session() as session:
            firsts = list(await session.scalars(select(Completion).where(Completion.first_pass)))
        assert sorted(c.event_id for c in firsts) == ["c1-1", "c2-1"]  # the earliest pass
        assert await count(db, ModuleCompletion) == 4  # learner 1's copy went; detached stay
        assert await count(db, ModuleCompletion, ModuleCompletion.event_id == "m0") == 1
    finally:
        await db.dispose()


async def test_upgrade_removes_the_links_erasure_used_to_leave(db_url):
    db = Database(db_url)
    await upgrade_to(db, "0002")
    async with db.session() as session, session.begin():
        gone = Learner(id=7, platform=ERASED, platform_user="f00", locale="", area=ERASED,
                       age_band=ERASED, class_code=ERASED, started_at=AT, active=False,
                       paused=False)  # fmt: skip
        here = Learner(id=8, platform="tg", platform_user="8", locale="vi", area="", age_band="",
                       class_code="", started_at=AT, active=True, paused=False)  # fmt: skip
        session.add_all([gone, here])
        await session.flush()
        session.add(Certificate(code="AAAAA22222", event_id="c7", learner_id=7, name="",
                                issued_at=AT))  # fmt: skip
        session.add(Certificate(code="BBBBB33333", event_id="c8", learner_id=8, name="Bình",
                                issued_at=AT))  # fmt: skip
        # A plain SHA-256 of "tg:7": reversible by trying every id.
        session.add(Erasure(user_hash=hashlib.sha256(b"tg:7").hexdigest(), erased_at=AT))
    await upgrade_to(db, "head")
    try:
        assert await count(db, Erasure) == 0
        async with db.session() as session:
            kept = {c.event_id: c for c in await session.scalars(select(Certificate))}
        assert kept["c7"].code != "AAAAA22222" and kept["c7"].learner_id is None
        assert (kept["c8"].code, kept["c8"].learner_id, kept["c8"].name) == (
            "BBBBB33333",
            8,
            "Bình",
        )
    finally:
        await db.dispose()
