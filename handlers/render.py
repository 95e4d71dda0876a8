"""What each platform can show, and the engine's replies fitted to it.

Every adapter declares its `Capabilities`; the engine's replies are the same everywhere and
are rendered to them: buttons natively or as numbered lines (handlers/numbered.py), text cut
into messages the platform accepts, pictures only where it takes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.events import Reply
from handlers.numbered import flat, numbered


@dataclass(frozen=True)
class Capabilities:
    buttons: bool  # native buttons under a message; False: choices as numbered lines
    text_max: int  # characters in one message (as the platform counts them, see `units`)
    can_edit: bool  # can change a message it sent (so answered buttons vanish)
    picture_max: int  # bytes of a picture it takes; 0: none
    may_send_first: bool  # may start a conversation (reminders), not only answer


def units(text: str) -> int:
    """Length as Telegram and Zalo's JavaScript count it: UTF-16 code units (an emoji may count
    twice), never less than Python's len()."""
    return len(text.encode("utf-16-le")) // 2


def as_text(reply: Reply, capabilities: Capabilities) -> str:
    """The reply's words, with its choices as numbered lines where there are no buttons."""
    buttons = flat(reply)
    if capabilities.buttons or not buttons:
        return reply.text
    lines = "\n".join(numbered(buttons))
    return f"{reply.text}\n\n{lines}" if reply.text.strip() else lines


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` units: cut at line breaks, else at spaces, else anywhere."""
    pieces = [p for p in _split(text, limit, ("\n", " ")) if p.strip()]
    return pieces or ([text] if text.strip() else [])


def _split(text: str, limit: int, separators: tuple[str, ...]) -> list[str]:
    if units(text) <= limit:
        return [text]
    if not separators:
        out, current, size = [], "", 0
        for char in text:
            if size + units(char) > limit:
                out.append(current)
                current, size = "", 0
            current += char
            size += units(char)
        return [*out, current]
    sep, finer = separators[0], separators[1:]
    out, current = [], ""
    for part in text.split(sep):
        joined = f"{current}{sep}{part}" if current else part
        if units(joined) <= limit:
            current = joined
            continue
        if current:
            out.append(current)
        *full, current = _split(part, limit, finer)
        out += full
    return [*out, current]
