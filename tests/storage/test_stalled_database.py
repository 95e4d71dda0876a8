"""A stalled reporting database makes nothing hang (issue 8, defect 8, the database part).

"Stalled" for real: a PostgreSQL table locked by another connection, a TCP proxy in front of
PostgreSQL that stops passing bytes (a lost network), and a port that accepts connections
but never answers.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import time
import uuid
from pathlib import Path

import asyncpg
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


async def hocso(*args: str, timeout: float = 30, **env: str) -> tuple[int, str, float]:
    """Run the `hocso` command line; (exit status, stderr, seconds taken)."""
    environment = {**os.environ, "HOCSO_CONFIG": str(ROOT / "config.yaml"), **env}
    began = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hocso.cli", *args, cwd=ROOT, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        _, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"`hocso {' '.join(args)}` still hung after {timeout} s")
    return process.returncode or 0, err.decode(), time.monotonic() - began


async def test_hocso_report_on_a_locked_database_says_so_in_one_line(pg_url, tmp_path):
    holder = await asyncpg.connect(pg_url)
    transaction = holder.transaction()
    await transaction.start()
    await holder.execute("LOCK TABLE learners IN ACCESS EXCLUSIVE MODE")  # e.g. a migration
    try:
        status, err, seconds = await hocso(
            "report", DATABASE_URL=pg_url, HOCSO_DATA_DIR=str(tmp_path),
            HOCSO_DB_STATEMENT_TIMEOUT="1",
        )  # fmt: skip
    finally:
        await transaction.rollback()
        await holder.close()
    assert status == 2
    assert err.strip().count("\n") == 0 and "Traceback" not in err, err
    assert "did not answer in time" in err and "statement_timeout" in err
    assert seconds < 15


async def test_hocso_report_gives_up_on_a_database_that_never_answers(tmp_path):
    with socket.socket() as silent:  # accepts connections (the kernel does), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"postgresql://postgres@127.0.0.1:{silent.getsockname()[1]}/hocso"
        status, err, seconds = await hocso(
            "report", DATABASE_URL=url, HOCSO_DATA_DIR=str(tmp_path),
            HOCSO_DB_CONNECT_TIMEOUT="1",
        )  # fmt: skip
    assert status == 2 and err.strip().count("\n") == 0 and "did not answer in time" in err
    assert seconds < 10


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
