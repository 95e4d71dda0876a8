"""The Zalo Bot Platform's section of the settings (`zalo:` in config.yaml, docs/zalo.md),
with its environment variables; read with the rest by hocso/settings.py."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from bot.config import Section

# The Zalo Bot Platform's API (a copy of its docs dated 10 Dec 2025; formerly bot-api.zapps.me).
ZALO_API = "https://bot-api.zaloplatforms.com"

ENV = {
    "ZALO_BOT_TOKEN": "zalo.token",
    "ZALO_BASE_URL": "zalo.base_url",
    "ZALO_WEBHOOK_URL": "zalo.webhook_url",
    "ZALO_WEBHOOK_SECRET": "zalo.webhook_secret",
    "ZALO_REMINDERS": "zalo.reminders",
}


class ZaloSettings(Section):
    """The Zalo Bot Platform (docs/zalo.md); off while `token` is empty."""

    token: str = ""
    base_url: str = ZALO_API
    # Webhook mode when webhook_url is set (its origin also serves pictures at /media/...);
    # long polling otherwise, and pictures go as their words.
    webhook_url: str = ""
    webhook_secret: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{0,256}$")] = ""
    # Reminders (the tutor writing first) stay off until Zalo's rules for bots allow them.
    reminders: bool = False

    @field_validator("base_url", "webhook_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise ValueError("not a web address: use https://host/...")
        return value

    @model_validator(mode="after")
    def _secret_with_webhook(self) -> ZaloSettings:
        if self.webhook_url and len(self.webhook_secret) < 16:
            raise ValueError(
                "a webhook needs webhook_secret (ZALO_WEBHOOK_SECRET): 16 to 256 of "
                "A-Z a-z 0-9 _ -"
            )
        return self
