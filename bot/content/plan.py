"""Which steps of a lesson an attempt goes through, and in what form.

A first attempt goes through every step. A retry after a failed attempt re-teaches only the
cards behind the questions that were missed, then asks those questions again with their
options in another order (a learner who memorised "the second button" has to read again).
"""

from __future__ import annotations

import functools
import random

from bot.content.lessons import Card, Lesson, Question, SingleChoice, fold

# Words too common to tell which card a question comes from.
_COMMON = set(
    [
        "bac",
        "minh",
        "khong",
        "nhung",
        "trong",
        "nguoi",
        "ngay",
        "dung",
        "hoac",
        "duoc",
        "cung",
        "phai",
        "nhieu",
        "truoc",
        "this",
        "that",
        "with",
        "your",
        "from",
        "have",
        "will",
        "what",
        "which",
        "when",
        "there",
        "their",
        "about",
    ]
)


def steps_of(lesson: Lesson, plan: list[int]) -> list[int]:
    """The lesson's step positions this attempt goes through, in order."""
    chosen = [i for i in plan if 0 <= i < len(lesson.steps)]
    return chosen or list(range(len(lesson.steps)))


def retry_plan(lesson: Lesson, missed: list[str]) -> list[int]:
    """The cards behind each missed question, then those questions, in lesson order."""
    questions = [i for i, s in enumerate(lesson.steps) if getattr(s, "id", None) in missed]
    cards = sorted({c for q in questions for c in teaching_cards(lesson, q)})
    return cards + questions if questions else []


def teaching_cards(lesson: Lesson, index: int) -> list[int]:
    """The card that teaches question `index`: among the nearest cards before it, the one
    sharing the most words with the question (its prompt, options and explanation)."""
    block: list[int] = []
    for i in range(index - 1, -1, -1):
        if isinstance(lesson.steps[i], Card):
            block.append(i)
        elif block:
            break  # the run of cards just before this question (or its run of questions)
    if not block:
        return []
    question = lesson.steps[index]
    assert not isinstance(question, Card)
    wanted = _words(_question_text(question))
    scores = {i: len(wanted & _words(_card_text(lesson.steps[i]))) for i in block}
    best = max(block, key=lambda i: (scores[i], i))
    return [best]


SHORT_CARD = 300  # characters: a card this short can share a message with the next
GROUP_MAX = 700  # characters in one message of cards: about a phone screen


def card_group(lesson: Lesson, order: list[int], position: int) -> int:
    """How many cards, from `position` in `order`, are shown together in one message: short
    cards without pictures or sound run together up to a screenful, and a card marked
    `join: true` always goes with the one before it. At least 1."""
    first = lesson.steps[order[position]]
    if not isinstance(first, Card) or first.image or first.audio:
        return 1
    count, size, all_short = 1, len(first.text.vi), len(first.text.vi) <= SHORT_CARD
    while position + count < len(order):
        card = lesson.steps[order[position + count]]
        if not isinstance(card, Card) or card.image or card.audio:
            break
        length = len(card.text.vi)
        all_short = all_short and length <= SHORT_CARD
        if not (card.join or all_short and size + length <= GROUP_MAX):
            break
        count, size = count + 1, size + length
    return count


def option_order(question: Question, attempt: str, shuffle: bool) -> list[int]:
    """Positions of a question's options as shown: shuffled (never as before) on a retry."""
    if not isinstance(question, SingleChoice):
        return []
    order = list(range(len(question.options)))
    if shuffle and len(order) > 1:
        random.Random(f"{attempt}:{question.id}").shuffle(order)
        if order == sorted(order):
            order = order[1:] + order[:1]
    return order


@functools.lru_cache(maxsize=4096)  # the course's texts, asked again on every retry
def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in fold(text).split() if len(w) >= 4 and w not in _COMMON)


def _card_text(card: object) -> str:
    assert isinstance(card, Card)
    return f"{card.text.vi} {card.text.en or ''}"


def _question_text(question: Question) -> str:
    parts = [question.prompt.vi, question.prompt.en or "", question.explanation.vi]
    if isinstance(question, SingleChoice):
        parts += [o.text.vi for o in question.options]
    return " ".join(parts)
