"""How fast the reporter drains the outboxes into SQL on this machine.

Usage: .venv/bin/python bench/reporter.py [EVENTS] [sqlite|postgresql]
Needs the local Redis and, for postgresql, the local server (a throw-away database is made
and dropped). Events are a realistic mix: per lesson, three answers and one completion.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
import uuid

import asyncpg
from redis.asyncio import Redis

from storage.db import Database
from storage.keys import Keys
from storage.reporter import Reporter

T0 = 1_767_225_600


async def main(total: int, kind: str) -> None:
    redis = Redis.from_url("redis://127.0.0.1:6379/0")
    keys = Keys(prefix=f"hocso-bench-{uuid.uuid4().hex[:8]}", shards=64)
    name = f"hocso_bench_{uuid.uuid4().hex[:8]}"
    if kind == "postgresql":
        admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    database = Database(url, erase_key="bench-erase-key-" + uuid.uuid4().hex)
    await database.upgrade()
    try:
        pipe = redis.pipeline(transaction=False)
        for i in range(total):
            user = f"tg:{i // 8}"
            kind_ = "completion" if i % 4 == 3 else "answer"
            event = {"id": uuid.uuid4().hex, "type": kind_, "user": user, "at": str(T0 + i)}
            event |= {"lesson": f"l{i // 4 % 20}", "version": "1", "question": f"q{i % 4}"}
            event |= {"correct": "1", "module": "m1", "score": "3", "total": "3", "passed": "1"}
            pipe.xadd(keys.outbox_of(user), {"e": json.dumps(event)})
        await pipe.execute()
        reporter = Reporter(redis, keys, database, batch=500)
        began = time.perf_counter()
        while await reporter.step():
            pass
        seconds = time.perf_counter() - began
        print(f"{kind}: {reporter.written} events in {seconds:.1f} s = {total / seconds:,.0f}/s")
    finally:
        await database.dispose()
        for stream in keys.all_outboxes():
            await redis.delete(stream)
        await redis.aclose()
        if kind == "postgresql":
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000, (sys.argv + ["", "sqlite"])[2])
    )
