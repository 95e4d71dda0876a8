"""A learner's state as the engine sees it, and its compact form in storage.

Field names in storage are short on purpose: a million learners each keep one small hash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Stage(StrEnum):
    """Where a learner is in the conversation; the engine routes input by stage.

    The values are stored in Redis: rename a member freely, never its value.
    docs/conversation.md draws how learners move between them (a test keeps it true)."""

    NEW = "new"  # never seen, or erased
    CONSENT = "consent"  # asked to agree to the privacy note
    LANG = "lang"  # asked for a language (from the settings)
    AREA = "area"  # asked for a ward (optional: after the first lesson, or from the settings)
    AGE = "age"  # asked for an age band (optional, likewise)
    MENU = "menu"
    LESSON = "lesson"
    REVIEW = "review"  # answering spaced-review questions
    FORGET = "forget"  # asked to confirm erasing everything
    CERT = "cert"  # asked which name to print on the certificate
    CONFIRM = "vneid"  # asked once whether they got confirmed on VNeID (bot/confirm/)


NEW, CONSENT, LANG, AREA, AGE = Stage.NEW, Stage.CONSENT, Stage.LANG, Stage.AREA, Stage.AGE
MENU, LESSON, REVIEW = Stage.MENU, Stage.LESSON, Stage.REVIEW
FORGET, CERT, CONFIRM = Stage.FORGET, Stage.CERT, Stage.CONFIRM
ONBOARDING = frozenset({CONSENT})
# Short asides that return where the learner was (see `detour`); moving on ends them.
DETOURS = frozenset({FORGET, CERT, LANG, AREA, AGE, CONFIRM})


@dataclass
class ReviewItem:
    """A question to ask again (spaced repetition): `box` grows with each right answer."""

    lesson: str
    question: str
    box: int
    due: int  # day number (days since 1970-01-01, local time)

    @property
    def key(self) -> str:
        return f"{self.lesson}/{self.question}"


@dataclass
class Learner:
    user: str
    stage: Stage = NEW
    lang: str = "vi"
    consent_at: int = 0
    area: str = ""
    age: str = ""
    class_code: str = ""
    paused: bool = False
    inactive: bool = False  # the learner blocked the bot; nothing is sent until they write
    settings_only: bool = False  # changing one setting from the menu, not onboarding
    asked: bool = False  # asked for ward and age once (after the first lesson)
    area_page: int = 0
    view: str = ""  # which menu screen is shown (see menu.show_view), so it can be shown again
    puzzled: int = 0  # texts in a row the tutor did not understand (each gets other words)
    # the lesson in progress
    lesson: str = ""
    lesson_version: int = 0
    step: int = 0
    score: int = 0
    attempt: str = ""  # random token in every button of this attempt: old buttons go stale
    started_at: int = 0
    hint: str = ""  # hints had at a typed question: "attempt:step:level" (bot/lesson/hints.py)
    plan: list[int] = field(
        default_factory=list
    )  # a retry's steps (bot/content/plan.py); empty: all
    wrong: list[str] = field(default_factory=list)  # questions missed in this attempt
    # a failed lesson: its id, the questions to ask again, and how many times it was failed
    retry: str = ""
    missed: list[str] = field(default_factory=list)
    fails: int = 0
    # the review in progress: question keys, the position in that list, right answers
    review_queue: list[str] = field(default_factory=list)
    review_step: int = 0
    review_score: int = 0
    back: Stage | None = None  # the stage a detour (erase?, a setting, the certificate) returns to
    # what stays
    done: list[str] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    streak: int = 0
    last_day: int = 0  # the last day a question was answered
    freezes: int = 0  # rest days earned by passing lessons: a missed day keeps the streak
    seen: int = 0  # the last day the learner wrote (to welcome them back after a while)
    certificate: str = ""  # its verification code, once issued
    certificate_name: str = ""  # the name printed on it, as the learner gave it
    confirm: str = ""  # the question about VNeID confirmation (bot/confirm/)
    # reminders (bot/reminders/routes.py)
    remind: str = ""  # "" not asked, "-" asked but no daily time, "off", or the time "19:30"
    remind_due: int = 0  # when the next reminder is due (epoch seconds); 0: none
    remind_kind: str = ""  # what is due then: "n" the nudge, "d" the day's reminder
    ignored: int = 0  # reminders sent since the learner last did anything
    reminded_at: int = 0  # when the last one was sent
    reminded_kind: str = ""  # what it was: "n" nudge, "d" daily, "r" review, "s" stop notice
    # group lessons (bot/groups/chats.py) and pair mode (bot/pairs/); plain strings, so a copy
    # of the learner shares nothing mutable
    group_credits: str = ""  # ids of group credits already applied, newest last (capped)
    groups: str = ""  # the group chats this learner joined, space-separated
    helper: str = ""  # who helps this learner (pair mode), a user id
    elder: str = ""  # whom this learner helps, a user id
    elder_name: str = ""  # that person's first name, as they agreed to be linked
    helper_noted: str = ""  # "lesson:day" of the last note to the helper, so it goes once


# storage field name -> attribute; lists are encoded below
_FIELDS = {
    "st": "stage",
    "lg": "lang",
    "ct": "consent_at",
    "ar": "area",
    "ag": "age",
    "cl": "class_code",
    "ps": "paused",
    "ia": "inactive",
    "so": "settings_only",
    "ak": "asked",
    "pg": "area_page",
    "vw": "view",
    "pz": "puzzled",
    "ls": "lesson",
    "lv": "lesson_version",
    "sp": "step",
    "sc": "score",
    "at": "attempt",
    "t0": "started_at",
    "hl": "hint",
    "pl": "plan",
    "wr": "wrong",
    "rt": "retry",
    "ms": "missed",
    "fl": "fails",
    "rq": "review_queue",
    "rp": "review_step",
    "rc": "review_score",
    "bk": "back",
    "dn": "done",
    "ri": "review",  # the compact form (below); "rv" held the first one, still read
    "sk": "streak",
    "dy": "last_day",
    "fz": "freezes",
    "sn": "seen",
    "ce": "certificate",
    "cn": "certificate_name",
    "vc": "confirm",
    "rm": "remind",
    "rd": "remind_due",
    "rk": "remind_kind",
    "ig": "ignored",
    "ra": "reminded_at",
    "rs": "reminded_kind",
    "gc": "group_credits",
    "gj": "groups",
    "hp": "helper",
    "el": "elder",
    "en": "elder_name",
    "hn": "helper_noted",
}
_DEFAULTS = Learner(user="")
# Redis keeps a small hash in its compact encoding (a listpack, about half the memory of a
# hash table) only while every value is at most `hash-max-listpack-value` bytes, 64 by
# default. A longer value (the lessons done, the review list) is stored in pieces of at most
# 64 bytes: "dn", "dn1", "dn2", ... read back joined in that order.
PIECE = 64


def to_fields(learner: Learner) -> dict[str, str]:
    """Only non-default values are stored, to keep the hash small."""
    out: dict[str, str] = {}
    values = learner.__dict__  # read directly: this runs for every turn of every learner
    for short, name, default in _STORED:
        value = values[name]
        if value == default:
            continue
        if type(value) is str:  # most values
            text = value
        elif name == "review":
            text = _review_text(value, learner.done)
        elif isinstance(value, list):
            text = " ".join(map(str, value))
        elif isinstance(value, bool):
            text = "1"
        else:
            text = str(value)
        if len(text) <= PIECE and text.isascii():  # one piece, as nearly every value is
            out[short] = text
        else:
            out |= _pieces(short, text)
    return out


def from_fields(user: str, fields: dict[str, str]) -> Learner:
    learner = copy(_DEFAULTS)
    learner.user = user
    for short, raw in fields.items():  # only the fields stored, not every one there may be
        read = _READ.get(short)
        if read is None:
            continue  # a later piece, the version, the review list (below), or newer
        name, parse = read
        if _NEXT[short] in fields:  # stored in pieces
            raw = _joined(fields, short) or raw
        setattr(learner, name, parse(raw))
    if (raw_review := _joined(fields, "ri")) is not None:
        learner.review = _review_items(raw_review, learner.done)  # after "dn": it refers to it
    if not learner.review and (first := _joined(fields, "rv")):  # stored before "ri"
        learner.review = [item for part in first.split() if (item := _review_item(part))]
    return learner


def _pieces(short: str, text: str) -> dict[str, str]:
    """`text` under `short`, in pieces of at most PIECE bytes (whole characters)."""
    if text.isascii():  # as nearly every value is: a character is a byte
        cuts = range(0, max(len(text), 1), PIECE)
        return {f"{short}{n or ''}": text[at : at + PIECE] for n, at in enumerate(cuts)}
    out: dict[str, str] = {}
    piece: list[str] = []
    size = 0
    for char in text:
        width = len(char.encode())
        if size + width > PIECE:
            out[f"{short}{len(out) or ''}"] = "".join(piece)
            piece, size = [], 0
        piece.append(char)
        size += width
    out[f"{short}{len(out) or ''}"] = "".join(piece)
    return out


def _joined(fields: dict[str, str], short: str) -> str | None:
    """The value stored under `short` and its continuation pieces, or None."""
    first = fields.get(short)
    if first is None:
        return None
    parts, n = [first], 1
    while (more := fields.get(f"{short}{n}")) is not None:
        parts.append(more)
        n += 1
    return "".join(parts)


def _review_text(items: list[ReviewItem], done: list[str]) -> str:
    """The review list, compact: the earliest due day first, then each item as
    `lesson/question:box:days after that day`, the lesson written as `#n` (its place in the
    lessons done) when it is one of them, as it usually is."""
    base = min(i.due for i in items)
    place = {lesson: n for n, lesson in enumerate(done)}
    parts = [str(base)]
    for i in items:
        lesson = f"#{place[i.lesson]}" if i.lesson in place else i.lesson
        parts.append(f"{lesson}/{i.question}:{i.box}:{i.due - base}")
    return " ".join(parts)


def _review_items(raw: str, done: list[str]) -> list[ReviewItem]:
    """Read `_review_text`; an item that cannot be read (a damaged state) is left out."""
    base, *parts = raw.split() or ["0"]
    items = []
    for part in parts:
        item = _review_item(part)
        if item is None:
            continue
        if item.lesson.startswith("#"):
            n = int(item.lesson[1:]) if item.lesson[1:].isdecimal() else len(done)
            if n >= len(done):
                continue
            item.lesson = done[n]
        item.due += int(base) if base.lstrip("-").isdecimal() else 0
        items.append(item)
    return items


def _stage(raw: str) -> Stage:
    try:
        return Stage(raw)
    except ValueError:  # written by a newer version, or damaged: the menu is a safe place
        return MENU


def _review_item(encoded: str) -> ReviewItem | None:
    """`lesson/question:box:due`, or None if damaged."""
    try:
        key, box, due = encoded.rsplit(":", 2)
        lesson, question = key.split("/", 1)
        return ReviewItem(lesson, question, int(box), int(due))
    except ValueError:
        return None


def _plan(raw: str) -> list[int]:
    return [int(i) for i in raw.split() if i.isdecimal()]


def _reader(name: str) -> Callable[[str], object]:
    """How the stored text of attribute `name` is read back."""
    default = getattr(_DEFAULTS, name)
    if name == "plan":
        return _plan
    if isinstance(default, list):
        return str.split
    if isinstance(default, bool):
        return "1".__eq__
    if name in ("stage", "back"):
        return _stage
    if isinstance(default, int):
        return int
    return str


# Tables for the two functions above, made once: (short, attribute, default) for writing;
# short -> (attribute, reader) and short -> its second piece's name for reading.
_STORED = [(short, name, getattr(_DEFAULTS, name)) for short, name in _FIELDS.items()]
_READ = {short: (name, _reader(name)) for short, name in _FIELDS.items() if name != "review"}
_NEXT = {short: f"{short}1" for short in _FIELDS}


def detour(learner: Learner, stage: Stage) -> None:
    """Step aside to `stage` (confirming an erase, naming the certificate, changing one
    setting), remembering where the learner was so `come_back` returns there."""
    if learner.stage not in DETOURS and not learner.settings_only:
        learner.back = learner.stage
    learner.stage = stage


def come_back(learner: Learner) -> None:
    back = learner.back
    if back == REVIEW and not learner.review_queue or back == LESSON and not learner.lesson:
        back = None
    learner.stage = back or (LESSON if learner.lesson else MENU)
    learner.back = None
    learner.settings_only = False


def copy(learner: Learner) -> Learner:
    """A working copy that shares nothing mutable. Made without `dataclasses.replace` (which
    runs `__init__` over every field): this runs for every turn, twice on a reminder's."""
    new = object.__new__(Learner)
    new.__dict__.update(learner.__dict__)
    new.review_queue = list(learner.review_queue)
    new.plan = list(learner.plan)
    new.wrong = list(learner.wrong)
    new.missed = list(learner.missed)
    new.done = list(learner.done)
    new.review = [ReviewItem(i.lesson, i.question, i.box, i.due) for i in learner.review]
    return new
