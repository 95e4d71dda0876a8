"""Button payloads: compact, versioned strings (Telegram allows 64 bytes) the engine checks.

Format: `1:<verb>[:<arg>...]`. Anything else, or an unknown verb, is treated as a stale or
forged button and changes nothing.
"""

from __future__ import annotations

VERSION = "1"
MAX_BYTES = 64


def pack(verb: str, *args: object) -> str:
    payload = ":".join([VERSION, verb, *(str(a) for a in args)])
    if len(payload.encode()) > MAX_BYTES:
        raise ValueError(f"payload too long for a chat button: {payload!r}")
    return payload


def unpack(payload: str) -> tuple[str, list[str]] | None:
    """(verb, args), or None when the payload is not one of ours."""
    if len(payload.encode()) > MAX_BYTES:
        return None
    parts = payload.split(":")
    if len(parts) < 2 or parts[0] != VERSION or not parts[1]:
        return None
    return parts[1], parts[2:]
