"""How fast `hocso web` counts and answers: a big demo campaign in PostgreSQL or SQLite.

    .venv/bin/python bench/web_pages.py [--database postgresql|sqlite] [--learners 1000000]
        [--changes 1000] [--requests 20] [--keep] [--out FILE]

1. Fills a database of its own with the demo campaign of web/demo.py (8 weeks; about 10
   lessons and 30 answers per learner). PostgreSQL: `hocso_bench_web` on the local server
   (or HOCSO_BENCH_PG_URL), by COPY without the indexes, which are built after; a database
   already filled with as many learners is reused. SQLite: a file in /tmp, filled as
   `hocso demo-data` does (web/demo.py fill, then the first recount), and timed as such.
   `--keep` leaves the database for the next run; without it, it is dropped at the end.
2. Times the recounts of the counts the pages read (web/rollup.py): one in full; one with
   nothing new; one after `--changes` learners each answered a lesson through the reporter's
   path (storage/ingest.py write_batch: 3 answers and a lesson each; 1 in 50 also changed
   class, 1 in 100 asked to be forgotten, 1 in 200 got a certificate); one a day later
   (learners moving from active to stuck).
3. Serves the web app in this process and asks each page `--requests` times, as an official
   and as a facilitator, over HTTP on loopback; prints the median and slowest times.

Figures go to bench/results/web_pages_<database>_<learners>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _results import default_path, write_results  # noqa: E402

from bot.content.lessons import load_curriculum  # noqa: E402
from hocso.settings import load_config  # noqa: E402
from storage.sql.db import Database  # noqa: E402
from storage.sql.ingest import OutboxEvent, parse, write_batch  # noqa: E402
from web import auth, demo  # noqa: E402
from web.app import build_app  # noqa: E402
from web.demo import COLUMNS, Plan, generate  # noqa: E402
from web.rollup import refresh  # noqa: E402
from web.site import course_of  # noqa: E402

ADMIN = os.environ.get("HOCSO_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NAME = "hocso_bench_web"
ERASE_KEY = "bench-erase-key-0123456789abcdef0123456789abcdef"


async def ensure_database(learners: int) -> tuple[str, bool]:
    """The bench database's URL, and whether it had to be filled. A database is reused only
    if a fill of as many learners finished in it (marked by a comment on it when done): a
    fill stopped half-way leaves it without its indexes."""
    plain = ADMIN.rsplit("/", 1)[0] + f"/{NAME}"
    url = plain.replace("postgresql://", "postgresql+asyncpg://")
    done = f"hocso bench: {learners} learners"
    admin = await asyncpg.connect(ADMIN)
    try:
        mark = await admin.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
            NAME,
        )
        if mark == done:
            return url, False
        await admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{NAME}"')
    finally:
        await admin.close()
    db = Database(url)
    await db.upgrade()
    await db.dispose()
    conn = await asyncpg.connect(plain)
    try:
        await fill(conn, learners)
        await conn.execute(f"COMMENT ON DATABASE \"{NAME}\" IS '{done}'")
    finally:
        await conn.close()
    return url, True


async def fill(conn: asyncpg.Connection, learners: int) -> None:
    config = load_config(ROOT / "config.yaml", env={})
    curriculum = load_curriculum(ROOT / "lessons")
    wards = [w.id for w in config.areas.wards]
    bands = [b.id for b in config.age_bands]
    began = time.monotonic()
    counts = dict.fromkeys(COLUMNS, 0)
    rebuild = await drop_indexes(conn)
    for rows in generate(curriculum, wards, bands, Plan(learners=learners, seed=7)):
        for table, columns in COLUMNS.items():
            if records := rows.tables[table]:
                await conn.copy_records_to_table(table, records=records, columns=columns)
                counts[table] += len(records)
        if counts["learners"] % 100_000 == 0:
            print(f"  {counts['learners']:,} learners loaded, {time.monotonic() - began:.0f} s")
    for table in ("learners", "completions", "responses", "module_completions"):
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT max(id) FROM {table}))"
        )
    print(f"  rows in after {time.monotonic() - began:.0f} s; indexes and keys again")
    await conn.execute("SET maintenance_work_mem = '512MB'")
    for statement in rebuild:
        await conn.execute(statement)
    await conn.execute("ANALYZE")
    print(f"loaded in {time.monotonic() - began:.0f} s: " + ", ".join(
        f"{n:,} {t}" for t, n in counts.items()
    ))  # fmt: skip


async def drop_indexes(conn: asyncpg.Connection) -> list[str]:
    """Drop the big tables' indexes and keys but their primary keys (a bulk load is several
    times faster without them); returns the statements that make them again, as migrated."""
    rebuild: list[str] = []
    for table in ("completions", "responses", "module_completions", "certificates"):
        keys = await conn.fetch(
            "SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint "
            "WHERE conrelid = $1::regclass AND contype IN ('u', 'f')",
            table,
        )
        names = {k["conname"] for k in keys}
        indexes = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 "
            "AND indexname NOT LIKE 'pk_%'",
            table,
        )
        for index in indexes:
            if index["indexname"] not in names:
                await conn.execute(f'DROP INDEX "{index["indexname"]}"')
                rebuild.append(index["indexdef"])
        for key in keys:
            await conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{key["conname"]}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{key["conname"]}" {key["def"]}')
    return rebuild


async def drop_database() -> None:
    admin = await asyncpg.connect(ADMIN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    finally:
        await admin.close()


PASSWORD = "bench-password-123"


async def fill_sqlite(path: Path, learners: int) -> tuple[str, dict]:
    """A SQLite file filled as `hocso demo-data` does; its times."""
    url = f"sqlite+aiosqlite:///{path}"
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    config = load_config(ROOT / "config.yaml", env={})
    curriculum = load_curriculum(ROOT / "lessons")
    db = Database(url)
    await db.ensure_schema()
    began = time.monotonic()
    counts = await demo.fill(db, curriculum, config, Plan(learners=learners, seed=7))
    filled = time.monotonic() - began
    recount = await refresh(db, config.timezone, course_of(curriculum))
    took = time.monotonic() - began
    await db.dispose()
    print(f"demo-data: rows in {filled:.1f} s, first recount {recount:.1f} s: {took:.1f} s")
    rows = ", ".join(f"{n:,} {t}" for t, n in counts.items())
    print(f"  {rows}")
    return url, {"demo_data_s": round(took, 2), "demo_rows_s": round(filled, 2),
                 "demo_first_recount_s": round(recount, 2), "rows": counts}  # fmt: skip


async def learners_in(url: str) -> int:
    """How many learners a kept SQLite file holds (0: none, or no file)."""
    if not Path(url.split("///", 1)[1]).exists():
        return 0
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            return int(await conn.scalar(text("SELECT count(*) FROM learners")) or 0)
    finally:
        await db.dispose()


def activity(learners: int, changes: int, now: datetime) -> list[OutboxEvent]:
    """The last few minutes of a busy campaign: `changes` demo learners each answer three
    questions and finish a lesson; some change class, ask to be forgotten, or are certified."""
    rng = random.Random(11)
    classes = max(1, round(learners * Plan().in_class / Plan().learners_per_class))
    config = load_config(ROOT / "config.yaml", env={})
    wards = [w.id for w in config.areas.wards if w.id != "khac"]
    events = []
    n = 0

    def event(kind: str, user: str, **data: object) -> OutboxEvent:
        nonlocal n
        n += 1
        at = now - timedelta(seconds=rng.uniform(1, 300))
        key = f"b{int(now.timestamp())}{n:021d}"  # new ids each run: a kept database
        raw = {"id": key, "type": kind, "user": user, "at": str(int(at.timestamp()))}
        found = parse(json.dumps(raw | {k: str(v) for k, v in data.items()}))
        assert found is not None
        return found

    for k, learner in enumerate(rng.sample(range(1, learners + 1), min(changes, learners))):
        user = f"{demo.DEMO_PLATFORM}:d{learner}"
        if k % 50 == 1:
            code = f"DEMO-{rng.randrange(1, classes + 1):04d}"
            events.append(event("learner", user, lang="vi", area=rng.choice(wards),
                                age="", class_code=code))  # fmt: skip
        for q in range(3):
            events.append(event("answer", user, lesson="bench-lesson", version=1,
                                question=f"q{q}", correct=int(rng.random() < 0.8), review=0,
                                choice=rng.randrange(3)))  # fmt: skip
        events.append(event("completion", user, lesson="bench-lesson", version=1,
                            module="bench-module", score=3, total=3, passed=1,
                            finished_at=int(now.timestamp()) - 1, group=0))  # fmt: skip
        if k % 200 == 7:
            code = f"B{int(now.timestamp()) % 10**6:06d}{k:05d}"  # new each run
            events.append(event("certificate", user, code=code, name=""))
        if k % 100 == 3:
            events.append(event("forget", user))
    return events


async def time_recounts(url: str, learners: int, changes: int, full: bool = True) -> dict:
    """One recount in full, one with nothing new, one after some activity, one a day later:
    seconds, and this process's CPU seconds (on SQLite the database's work too; on
    PostgreSQL only the client's), with the machine's load average."""
    config = load_config(ROOT / "config.yaml", env={})
    curriculum = load_curriculum(ROOT / "lessons")
    course = course_of(curriculum)
    db = Database(url, erase_key=ERASE_KEY)
    out: dict = {}

    async def recount(
        name: str, label: str, full: bool = False, now: datetime | None = None
    ) -> None:
        cpu = time.process_time()
        out[f"{name}_s"] = await refresh(db, config.timezone, course, now=now, full=full)
        out[f"{name}_cpu_s"] = time.process_time() - cpu
        out[f"{name}_load"] = os.getloadavg()[0]
        print(f"{label}: {out[f'{name}_s']:.2f} s (CPU {out[f'{name}_cpu_s']:.2f} s here; "
              f"load average {out[f'{name}_load']:.1f})")  # fmt: skip

    if full:
        await recount("full", "recount in full", full=True)
    await recount("nothing_new", "recount with nothing new")
    now = datetime.now(UTC)
    events = activity(learners, changes, now)
    began = time.monotonic()
    for i in range(0, len(events), 500):
        await write_batch(db, events[i : i + 500])
    wrote = time.monotonic() - began
    print(f"the reporter wrote {len(events):,} events of {changes:,} learners in {wrote:.1f} s")
    out["events"] = len(events)
    await recount("after_activity", "recount after them")
    later = datetime.now(UTC) + timedelta(days=1)
    await recount("a_day_later", "recount a day later (learners turning stuck)", now=later)
    async with db.engine.connect() as conn:
        how = await conn.scalar(text("SELECT value FROM web_meta WHERE name = 'counted'"))
    assert how == "changes", how  # the three were increments
    await db.dispose()
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


async def measure(url: str, requests: int) -> dict:
    """Time each page as an official and as a facilitator; returns median and slowest ms."""
    config = load_config(ROOT / "config.yaml", env={})
    config.telegram.username = "hocso_bench_bot"
    curriculum = load_curriculum(ROOT / "lessons")
    db = Database(url, erase_key=ERASE_KEY)
    await refresh(db, config.timezone, course_of(curriculum))
    await auth.save_user(db, "bench-official", PASSWORD, "official", [])
    mine = ["DEMO-0001", "DEMO-0002", "DEMO-0003"]
    await auth.save_user(db, "bench-facilitator", PASSWORD, "facilitator", mine)
    async with db.session() as s:
        code = await s.scalar(text("SELECT code FROM certificates LIMIT 1"))
    ward = config.areas.wards[0].id
    pages = {
        "official": [
            "/overview",
            f"/overview?ward={ward}",
            "/wards",
            "/wards?sort=certified&desc=1",
            "/modules",
            f"/modules?ward={ward}",
            "/classes",
            "/classes?sort=stuck&desc=1&page=3",
            "/classes/DEMO-0001",
            f"/certificates?code={code}",
            "/csv/wards.csv",
            "/csv/classes.csv",
        ],
        "facilitator": ["/overview", "/wards", "/modules", "/classes", "/classes/DEMO-0002"],
        "anyone": [f"/verify/{code}"],
    }
    app = build_app(config, db, curriculum, "bench-secret-0123456789", recount=False)
    print(f"\n{'page':42} {'median':>8} {'slowest':>8}   ({requests} requests each)")
    found: dict = {}
    for who, paths in pages.items():
        async with TestClient(TestServer(app)) as client:
            if who != "anyone":
                login = await client.get("/login")
                token = (await login.text()).split('name="csrf" value="', 1)[1].split('"', 1)[0]
                form = {"username": f"bench-{who}", "password": PASSWORD, "csrf": token}
                assert (await client.post("/login", data=form)).status == 200
            for path in paths:
                times = []
                for _ in range(requests):
                    began = time.perf_counter()
                    response = await client.get(path)
                    await response.read()
                    times.append(time.perf_counter() - began)
                    assert response.status == 200, (path, response.status)
                label = f"{who} {path}"
                found[label] = [
                    round(1000 * statistics.median(times), 1),
                    round(1000 * max(times), 1),
                ]
                print(
                    f"{label[:42]:42} {1000 * statistics.median(times):6.0f} ms "
                    f"{1000 * max(times):6.0f} ms"
                )
    await db.dispose()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=1000, help="learners active just now")
    parser.add_argument("--requests", type=int, default=20, help="0: no pages")
    parser.add_argument("--keep", action="store_true", help="keep the database for next time")
    parser.add_argument("--no-full", action="store_true", help="a kept database: no full recount")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    results: dict = {}
    if args.database == "sqlite":
        path = Path("/tmp") / f"hocso_bench_web_{args.learners}.db"
        url = f"sqlite+aiosqlite:///{path}"
        if asyncio.run(learners_in(url)) == args.learners:
            print(f"reused {path} with {args.learners:,} learners")
        else:
            url, results["fill"] = asyncio.run(fill_sqlite(path, args.learners))
    else:
        began = time.monotonic()
        url, filled = asyncio.run(ensure_database(args.learners))
        print(("filled" if filled else "reused") + f" {NAME} with {args.learners:,} learners")
        if filled:
            results["fill"] = {"copy_s": round(time.monotonic() - began, 1)}
    results["recounts"] = asyncio.run(
        time_recounts(url, args.learners, args.changes, full=not args.no_full)
    )
    if args.requests:
        results["pages_ms"] = asyncio.run(measure(url, args.requests))
    if not args.keep:
        if args.database == "sqlite":
            for stale in path.parent.glob(path.name + "*"):
                stale.unlink()
        else:
            asyncio.run(drop_database())
    name = f"web_pages_{args.database}_{args.learners}"
    write_results(args.out or default_path(name), args, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
