"""A learner's lines made from a lesson itself: one who only taps, one who only types words;
shared by the Telegram (tests/handlers/test_learners.py) and console (tests/e2e/) learners."""

from __future__ import annotations

from collections.abc import Iterator

from bot.content.lessons import Card, Lesson, SingleChoice, TrueFalse, fold
from bot.content.plan import card_group


def messages(lesson: Lesson) -> Iterator[object]:
    """The lesson as the learner meets it: one card (or a few short ones) or a question."""
    order, i = list(range(len(lesson.steps))), 0
    while i < len(order):
        yield lesson.steps[i]
        i += card_group(lesson, order, i) if isinstance(lesson.steps[i], Card) else 1


def tapper(lesson: Lesson) -> list[str]:
    """Button numbers only: agree, "Tiếp tục", the right option, "🤷 Không biết" when asked to
    type."""
    lines = ["/start", "1"]
    for step in messages(lesson):
        if isinstance(step, Card):
            lines.append("1")
        elif isinstance(step, SingleChoice):
            lines.append(str(next(i for i, o in enumerate(step.options) if o.correct) + 1))
        elif isinstance(step, TrueFalse):
            lines.append("1" if step.answer else "2")
        else:
            lines.append("2")  # the second button of a typed question: "🤷 Không biết"
    return lines


def typer(lesson: Lesson) -> list[str]:
    """Words only, as typed on a phone without Vietnamese keyboard: no accents, no numbers."""
    lines = ["/start", "dong y"]
    for step in messages(lesson):
        if isinstance(step, Card):
            lines.append("tiep")
        elif isinstance(step, SingleChoice):
            lines.append(fold(next(o.text.vi for o in step.options if o.correct)))
        elif isinstance(step, TrueFalse):
            lines.append("dung" if step.answer else "sai")
        else:
            lines.append(fold(step.accept.vi[0]))
    return lines


def scored(lesson: Lesson, right: int) -> str:
    return f"«{lesson.title.vi}»!\nĐúng {right}/{len(lesson.questions)} câu."
