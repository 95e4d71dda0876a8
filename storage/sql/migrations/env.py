"""Alembic environment: migrate the connection storage/sql/db.py hands over.

`hocso db upgrade` (and the embedded SQLite on first use) opens an async connection and runs
the migrations on it; the `alembic` command line is not needed. For `alembic revision
--autogenerate` during development, set `sqlalchemy.url` (a sync or async URL) on the command
line: `alembic -c storage/sql/migrations/alembic.ini -x url=sqlite:///dev.db revision ...`.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

import storage.sql.web_models  # noqa: F401  (its tables join Base.metadata)
from storage.sql.models import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection) -> None:  # noqa: ANN001
    # render_as_batch: SQLite can only alter a table by copying it; Alembic does that for us.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_url(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(run_on)
    await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    asyncio.run(run_with_url(context.get_x_argument(as_dictionary=True)["url"]))
