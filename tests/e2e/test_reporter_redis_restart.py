"""The reporter keeps going when Redis restarts without persistence and so loses its consumer
group (issue 8, defect 1): a private redis-server of the test's own is restarted, so the
shared one is never flushed. The reporter's other recoveries: tests/storage/
test_reporter_recovery.py."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from outbox import backlog, completion, count, push, until
from redis.asyncio import Redis

from storage.redis.keys import Keys
from storage.sql.db import Database
from storage.sql.models import Completion
from storage.sql.reporter import background_reporter, reporter_health


class PrivateRedis:
    """A redis-server of the test's own on a free loopback port, without persistence, which
    the test may restart (losing everything, as a server without AOF or RDB does)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = Redis.from_url(self.url)
        try:
            async with asyncio.timeout(10):
                while True:
                    try:
                        await client.ping()
                        return
                    except Exception:  # noqa: BLE001 - not listening yet
                        await asyncio.sleep(0.05)
        finally:
            await client.aclose()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    async def restart(self) -> None:
        self.stop()
        await self.start()


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    await server.start()
    yield server
    server.stop()


async def test_the_reporter_recovers_after_redis_restarts_without_persistence(
    private_redis, database, caplog
):
    caplog.set_level(logging.INFO, logger="storage.sql.reporter")
    redis = Redis.from_url(private_redis.url, decode_responses=True)
    keys = Keys(prefix="hocso", shards=8)
    options = {"block": 0.05, "max_backoff": 0.2}
    try:
        async with background_reporter(redis, keys, database, **options) as reporter:
            await push(redis, keys, *[completion(f"tg:{i}") for i in range(30)])
            await until(lambda: _stored(database, 30))

            await private_redis.restart()  # every stream and the group are gone
            # Learners go on: the engine's XADD re-creates each outbox, but not the group.
            await push(redis, keys, *[completion(f"tg:{i}") for i in range(30, 100)])
            await until(lambda: _stored(database, 100))
            assert reporter.regrouped >= 1
            assert await backlog(redis, keys) == (0, 0)
            await until(lambda: _heard(redis, keys))  # written again after the restart
            healthy, details = await reporter_health(redis, keys, time.time())
            assert healthy, details
            assert (details["waiting"], details["reporters"]) == (0, 1)
    finally:
        await redis.aclose()
    logged = [r.getMessage() for r in caplog.records]
    assert any("consumer group was missing" in line for line in logged), logged


async def _heard(redis: Redis, keys: Keys) -> bool:
    """One reporter's heartbeat is in Redis (it follows the commit by a moment)."""
    return (await reporter_health(redis, keys, time.time()))[1]["reporters"] == 1


async def _stored(database: Database, expected: int) -> bool:
    try:
        return await count(database, Completion) == expected
    except Exception:  # noqa: BLE001 - the database is down, or has no tables yet
        return False
