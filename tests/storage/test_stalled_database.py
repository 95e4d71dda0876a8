"""A stalled reporting database makes nothing hang (issue 8, defect 8, the database part).

"Stalled" for real: a TCP proxy in front of PostgreSQL that stops passing bytes (a lost
network). `hocso report` on a locked table and on a port that never answers, in a process of
its own: tests/e2e/test_report_stalled_database.py.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path

import pytest
from outbox import backlog, completion, count, push, until

from storage.sql.db import Database
from storage.sql.models import Completion
from storage.sql.reporter import background_reporter

ROOT = Path(__file__).resolve().parents[2]


class StallingProxy:
    """Passes bytes between its clients and PostgreSQL until `stall()`; then it holds them,
    with every connection left open, as a lost network or a frozen server does."""

    def __init__(self, target_port: int = 5432) -> None:
        self.target_port = target_port
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.port = 0

    async def __aenter__(self) -> StallingProxy:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        self.flowing.set()
        self.server.close()

    def stall(self) -> None:
        self.flowing.clear()

    def resume(self) -> None:
        self.flowing.set()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await self.flowing.wait()
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer))

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                await self.flowing.wait()
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            sink.close()


@pytest.fixture
async def pg_url(postgres, erase_key: str) -> str:
    """A migrated PostgreSQL database of this test's own (a plain postgresql:// URL)."""
    url = await postgres.create(f"hocso_test_stall_{uuid.uuid4().hex[:8]}")
    database = Database(url, erase_key)
    await database.upgrade()
    await database.dispose()
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def test_the_reporter_backs_off_from_a_stalled_database_and_catches_up(
    pg_url, redis, keys, erase_key, caplog
):
    caplog.set_level(logging.INFO, logger="storage.sql.reporter")
    async with StallingProxy() as proxy:
        url = pg_url.replace("postgresql://", "postgresql+asyncpg://").replace(
            "127.0.0.1:5432", f"127.0.0.1:{proxy.port}"
        )
        database = Database(url, erase_key, connect_timeout=1, statement_timeout=1)
        options = {"block": 0.05, "max_backoff": 0.2}
        try:
            async with background_reporter(redis, keys, database, **options):
                await push(redis, keys, *[completion(f"tg:{i}") for i in range(5)])
                await until(lambda: _stored(database, 5))

                proxy.stall()  # the reporter's pooled connection now hangs
                await push(redis, keys, *[completion(f"tg:{i}") for i in range(5, 10)])

                async def paused() -> bool:
                    return any("reporting paused" in r.getMessage() for r in caplog.records)

                await until(paused, seconds=10)  # gave up on the stalled call, did not hang
                proxy.resume()
                await until(lambda: _stored(database, 10), seconds=15)
            assert await backlog(redis, keys) == (0, 0)
        finally:
            await database.dispose()
    paused_lines = [r.getMessage() for r in caplog.records if "reporting paused" in r.getMessage()]
    assert "TimeoutError" in paused_lines[0]


async def _stored(database: Database, expected: int) -> bool:
    return await count(database, Completion) == expected
