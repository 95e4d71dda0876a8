"""What stops a command, for a reason the operator can fix: light, so the command line can
catch it without loading what raises it."""

from __future__ import annotations


class ServiceError(Exception):
    """hocso cannot start or run, for a reason the operator can fix (said in one line)."""
