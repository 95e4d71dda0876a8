"""A learner's lines made from a lesson itself: one who only taps, one who only types words;
shared by the Telegram (tests/handlers/test_learners.py) and console (tests/e2e/) learners, and
a stuck learner walked on every platform (`walk_stuck`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

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


# A stuck learner who only types, without accents, on the first card and question of the
# fixture course (tests/fixtures/lessons: "Thẻ một", then "Câu hỏi một?"), after consent:
# (what they type, words the answer must hold). Every answer shows the step again, and no two
# answers in a row are the same words.
STUCK = [
    ("goi y", "Ở bước này"),  # a hint asked for on a card: the button moves on
    ("tiep tuc", "Câu hỏi một?"),
    ("cho goi y di", "không có gợi ý"),  # a choice question has none: pick one
    ("xyz abc", "chưa hiểu ý"),
    ("xyz abc", "Tổ công nghệ số"),  # missed again: other words, and who helps in person
    ("xyz abc", "chưa hiểu ý"),
]


async def walk_stuck(say: Callable[[str], Awaitable[str]]) -> None:
    """`say` sends one line and returns what the tutor answered to it."""
    before = ""
    for line, expected in STUCK:
        answer = await say(line)
        assert expected in answer, (line, answer)
        assert "Thẻ một" in answer or "Câu hỏi một?" in answer, (line, answer)  # a way on
        assert answer != before, (line, answer)
        before = answer
