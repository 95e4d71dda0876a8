"""How learners join a class, on every platform the tutor is on (handlers/platforms.py, the
registry `hocso class add` reads too): Telegram has a link that carries the class code (and so
a QR code); the others (Zalo's bot, a Zalo Official Account) have no such link, so learners
there send the bot "/start CODE". A platform that is not set up is not offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.platforms import PLATFORMS
from web.settings import WebConfig


@dataclass(frozen=True)
class Way:
    platform: str  # as learners know it: "Telegram", "Zalo", "Zalo OA"
    link: str  # "" : none, they send the message below
    message: str  # what to send the bot


def join_ways(config: WebConfig, code: str) -> list[Way]:
    ways = []
    message = f"/start {code}"
    for platform in PLATFORMS:
        # A link that carries the code needs only the platform's handle (its `reach`): the
        # web page's server holds no bot token.
        if join := platform.reach(config).join:
            ways.append(Way(platform.name, join.format(code=code), message))
        elif platform.token(config):
            ways.append(Way(platform.name, "", message))
    return ways
