"""The seam between platforms and teaching: one event in, a list of replies out.

An adapter in `handlers/` turns a platform update into an `Event`, hands it to the engine and
renders the `Reply` objects it gets back. Nothing here knows about any platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# "blocked": the platform says the learner blocked us (no reply can reach them).
# "push": the tutor starts the turn itself (a reminder); `payload` names why.
# "poll": a member answered a quiz poll in a group (`options`: the chosen options).
# In a group, "blocked" means the bot was removed from it; "moved": the group became a
# supergroup, which the platform names anew (`payload`: its new id).
EventKind = Literal["command", "text", "button", "other", "blocked", "push", "poll", "moved"]


@dataclass
class DoneMark:
    """An update's "done" mark (handlers/dedupe.py), carried by its `Event` to the store,
    which writes it in the same step as the learner's save: one round trip for both, and
    the update counts as done exactly when its effect is stored. `key` is on the learner's
    shard (storage/redis/keys.py `update`); `written` is set once a save carried it.
    `replies`: what the turn answered, set by the engine before the save, which keeps them
    as the mark's value (bot/kept.py) to show again if the update comes back."""

    learner: str
    key: str
    seconds: int
    written: bool = False
    replies: list[Reply] = field(default_factory=list)


@dataclass(frozen=True)
class Event:
    """Something a learner did: typed text, a /command, a tapped button, anything else, or
    blocking the bot."""

    user: str  # platform-qualified id, e.g. "tg:12345" or "console:local"
    kind: EventKind
    text: str = ""  # the text, or the command's argument ("/start abc" -> "abc")
    command: str = ""  # without the slash, lower case
    payload: str = ""  # a button's data
    chat: str = ""  # where to answer; defaults to the user's private chat
    group: bool = False
    name: str = ""  # display name as the platform gives it (used for certificates only)
    # Group lessons (bot/groups/routes.py). `admin`: the platform says this user administers the
    # group; `username`: their handle there, only to match a registered facilitator (never
    # stored); a poll answer's `poll` id and chosen `options` (its `payload` is the poll's tag).
    admin: bool = False
    username: str = ""
    poll: str = ""
    options: tuple[int, ...] = ()
    lang: str = ""  # the language the learner's app is set to ("vi", "en-US"), if known
    # The learner sees choices as numbered lines, not buttons (console, Zalo): the tutor's
    # words then say "type the number", not "tap" (bot/texts.py, the "…_numbered" wordings).
    numbered: bool = False
    # The update's done mark, set by the adapter (handlers/dedupe.py `ride`); the engine hands
    # it to the learner's save.
    done: DoneMark | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Button:
    label: str
    payload: str


@dataclass(frozen=True)
class Media:
    kind: Literal["image", "audio"]
    path: str  # a file on disk; adapters may cache their platform's upload id
    caption: str = ""
    # Drawn for this message only (a certificate with the learner's name): the adapter sends
    # it, never caches it, and deletes the file, so no worker keeps a copy to erase later.
    temporary: bool = False


@dataclass(frozen=True)
class Poll:
    """A question offered as a native quiz poll where the platform has one and it fits; the
    reply's text and buttons are the same question for where it does not. Answers come back as
    "poll" events whose payload is `tag`."""

    question: str
    options: tuple[str, ...]
    correct: int  # the right option's position
    explanation: str
    tag: str
    buttons: tuple[tuple[Button, ...], ...] = ()  # under the poll, where it is shown as one


@dataclass(frozen=True)
class Reply:
    """One message to show. `buttons` are rows; `replace` asks the adapter to edit the
    message whose button was tapped instead of sending a new one (so old buttons vanish;
    with no text it only takes the tapped message's buttons away, and shows nothing new);
    a `notice` is a short note about a tap (a toast where the platform has one); `free_text`
    says the learner is asked to type an answer, so an adapter that maps typed digits to
    buttons sends them as text instead (the engine still reads "1" as the first button when it
    is not an answer)."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    media: Media | None = None
    replace: bool = False
    notice: bool = False
    # Group lessons: `key` names this message so a later reply can `edit` it (a poll there is
    # closed and the text sent after it); a `live` edit is a status (a count) the adapter may
    # coalesce or drop when the chat's message budget is spent; `to` sends the reply to that
    # user's private chat instead of this one.
    poll: Poll | None = None
    key: str = ""
    edit: str = ""
    live: bool = False
    to: str = ""
    free_text: bool = False


@dataclass
class Outcome:
    """What the engine decided: the replies, and the notes for reporting it emitted."""

    replies: list[Reply] = field(default_factory=list)
    events: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Reach:
    """How learners find the tutor on one platform, given to the engine by platform prefix
    ("tg") from that platform's settings, so no feature reads a platform's settings: features
    read it as `turn.reach`. Empty where the platform has no public name or link."""

    handle: str = ""  # the tutor's one official account name there ("hocso_cantho_bot")
    link: str = ""  # opens a private chat with the tutor ("https://t.me/hocso_cantho_bot")
    join: str = (
        ""  # the same, joining class "{code}" ("https://t.me/hocso_cantho_bot?start={code}")
    )
