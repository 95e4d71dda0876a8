"""The reporter keeps going when Redis loses its consumer group, and says how it is doing.

Issue 8, defect 1: after a Redis restart without persistence (or a FLUSHALL, or a failover
that loses the group) the reporter used to stop for good, silently. The restart itself, on a
private redis-server: tests/e2e/test_reporter_redis_restart.py.
"""

from __future__ import annotations

import asyncio
import logging
import time

from outbox import backlog, completion, count, push, until
from redis.asyncio import Redis

from storage.redis.keys import Keys
from storage.sql.db import Database
from storage.sql.models import Completion
from storage.sql.reporter import GROUP, Reporter, background_reporter, reporter_health


async def test_a_group_lost_while_its_streams_stay_is_re_created(redis, keys, database):
    """A failover that kept the streams but not the group: nothing in the outbox is lost."""
    reporter = Reporter(redis, keys, database)
    await push(redis, keys, completion("tg:1"))
    assert await reporter.step() == 1
    for stream in keys.all_outboxes():
        await redis.xgroup_destroy(stream, GROUP)
    await push(redis, keys, *[completion(f"tg:{i}") for i in range(2, 12)])
    assert await reporter.step() == 10
    assert await count(database, Completion) == 11
    assert await backlog(redis, keys) == (0, 0)


async def test_health_turns_unhealthy_when_events_wait_and_no_reporter_stores_them(
    redis, keys, database
):
    now = time.time()
    healthy, details = await reporter_health(redis, keys, now)
    assert healthy and details["waiting"] == 0 and details["oldest_age"] is None

    await push(redis, keys, *[completion(f"tg:{i}") for i in range(3)])
    healthy, details = await reporter_health(redis, keys, now + 5)
    assert healthy, "a few seconds of lag is not a fault"
    assert details["waiting"] == 3 and details["oldest_age"] >= 4

    later = time.time() + 600  # ten minutes on, still no reporter
    healthy, details = await reporter_health(redis, keys, later)
    assert not healthy
    assert "no reporter is running" in details["problem"] and details["reporters"] == 0

    stop = asyncio.Event()
    task = asyncio.create_task(Reporter(redis, keys, database, block=0.05).run(stop))
    await until(lambda: _stored(database, 3))
    await until(lambda: _heard(redis, keys))
    healthy, details = await reporter_health(redis, keys, time.time())
    assert healthy and details["waiting"] == 0 and details["last_stored_age"] < 5
    stop.set()
    await task
    _, details = await reporter_health(redis, keys, time.time())
    assert details["reporters"] == 0  # stopped on purpose: signed off


async def test_health_names_the_error_of_a_reporter_that_cannot_store(redis, keys, tmp_path):
    blocked = tmp_path / "down.db"
    blocked.mkdir()  # SQLite cannot open a directory: the database is down
    database = Database(f"sqlite+aiosqlite:///{blocked}")
    await push(redis, keys, completion("tg:1"))
    stop = asyncio.Event()
    reporter = Reporter(redis, keys, database, block=0.05, max_backoff=0.1)
    task = asyncio.create_task(reporter.run(stop))
    try:
        await asyncio.sleep(1.2)  # the event has now waited longer than `stuck_after` below
        healthy, details = await reporter_health(redis, keys, time.time(), stuck_after=1.0)
        assert not healthy
        assert details["reporters"] == 1 and details["last_stored_age"] is None
        assert "failing" in details["problem"] and "OperationalError" in details["error"]
    finally:
        stop.set()
        await task
        await database.dispose()


async def test_an_outage_is_logged_while_it_lasts_and_with_its_length(
    redis, keys, tmp_path, caplog
):
    caplog.set_level(logging.INFO, logger="storage.sql.reporter")
    blocked = tmp_path / "late.db"
    blocked.mkdir()  # SQLite cannot open a directory: the database is down
    database = Database(f"sqlite+aiosqlite:///{blocked}")
    await push(redis, keys, completion("tg:1"))
    options = {"block": 0.05, "max_backoff": 0.1, "remind_every": 0.3}
    async with background_reporter(redis, keys, database, **options):
        await asyncio.sleep(1.0)
        blocked.rmdir()  # the database is back
        await until(lambda: _stored(database, 1))
    await database.dispose()
    logged = [r.getMessage() for r in caplog.records if r.name == "storage.sql.reporter"]
    assert sum(line.startswith("reporting paused") for line in logged) == 1, logged
    assert any(line.startswith("reporting still paused after") for line in logged), logged
    resumed = [float(line.split()[3]) for line in logged if line.startswith("reporting resumed")]
    assert len(resumed) == 1 and 1.0 <= resumed[0] < 5, logged


async def _heard(redis: Redis, keys: Keys) -> bool:
    """One reporter's heartbeat is in Redis (it follows the commit by a moment)."""
    return (await reporter_health(redis, keys, time.time()))[1]["reporters"] == 1


async def _stored(database: Database, expected: int) -> bool:
    try:
        return await count(database, Completion) == expected
    except Exception:  # noqa: BLE001 - the database is down, or has no tables yet
        return False
