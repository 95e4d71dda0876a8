"""The reporting database's sections of the settings (`database:` and `privacy:` in
config.yaml), with their environment variables; read with the rest by hocso/settings.py."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from bot.config import Section

# URL schemes of the reporting databases hocso has drivers for (storage/sql/db.py).
DATABASES = ("postgresql", "postgres", "postgresql+asyncpg", "sqlite", "sqlite+aiosqlite")

ENV = {
    "DATABASE_URL": "database.url",
    "HOCSO_DB_CONNECT_TIMEOUT": "database.connect_timeout",
    "HOCSO_DB_STATEMENT_TIMEOUT": "database.statement_timeout",
    "HOCSO_ERASE_KEY": "privacy.erase_key",
}


class DatabaseSettings(Section):
    url: str = ""  # empty: a SQLite file in data_dir
    # Seconds to wait for a connection, and for each statement, before giving up on a
    # database that is down or stalled (the reporter backs off; `hocso report` says so).
    connect_timeout: Annotated[float, Field(gt=0, le=300)] = 5.0
    statement_timeout: Annotated[float, Field(gt=0, le=3600)] = 30.0

    @field_validator("url")
    @classmethod
    def _supported(cls, value: str) -> str:
        scheme = value.partition("://")[0].lower() if "://" in value else ""
        if value and scheme not in DATABASES:
            raise ValueError(
                "not a supported database: use postgresql://user@host/db, or sqlite:///file.db"
            )
        return value


class PrivacySettings(Section):
    # The secret of the keyed hash (HMAC-SHA256) of a forgotten learner's platform id, kept
    # 30 days so a late event cannot bring them back. Required with PostgreSQL; the same on
    # every reporter. Empty with SQLite: one is made and kept beside the database file.
    erase_key: str = ""

    @field_validator("erase_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError(
                "erase_key (HOCSO_ERASE_KEY) is too short: use 32 or more random characters, "
                "e.g. the output of `openssl rand -hex 32`"
            )
        return value
