"""The central reporting database: its URL, engine and sessions, and schema migrations.

An empty URL means the embedded default, a SQLite file in data_dir whose schema is created
on first use. PostgreSQL (`postgresql://...`, driven by asyncpg) is migrated explicitly with
`hocso db upgrade`. Either way the schema comes from the Alembic migrations in
storage/sql/migrations, so both databases always have the same tables.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

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


ERASE_KEY_FILE = "erase.key"
CONNECT_TIMEOUT = 5.0  # seconds (database.connect_timeout)
STATEMENT_TIMEOUT = 30.0  # seconds (database.statement_timeout)


def open_database(settings: object, data_dir: Path, erase_key: str = "") -> Database:
    """The configured reporting database; `settings` is config's `database` section (url,
    connect_timeout, statement_timeout)."""
    return Database(
        database_url(getattr(settings, "url", ""), data_dir),
        erase_key,
        connect_timeout=getattr(settings, "connect_timeout", CONNECT_TIMEOUT),
        statement_timeout=getattr(settings, "statement_timeout", STATEMENT_TIMEOUT),
    )


def with_database(
    settings: object, data_dir: Path, work: Callable[[Database], Awaitable[int]]
) -> int:
    """Run `work` on the configured reporting database (a command's whole run); its exit
    status, or 2 with one line on stderr when the database is not available."""

    async def run() -> int:
        database = open_database(settings, data_dir)
        try:
            return await work(database)
        finally:
            await database.dispose()

    try:
        return asyncio.run(run())
    except (SQLAlchemyError, OSError, SchemaMissing) as exc:
        first = database_problem(exc)
        print(f"hocso: the reporting database is not available: {first}", file=sys.stderr)
        return 2


def database_problem(exc: BaseException) -> str:
    """One line for an operator about a failed database call (no traceback)."""
    if isinstance(exc, TimeoutError) or isinstance(getattr(exc, "orig", None), TimeoutError):
        return (
            "it did not answer in time (database.connect_timeout, "
            "database.statement_timeout): is it stalled, or a lock held?"
        )
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def erase_key_problem(url: str, erase_key: str) -> str:
    """Why the reporter cannot run with these settings ("" when it can): PostgreSQL, the
    production database, needs an erase key configured, the same on every reporter."""
    if erase_key or not url or url.startswith("sqlite"):
        return ""
    return (
        "HOCSO_ERASE_KEY (privacy.erase_key) is not set: the reporter needs it with PostgreSQL "
        "to keep a keyed hash of forgotten learners; make one with `openssl rand -hex 32`, "
        "keep it, and give every reporter the same one"
    )


class EraseKeyMissing(Exception):
    """PostgreSQL without an erase key (see erase_key_problem)."""


class Database:
    """One engine and its session factory; cheap to build, connects on first use.

    `erase_key`: the secret of the keyed hash of forgotten learners (storage/sql/ingest.py).
    Empty: with SQLite, one made once and kept beside the database file (`erase.key`, only
    the owner may read it); with PostgreSQL, refused (EraseKeyMissing) when first needed,
    since each reporter would otherwise make its own and miss the others' marks."""

    def __init__(
        self,
        url: str,
        erase_key: str = "",
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        statement_timeout: float = STATEMENT_TIMEOUT,
    ) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._erase_key = erase_key.encode()
        self.connect_timeout, self.statement_timeout = connect_timeout, statement_timeout
        # A database that is down, or up but stalled (a lost network, a lock held, a server
        # that stopped answering), must fail in bounded time so the reporter backs off and
        # `hocso report` says so, rather than hang. SQLite: how long to wait for a busy file.
        # PostgreSQL: asyncpg's connect timeout, and its command timeout for every statement
        # (and the pool's ping), which also asks the server to cancel the statement. It is
        # client-side, so it works behind PgBouncer, which refuses `statement_timeout` as a
        # startup parameter.
        if self.is_sqlite:
            args: dict = {"timeout": statement_timeout}
        else:
            args = {"timeout": connect_timeout, "command_timeout": statement_timeout}
        self.engine: AsyncEngine = create_async_engine(
            url, connect_args=args, pool_pre_ping=not self.is_sqlite
        )
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._schema_ready = False

    def session(self) -> AsyncSession:
        return self.sessions()

    def erase_key(self) -> bytes:
        if self._erase_key:
            return self._erase_key
        if not self.is_sqlite:
            raise EraseKeyMissing(erase_key_problem(self.url, ""))
        path = self.url.split("///", 1)[1] if "///" in self.url else ""
        if not path or path.startswith(":memory:"):
            self._erase_key = secrets.token_hex(32).encode()  # gone with the database
        else:
            self._erase_key = _kept_key(Path(path).parent / ERASE_KEY_FILE)
        return self._erase_key

    async def upgrade(self) -> None:
        """Create or migrate the schema to the newest revision. No statement timeout: building
        an index on a big table may take minutes."""
        if self.is_sqlite:
            Path(self.url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
            engine = self.engine
        else:
            args = {"timeout": self.connect_timeout}
            engine = create_async_engine(self.url, connect_args=args, poolclass=NullPool)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(_upgrade)
        finally:
            if engine is not self.engine:
                await engine.dispose()
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

    async def ping(self) -> None:
        """Raises unless the database answers a trivial query (the reporter's probe)."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

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


def _kept_key(path: Path) -> bytes:
    """The key in `path`, made (readable by the owner only) if there is none yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it just now
        else:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_hex(32) + "\n")
    key = path.read_text().strip()
    if len(key) < 32:
        raise EraseKeyMissing(f"{path}: the erase key there is too short; delete the file")
    return key.encode()


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    # WAL lets `hocso report` read while the reporter writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
