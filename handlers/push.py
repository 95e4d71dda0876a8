"""Sending what the tutor starts itself (reminders), on any platform.

The reminder loop (hocso/reminders.py) decides with the engine, then hands the replies to the
`PushSender` of the learner's platform (the part of their id before ":"); the sender renders
them as that platform's adapter does and says, with these exceptions, what went wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.events import Reply


class Unreachable(Exception):
    """The learner blocked the bot (or can no longer be written to): send nothing more."""


class SlowDown(Exception):
    """The platform asks every sender of this bot to wait (Telegram's 429)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class Skipped(Exception):
    """Nothing is sent for this reminder, by rule, and it is not tried again (the Zalo OA: the
    learner is out of its window and no template can reach them, or it is night); the next
    reminder comes as planned."""


class TryLater(Exception):
    """Not delivered, for a passing reason (the network, the platform is down)."""


class PushSender(Protocol):
    platform: str  # the prefix of the learner ids it reaches, e.g. "tg"

    async def push(self, chat: str, replies: Sequence[Reply]) -> None:
        """Show `replies` in `chat`. Raises Unreachable, SlowDown or TryLater; anything else
        means it was refused for good (or may have arrived: it is not sent again)."""
        ...
