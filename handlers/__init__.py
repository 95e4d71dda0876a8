"""Adapters: one per platform, each translating its updates into engine events and back.

Pieces every platform shares: `dedupe.py` (each update processed once), `ordering.py` (one
conversation's updates in order) and `webhook.py` (the HTTP server with /health).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.events import Event, Reply

# What an adapter calls with each event: `Engine.handle`.
Handle = Callable[[Event], Awaitable[list[Reply]]]


class CannotServe(Exception):
    """An adapter cannot run, for a reason the operator can fix (said in one line)."""
