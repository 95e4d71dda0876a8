"""Hints under a typed question that move a stuck learner forward (issue 25).

Each "💡 Gợi ý" shows more than the one before, never the same words twice:

1. the author's hint, else the answer's shape ("C_ P___", "a 3-digit number");
2. more of it (half of each word's letters, the first digit), and the answer offered as
   choices to tap: the right one among plausible wrong ones taken from the question's own
   data (other numbers its texts name, numbers near it, the wrong options of the lesson's
   choice questions, the answers of other typed questions);
3. one wrong choice taken away: two left, and no more hints (the "🤷 Không biết" stays).

So a learner who cannot type is never stuck: after two taps they choose. How far a learner
got is kept in their state (`Learner.hint`, "attempt:step:level"), so the question shown
again (after "alo", a stale tap, a numbered screen's reshow) shows the same hints and
choices, and a typed number picks a line of what is on screen.
"""

from __future__ import annotations

import random
import re

from bot.content.facts import phone_numbers, texts_of
from bot.content.lessons import (
    Card,
    Curriculum,
    Lesson,
    Question,
    SingleChoice,
    Text,
    Typed,
    fold,
)
from bot.events import Button
from bot.lesson.grading import is_accepted
from bot.payloads import Payload
from bot.turn import Turn

CHOICES_AT = 2  # the hint that brings the choices
LAST = 3  # the last hint: a wrong choice taken away
SHOWN = 3  # choices offered: the right one and two wrong ones
LABEL_MAX = 40  # a longer wrong option of a choice question would not read as an answer
# A number standing alone in a text ("113"), not part of "24/7", "19:30" or "1.000".
_NUMBER = re.compile(r"(?<![\d/])(?<!\d[:.,])\d+(?!\d|[/:.,]\d)")


class Pick(Payload, prefix="hp"):
    """One of the answers offered after two hints: `choice` 0 is the right one."""

    attempt: str
    index: int
    choice: int


def level(turn: Turn, index: int) -> int:
    """How many hints the learner has had at step `index` of this attempt."""
    attempt, _, rest = turn.learner.hint.partition(":")
    at, _, got = rest.partition(":")
    if attempt != turn.learner.attempt or at != str(index) or not got.isdecimal():
        return 0
    return int(got)


def raise_level(turn: Turn, index: int) -> int:
    """One more hint: the new level (it stops at LAST)."""
    new = min(level(turn, index) + 1, LAST)
    turn.learner.hint = f"{turn.learner.attempt}:{index}:{new}"
    return new


def hint_lines(turn: Turn, question: Typed, lesson: Lesson | None, got: int) -> list[str]:
    """What the hints so far say, newest last (shown again with the question)."""
    texts = _hints(turn, question)[: min(got, CHOICES_AT)]
    if not question.hint:
        texts = texts[-1:]  # the shape with more letters says all the first one did
    return [turn.t("hint", hint=text) for text in texts]


def choose_line(turn: Turn, question: Typed, lesson: Lesson | None, got: int) -> list[str]:
    """The line that points to the answers offered, if there are any."""
    if got >= LAST:
        return [turn.t("hint_fewer")]
    if got >= CHOICES_AT and offered(turn, question, lesson, got):
        return [turn.t("hint_choose")]
    return []


def rows(
    turn: Turn, question: Typed, lesson: Lesson | None, index: int, got: int, hint: Payload
) -> tuple[tuple[Button, ...], ...]:
    """The buttons under a typed question after `got` hints: the choices offered, one a row,
    then "💡 Gợi ý" (while there is more to show) and "🤷 Không biết" (`hint`, `dont_know`
    are made by the tutor, which routes them)."""
    attempt = turn.learner.attempt
    picks = tuple(
        (Button(label, Pick(attempt, index, choice).pack()),)
        for choice, label in offered(turn, question, lesson, got)
    )
    key = "btn_hint" if got == 0 else "btn_hint_more"
    last = (turn.button(key, hint),) if got < LAST else ()
    return (*picks, last)


def offered(turn: Turn, question: Typed, lesson: Lesson | None, got: int) -> list[tuple[int, str]]:
    """(choice, label) of the answers on screen after `got` hints, in a fixed shuffled order."""
    if got < CHOICES_AT:
        return []
    labels = answer_choices(turn, question, lesson)
    keep = list(range(len(labels)))
    if got >= LAST and len(keep) > 2:
        keep = [0, 1]  # the right one and the first wrong one
    random.Random(f"{turn.learner.attempt}:{question.id}").shuffle(keep)
    return [(choice, labels[choice]) for choice in keep]


def answer_choices(turn: Turn, question: Typed, lesson: Lesson | None) -> list[str]:
    """The right answer first, then up to SHOWN-1 plausible wrong ones, none of which the
    question accepts. Worked out once per question and language (it reads the whole course)."""
    key = ("answer_choices", id(question), question.id, lesson.id if lesson else "", turn.lang)
    return list(turn.curriculum.memo(key, lambda: _answer_choices(turn, question, lesson)))


def _answer_choices(turn: Turn, question: Typed, lesson: Lesson | None) -> tuple[str, ...]:
    answers = _accepted(turn, question)
    right = answers[0]
    wrong: list[str] = []
    for label in distractors(turn, question, lesson):
        folded = fold(label)
        taken = {fold(w) for w in wrong}
        if folded and folded not in taken and not is_accepted(label, answers):
            wrong.append(label)
        if len(wrong) == SHOWN - 1:
            break
    return (right, *wrong)


def distractors(turn: Turn, question: Typed, lesson: Lesson | None) -> list[str]:
    """Wrong answers worth offering, best first: for a number, the other numbers the
    question's texts name, then for a count numbers near it, for a number to call (3 digits
    or more) other numbers to call that the course names; for words, the wrong options of the
    lesson's choice questions, then other typed questions' answers of the same kind."""
    lang, right = turn.lang, _accepted(turn, question)[0]
    wrong = question.wrong
    authored = list(((wrong.en if lang == "en" else None) or wrong.vi) if wrong else [])
    number = right.replace(" ", "")
    if number.isdecimal():
        texts = [question.prompt.get(lang), question.explanation.get(lang)]
        if question.hint:
            texts.append(question.hint.get(lang))
        named = [n for text in texts for n in _NUMBER.findall(text)]
        if len(number) >= 3:
            # A number to call: never one made up (a digit changed may be someone's line,
            # even a scammer's), only those the course names, checked against allowlist.yaml.
            named = [n for n in named if len(n) == len(number)]  # not "5" of "5 phút"
            named += _numbers_to_call(turn.curriculum, lang, len(number))
            return authored + [n for n in dict.fromkeys(named) if n != number]
        return authored + [n for n in named if n != number] + _near(int(number))
    out = authored
    if lesson is not None:
        for step in lesson.steps:
            if isinstance(step, SingleChoice):
                out += [o.text.get(lang) for o in step.options if not o.correct]
    module = turn.curriculum.module_of(lesson.id) if lesson else None
    lessons = [*(module.lessons if module else ()), *turn.curriculum.lessons]
    for other in lessons:
        for step in other.steps:
            if isinstance(step, Typed) and step.id != question.id:
                answer = _accepted(turn, step)[0]
                if not answer.replace(" ", "").isdecimal():
                    out.append(answer)
    return [label for label in out if len(label) <= LABEL_MAX]


def _numbers_to_call(course: Curriculum, lang: str, digits: int) -> list[str]:
    """The numbers to call the course's texts name (`phone_numbers`, the same reading as
    `hocso lessons check`, which keeps them to allowlist.yaml), of `digits` digits."""

    def find() -> tuple[str, ...]:
        found = [
            number
            for lesson in course.lessons
            for _, item in texts_of(lesson, "")
            for text in ([item.get(lang)] if isinstance(item, Text) else [])
            for number in phone_numbers(text)
        ]
        return tuple(n for n in dict.fromkeys(found) if len(n) == digits)

    return list(course.memo(("numbers_to_call", lang, digits), find))


def _near(n: int) -> list[str]:
    """Numbers a learner could mix up with a count `n` (under 100): its neighbours."""
    if n >= 10:
        near = [n // 2, n * 2, n - 2, n + 2]
    else:
        near = [n + 1, n + 2, n - 1] if n > 1 else [n + 1, n + 2]
    return [str(x) for x in near if x > 0 and x != n]


def _hints(turn: Turn, question: Typed) -> list[str]:
    """The two hints in words, each showing more than the one before."""
    answer = _accepted(turn, question)[0]
    digits = answer.replace(" ", "")
    if digits.isdecimal():
        first = turn.t("hint_digits", n=len(digits))
        more = turn.t(
            "hint_first_digit", digit=digits[0], shape=digits[0] + "_" * (len(digits) - 1)
        )
        if len(digits) == 1:  # a single digit: where it lies
            n = int(digits)
            more = turn.t("hint_between", low=max(1, n - 2), high=n + 2)
    else:
        first = turn.t("hint_letters", shape=_shape(answer, 1))
        more = turn.t("hint_letters", shape=_shape(answer, 2))
    if question.hint:  # the author's words come first; the shape follows
        return [question.hint.get(turn.lang), first]
    return [first, more]


def _shape(answer: str, part: int) -> str:
    """The answer with its letters hidden but the first (`part` 1) or the first half of each
    word (`part` 2): "C_ P___", "CH Pl__"."""
    words = []
    for word in answer.split():
        shown = 1 if part == 1 else max(1, (len(word) + 1) // 2)
        if part == 2 and len(word) <= 2:
            shown = len(word)
        words.append(word[:shown] + "_" * (len(word) - shown))
    return " ".join(words)


def _accepted(turn: Turn, question: Typed) -> list[str]:
    return (question.accept.en if turn.lang == "en" else None) or question.accept.vi


def lesson_of(turn: Turn, question: Question) -> Lesson | None:
    """The lesson a question belongs to (in a review, any finished lesson)."""
    for lesson in turn.curriculum.lessons:
        if any(s is question for s in lesson.steps if not isinstance(s, Card)):
            return lesson
    return None
