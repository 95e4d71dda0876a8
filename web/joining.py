"""How learners join a class, on every platform the tutor is on: the same ways `hocso class
add` prints (hocso/class_cli.py). Telegram has a link that carries the class code (and so a QR
code); Zalo's bots and Official Accounts have no such link, so learners there send the bot
"/start CODE". A platform that is not set up is not offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config


@dataclass(frozen=True)
class Way:
    platform: str  # as learners know it: "Telegram", "Zalo", "Zalo OA"
    link: str  # "" : none, they send the message below
    message: str  # what to send the bot


def join_ways(config: Config, code: str) -> list[Way]:
    ways = []
    message = f"/start {code}"
    if config.telegram.username:
        ways.append(
            Way("Telegram", f"https://t.me/{config.telegram.username}?start={code}", message)
        )
    if config.zalo.token:
        ways.append(Way("Zalo", "", message))
    # The Zalo Official Account adapter (handlers/zalo_oa) brings its own settings section.
    oa: object = getattr(config, "zalo_oa", None)
    if oa is not None and (getattr(oa, "token", None) or getattr(oa, "oa_id", None)):
        ways.append(Way("Zalo OA", "", message))
    return ways
