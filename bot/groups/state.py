"""A group chat's lesson as the engine sees it, and its compact form in storage.

The chat-wide state is one small hash per group (storage/redis/groups.py). What members do lives
beside it, under the same hash tag: the roster of members who joined, this run's participants,
their answers, the tally of every answer, and the anonymous marks that count a member who has
not joined once without keeping who they are.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field

# Phases of a lesson run. "" is no lesson; "end" is over, its credits being applied.
IDLE, INTRO, CARD, ASK, SHOWN, END = "", "intro", "card", "ask", "shown", "end"


@dataclass
class GroupLesson:
    chat: str  # the conversation key, e.g. "tg:-100123"
    lang: str = "vi"
    run: str = ""  # a token per lesson run: in every button, the credits' ids, poll tags
    secret: str = ""  # salts the anonymous marks of this run; dropped with them at its end
    lesson: str = ""
    version: int = 0
    step: int = 0
    phase: str = IDLE
    screen: int = 0  # counts what was shown this run: a "move on" tap works once
    due: int = 0  # epoch seconds when the tutor moves on by itself; 0: it waits
    leader: str = ""  # who started the run
    started_at: int = 0
    class_code: str = ""  # the class of the facilitator who started it, if registered
    stopped: bool = False  # ended before its last step (stopped, or the bot was removed)
    quiet: bool = False  # the bot was removed: nothing more is sent to this chat
    # The group's weekly class time ("6 19:00", groups/class_schedule.py): its class's, or its own
    # (`/schedule` in a family group); the reminder an hour before it is due at `call_at`.
    schedule: str = ""
    call_at: int = 0  # epoch seconds; 0: none planned
    away: bool = False  # the bot was taken out of the group: no reminder until it is back
    done: list[str] = field(default_factory=list)  # lessons this group finished
    noted: list[str] = field(default_factory=list)  # anonymous marks of who was told once

    @property
    def running(self) -> bool:
        return self.phase not in (IDLE, END)


_FIELDS = {
    "lg": "lang",
    "rn": "run",
    "se": "secret",
    "ls": "lesson",
    "lv": "version",
    "sp": "step",
    "ph": "phase",
    "sc": "screen",
    "du": "due",
    "ld": "leader",
    "t0": "started_at",
    "cl": "class_code",
    "so": "stopped",
    "qt": "quiet",
    "sk": "schedule",
    "ca": "call_at",
    "aw": "away",
    "dn": "done",
    "nt": "noted",
}
# What a run leaves behind: cleared when it ends.
RUN_FIELDS = ("rn", "se", "ls", "lv", "sp", "ph", "sc", "du", "ld", "t0", "so", "qt", "nt")
_DEFAULTS = GroupLesson(chat="")


def to_fields(group: GroupLesson) -> dict[str, str]:
    out: dict[str, str] = {}
    for short, name in _FIELDS.items():
        value = getattr(group, name)
        if value == getattr(_DEFAULTS, name):
            continue
        if isinstance(value, list):
            out[short] = " ".join(value)
        elif isinstance(value, bool):
            out[short] = "1"
        else:
            out[short] = str(value)
    return out


def from_fields(chat: str, fields: dict[str, str]) -> GroupLesson:
    group = GroupLesson(chat=chat)
    for short, name in _FIELDS.items():
        raw = fields.get(short)
        if raw is None:
            continue
        default = getattr(_DEFAULTS, name)
        if isinstance(default, list):
            value: object = raw.split()
        elif isinstance(default, bool):
            value = raw == "1"
        elif isinstance(default, int):
            value = int(raw)
        else:
            value = raw
        setattr(group, name, value)
    return group


def copy(group: GroupLesson) -> GroupLesson:
    return dataclasses.replace(group, done=list(group.done), noted=list(group.noted))


def mark(secret: str, user: str) -> str:
    """Counts someone once within a run without naming them: useless once `secret` is gone."""
    return hashlib.sha256(f"{secret}:{user}".encode()).hexdigest()[:16]


@dataclass
class GroupSnapshot:
    """A group as storage holds it, read in one step."""

    fields: dict[str, str]
    version: int
    roster: dict[str, str] = field(default_factory=dict)  # joined member -> first name
    participants: set[str] = field(default_factory=set)  # members taking part in this run
    answers: dict[tuple[int, str], int] = field(default_factory=dict)  # (step, member) -> choice
    tally: dict[str, int] = field(default_factory=dict)  # "step:choice", "step:n", "step:j"

    def chose(self, step: int, choice: int) -> int:
        return self.tally.get(f"{step}:{choice}", 0)

    def answered(self, step: int) -> int:
        """How many answered this step, joined or not."""
        return self.tally.get(f"{step}:n", 0)


@dataclass(frozen=True)
class Answered:
    """What storage says about one answer: `status` 1 counted, 0 answered before (`choice` is
    the first answer), -1 not this question any more, -2 its answer is shown already."""

    status: int
    choice: int = 0
    answered: int = 0  # everyone who answered this step
    joined: int = 0  # of them, members taking part
    participants: int = 0  # members taking part in this run
    member: bool = False  # the one who answered has joined the group
