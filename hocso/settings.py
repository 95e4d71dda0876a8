"""All the settings of a deployment: the engine's (bot/config.py), the parts every deployment
has (Redis, the database, the one web server, the web page) and each registered platform's
section (handlers/platforms.py), whose models and environment variables live beside their
code. Read once at start-up by hocso/cli.py; every part gets the whole and reads its own.

A bad value stops start-up with one line per problem (`ConfigError`), naming the file and
the setting; the command line prints them and exits 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import create_model

from bot.config import ENV as ENGINE_ENV
from bot.config import Config, ConfigError, config_path, load_settings
from handlers import platforms
from handlers.settings import ENV as SERVER_ENV
from handlers.settings import ServerSettings
from storage.redis.settings import ENV as REDIS_ENV
from storage.redis.settings import RedisSettings
from storage.sql.settings import ENV as DATABASE_ENV
from storage.sql.settings import DatabaseSettings, PrivacySettings
from web.settings import ENV as WEB_ENV
from web.settings import WebSettings

__all__ = ["ENV", "ConfigError", "Deployment", "Settings", "load_config"]


class Deployment(Config):
    """The engine's settings and the sections every deployment has; what hocso/ reads by
    name. The platforms' sections are added to it as `Settings`, and read by their specs."""

    redis: RedisSettings = RedisSettings()
    database: DatabaseSettings = DatabaseSettings()
    privacy: PrivacySettings = PrivacySettings()
    server: ServerSettings = ServerSettings()  # the one web server of every webhook
    web: WebSettings = WebSettings()


def _with_platforms() -> type[Deployment]:
    sections: dict[str, Any] = {
        p.section: (p.settings_model, p.settings_model())
        for p in platforms.PLATFORMS
        if p.section and p.settings_model
    }
    return create_model("Settings", __base__=Deployment, **sections)


# A deployment's settings with each registered platform's section (`telegram`, `zalo`); the
# Zalo OA reads its own from the environment (handlers/zalo_oa/settings.py).
Settings = _with_platforms()

# environment variable -> dotted setting, every part's
ENV = {
    **ENGINE_ENV,
    **REDIS_ENV,
    **DATABASE_ENV,
    **SERVER_ENV,
    **{var: dotted for p in platforms.PLATFORMS for var, dotted in p.env.items()},
    **WEB_ENV,
}


def load_config(path: Path | None = None, env: dict[str, str] | None = None) -> Deployment:
    """The settings from the file (or HOCSO_CONFIG's, or config.yaml), then the environment."""
    settings = load_settings(Settings, ENV, path, env, adjust=_older_keys)
    if unknown := [p for p in settings.reminders.platforms if p not in platforms.pushable()]:
        # Learners of another platform would be scheduled and claimed, then never sent.
        can = ", ".join(f"{p.name} learners ({p.id})" for p in platforms.PLATFORMS if p.push)
        raise ConfigError(
            f"{config_path(path, env)}: reminders.platforms: {', '.join(unknown)}: only "
            f"{can} can be reminded so far; the others wait for their rules on bots writing "
            "first (docs/reminders.md)"
        )
    return settings


def _older_keys(data: dict[str, Any]) -> None:
    """`listen`/`port` under `telegram:` in older files: the shared server's, now `server:`."""
    telegram = data.get("telegram")
    server = data.setdefault("server", {})
    if isinstance(telegram, dict) and isinstance(server, dict):
        for key in ("listen", "port"):
            if key in telegram:
                server.setdefault(key, telegram.pop(key))
