"""Many rows into a table at once, the fastest way each database offers: COPY on PostgreSQL
(asyncpg), one prepared executemany on SQLite. An ORM insert of dicts spends most of its
time building and checking the dicts (about 10,000 rows a second here); these take tuples.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection


def _sqlite_value(value: object) -> object:
    # As SQLAlchemy stores them (storage/models.py UTCDateTime: naive UTC, microseconds
    # always written), so text comparisons and reads back agree with rows it wrote.
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


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
    await conn.exec_driver_sql(statement, [tuple(map(_sqlite_value, r)) for r in rows])
