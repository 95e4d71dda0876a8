"""`hocso run --only reporter`: a reporter process of its own, scaled apart from the bot."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import uuid
from pathlib import Path

from sqlalchemy import func, select

from storage.sql.db import Database
from storage.sql.models import Completion

ROOT = Path(__file__).resolve().parents[2]


async def test_reporter_process_stores_completions_and_stops_on_sigterm(redis, keys, tmp_path):
    event = {
        "id": uuid.uuid4().hex, "type": "completion", "user": "tg:77", "at": "1767225600",
        "lesson": "l1", "version": "1", "module": "m1", "score": "2", "total": "2",
        "passed": "1", "started_at": "1767225500", "finished_at": "1767225600", "group": "0",
    }  # fmt: skip
    await redis.xadd(keys.outbox_of("tg:77"), {"e": json.dumps(event)})
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'hocso.db'}"
    env = {
        **os.environ,
        "HOCSO_CONFIG": str(ROOT / "config.yaml"),
        "HOCSO_LESSONS_DIR": str(ROOT / "tests" / "fixtures" / "lessons"),
        "REDIS_URL": os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "HOCSO_REDIS_PREFIX": keys.prefix,
        "HOCSO_DATA_DIR": str(tmp_path),
        "DATABASE_URL": db_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hocso.cli", "run", "--only", "reporter", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    database = Database(db_url)
    try:
        async with asyncio.timeout(30):
            while not await _stored(database):
                await asyncio.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 20)
    finally:
        await database.dispose()
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()[-2000:]
    assert b"Traceback" not in err
    assert await redis.xlen(keys.outbox_of("tg:77")) == 0  # acknowledged and removed


async def _stored(database: Database) -> bool:
    try:
        async with database.session() as session:
            return bool(await session.scalar(select(func.count()).select_from(Completion)))
    except Exception:  # noqa: BLE001 - the schema is created by the reporter on first use
        return False
