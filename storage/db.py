"""The central reporting database: its URL, engine and sessions, and schema migrations.

An empty URL means the embedded default, a SQLite file in data_dir whose schema is created
on first use. PostgreSQL (`postgresql://...`, driven by asyncpg) is migrated explicitly with
`hocso db upgrade`. Either way the schema comes from the Alembic migrations in
storage/migrations, so both databases always have the same tables.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, event, inspect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url(url: str, data_dir: Path) -> str:
    """The SQLAlchemy async URL for a configured one (empty: SQLite in data_dir)."""
    if not url:
        return f"sqlite+aiosqlite:///{(data_dir / 'hocso.db').resolve()}"
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+asyncpg://" + url[len(plain) :]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


class Database:
    """One engine and its session factory; cheap to build, connects on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # SQLite waits for a busy file instead of failing; PostgreSQL gives up fast when down
        # so the reporter can back off rather than hang.
        args = {"timeout": 30} if self.is_sqlite else {"timeout": 5}
        self.engine: AsyncEngine = create_async_engine(
            url, connect_args=args, pool_pre_ping=not self.is_sqlite
        )
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._schema_ready = False

    def session(self) -> AsyncSession:
        return self.sessions()

    async def upgrade(self) -> None:
        """Create or migrate the schema to the newest revision."""
        if self.is_sqlite:
            Path(self.url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        async with self.engine.begin() as conn:
            await conn.run_sync(_upgrade)
        self._schema_ready = True

    async def ensure_schema(self) -> None:
        """On first use, the embedded SQLite builds its schema; PostgreSQL must be migrated."""
        if self._schema_ready:
            return
        if self.is_sqlite:
            await self.upgrade()
            return
        async with self.engine.connect() as conn:
            has = await conn.run_sync(lambda c: inspect(c).has_table("processed_events"))
        if not has:
            raise SchemaMissing("the database has no hocso tables yet: run `hocso db upgrade`")
        self._schema_ready = True

    async def dispose(self) -> None:
        await self.engine.dispose()


class SchemaMissing(Exception):
    """PostgreSQL is reachable but was never migrated."""


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    # WAL lets `hocso report` read while the reporter writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
