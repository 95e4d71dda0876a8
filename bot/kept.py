"""A turn's replies kept with its update's done mark, to show them again if the platform
delivers the update again (the process died after the save, before the replies went out).

The effect is stored exactly once (the done mark and the state are one write); the replies
go out at least once. The kept copy sits beside the mark (`replies_key`, on the same shard),
never in the learner's hash, and only for KEEP_FOR: a worker that died is replaced and the
platform delivers again within minutes (an hour also covers a slow deploy or a short crash
loop), while the mark itself must last a day. (Kept as the mark's value for the day, they
cost 1-2 GB of Redis per 100,000 learners doing 30 actions a day; for an hour, about 4 % of
that.) Pydantic (already the config's library) writes and reads the dataclasses, so a new
field of `Reply` needs nothing here.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import TypeAdapter

from bot.events import Reply

_REPLIES = TypeAdapter(list[Reply])
DONE = "done"  # a done mark's value (handlers/dedupe.py)
KEPT = DONE + ":"  # a mark written before 2026-12-07 kept the replies in its value: still read
KEEP_FOR = 3600  # seconds a turn's replies are kept to show again


def replies_key(mark: str) -> str:
    """Where the replies of the update marked done at `mark` are kept (its hash tag, so on
    the same shard: one script writes both)."""
    return mark + ":r"


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
