"""Running a lesson: one card at a time, questions with immediate feedback, then a score.

Review sessions reuse the same question handling: a review is a short list of questions
drawn from finished lessons (see review.py).
"""

from __future__ import annotations

import dataclasses
import secrets

from bot import learner as st
from bot import understand
from bot.content import plan
from bot.content.lessons import (
    Card,
    Lesson,
    Question,
    SingleChoice,
    TrueFalse,
    Typed,
    normalize_answer,
)
from bot.events import Button, Media, Reply
from bot.learner import Stage
from bot.lesson import (
    grading,
    hints,
    review,
    texts,  # noqa: F401  (registers the texts)
)
from bot.payloads import Payload
from bot.router import Router, Screen
from bot.turn import Turn

# Typed under a typed question, these ask for something; they are never graded as answers.
SKIP_WORDS = {"khong biet", "bo qua", "skip", "chiu", "pass", "i don't know", "dont know"}
# Beside asking for a hint by name (bot/understand.py's "hint" words), at a typed question.
HINT_WORDS = {"help", "giup", "tro giup", "?"}
NEXT_WORDS = {"tiep", "tiep tuc", "next", "continue", "ok", "xong", "roi"}
IN_LESSON = {Stage.LESSON, Stage.REVIEW}
GIVE_A_BREAK = 3  # failures of one lesson before another lesson is suggested

router = Router("tutor")


class Next(Payload, prefix="n"):
    """ "Continue" under a card: the attempt and step it belongs to."""

    attempt: str
    index: int


class Answer(Payload, prefix="a"):
    attempt: str
    index: int
    choice: int  # the option's position; for true/false, 1 is true


class Hint(Payload, prefix="hint"):
    """ "💡 Hint" under a typed question."""

    attempt: str
    index: int


class DontKnow(Payload, prefix="dk"):
    """ "🤷 I don't know" under a typed question: show the answer, count it missed, go on."""

    attempt: str
    index: int


class Retry(Payload, prefix="rt"):
    """ "Try again" after a failed lesson: only what was missed."""

    lesson: str


class StartLesson(Payload, prefix="les"):
    lesson: str


class Resume(Payload, prefix="go"):
    pass


class StartReview(Payload, prefix="rev"):
    pass


@router.button(StartLesson)
def on_start_lesson(turn: Turn, tap: StartLesson) -> None:
    lesson = turn.curriculum.lesson(tap.lesson)
    start_lesson(turn, lesson) if lesson else turn.show(Screen.MODULES)


@router.command("review")
@router.button(StartReview)
def start_review(turn: Turn, _: object = None) -> None:
    if review.start(turn):
        show_step(turn)
    else:
        turn.say(turn.t("review_none"))
        turn.show(Screen.MENU)


def start_lesson(turn: Turn, lesson: Lesson, steps: list[int] | None = None) -> None:
    """Begin an attempt at `lesson`: every step, or only `steps` (a retry)."""
    learner = turn.learner
    learner.stage = st.LESSON
    learner.lesson = lesson.id
    learner.lesson_version = lesson.version
    learner.step = 0
    learner.plan = steps or []
    learner.wrong = []
    # A retry asks again only what was missed: the rest still counts as right.
    learner.score = len(lesson.questions) - len(learner.missed) if steps else 0
    learner.attempt = secrets.token_hex(3)
    learner.started_at = turn.now
    learner.view = ""
    title = lesson.title.get(turn.lang)
    if steps:
        asked = sum(not isinstance(lesson.steps[i], Card) for i in steps)
        turn.say(turn.t("retry_start", title=title, n=asked))
    else:
        turn.say(turn.t("lesson_start", title=title, minutes=lesson.minutes))
    show_step(turn)


@router.button(Retry)
def on_retry(turn: Turn, tap: Retry) -> None:
    lesson = turn.curriculum.lesson(tap.lesson)
    retry_lesson(turn, lesson) if lesson else turn.show(Screen.MODULES)


def retry_lesson(turn: Turn, lesson: Lesson) -> None:
    """Again after a failure: only the missed questions and the cards that teach them."""
    learner = turn.learner
    steps = plan.retry_plan(lesson, learner.missed) if learner.retry == lesson.id else []
    if not steps:
        learner.missed = []
    start_lesson(turn, lesson, steps)


def sequence(turn: Turn, lesson: Lesson) -> list[int]:
    """The lesson's steps this attempt goes through (all, or a retry's)."""
    return plan.steps_of(lesson, turn.learner.plan)


def current_lesson(turn: Turn) -> Lesson | None:
    """The lesson in progress, restarting it if its content changed since the learner began."""
    learner = turn.learner
    lesson = turn.curriculum.lesson(learner.lesson)
    if lesson is None:
        learner.lesson = ""
        learner.stage = st.MENU
        turn.say(turn.t("lesson_gone"))
        turn.show(Screen.MENU)
        return None
    if lesson.version != learner.lesson_version or learner.step >= len(sequence(turn, lesson)):
        turn.say(turn.t("lesson_updated"))
        start_lesson(turn, lesson)
        return None
    return lesson


def show_step(turn: Turn) -> None:
    """Show the step the learner is on (a card or a question) with fresh buttons."""
    learner = turn.learner
    if learner.stage == st.REVIEW:
        question = review.current_question(turn)
        if question:
            _ask(turn, question, learner.review_step, len(learner.review_queue))
        else:  # its remaining questions were taken out of the course
            review.finish(turn)
            turn.show(Screen.MENU)
        return
    lesson = turn.curriculum.lesson(learner.lesson)
    if lesson is None:
        return
    order = sequence(turn, lesson)
    step = lesson.steps[order[learner.step]]
    progress = turn.t("step_of", n=learner.step + 1, total=len(order))
    if isinstance(step, Card):
        together = plan.card_group(lesson, order, learner.step)
        if together > 1:  # short cards in one message: fewer "Continue" taps
            cards = [lesson.steps[i] for i in order[learner.step : learner.step + together]]
            last = learner.step + together
            progress = turn.t("steps_of", n=learner.step + 1, m=last, total=len(order))
            text = "\n\n".join(c.text.get(turn.lang) for c in cards if isinstance(c, Card))
        else:
            text = step.text.get(turn.lang)
        text = f"{text}\n{progress}"
        buttons = ((turn.button("btn_next", Next(learner.attempt, learner.step)),),)
        image = _media(turn, lesson, step.image, "image", text)
        audio = _media(turn, lesson, step.audio, "audio", "")
        if image and audio:  # the picture with its words, then the voice with the button
            turn.add(Reply(text, media=image))
            turn.add(Reply("🔊", buttons, media=dataclasses.replace(audio, caption="🔊")))
        else:
            turn.add(Reply(text, buttons, media=image or audio))
    else:
        _ask(turn, step, learner.step, len(order))


def _media(turn: Turn, lesson: Lesson, rel: str | None, kind: str, caption: str) -> Media | None:
    module = turn.curriculum.module_of(lesson.id)
    if not rel or module is None:
        return None
    return Media(kind, str(module.folder / rel), caption)  # type: ignore[arg-type]


def _ask(turn: Turn, question: Question, index: int, total: int) -> None:
    """The question with its answer buttons (and its picture, the words as its caption)."""
    learner, lang = turn.learner, turn.lang
    text = f"❓ {question.prompt.get(lang)}\n{turn.t('step_of', n=index + 1, total=total)}"
    rows: tuple[tuple[Button, ...], ...] = ()
    if isinstance(question, SingleChoice):
        shuffle = learner.stage == st.LESSON and bool(learner.plan)  # a retry: a new order
        rows = tuple(
            (_answer_button(question.options[i].text.get(lang), learner.attempt, index, i),)
            for i in plan.option_order(question, learner.attempt, shuffle)
        )
    elif isinstance(question, TrueFalse):
        rows = (
            (
                _answer_button(turn.t("btn_true"), learner.attempt, index, 1),
                _answer_button(turn.t("btn_false"), learner.attempt, index, 0),
            ),
        )
    lesson_id = learner.lesson
    if learner.stage == st.REVIEW:
        lesson_id = learner.review_queue[learner.review_step].split("/", 1)[0]
    lesson = turn.curriculum.lesson(lesson_id)
    if isinstance(question, Typed):  # with the hints had so far, and their choices
        got = hints.level(turn, index)
        lines = [text, *hints.hint_lines(turn, question, lesson, got), turn.t("type_answer")]
        lines += hints.choose_line(turn, question, lesson, got)
        text, rows = "\n".join(lines), typed_rows(turn, question, lesson, index, got)
    image = _media(turn, lesson, question.image, "image", text) if lesson else None
    turn.add(Reply(text, rows, media=image, free_text=isinstance(question, Typed)))


def typed_rows(
    turn: Turn, question: Typed, lesson: Lesson | None, index: int, got: int
) -> tuple[tuple[Button, ...], ...]:
    """A typed question still has buttons, so a learner who only taps is never stuck: "💡 Gợi
    ý" and "🤷 Không biết", and after two hints the answer offered as choices above them
    (bot/lesson/hints.py). Where they show as numbered lines (console, Zalo), a typed number
    picks the line of that number."""
    attempt = turn.learner.attempt
    *picks, last = hints.rows(turn, question, lesson, index, got, Hint(attempt, index))
    return (*picks, (*last, turn.button("btn_dont_know", DontKnow(attempt, index))))


def accepted(turn: Turn, question: Typed) -> list[str]:
    return (question.accept.en if turn.lang == "en" else None) or question.accept.vi


def _answer_button(label: str, attempt: str, index: int, choice: int) -> Button:
    return Button(label, Answer(attempt, index, choice).pack())


@router.button(Next)
def on_next(turn: Turn, tap: Next) -> None:
    """The learner tapped "Continue" under a card."""
    learner = turn.learner
    if not _is_current(turn, tap.attempt, tap.index):
        return
    lesson = current_lesson(turn)
    if lesson is None:
        return
    order = sequence(turn, lesson)
    if not isinstance(lesson.steps[order[learner.step]], Card):
        turn.say(turn.t("use_buttons"))
        show_step(turn)
        return
    if turn.event.kind == "button":
        turn.add(Reply("", replace=True))  # the card stays; only its button goes away
    learner.step += plan.card_group(lesson, order, learner.step) - 1
    _advance(turn, lesson)


@router.button(Hint)
def on_hint(turn: Turn, tap: Hint) -> None:
    if not _is_current(turn, tap.attempt, tap.index):
        return
    question = _current_question(turn)
    if isinstance(question, Typed):
        give_hint(turn, question)


def give_hint(turn: Turn, question: Typed) -> None:
    """The next hint, showing more than the last (bot/lesson/hints.py); after the last, a word
    saying so and the choices again, never the same hint word for word."""
    index = position(turn.learner)
    lesson = hints.lesson_of(turn, question)
    if hints.level(turn, index) >= hints.LAST:
        turn.say(turn.t("hint_no_more"))
        return show_step(turn)
    got = hints.raise_level(turn, index)
    said = hints.hint_lines(turn, question, lesson, got) if got < hints.LAST else []
    lines = [*said, turn.t("type_answer"), *hints.choose_line(turn, question, lesson, got)]
    rows = typed_rows(turn, question, lesson, index, got)
    turn.add(Reply("\n".join(lines), rows, free_text=True))


@router.button(hints.Pick)
def on_pick(turn: Turn, tap: hints.Pick) -> None:
    """One of the answers offered after two hints: graded as if typed."""
    if not _is_current(turn, tap.attempt, tap.index):
        return
    question = _current_question(turn)
    if not isinstance(question, Typed):
        return
    lesson = hints.lesson_of(turn, question)
    on_screen = dict(hints.offered(turn, question, lesson, hints.level(turn, tap.index)))
    if tap.choice not in on_screen:
        turn.notice("stale_button")
        return show_step(turn)
    _answer(turn, question, on_screen[tap.choice])


@router.button(DontKnow)
def on_dont_know(turn: Turn, tap: DontKnow) -> None:
    if not _is_current(turn, tap.attempt, tap.index):
        return
    question = _current_question(turn)
    if isinstance(question, Typed):
        _answer(turn, question, None)


@router.button(Answer)
def on_button_answer(turn: Turn, tap: Answer) -> None:
    if not _is_current(turn, tap.attempt, tap.index):
        return
    question = _current_question(turn)
    if question is None:
        return
    if isinstance(question, SingleChoice) and tap.choice < len(question.options):
        return _answer(turn, question, tap.choice)
    if isinstance(question, TrueFalse) and tap.choice in (0, 1):
        return _answer(turn, question, tap.choice)
    turn.notice("stale_button")


@router.text(Stage.LESSON, Stage.REVIEW, first=True)
def on_text(turn: Turn, text: str) -> bool:
    """Typed text at a typed question is its answer; anything else (a choice question's
    option, "tiếp" on a card) is read like the buttons on screen (bot/engine.py)."""
    said = len(turn.outcome.replies)
    if turn.learner.stage == st.REVIEW and not review.current_question(turn):
        show_current(turn)  # its questions left the course: the review ends
        return True
    question = _current_question(turn, quiet=True)
    if question is None and len(turn.outcome.replies) > said:
        return True  # the lesson changed and was shown anew
    if not isinstance(question, Typed):
        if understand.intent(text) != "hint":  # "💡 Gợi ý!" as well
            return False
        # Only a typed question has hints: at a choice question, just pick one (the
        # explanation follows either way); on a card, the button moves on.
        turn.say(turn.t("hint_none" if question else "hint_next"))
        turn.reshow()
        return True
    return _on_typed(turn, question, text)


@router.command("restart")
def restart(turn: Turn) -> None:
    """Start the lesson in progress again from its first step ("học lại")."""
    lesson = turn.curriculum.lesson(turn.learner.lesson)
    start_lesson(turn, lesson) if lesson else resume(turn)


def _on_typed(turn: Turn, question: Typed, text: str) -> bool:
    """A typed answer is graded, unless it is one of the words that ask for help, to move on,
    or for the menu: those are never counted as a wrong answer. False: not an answer (the
    engine reads it as a common word)."""
    typed = normalize_answer(text)
    if grading.is_accepted(text, accepted(turn, question)):
        _answer(turn, question, text.strip())
    elif typed.isdecimal() and _on_screen(turn, typed):
        return False  # a line's number, as a console shows them: the engine picks it
    elif typed in SKIP_WORDS:
        _answer(turn, question, None)
    elif typed in HINT_WORDS or understand.intent(text) == "hint":
        give_hint(turn, question)
    elif typed in NEXT_WORDS:
        turn.say(turn.t("type_it"))
        show_step(turn)
    elif understand.intent(text) in ("menu", "again", "relearn"):
        return False
    else:
        _answer(turn, question, text.strip())
    return True


def _on_screen(turn: Turn, typed: str) -> bool:
    """`typed` is the number of a button on screen, or the words of an offered answer."""
    buttons = understand.current_buttons(turn)
    return 1 <= int(typed) <= len(buttons) or understand.match_button(typed, buttons) is not None


def _is_current(turn: Turn, attempt: str, index: int) -> bool:
    """Buttons carry the attempt and step they belong to; anything else is old or forged."""
    learner = turn.learner
    if learner.stage not in IN_LESSON or attempt != learner.attempt:
        turn.notice("stale_button")
        turn.reshow()  # an old keyboard answers with what the learner is asked now
        return False
    if index != position(learner):
        # An earlier step of this very attempt: most likely a double tap.
        turn.notice("already_answered")
        return False
    return True


def position(learner: st.Learner) -> int:
    """The step the learner is on: in the review, or else in the lesson."""
    return learner.review_step if learner.stage == st.REVIEW else learner.step


def _current_question(turn: Turn, quiet: bool = False) -> Question | None:
    learner = turn.learner
    if learner.stage == st.REVIEW:
        return review.current_question(turn)
    lesson = current_lesson(turn)
    if lesson is None:
        return None
    step = lesson.steps[sequence(turn, lesson)[learner.step]]
    if isinstance(step, Card):
        if not quiet:
            turn.notice("stale_button")
        return None
    return step


def _answer(turn: Turn, question: Question, given: int | str | None) -> None:
    """Grade an answer (an option's position, true/false as 1/0, typed words), or None: the
    learner does not know, so the answer is shown and counted as missed."""
    learner = turn.learner
    lang = turn.lang
    learner.hint = ""  # the next question starts without hints
    if given is None:
        right, shown, extra = False, turn.t("btn_dont_know"), None
        correct_text = _correct_text(turn, question)
    elif isinstance(question, SingleChoice):
        assert isinstance(given, int)
        chosen = question.options[given]
        right, shown = chosen.correct, chosen.text.get(lang)
        extra = None if right else chosen.feedback
        correct_text = next(o.text.get(lang) for o in question.options if o.correct)
    elif isinstance(question, TrueFalse):
        right = bool(given) == question.answer
        shown = turn.t("btn_true" if given else "btn_false")
        extra = question.feedback_true if given else question.feedback_false
        correct_text = turn.t("btn_true" if question.answer else "btn_false")
    else:
        answers = accepted(turn, question)
        right = grading.is_accepted(str(given), answers)
        shown, extra, correct_text = str(given), None, answers[0]
    if turn.event.kind == "button":  # the question's buttons give way to the chosen answer
        prompt = question.prompt.get(lang)
        turn.say(f"❓ {prompt}\n{turn.t('your_answer', answer=shown)}", replace=True)
    lines = [turn.t("right" if right else "wrong" if given is not None else "gave_up")]
    if extra:
        lines.append(extra.get(lang))
    if not right:
        lines.append(turn.t("correct_is", answer=correct_text))
    lines.append(turn.t("explain", text=question.explanation.get(lang)))
    turn.say("\n".join(lines))
    review.touch_streak(turn)
    if learner.stage == st.REVIEW:
        learner.review_score += right
        review.record(turn, question, right)
        learner.review_step += 1
        if review.current_question(turn):
            return show_step(turn)
        review.finish(turn)
        return turn.show(Screen.MENU)
    learner.score += right
    if not right:
        learner.wrong.append(question.id)
    lesson = turn.curriculum.lesson(learner.lesson)
    assert lesson is not None
    which = {"choice": given} if isinstance(given, int) else {}  # which option, for teachers
    review.answered(turn, lesson, question.id, right, **which)
    _advance(turn, lesson)


def _correct_text(turn: Turn, question: Question) -> str:
    if isinstance(question, SingleChoice):
        return next(o.text.get(turn.lang) for o in question.options if o.correct)
    if isinstance(question, TrueFalse):
        return turn.t("btn_true" if question.answer else "btn_false")
    return accepted(turn, question)[0]


def _advance(turn: Turn, lesson: Lesson) -> None:
    learner = turn.learner
    learner.step += 1
    if learner.step < len(sequence(turn, lesson)):
        show_step(turn)
    else:
        _finish(turn, lesson)


def _finish(turn: Turn, lesson: Lesson) -> None:
    learner = turn.learner
    total = len(lesson.questions)
    need = -(-total * lesson.pass_mark // 100)  # ceiling: a 70% mark of 3 questions needs 3
    passed = learner.score >= need
    title = lesson.title.get(turn.lang)
    module = turn.curriculum.module_of(lesson.id)
    turn.emit(
        "completion",
        lesson=lesson.id,
        version=lesson.version,
        module=module.id if module else "",
        score=learner.score,
        total=total,
        passed=int(passed),
        started_at=learner.started_at,
        finished_at=turn.now,
        group=0,
    )
    newly_done = passed and lesson.id not in learner.done
    if passed:
        turn.say(turn.t("lesson_passed", title=title, score=learner.score, total=total))
        if lesson.id not in learner.done:
            learner.done.append(lesson.id)
            review.earn_freeze(turn)
        if learner.retry == lesson.id:
            learner.retry, learner.missed, learner.fails = "", [], 0
    else:
        learner.fails = learner.fails + 1 if learner.retry == lesson.id else 1
        learner.retry, learner.missed = lesson.id, list(learner.wrong)
        key = "lesson_failed_often" if learner.fails >= GIVE_A_BREAK else "lesson_failed"
        turn.say(turn.t(key, score=learner.score, total=total, need=need))
    if any(i.lesson == lesson.id and i.due > turn.today for i in learner.review):
        turn.say(turn.t("review_later"))
    if newly_done and module and all(x.id in learner.done for x in module.lessons):
        turn.say(turn.t("module_done", module=module.info.title.get(turn.lang)))
        pointer = [turn.t("national_platform")]
        if handle := turn.reach.handle:  # configured, never guessed
            pointer.append(turn.t("official_handle", handle=handle))
        turn.say("\n".join(pointer))
        turn.emit("module", module=module.id)
    learner.stage = st.MENU
    learner.lesson = ""
    learner.step = learner.score = learner.lesson_version = learner.started_at = 0
    learner.plan, learner.wrong = [], []
    if turn.curriculum.next_lesson(set(learner.done)) is None and newly_done:
        turn.say(turn.t("course_done"))
    # What comes next, a chain the features declare (`router.after_lesson`): the certificate
    # question, once every core module is done; once, after the first lesson, ward and age;
    # else the menu's "what next".
    turn.lesson_ended(newly_done)


@router.shows(Stage.LESSON, Stage.REVIEW)
def show_current(turn: Turn) -> None:
    """The step the learner is on, again (after a stale tap, or words not understood)."""
    learner = turn.learner
    if learner.stage == st.REVIEW:
        return show_step(turn)  # or, if its questions left the course, the review ends
    if learner.stage == st.LESSON and learner.lesson:
        if current_lesson(turn):
            show_step(turn)
        return
    resume(turn)


@router.command("continue", "learn")
@router.button(Resume)
@router.screen(Screen.LESSON)
def resume(turn: Turn, _: object = None) -> None:
    """Continue exactly where the learner left off, or begin the next lesson."""
    learner = turn.learner
    if learner.review_queue:  # a review left for the menu goes on first
        learner.stage = st.REVIEW
        if review.current_question(turn):
            turn.say(turn.t("resume_review"))
            return show_step(turn)
        learner.review_queue, learner.review_step, learner.review_score = [], 0, 0
    if learner.lesson:
        # An old menu's "Học tiếp" tapped mid-lesson: just the step again, no greeting.
        was_in_it = learner.stage == st.LESSON and turn.event.kind == "button"
        learner.stage = st.LESSON
        if lesson := current_lesson(turn):
            if not was_in_it:
                turn.say(turn.t("resume", title=lesson.title.get(turn.lang)))
            show_step(turn)
        return
    nxt = turn.curriculum.next_lesson(set(learner.done))
    if nxt is None:
        turn.say(turn.t("course_done"))
        turn.show(Screen.MENU)
        return
    retry_lesson(turn, nxt) if nxt.id == learner.retry else start_lesson(turn, nxt)
