"""Two reporters writing at once to a slow database count each thing once.

Issue 8, defect 2: with two reporters and a slow PostgreSQL, one pass became "lessons
completed 2". The database is slowed for real: another connection holds a lock on the tables
the reporters write, so both batches are in flight together, then it lets go.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import asyncpg
from outbox import T0, backlog, completion, count, event, push
from sqlalchemy import select

from storage.sql.db import Database
from storage.sql.models import Completion, Learner, ModuleCompletion
from storage.sql.reporter import Reporter


@asynccontextmanager
async def slowed(db: Database, tables: str) -> AsyncIterator[Callable]:
    """Hold a lock that makes the reporters' writes to `tables` wait, until the block ends.

    Yields `until_waiting(n)`, which returns once `n` reporters are waiting on a lock (on
    SQLite, which cannot tell, after a moment)."""
    if db.is_sqlite:
        holder = sqlite3.connect(db.url.split("///", 1)[1], isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the one write lock SQLite has

        async def until_waiting(n: int) -> None:
            await asyncio.sleep(0.5)

        try:
            yield until_waiting
        finally:
            holder.execute("COMMIT")
            holder.close()
        return
    url = db.url.replace("postgresql+asyncpg://", "postgresql://")
    name = url.rsplit("/", 1)[1]
    holder, watcher = await asyncpg.connect(url), await asyncpg.connect(url)
    transaction = holder.transaction()
    await transaction.start()
    # SHARE: the reporters may read these tables but not write them.
    await holder.execute(f"LOCK TABLE {tables} IN SHARE MODE")

    async def until_waiting_pg(n: int) -> None:
        query = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'"
        )
        async with asyncio.timeout(10):
            while await watcher.fetchval(query, name) < n:
                await asyncio.sleep(0.02)

    try:
        yield until_waiting_pg
    finally:
        await transaction.commit()
        await holder.close()
        await watcher.close()


async def two_reporters(redis, keys, database: Database, batch: int):
    """Reporters a and b, each with a database engine of its own (as two processes have)."""
    other = Database(database.url, erase_key=database.erase_key().decode())
    a = Reporter(redis, keys, database, consumer="a", batch=batch)
    b = Reporter(redis, keys, other, consumer="b", batch=batch)
    await a.setup()
    return a, b, other


async def test_two_reporters_on_a_slow_database_count_one_pass_once(redis, keys, database):
    user = "tg:42"
    await push(redis, keys, event("learner", user, T0, consent_at=T0, area="o-mon"))
    await Reporter(redis, keys, database).step()  # the learner is known already
    # The learner passes l1 (finishing m1), then retakes it and passes again.
    first = completion(user, at=T0 + 10)
    again = completion(user, at=T0 + 20)
    modules = [
        event("module", user, T0 + 11, module="m1"),
        event("module", user, T0 + 21, module="m1"),
    ]
    await push(redis, keys, first, modules[0], again, modules[1])
    a, b, other = await two_reporters(redis, keys, database, batch=2)
    try:
        mine, theirs = await a.read(">"), await b.read(">")
        assert (len(mine), len(theirs)) == (2, 2)  # each holds one pass and one module
        async with slowed(database, "completions, module_completions") as until_waiting:
            stores = [asyncio.create_task(a.store(mine)), asyncio.create_task(b.store(theirs))]
            await until_waiting(2)
        await asyncio.gather(*stores)
    finally:
        await other.dispose()

    assert await count(database, Completion) == 2  # two attempts
    assert await count(database, Completion, Completion.first_pass) == 1  # one lesson completed
    assert await count(database, ModuleCompletion) == 1
    async with database.session() as session:
        counted = await session.scalar(select(Completion).where(Completion.first_pass))
    assert counted.event_id == first["id"]  # the earlier pass, whichever reporter won
    assert await backlog(redis, keys) == (0, 0)


async def test_forget_racing_an_older_event_of_the_same_learner_leaves_nothing_of_them(
    redis, keys, postgres, erase_key
):
    """The learner's first profile and their /forget, in flight in two reporters at once: the
    profile must not be stored after the erasure, with their ward, as a live learner."""
    url = await postgres.create(f"hocso_test_race_{keys.prefix[-10:]}")
    database = Database(url, erase_key=erase_key)
    await database.upgrade()
    user = "tg:9"
    await push(redis, keys, event("learner", user, T0, consent_at=T0, area="o-mon", age="60"))
    await push(redis, keys, event("forget", user, T0 + 10))
    a, b, other = await two_reporters(redis, keys, database, batch=1)
    try:
        profile, forget = await b.read(">"), await a.read(">")
        async with slowed(database, "learners") as until_waiting:
            storing_profile = asyncio.create_task(b.store(profile))
            await until_waiting(1)  # b is writing the learner's row
            storing_forget = asyncio.create_task(a.store(forget))
            await _first(storing_forget, until_waiting(2))
        await asyncio.gather(storing_profile, storing_forget)
        assert await count(database, Learner, Learner.platform == "tg") == 0
        assert await count(database, Learner, Learner.area == "o-mon") == 0
    finally:
        await other.dispose()
        await database.dispose()


async def _first(*waits: Awaitable) -> None:
    """Return when the first of these is done (cancel the rest)."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    _, rest = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in rest:
        if task not in tasks[:1]:  # never cancel a reporter's own store
            task.cancel()
