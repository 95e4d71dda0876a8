"""Outbox -> SQL: every event stored exactly once, through outages, crashes and replays."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from outbox import T0, backlog, completion, count, equals, event, push, until
from sqlalchemy import select

from hocso.app import open_app
from storage.sql.db import Database
from storage.sql.ingest import parse, prune_erasures, write_batch
from storage.sql.models import (
    ERASED,
    Certificate,
    Completion,
    Erasure,
    Learner,
    ModuleCompletion,
    ProcessedEvent,
    Response,
)
from storage.sql.reporter import Reporter, background_reporter
from storage.sql.reports import certificates


async def test_a_lesson_in_chat_reaches_sql_once(player, redis, keys, database, curriculum):
    user = "tg:1001"
    await player.onboard(user, area="ninh-kieu", age="40-59")
    lesson = curriculum.lessons[0]
    await player.lesson(user, lesson.id)
    reporter = Reporter(redis, keys, database)
    assert await reporter.step() > 0
    assert await reporter.step() == 0

    assert await count(database, Completion) == 1
    assert await count(database, Response) == len(lesson.questions)
    async with database.session() as session:
        learner = await session.scalar(select(Learner))
        done = await session.scalar(select(Completion))
    assert (learner.platform, learner.platform_user) == ("tg", "1001")
    assert (learner.area, learner.age_band, learner.locale) == ("ninh-kieu", "40-59", "vi")
    assert done.learner_id == learner.id and done.passed and done.first_pass
    total = len(lesson.questions)
    assert (done.lesson, done.score, done.total) == (lesson.id, total, total)
    assert await backlog(redis, keys) == (0, 0)


async def test_the_same_event_delivered_twice_is_stored_once(redis, keys, database):
    twice = completion()
    await push(redis, keys, twice, twice)  # twice in one batch
    reporter = Reporter(redis, keys, database)
    await reporter.step()
    await push(redis, keys, twice)  # and again later
    await reporter.step()
    assert await count(database, Completion) == 1
    assert await count(database, ProcessedEvent) == 1
    assert await backlog(redis, keys) == (0, 0)


async def test_a_reporter_killed_between_commit_and_ack_is_replayed_once(redis, keys, database):
    events = [completion(f"tg:{i}", lesson=f"l{i % 3}") for i in range(20)]
    await push(redis, keys, *events)
    dying = Reporter(redis, keys, database, consumer="dying")
    await dying.setup()
    entries = await dying.read(">")
    assert len(entries) == 20
    # It commits the batch to SQL ... and dies before XACK.
    assert await write_batch(database, [e for _, _, e in entries if e]) == 20
    assert await backlog(redis, keys) == (20, 20)

    rescuer = Reporter(redis, keys, database, consumer="rescuer", claim_idle=0.05)
    await asyncio.sleep(0.1)
    assert await rescuer.step() == 20  # claimed from the dead consumer
    assert rescuer.written == 0  # already stored: nothing written twice
    assert await count(database, Completion) == 20
    assert await backlog(redis, keys) == (0, 0)


async def test_a_reporter_killed_before_commit_loses_nothing(redis, keys, database):
    await push(redis, keys, *[completion(f"tg:{i}") for i in range(5)])
    dying = Reporter(redis, keys, database, consumer="dying")
    await dying.setup()
    assert len(await dying.read(">")) == 5  # read, then killed before writing anything
    rescuer = Reporter(redis, keys, database, consumer="rescuer", claim_idle=0.05)
    assert await rescuer.step() == 0  # too fresh to claim: the reader may be alive
    await asyncio.sleep(0.1)
    await rescuer.step()
    assert await count(database, Completion) == 5
    assert await backlog(redis, keys) == (0, 0)


async def test_two_reporters_racing_store_each_event_once(redis, keys, database):
    events = [completion(f"tg:{i % 7}", at=T0 + i, lesson=f"l{i}") for i in range(300)]
    await push(redis, keys, *events)
    a = Reporter(redis, keys, database, consumer="a", batch=25, claim_idle=0.05, block=0.05)
    b = Reporter(redis, keys, database, consumer="b", batch=25, claim_idle=0.05, block=0.05)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(r.run(stop)) for r in (a, b)]
    await until(lambda: equals(count(database, Completion), 300))
    await until(lambda: equals(backlog(redis, keys), (0, 0)))
    stop.set()
    await asyncio.gather(*tasks)
    assert a.written + b.written == 300
    assert await count(database, Learner) == 7


@pytest.fixture
async def late_db_url(db_url: str, postgres, tmp_path: Path, erase_key: str):
    """A database that cannot be reached until the test says so (a real failure, not a mock):
    a PostgreSQL database that does not exist yet, or a SQLite path taken by a directory."""
    if db_url.startswith("sqlite"):
        blocker = tmp_path / "late.db"
        blocker.mkdir()  # SQLite cannot open a directory as its database file

        async def bring_up() -> None:
            blocker.rmdir()

        return f"sqlite+aiosqlite:///{blocker}", bring_up
    name = f"hocso_test_late_{uuid.uuid4().hex[:8]}"
    url = postgres.url(name)

    async def bring_up_pg() -> None:
        await postgres.create(name)
        db = Database(url)
        await db.upgrade()  # PostgreSQL is migrated explicitly (`hocso db upgrade`)
        await db.dispose()

    return url, bring_up_pg


async def test_while_the_database_is_down_learners_learn_and_events_wait(
    late_db_url, player, redis, keys, curriculum, erase_key
):
    url, bring_up = late_db_url
    database = Database(url, erase_key=erase_key)
    lesson = curriculum.lessons[0]
    async with background_reporter(redis, keys, database, block=0.05, max_backoff=0.2) as rep:
        for i in range(3):
            user = f"tg:{2000 + i}"
            await player.onboard(user, area="cai-khe")
            replies = await player.lesson(user, lesson.id)
            assert any("🎉" in r.text for r in replies)  # passed, with the database down
        await asyncio.sleep(0.5)  # the reporter has been failing and backing off meanwhile
        assert rep.written == 0
        length, _ = await backlog(redis, keys)
        assert length > 0  # nothing was acknowledged
        await bring_up()
        await until(lambda: equals(backlog(redis, keys), (0, 0)))
    assert await count(database, Completion) == 3
    assert await count(database, Learner) == 3
    assert await count(database, Response) == 3 * len(lesson.questions)
    await database.dispose()


async def test_unknown_and_malformed_entries_are_acknowledged_and_skipped(redis, keys, database):
    await push(redis, keys, event("inactive"), event("mystery"), completion())
    await redis.xadd(keys.outbox_of("tg:1"), {"e": "{not json"})
    await redis.xadd(keys.outbox_of("tg:1"), {"e": json.dumps(event("answer") | {"at": "x"})})
    await Reporter(redis, keys, database).step()
    assert await count(database, Completion) == 1
    assert await count(database, ProcessedEvent) == 3
    assert await count(database, Learner, Learner.active.is_(False)) == 1
    assert await backlog(redis, keys) == (0, 0)


async def test_a_learner_who_blocks_then_writes_again_is_active(redis, keys, database):
    await push(redis, keys, event("inactive", "tg:5", T0), event("inactive", "tg:6", T0))
    await push(redis, keys, event("active", "tg:5", T0 + 60))
    await Reporter(redis, keys, database).step()
    assert await count(database, Learner, Learner.active.is_(False)) == 1
    assert await count(database, Learner, Learner.active.is_(True)) == 1


async def test_a_module_finished_again_counts_once(redis, keys, database):
    # A lesson was added to a module the learner had finished; they finish it again.
    await push(redis, keys, event("module", "tg:3", T0, module="m1"))
    await push(redis, keys, event("module", "tg:3", T0 + 86400, module="m1"))
    await Reporter(redis, keys, database).step()
    assert await count(database, ModuleCompletion) == 1


async def test_forget_leaves_an_anonymous_row_so_totals_hold(redis, keys, database):
    user = "tg:77"
    profile = event("learner", user, T0, consent_at=T0, lang="vi", area="o-mon", age="60")
    answer = event("answer", user, T0 + 10, lesson="l1", version=1, question="q", correct=0)
    cert = event("certificate", user, T0 + 30, code="ABCDE23456", name="Trần Văn Bảy")
    late = completion(user, at=T0 + 40)  # read by a reporter that died; replayed after forget
    await push(redis, keys, profile, answer, completion(user, at=T0 + 20), cert)
    await push(redis, keys, event("forget", user, T0 + 50))
    # These events are dated 2026-01-01: keep the erasure mark past its usual 30 days.
    await Reporter(redis, keys, database, keep_erasures=timedelta(days=3650)).step()
    assert await write_batch(database, [parse(json.dumps(late))]) == 1

    async with database.session() as session:
        gone = await session.scalar(select(Learner))
        printed = await session.scalar(select(Certificate))
    # Still counted (started, certified, a lesson), but nothing that points to a person.
    assert (gone.platform, gone.area, gone.age_band, gone.class_code) == (ERASED,) * 4
    assert gone.platform_user != "77" and gone.consent_at is None
    # The certificate is still counted, but leads nowhere: no code, no name, no learner.
    assert (printed.name, printed.learner_id) == ("", None) and printed.code != "ABCDE23456"
    assert await certificates(database, "ABCDE23456") == []  # no longer verifiable
    assert await count(database, Completion, Completion.learner_id == gone.id) == 1
    assert await count(database, Completion, Completion.learner_id.is_(None)) == 1  # the late one
    assert await count(database, Response, Response.learner_id == gone.id) == 1

    # Coming back later is a new start, with nothing of the old profile.
    await push(redis, keys, event("learner", user, T0 + 100, consent_at=T0 + 100, area=""))
    await Reporter(redis, keys, database).step()
    async with database.session() as session:
        again = await session.scalar(select(Learner).where(Learner.platform == "tg"))
    assert again is not None and again.area == "" and again.consent_at.timestamp() == T0 + 100


async def test_erasure_marks_are_kept_thirty_days(database):
    async with database.session() as session, session.begin():
        session.add(Erasure(user_hash="a" * 64, erased_at=datetime.fromtimestamp(T0, UTC)))
        session.add(Erasure(user_hash="b" * 64, erased_at=datetime.fromtimestamp(T0, UTC)
                            + timedelta(days=25)))  # fmt: skip
    now = datetime.fromtimestamp(T0, UTC) + timedelta(days=31)
    assert await prune_erasures(database, now, timedelta(days=30)) == 1
    assert await count(database, Erasure) == 1


async def test_the_console_chat_reports_to_its_sqlite_file(
    config, curriculum, tmp_path, clock, make_player
):
    """`hocso chat`: embedded Redis, SQLite created on first use, a reporter running beside,
    and what is left stored when the chat ends."""
    config.data_dir = tmp_path
    async with open_app(config, curriculum) as app:
        app.engine.clock = clock
        async with background_reporter(app.redis, app.keys, app.database, block=0.05):
            player = make_player(app.engine, curriculum)
            await player.onboard("console:local", area="tan-an")
            await player.lesson("console:local", curriculum.lessons[0].id)
        database = app.database
        assert await count(database, Completion) == 1
        assert await count(database, Learner, Learner.area == "tan-an") == 1
    assert (tmp_path / "hocso.db").exists()


async def test_reporting_resumes_within_seconds_of_a_long_database_outage(
    postgres, redis, keys, erase_key
):
    """With the reporter's own back-off (no test settings): the database is gone long enough
    for the back-off to grow, and events pile up; once it answers, reporting resumes at once
    and catches up (it used to wait out a back-off of up to 30 s)."""
    name = f"hocso_test_late_{uuid.uuid4().hex[:8]}"
    database = Database(postgres.url(name), erase_key=erase_key)
    async with background_reporter(redis, keys, database, block=0.05) as reporter:
        await push(redis, keys, *[completion(f"tg:{i}", lesson=f"l{i % 3}") for i in range(50)])
        await asyncio.sleep(7.5)  # tries at about 0, 1, 3, 7 s; a doubling back-off: 15 s next
        assert reporter.written == 0
        await postgres.create(name)  # it answers, with no tables yet (as when restoring)
        await asyncio.sleep(1.0)
        migrated = Database(postgres.url(name), erase_key=erase_key)
        await migrated.upgrade()
        await migrated.dispose()
        answered = time.monotonic()
        await until(lambda: equals(backlog(redis, keys), (0, 0)), seconds=20)
        resumed = time.monotonic() - answered
    assert await count(database, Completion) == 50
    await database.dispose()
    assert resumed < 3, f"reporting resumed {resumed:.1f} s after the database answered"


async def test_a_backlog_is_stored_in_large_transactions_with_nothing_lost(redis, keys, database):
    """After an outage: 1,500 learners' events, more than one query's worth of each kind."""
    await push(redis, keys, *[completion(f"tg:{i}", at=T0 + i) for i in range(1500)])
    await push(redis, keys, *[completion(f"tg:{i}", at=T0 + 9000 + i) for i in range(1500)])
    reporter = Reporter(redis, keys, database, batch=1000)
    while await reporter.step():
        pass
    assert reporter.written == 3000
    assert await count(database, Learner) == 1500
    assert await count(database, Completion, Completion.first_pass) == 1500  # retakes: not
    assert await backlog(redis, keys) == (0, 0)
