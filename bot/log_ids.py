"""What a log line may say about a learner: a pseudonym and the kind of action, never their
platform id, name, username or what they typed (a phone number, an ID card number...).

A pseudonym is a keyed hash (HMAC-SHA256) with a key made when the process starts: the lines
of one process about one learner can be matched to each other, and to nobody (platform ids
are small numbers, so an unkeyed hash would be reversed by trying them all).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import sys
import traceback
from typing import Protocol

_KEY = secrets.token_bytes(32)


class _Action(Protocol):
    @property
    def user(self) -> str: ...
    @property
    def kind(self) -> str: ...


def pseudonym(user: str) -> str:
    """ "tg:12345" -> "tg~3f9a0c1d2b4e": the platform, and a hash only this process can make."""
    platform, _, rest = user.partition(":")
    digest = hmac.new(_KEY, user.encode(), hashlib.sha256).hexdigest()[:12]
    return f"{platform[:8]}~{digest}" if rest else digest


def log_failure(log: logging.Logger, doing: str, event: _Action) -> None:
    """Inside an `except`: "<doing> a <kind> from <pseudonym>", the exception's type and where
    it was raised. Not its message: that may quote what the learner typed."""
    exc = sys.exc_info()[1]
    where = "".join(traceback.format_tb(exc.__traceback__)) if exc else ""
    log.error(
        "%s a %s from %s: %s\nTraceback (most recent call last):\n%s",
        doing,
        event.kind,
        pseudonym(event.user),
        type(exc).__name__,
        where.rstrip(),
    )
