"""What each platform can show, and the engine's replies fitted to it.

Every adapter declares its `Capabilities`; the engine's replies are the same everywhere and
are rendered to them: buttons natively or as numbered lines (handlers/numbered.py), text cut
into messages the platform accepts, pictures only where it takes them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.events import Media, Reply
from handlers.numbered import flat, numbered

log = logging.getLogger(__name__)


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


def joined(replies: Sequence[Reply], limit: int) -> list[Reply]:
    """The same words in fewer messages. A plain reply (words only) right after an edited
    answer joins that edit: the feedback shows under the answer it is about. Other plain
    replies join the message after them (the next question, the menu), or each other.

    Each message is a request, and a chat takes about one a second before Telegram makes
    it wait: the end of a lesson was six messages in a burst, now two. Nothing joins past
    `limit` units, a picture, a poll or a message another reply will edit."""
    out: list[Reply] = []
    waiting: list[str] = []  # plain words not yet shown
    for i, reply in enumerate(replies):
        before = replies[i - 1] if i else None
        if _plain(reply) and before is not None and _answered(before) and out[-1] is before:
            text = f"{before.text}\n\n{reply.text}"
            if units(text) <= limit:
                out[-1] = replace(before, text=text)
                continue
        if _plain(reply):
            if waiting and units("\n\n".join([*waiting, reply.text])) > limit:
                out.append(Reply("\n\n".join(waiting)))
                waiting = []
            waiting.append(reply.text)
            continue
        if waiting:
            text = "\n\n".join([*waiting, reply.text])
            if _joinable(reply) and units(text) <= limit:
                reply = replace(reply, text=text)
            else:
                out.append(Reply("\n\n".join(waiting)))
            waiting = []
        out.append(reply)
    if waiting:
        out.append(Reply("\n\n".join(waiting)))
    return out


def _plain(reply: Reply) -> bool:
    """Words only: nothing to tap, see, edit later or send elsewhere, nothing to type at."""
    return _joinable(reply) and not reply.buttons and not reply.free_text


def _joinable(reply: Reply) -> bool:
    """A new text message that may carry words before its own."""
    return not (
        reply.media
        or reply.poll
        or reply.replace
        or reply.notice
        or reply.key
        or reply.edit
        or reply.live
        or reply.to
        or not reply.text.strip()
    )


def _answered(reply: Reply) -> bool:
    """An edit of the tapped message into words with nothing left to tap (an answer shown)."""
    return reply.replace and bool(reply.text.strip()) and not reply.buttons and not reply.media


async def discard(media: Media, after: float = 0.0) -> None:
    """A temporary picture (a certificate drawn with the learner's name, bot/certificate/routes.py)
    is deleted once the platform has it, so no worker keeps a copy to erase later: at once
    after an upload, or `after` seconds later where the platform fetches it by link."""
    if not media.temporary:
        return
    path = Path(media.path)
    if after > 0:
        asyncio.get_running_loop().call_later(after, _unlink, path)
    else:
        await asyncio.to_thread(_unlink, path)


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("%s not deleted: %s", path, exc)
