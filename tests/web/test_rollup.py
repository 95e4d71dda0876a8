"""The counts the pages read agree with `hocso report` over all time, and the option a
learner picks travels from the chat to the most-missed questions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from storage.sql.db import Database
from storage.sql.ingest import parse, write_batch
from storage.sql.models import Response
from storage.sql.reports import NOT_GIVEN, Labels, build_report
from storage.sql.web_models import ALL_CLASSES, WebGroup
from web import demo
from web import queries as q
from web.rollup import refresh
from web.site import course_of

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


async def _agree_with_the_report(db: Database, curriculum) -> None:
    first = curriculum.modules[0]
    labels = Labels(first_lesson=first.lessons[0].id, first_module=first.id)
    report = await build_report(db, *EVER, labels=labels)
    async with db.session() as s:
        wards = await q.by_ward(s, q.Scope())
        totals = await q.totals(s, q.Scope())
        classes = await q.by_class(s, q.Scope())
        names = {c: info.name for c, info in (await q.registered_classes(s)).items()}
    # The report names a ward by its id (no labels given here) and a class by its name.
    by_area = {r[0]: r[1:] for r in report.table("by_area").rows}
    shown = {
        NOT_GIVEN if k == "" else k: [g.started, g.lessons, g.certified] for k, g in wards.items()
    }
    assert by_area == shown
    funnel = [row[1] for row in report.table("funnel").rows]
    assert funnel == [totals.started, totals.lesson_one, totals.module_one, totals.certified]
    by_class = {r[0]: r[1:] for r in report.table("by_class").rows}
    assert classes
    for code, g in classes.items():
        assert by_class[names.get(code) or code] == [g.started, g.lessons, g.certified]


async def test_counts_agree_with_the_report_on_the_hand_counted_campaign(seeded, curriculum):
    await _agree_with_the_report(seeded, curriculum)
    async with seeded.session() as s:
        rows = list(await s.scalars(select(WebGroup).where(WebGroup.class_code == ALL_CLASSES)))
    assert sum(r.started for r in rows) == 7 and sum(r.stuck for r in rows) == 4


async def test_counts_agree_with_the_report_on_a_demo_campaign(database, config):
    from pathlib import Path

    from bot.content.lessons import load_curriculum

    curriculum = load_curriculum(Path(__file__).parents[2] / "lessons")
    await demo.fill(database, curriculum, config, demo.Plan(learners=400, weeks=4, seed=3))
    await refresh(database, config.timezone, course_of(curriculum))
    await _agree_with_the_report(database, curriculum)


async def test_a_recount_replaces_the_numbers(seeded, config, curriculum):
    async with seeded.session() as s:
        before = await q.totals(s, q.Scope())
    event = {"id": "x1", "type": "learner", "user": "tg:Z", "at": "1767225600"}
    event |= {"consent_at": "1767225600", "area": "cai-khe", "class_code": ""}
    await write_batch(seeded, [parse(json.dumps(event))])
    await refresh(seeded, config.timezone, course_of(curriculum))
    async with seeded.session() as s:
        after = await q.totals(s, q.Scope())
        info = await q.meta(s)
    assert after.started == before.started + 1
    assert info.refreshed_at is not None


async def test_the_option_picked_reaches_the_reporting_database(chat, redis, keys, database):
    await chat.first_question()
    await chat.tap("Sai bét")  # option 0 of q1, the wrong one
    entries = await redis.xrange(keys.outbox_of(chat.user))
    events = [parse(fields["e"]) for _, fields in entries]
    answers = [e for e in events if e and e.type == "answer"]
    assert [a.data.get("choice") for a in answers] == ["0"]
    await write_batch(database, [e for e in events if e])
    async with database.session() as s:
        stored = list(await s.scalars(select(Response)))
    assert [(r.question, r.choice, r.correct) for r in stored] == [("q1", 0, False)]
