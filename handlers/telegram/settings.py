"""Telegram's section of the settings (`telegram:` in config.yaml), with its environment
variables; read with the rest by hocso/settings.py."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from bot.config import Section

ENV = {
    "TELEGRAM_BOT_TOKEN": "telegram.token",
    "TELEGRAM_BOT_USERNAME": "telegram.username",
    "TELEGRAM_BASE_URL": "telegram.base_url",
    "TELEGRAM_WEBHOOK_URL": "telegram.webhook_url",
    "TELEGRAM_WEBHOOK_SECRET": "telegram.webhook_secret",
    "TELEGRAM_BROADCAST_RATE": "telegram.broadcast_rate",
    "TELEGRAM_PAID_BROADCAST": "telegram.paid_broadcast",
}

# A Telegram username: 5-32 of A-Z a-z 0-9 _, starting with a letter (a bot's ends in "bot").
USERNAME = r"^([A-Za-z][A-Za-z0-9_]{4,31})?$"


def bot_username(text: str) -> str:
    """A username as people write it ("@hocso_bot", "t.me/hocso_bot"), without the dressing."""
    text = text.strip()
    for prefix in ("https://", "http://", "t.me/", "@"):
        text = text.removeprefix(prefix)
    return text


class TelegramSettings(Section):
    token: str = ""
    # Pushed messages (reminders) for the whole bot, all processes together: Telegram's bulk
    # limit is about 30 a second; with paid_broadcast up to 1000 (charged in Stars).
    broadcast_rate: Annotated[int, Field(ge=1, le=1000)] = 30
    paid_broadcast: bool = False
    # The bot's username, for its links: a class's link and QR code (t.me/<username>?start=).
    username: Annotated[str, Field(pattern=USERNAME)] = ""
    base_url: str = ""  # empty: Telegram's own servers
    # Webhook mode when webhook_url is set; long polling otherwise.
    webhook_url: str = ""
    webhook_secret: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{0,256}$")] = ""

    @field_validator("username", mode="before")
    @classmethod
    def _plain_username(cls, value: object) -> object:
        return bot_username(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _secret_with_webhook(self) -> TelegramSettings:
        if self.webhook_url and len(self.webhook_secret) < 16:
            raise ValueError(
                "a webhook needs webhook_secret (TELEGRAM_WEBHOOK_SECRET): 16 to 256 of "
                "A-Z a-z 0-9 _ -"
            )
        return self
