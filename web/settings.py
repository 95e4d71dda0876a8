"""The web page's section of the settings (`web:` in config.yaml), with its environment
variables, and what web/ reads of the whole (`WebConfig`: hocso/settings.py's `Settings` is
one, without web/ importing it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Protocol

from pydantic import Field, field_validator

from bot.config import (
    AgeBand,
    Areas,
    CampaignSettings,
    CertificateSettings,
    ReminderSettings,
    Section,
)
from storage.redis.settings import RedisSettings
from storage.sql.settings import DatabaseSettings

ENV = {
    "HOCSO_WEB_LISTEN": "web.listen",
    "HOCSO_WEB_PORT": "web.port",
    "HOCSO_WEB_SECRET": "web.secret",
    "HOCSO_WEB_REFRESH": "web.refresh",
}


class WebSettings(Section):
    """`hocso web`, the officials' and facilitators' web page."""

    listen: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8090
    secret: str = ""  # signs and encrypts session cookies; required unless listen is loopback
    refresh: Annotated[int, Field(ge=10, le=86400)] = 300  # seconds between recounts

    @field_validator("secret")
    @classmethod
    def _long_secret(cls, value: str) -> str:
        if value and len(value) < 16:
            raise ValueError("use at least 16 characters (e.g. from `openssl rand -hex 32`)")
        return value


class WebConfig(Protocol):
    """What web/ reads of the settings: some of the engine's, Redis's (the brakes), the
    database's and its own."""

    @property
    def lessons_dir(self) -> Path: ...
    @property
    def data_dir(self) -> Path: ...
    @property
    def timezone(self) -> str: ...
    @property
    def campaign(self) -> CampaignSettings: ...
    @property
    def certificate(self) -> CertificateSettings: ...
    @property
    def areas(self) -> Areas: ...
    @property
    def age_bands(self) -> list[AgeBand]: ...
    @property
    def reminders(self) -> ReminderSettings: ...  # which platforms a class reminder can reach
    @property
    def redis(self) -> RedisSettings: ...
    @property
    def database(self) -> DatabaseSettings: ...
    @property
    def web(self) -> WebSettings: ...
