"""A turn's replies kept with its update's done mark, to show them again if the platform
delivers the update again (the process died after the save, before the replies went out).

The effect is stored exactly once (the done mark and the state are one write); the replies
go out at least once. The kept copy is the mark's value (storage/redis/keys.py `update`), never
the learner's hash, and lives as long as the mark. Pydantic (already the config's library)
writes and reads the dataclasses, so a new field of `Reply` needs nothing here.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import TypeAdapter

from bot.events import Reply

_REPLIES = TypeAdapter(list[Reply])
DONE = "done"  # a done mark's value (handlers/dedupe.py)
KEPT = DONE + ":"  # ... that keeps the turn's replies after it


def mark_value(replies: list[Reply]) -> str:
    """The done mark's value for a turn that answered `replies`."""
    return KEPT + keep(replies).decode() if replies else DONE


def keep(replies: list[Reply]) -> bytes:
    """The replies as compact JSON. A picture drawn for this message only (a certificate)
    is deleted once sent, so its copy keeps the caption as text; /certificate draws it again."""
    kept = [
        replace(r, media=None, text=r.text or r.media.caption)
        if r.media is not None and r.media.temporary
        else r
        for r in replies
    ]
    return _REPLIES.dump_json(kept, exclude_defaults=True)


def kept(data: bytes | str) -> list[Reply]:
    """What `keep` wrote; nothing for what cannot be read (written by another version)."""
    try:
        return _REPLIES.validate_json(data)
    except ValueError:
        return []
