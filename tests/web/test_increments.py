"""A recount of only what changed gives the numbers a full recount gives: after new learners,
answers and lessons, a class or ward changed, an erasure (/forget), a first pass delivered
late, a week passing, and deleted rows (then it counts everything)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select
from web_helpers import DAY, NOW, NOW_TS, answer, cert, done, ev, profile

from bot.config import Config
from bot.content.lessons import Curriculum
from storage.sql.db import Database
from storage.sql.ingest import write_batch
from storage.sql.models import Response
from storage.sql.web_models import WebMeta
from web import queries as q
from web.rollup import refresh
from web.site import course_of
from web.tally import TABLES


async def counts(db: Database) -> dict[str, list[tuple]]:
    """Every row of every web_* count table."""
    found = {}
    async with db.session() as s:
        for model in TABLES:
            rows = (await s.execute(select(model.__table__))).all()
            found[model.__tablename__] = sorted((tuple(r) for r in rows), key=repr)
    return found


async def counted(db: Database) -> str:
    async with db.session() as s:
        return str(await s.scalar(select(WebMeta.value).where(WebMeta.name == "counted")))


async def recount_both_ways(
    db: Database, config: Config, curriculum: Curriculum, now: datetime = NOW
) -> tuple[dict, dict, str]:
    """Recount (incrementally), then in full; returns both tables and what the first read."""
    course = course_of(curriculum)
    await refresh(db, config.timezone, course, now=now)
    how = await counted(db)
    step = await counts(db)
    await refresh(db, config.timezone, course, now=now, full=True)
    return step, await counts(db), how


async def totals(db: Database) -> q.Totals:
    async with db.session() as s:
        return await q.totals(s, q.Scope())


async def test_new_learners_answers_lessons_and_certificates(seeded, config, curriculum):
    before = await totals(seeded)
    await write_batch(seeded, [
        profile("tg:H", NOW_TS - 3600, "cai-khe", "LOP2"),
        answer("tg:H", NOW_TS - 3000, "q1", 0, 2),
        done("tg:H", NOW_TS - 2900, "l1"),
        answer("tg:B", NOW_TS - 2000, "q2", 1, 1),  # B comes back after weeks away
        done("tg:B", NOW_TS - 1900, "l2"),
        ev("module", "tg:B", NOW_TS - 1900, module="m1"),
        done("tg:D", NOW_TS - 1000, "l3"),
        ev("module", "tg:D", NOW_TS - 1000, module="m2"),
        cert("tg:D", NOW_TS - 900, "DDDDD44444", "Trần Văn Dũng"),
    ])  # fmt: skip
    step, full, how = await recount_both_ways(seeded, config, curriculum)
    assert how == "changes"
    assert step == full
    after = await totals(seeded)
    assert (after.started, after.certified) == (before.started + 1, before.certified + 1)
    assert after.stuck == before.stuck - 2  # B and D came back (and D is certified)


async def test_a_class_or_ward_changed_moves_all_of_a_learners_numbers(seeded, config, curriculum):
    await write_batch(seeded, [
        profile("tg:A", NOW_TS - 600, "cai-khe", "LOP2"),  # A changed ward and class
        profile("tg:E", NOW_TS - 500, "cai-khe", "LOP2"),  # E joined a class
        answer("tg:E", NOW_TS - 400, "q1", 1, 1),
    ])  # fmt: skip
    step, full, how = await recount_both_ways(seeded, config, curriculum)
    assert how == "changes"
    assert step == full
    async with seeded.session() as s:
        classes = await q.by_class(s, q.Scope())
    assert classes["LOP2"].certified == 1 and classes["LOP1"].started == 2


async def test_an_erasure_keeps_the_totals_under_erased(seeded, config, curriculum):
    before = await totals(seeded)
    await write_batch(
        seeded, [ev("forget", "tg:F", NOW_TS - 60), ev("forget", "tg:C", NOW_TS - 50)]
    )
    step, full, how = await recount_both_ways(seeded, config, curriculum)
    assert how == "changes"
    assert step == full
    after = await totals(seeded)
    assert (after.started, after.certified, after.lessons) == (
        before.started, before.certified, before.lessons
    )  # fmt: skip
    async with seeded.session() as s:
        wards = await q.by_ward(s, q.Scope())
    assert wards["(erased)"].started == 3 and wards["(erased)"].certified == 1


async def test_a_first_pass_delivered_late_moves_the_lesson_to_its_day(seeded, config, curriculum):
    # B passed l1 on day 1 (stored); a pass made earlier that day arrives only now.
    await write_batch(seeded, [done("tg:B", 1_767_225_600 + DAY - 3600, "l1")])
    step, full, how = await recount_both_ways(seeded, config, curriculum)
    assert how == "changes"
    assert step == full


async def test_a_week_later_the_quiet_learners_are_stuck(seeded, config, curriculum):
    before = await totals(seeded)
    later = NOW + timedelta(days=8)
    step, full, how = await recount_both_ways(seeded, config, curriculum, now=later)
    assert how == "changes"
    assert step == full
    after = await totals(seeded)
    assert after.active == 0 < before.active
    assert after.stuck == before.stuck + 1  # C; F is certified, never stuck


async def test_deleted_rows_are_counted_again_in_full(seeded, config, curriculum):
    async with seeded.session() as s, s.begin():
        await s.execute(delete(Response).where(Response.question == "q2"))
    await refresh(seeded, config.timezone, course_of(curriculum), now=NOW)
    assert await counted(seeded) == "all"
    async with seeded.session() as s:
        missed = await q.most_missed(s, q.Scope())
    assert [x.question for x in missed] == ["q1"]


@pytest.mark.parametrize("times", [3])
async def test_recounting_with_nothing_new_changes_nothing(seeded, config, curriculum, times):
    before = await counts(seeded)
    for _ in range(times):
        await refresh(seeded, config.timezone, course_of(curriculum), now=NOW)
    assert await counted(seeded) == "changes"
    assert await counts(seeded) == before
