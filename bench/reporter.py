"""How fast the reporter drains the outboxes into SQL, and what that means after an outage.

Usage: .venv/bin/python bench/reporter.py [--events 30000] [--databases sqlite,postgresql]
           [--repeat 3] [--json bench/results/reporter.json]

A private redis-server (bench/_servers.py); SQLite in a temporary folder, and for postgresql
a throw-away database on the local server (127.0.0.1:5432, made and dropped). The outboxes
hold EVENTS events of a realistic mix, as a backlog after a database outage: learners of
whom half are known to the database already (their profile was stored before, not timed),
each with a profile event and two lessons of three answers and one completion. One reporter
(storage/sql/reporter.py, shipped settings) then drains them; the best of REPEAT runs and all of
them are reported, with the reporter process's CPU per event and the machine's load average
(the box is shared: read the figures next to it).

The drain time after an outage follows from the rate: a backlog of PEAK events/s for
OUTAGE hours drains at (rate - PEAK) while the peak goes on (docs/deploy.md sizes a city's
evening peak at 1,000 actions/s, 0.4 events per action: 400 events/s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import default_path, write_results
from _servers import private_redis

from storage.redis.keys import Keys
from storage.sql.db import Database
from storage.sql.reporter import Reporter

T0 = 1_767_225_600
PER_LEARNER = 9  # a profile, then two lessons of three answers and a completion
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def backlog(total: int) -> list[dict[str, str]]:
    """`total` outbox events as the engine writes them, learner after learner."""
    events = []
    for i in range(total):
        user, step = f"tg:{100_000 + i // PER_LEARNER}", i % PER_LEARNER
        event = {"id": uuid.uuid4().hex, "user": user, "at": str(T0 + i)}
        if step == 0:
            event |= {"type": "learner", "consent_at": str(T0 + i), "area": "ninh-kieu"}
            event |= {"age": "40-59", "lang": "vi"}
        else:
            lesson = f"l{(i // PER_LEARNER + step // 5) % 20}"
            event |= {"lesson": lesson, "version": "1", "module": "m1"}
            if step % 4 == 0:
                event |= {"type": "completion", "score": "3", "total": "3", "passed": "1"}
                event |= {"started_at": str(T0 + i - 120), "finished_at": str(T0 + i)}
            else:
                event |= {"type": "answer", "question": f"q{step % 4}", "correct": "1"}
        events.append(event)
    return events


async def push(redis: Redis, keys: Keys, events: list[dict[str, str]]) -> None:
    for start in range(0, len(events), 5000):
        async with redis.pipeline(transaction=False) as pipe:
            for event in events[start : start + 5000]:
                pipe.xadd(keys.outbox_of(event["user"]), {"e": json.dumps(event)})
            await pipe.execute()


async def drain(redis: Redis, keys: Keys, database: Database) -> Reporter:
    reporter = Reporter(redis, keys, database)
    while await reporter.step():
        pass
    return reporter


async def one_run(redis_url: str, kind: str, total: int) -> dict[str, Any]:
    redis = Redis.from_url(redis_url)
    keys = Keys(prefix=f"bench-{uuid.uuid4().hex[:6]}", shards=64)
    name = f"hocso_bench_{uuid.uuid4().hex[:8]}"
    admin = None
    if kind == "postgresql":
        admin = await asyncpg.connect(ADMIN_URL)
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='hocso-bench-')}/bench.db"
    database = Database(url, erase_key="bench-erase-key-" + uuid.uuid4().hex)
    try:
        await database.upgrade()
        events = backlog(total)
        # Half the learners are known already: their profiles were stored before (not timed).
        known = [e for e in events if e["type"] == "learner" and int(e["user"][3:]) % 2]
        await push(redis, keys, known)
        await drain(redis, keys, database)
        stored_before = {e["id"] for e in known}
        await push(redis, keys, [e for e in events if e["id"] not in stored_before])
        load = os.getloadavg()[0]
        cpu, began = time.process_time(), time.perf_counter()
        reporter = await drain(redis, keys, database)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        stored = reporter.written
        return {
            "database": kind,
            "events": stored,
            "seconds": round(seconds, 2),
            "events_per_s": round(stored / seconds),
            "reporter_cpu_us_per_event": round(cpu * 1e6 / stored, 1),
            "load_average_1min_before": round(load, 2),
            "load_average_1min_after": round(os.getloadavg()[0], 2),
        }
    finally:
        await database.dispose()
        await redis.aclose()
        if admin is not None:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            await admin.close()


def outage(rate: float, peak: float, hours: float) -> dict[str, Any]:
    waiting = peak * hours * 3600
    minutes = waiting / (rate - peak) / 60 if rate > peak else None
    return {"backlog_events": round(waiting), "drains_in_minutes": minutes and round(minutes, 1)}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peak", type=float, default=400.0, help="events/s at the peak")
    parser.add_argument("--outage-hours", type=float, default=1.0)
    parser.add_argument("--json", default=default_path("reporter"))
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with private_redis() as redis_url:
        for kind in args.databases.split(","):
            runs = [await one_run(redis_url, kind, args.events) for _ in range(args.repeat)]
            best = max(runs, key=lambda r: r["events_per_s"])
            results[kind] = {
                "best": best,
                "runs": runs,
                "after_outage": outage(best["events_per_s"], args.peak, args.outage_hours),
                "after_outage_slowest_run": outage(
                    min(r["events_per_s"] for r in runs), args.peak, args.outage_hours
                ),
            }
            rates = ", ".join(f"{r['events_per_s']:,}" for r in runs)
            after = results[kind]["after_outage"]
            print(
                f"{kind}: {rates} events/s ({best['reporter_cpu_us_per_event']} µs CPU per "
                f"event in the best, load {best['load_average_1min_before']}); a "
                f"{args.outage_hours:g} h outage at {args.peak:,.0f} events/s "
                f"({after['backlog_events']:,} events) drains in "
                f"{after['drains_in_minutes']} min",
                flush=True,
            )
    write_results(args.json, args, results)


if __name__ == "__main__":
    asyncio.run(main())
