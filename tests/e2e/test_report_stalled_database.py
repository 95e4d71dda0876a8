"""`hocso report` on a stalled reporting database fails in bounded time, in one kind line
(issue 8, defect 8): a table locked by another connection, and a port that accepts
connections but never answers.

What is timed is the wait on the database alone, from the moment the command reaches it (its
query queued behind the lock, its connection accepted) to its exit, never the process's
start-up, which a loaded machine stretches: the bound is the configured timeout plus a
generous allowance, still well below what an unconfigured or ignored timeout would give.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import pytest

from storage.sql.db import STATEMENT_TIMEOUT, Database

ROOT = Path(__file__).resolve().parents[2]
HUNG = 180  # seconds: a command still running then hangs (start-up included)
AFTER = 10  # seconds allowed after a timeout fires: the error written, the process ends
ASYNCPG_CONNECT_TIMEOUT = 60  # asyncpg's own, if ours were not passed


@pytest.fixture
async def pg_url(postgres, erase_key: str) -> str:
    """A migrated PostgreSQL database of this test's own (a plain postgresql:// URL)."""
    url = await postgres.create(f"hocso_test_stall_{uuid.uuid4().hex[:8]}")
    database = Database(url, erase_key)
    await database.upgrade()
    await database.dispose()
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def hocso_report(reached: asyncio.Event, **env: str) -> tuple[int, str, float]:
    """`hocso report` in a process of its own; (exit status, stderr, seconds from `reached`
    being set, by the test, to the exit)."""
    environment = {**os.environ, "HOCSO_CONFIG": str(ROOT / "config.yaml"), **env}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hocso.cli", "report", cwd=ROOT, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with asyncio.timeout(HUNG):
            await reached.wait()
            began = time.monotonic()
            _, err = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"`hocso report` still hung after {HUNG} s")
    return process.returncode or 0, err.decode(), time.monotonic() - began


async def test_hocso_report_on_a_locked_database_says_so_in_one_line(pg_url, tmp_path):
    timeout = 1.0  # HOCSO_DB_STATEMENT_TIMEOUT
    holder = await asyncpg.connect(pg_url)
    transaction = holder.transaction()
    await transaction.start()
    await holder.execute("LOCK TABLE learners IN ACCESS EXCLUSIVE MODE")  # e.g. a migration
    queued = asyncio.Event()

    async def watch() -> None:  # the report's query waits on the lock: it reached the database
        while not await holder.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted"):
            await asyncio.sleep(0.02)
        queued.set()

    watcher = asyncio.create_task(watch())
    try:
        status, err, waited = await hocso_report(
            queued, DATABASE_URL=pg_url, HOCSO_DATA_DIR=str(tmp_path),
            HOCSO_DB_STATEMENT_TIMEOUT=str(timeout),
        )  # fmt: skip
    finally:
        watcher.cancel()
        await transaction.rollback()
        await holder.close()
    # It ended while the lock was still held: the statement timeout ended it, kindly.
    assert status == 2
    assert err.strip().count("\n") == 0 and "Traceback" not in err, err
    assert "did not answer in time" in err and "statement_timeout" in err
    # The configured second, not the default of STATEMENT_TIMEOUT (30 s), nor for ever.
    assert waited < timeout + AFTER < STATEMENT_TIMEOUT, waited


async def test_hocso_report_gives_up_on_a_database_that_never_answers(tmp_path):
    timeout = 1.0  # HOCSO_DB_CONNECT_TIMEOUT
    reached, done = asyncio.Event(), asyncio.Event()

    async def silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        reached.set()  # accepted, and never a byte back
        await done.wait()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    url = f"postgresql://postgres@127.0.0.1:{server.sockets[0].getsockname()[1]}/hocso"
    try:
        status, err, waited = await hocso_report(
            reached, DATABASE_URL=url, HOCSO_DATA_DIR=str(tmp_path),
            HOCSO_DB_CONNECT_TIMEOUT=str(timeout),
        )  # fmt: skip
    finally:
        done.set()
        server.close()
    assert status == 2 and err.strip().count("\n") == 0 and "did not answer in time" in err
    # Bounded by the configured connect timeout (a retry or two), not asyncpg's minute.
    assert waited < 3 * timeout + AFTER < ASYNCPG_CONNECT_TIMEOUT, waited
