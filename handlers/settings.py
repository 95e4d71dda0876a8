"""The section of the settings every adapter shares: the process's one web server, which
serves every platform's webhook and /health (handlers/webhook.py); `server:` in config.yaml.

Its names belong to no platform. The older ones still work: TELEGRAM_LISTEN/TELEGRAM_PORT, and
`listen`/`port` under `telegram:` in config.yaml (moved here by hocso/settings.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.config import Section

ENV = {
    "TELEGRAM_LISTEN": "server.listen",
    "TELEGRAM_PORT": "server.port",
    # Later names win: the ones of no platform.
    "HOCSO_LISTEN": "server.listen",
    "HOCSO_PORT": "server.port",
}


class ServerSettings(Section):
    listen: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
