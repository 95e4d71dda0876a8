"""Many rows into a table at once, the fastest way each database offers: COPY on PostgreSQL
(asyncpg), one prepared executemany on SQLite. An ORM insert of dicts spends most of its
time building and checking the dicts (about 10,000 rows a second here); these take tuples.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


def _sqlite_time(value: datetime | None) -> str | None:
    # As SQLAlchemy stores them (storage/models.py UTCDateTime: naive UTC, microseconds
    # always written), so text comparisons and reads back agree with rows it wrote.
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _converters(rows: Sequence[tuple]) -> list:
    """Per column, what makes its values SQLite's (None: nothing), from its first value."""
    found: list = []
    for i in range(len(rows[0])):
        value = next((r[i] for r in rows if r[i] is not None), None)
        if isinstance(value, datetime):
            found.append(_sqlite_time)
        elif isinstance(value, date):
            found.append(_sqlite_date)
        else:
            found.append(None)  # bool, int and str as they are
    return found


async def insert_rows(
    conn: AsyncConnection, table: str, columns: Sequence[str], rows: Sequence[tuple]
) -> None:
    """Insert `rows` (tuples in `columns` order) in the connection's transaction."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await driver.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    convert = _converters(rows)
    if any(convert):
        rows = [
            tuple(v if f is None else f(v) for f, v in zip(convert, r, strict=True)) for r in rows
        ]
    await conn.exec_driver_sql(statement, list(rows))


@asynccontextmanager
async def indexes_after(conn: AsyncConnection, tables: Sequence[str]) -> AsyncIterator[None]:
    """Drop the tables' secondary indexes (not their keys or unique constraints), and make
    them again at the end: building an index from sorted rows takes a fraction of the time
    of keeping it up to date through millions of inserts, whose random keys (times, lessons)
    touch every page of it. For a bulk load into tables that hold nothing yet."""
    if conn.dialect.name == "postgresql":
        query = (
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:tables) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
    else:
        query = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            f"AND tbl_name IN ({', '.join(repr(t) for t in tables)}) AND sql IS NOT NULL"
        )
    found = list(await conn.execute(text(query), {"tables": list(tables)}))
    for name, _ in found:
        await conn.execute(text(f'DROP INDEX "{name}"'))
    if conn.dialect.name != "postgresql":
        await conn.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB, this connection
    try:
        yield
    finally:
        for _, definition in found:
            await conn.execute(text(definition))
        if conn.dialect.name != "postgresql":
            await conn.exec_driver_sql("PRAGMA cache_size = -2000")  # SQLite's default
