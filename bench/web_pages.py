"""How fast `hocso web` answers with a million learners in PostgreSQL.

    .venv/bin/python bench/web_pages.py [--learners 1000000] [--requests 20] [--keep]

1. Fills a database of its own (`hocso_bench_web` on the local server, or HOCSO_BENCH_PG_URL)
   with the demo campaign of web/demo.py (8 weeks; about 10 lessons and 30 answers per
   learner), by COPY. A database already filled with as many learners is reused: `--keep`
   leaves it for the next run; without it, it is dropped at the end.
2. Times one recount of the counts the pages read (web/rollup.py).
3. Serves the web app in this process and asks each page `--requests` times, as an official
   and as a facilitator, over HTTP on loopback; prints the median and slowest times.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import asyncpg
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.content.lessons import load_curriculum  # noqa: E402
from storage.sql.db import Database  # noqa: E402
from web import auth  # noqa: E402
from web.app import build_app  # noqa: E402
from web.demo import COLUMNS, Plan, generate  # noqa: E402
from web.rollup import refresh  # noqa: E402
from web.site import course_of  # noqa: E402

ADMIN = os.environ.get("HOCSO_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NAME = "hocso_bench_web"


async def ensure_database(learners: int) -> tuple[str, bool]:
    """The bench database's URL, and whether it had to be filled."""
    admin = await asyncpg.connect(ADMIN)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", NAME)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{NAME}"')
    finally:
        await admin.close()
    plain = ADMIN.rsplit("/", 1)[0] + f"/{NAME}"
    url = plain.replace("postgresql://", "postgresql+asyncpg://")
    db = Database(url)
    await db.upgrade()
    await db.dispose()
    conn = await asyncpg.connect(plain)
    try:
        have = await conn.fetchval("SELECT count(*) FROM learners")
        if have == learners:
            return url, False
        if have:
            await conn.execute(
                "TRUNCATE learners, completions, responses, module_completions, certificates, "
                "classes, web_daily, web_groups, web_modules, web_answers, web_stuck, web_meta"
            )
        await fill(conn, learners)
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


async def measure(url: str, requests: int) -> None:
    """Recount once, then time each page as an official and as a facilitator."""
    config = load_config(ROOT / "config.yaml", env={})
    config.telegram.username = "hocso_bench_bot"
    curriculum = load_curriculum(ROOT / "lessons")
    db = Database(url)
    took = await refresh(db, config.timezone, course_of(curriculum))
    print(f"recount of the page's numbers: {took:.1f} s")
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
                print(
                    f"{label[:42]:42} {1000 * statistics.median(times):6.0f} ms "
                    f"{1000 * max(times):6.0f} ms"
                )
    await db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database for next time")
    args = parser.parse_args()
    url, filled = asyncio.run(ensure_database(args.learners))
    print(("filled" if filled else "reused") + f" {NAME} with {args.learners:,} learners")
    asyncio.run(measure(url, args.requests))
    if not args.keep:
        asyncio.run(drop_database())
    return 0


if __name__ == "__main__":
    sys.exit(main())
