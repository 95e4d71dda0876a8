"""Where a learner is with the question "confirmed on VNeID yet?" (routes.py), read by the
reminder loop too (bot/reminders/routes.py asks when it is due).

`Learner.confirm`: "" not there yet, "r<day>" reached the national platform on that local
day, "a" asked, then the answer: "y" confirmed, "n" not yet, "h" needs help ("h?" while
asked whether their name may be shared).
"""

from __future__ import annotations

from bot.content.lessons import Curriculum
from bot.learner import Learner
from bot.turn import Turn

PLATFORM_LESSON = "len-nen-tang-quoc-gia"  # lessons/07-nen-tang-quoc-gia/01-len-nen-tang.yaml
AFTER_DAYS = 3
ASKED, NAME = "a", "h?"


def reached(learner: Learner, curriculum: Curriculum) -> bool:
    """Got to the national platform's lesson, or finished every core module."""
    done = set(learner.done)
    if PLATFORM_LESSON in done:
        return True
    core = [m for m in curriculum.modules if m.info.core]
    return bool(core) and all(x.id in done for m in core for x in m.lessons)


def watch(turn: Turn) -> None:
    """Note the day the learner got there (the question comes days later)."""
    learner = turn.learner
    if not learner.confirm and learner.consent_at and reached(learner, turn.curriculum):
        learner.confirm = f"r{turn.today}"


def due_day(learner: Learner) -> int | None:
    """The local day the question is due, while it has not been asked; else None."""
    mark = learner.confirm
    if mark[:1] != "r" or not mark[1:].isdecimal():
        return None
    return int(mark[1:]) + AFTER_DAYS


def due(turn: Turn) -> bool:
    day = due_day(turn.learner)
    return day is not None and turn.today >= day
