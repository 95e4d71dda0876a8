"""Spaced repetition: questions answered wrongly come back after 1, 3, 7 and 21 days.

Any spacing helps older adults remember; expanding intervals also keep their success, and so
their motivation, higher while they learn (Logan & Balota 2008; Kang, Lindsey, Mozer &
Pashler 2014, Psychonomic Bulletin & Review). Any miss goes back to the one-day slot.
"""

from __future__ import annotations

import secrets

from bot import learner as st
from bot.content.lessons import Lesson, Question
from bot.learner import ReviewItem
from bot.turn import Turn

INTERVALS = (1, 3, 7, 21)  # days until the next review, by box
SESSION_SIZE = 5
MAX_ITEMS = 40  # a learner's review list stays small


def due(turn: Turn) -> list[ReviewItem]:
    items = [i for i in turn.learner.review if i.due <= turn.today]
    return [i for i in items if _question(turn, i.key)]


def answered(turn: Turn, lesson: Lesson, question: str, right: bool, **more: str | int) -> None:
    """A lesson's question answered, alone or in a group lesson: asked again later if wrong,
    and reported (the "answer" event: `more` says which option, or that it was in a group)."""
    schedule_if_wrong(turn, lesson.id, question, right)
    turn.emit(
        "answer",
        lesson=lesson.id,
        version=lesson.version,
        question=question,
        correct=int(right),
        **more,
    )


def schedule_if_wrong(turn: Turn, lesson: str, question: str, right: bool) -> None:
    if right:
        return
    key = f"{lesson}/{question}"
    # Questions taken out of the course are dropped so they never fill the list.
    items = [i for i in turn.learner.review if i.key != key and _question(turn, i.key)]
    items.append(ReviewItem(lesson, question, 0, turn.today + INTERVALS[0]))
    turn.learner.review = items[-MAX_ITEMS:]


def start(turn: Turn) -> bool:
    """Begin a review of what is due today; False when there is nothing to review."""
    items = due(turn)[:SESSION_SIZE]
    if not items:
        return False
    learner = turn.learner
    learner.stage = st.REVIEW
    learner.review_queue = [i.key for i in items]
    learner.review_step = learner.review_score = 0
    learner.attempt = secrets.token_hex(3)
    turn.say(turn.t("review_start", n=len(items)))
    return True


def current_question(turn: Turn) -> Question | None:
    learner = turn.learner
    while learner.review_step < len(learner.review_queue):
        question = _question(turn, learner.review_queue[learner.review_step])
        if question:
            return question
        learner.review_step += 1  # the lesson changed and this question is gone: skip it
    return None


def record(turn: Turn, question: Question, right: bool) -> None:
    learner = turn.learner
    key = learner.review_queue[learner.review_step]
    for item in learner.review:
        if item.key == key:
            item.box = item.box + 1 if right else 0
            if item.box < len(INTERVALS):
                item.due = turn.today + INTERVALS[item.box]
    learner.review = [i for i in learner.review if i.box < len(INTERVALS)]
    lesson_id = key.split("/", 1)[0]
    turn.emit("answer", lesson=lesson_id, question=question.id, correct=int(right), review=1)


def finish(turn: Turn) -> None:
    learner = turn.learner
    total = len(learner.review_queue)
    turn.say(turn.t("review_done", score=learner.review_score, total=total))
    learner.stage = st.LESSON if learner.lesson else st.MENU
    learner.review_queue = []
    learner.review_step = learner.review_score = 0


MAX_FREEZES = 2  # rest days a learner can hold


def touch_streak(turn: Turn) -> None:
    """Count days in a row with at least one answered question. Days missed in between are
    covered by rest days earned by passing lessons, so one busy day never undoes weeks."""
    learner = turn.learner
    if learner.last_day == turn.today:
        return
    missed = turn.today - learner.last_day - 1
    if learner.last_day and 0 < missed <= learner.freezes:
        learner.freezes -= missed
        learner.streak += 1
        turn.say(turn.t("streak_kept", days=missed, streak=learner.streak))
    else:
        learner.streak = learner.streak + 1 if missed == 0 and learner.last_day else 1
    learner.last_day = turn.today


def earn_freeze(turn: Turn) -> None:
    turn.learner.freezes = min(MAX_FREEZES, turn.learner.freezes + 1)


def streak(turn: Turn) -> int:
    """The streak as it stands: still whole while rest days can cover the days since."""
    learner = turn.learner
    return learner.streak if learner.last_day >= turn.today - 1 - learner.freezes else 0


def _question(turn: Turn, key: str) -> Question | None:
    lesson_id, _, qid = key.partition("/")
    lesson = turn.curriculum.lesson(lesson_id)
    return lesson.question(qid) if lesson else None
