"""Running a lesson: one card at a time, questions with immediate feedback, then a score.

Review sessions reuse the same question handling: a review is a short list of questions
drawn from finished lessons (see review.py).
"""

from __future__ import annotations

import dataclasses
import secrets

from bot import certificate, menu, review
from bot import learner as st
from bot.events import Button, Media, Reply
from bot.learner import Stage
from bot.lessons import Card, Lesson, Question, SingleChoice, TrueFalse, Typed, normalize_answer
from bot.payloads import Payload
from bot.router import Router
from bot.turn import Turn

TRUE_WORDS = {"dung", "d", "co", "true", "t", "yes", "y"}
FALSE_WORDS = {"sai", "s", "khong", "false", "f", "no", "n"}
IN_LESSON = {Stage.LESSON, Stage.REVIEW}

router = Router("tutor")


class Next(Payload, prefix="n"):
    """ "Continue" under a card: the attempt and step it belongs to."""

    attempt: str
    index: int


class Answer(Payload, prefix="a"):
    attempt: str
    index: int
    choice: int  # the option's position; for true/false, 1 is true


class StartLesson(Payload, prefix="les"):
    lesson: str


class Resume(Payload, prefix="go"):
    pass


class StartReview(Payload, prefix="rev"):
    pass


@router.button(StartLesson)
def on_start_lesson(turn: Turn, tap: StartLesson) -> None:
    lesson = turn.curriculum.lesson(tap.lesson)
    start_lesson(turn, lesson) if lesson else menu.show_modules(turn)


@router.command("review")
@router.button(StartReview)
def start_review(turn: Turn, _: object = None) -> None:
    if review.start(turn):
        show_step(turn)
    else:
        turn.say(turn.t("review_none"))
        menu.show_menu(turn)


def start_lesson(turn: Turn, lesson: Lesson) -> None:
    learner = turn.learner
    learner.stage = st.LESSON
    learner.lesson = lesson.id
    learner.lesson_version = lesson.version
    learner.step = 0
    learner.score = 0
    learner.attempt = secrets.token_hex(3)
    learner.started_at = turn.now
    turn.say(turn.t("lesson_start", title=lesson.title.get(turn.lang), minutes=lesson.minutes))
    show_step(turn)


def current_lesson(turn: Turn) -> Lesson | None:
    """The lesson in progress, restarting it if its content changed since the learner began."""
    learner = turn.learner
    lesson = turn.curriculum.lesson(learner.lesson)
    if lesson is None:
        learner.lesson = ""
        learner.stage = st.MENU
        turn.say(turn.t("lesson_gone"))
        menu.show_menu(turn)
        return None
    if lesson.version != learner.lesson_version or learner.step >= len(lesson.steps):
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
            menu.show_menu(turn)
        return
    lesson = turn.curriculum.lesson(learner.lesson)
    if lesson is None:
        return
    step = lesson.steps[learner.step]
    progress = turn.t("step_of", n=learner.step + 1, total=len(lesson.steps))
    if isinstance(step, Card):
        text = f"{step.text.get(turn.lang)}\n{progress}"
        buttons = ((turn.button("btn_next", Next(learner.attempt, learner.step)),),)
        image = _media(turn, lesson, step.image, "image", text)
        audio = _media(turn, lesson, step.audio, "audio", "")
        if image and audio:  # the picture with its words, then the voice with the button
            turn.add(Reply(text, media=image))
            turn.add(Reply("🔊", buttons, media=dataclasses.replace(audio, caption="🔊")))
        else:
            turn.add(Reply(text, buttons, media=image or audio))
    else:
        _ask(turn, step, learner.step, len(lesson.steps))


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
        rows = tuple(
            (_answer_button(o.text.get(lang), learner.attempt, index, i),)
            for i, o in enumerate(question.options)
        )
    elif isinstance(question, TrueFalse):
        rows = (
            (
                _answer_button(turn.t("btn_true"), learner.attempt, index, 1),
                _answer_button(turn.t("btn_false"), learner.attempt, index, 0),
            ),
        )
    else:
        text = f"{text}\n{turn.t('type_answer')}"
    lesson_id = learner.lesson
    if learner.stage == st.REVIEW:
        lesson_id = learner.review_queue[learner.review_step].split("/", 1)[0]
    lesson = turn.curriculum.lesson(lesson_id)
    image = _media(turn, lesson, question.image, "image", text) if lesson else None
    turn.add(Reply(text, rows, media=image))


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
    if not isinstance(lesson.steps[learner.step], Card):
        turn.say(turn.t("use_buttons"))
        show_step(turn)
        return
    _advance(turn, lesson)


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


@router.text(Stage.LESSON, Stage.REVIEW)
def on_text(turn: Turn, text: str) -> None:
    """Typed text during a lesson or review: an answer if it can be one, else a hint."""
    said = len(turn.outcome.replies)
    question = _current_question(turn, quiet=True)
    if question is None:
        if len(turn.outcome.replies) == said:  # else the lesson changed and was shown anew
            turn.say(turn.t("use_buttons"))
            show_step(turn)
        return
    typed = normalize_answer(text)
    if isinstance(question, Typed):
        return _answer(turn, question, text.strip())
    if isinstance(question, SingleChoice):
        for i, option in enumerate(question.options):
            if typed in (normalize_answer(option.text.get(turn.lang)), str(i + 1)):
                return _answer(turn, question, i)
    if isinstance(question, TrueFalse) and typed in TRUE_WORDS | FALSE_WORDS:
        return _answer(turn, question, int(typed in TRUE_WORDS))
    turn.say(turn.t("use_buttons"))
    show_step(turn)


def _is_current(turn: Turn, attempt: str, index: int) -> bool:
    """Buttons carry the attempt and step they belong to; anything else is old or forged."""
    learner = turn.learner
    if learner.stage not in IN_LESSON or attempt != learner.attempt:
        turn.notice("stale_button")
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
    step = lesson.steps[learner.step]
    if isinstance(step, Card):
        if not quiet:
            turn.notice("stale_button")
        return None
    return step


def _answer(turn: Turn, question: Question, given: int | str) -> None:
    learner = turn.learner
    lang = turn.lang
    if isinstance(question, SingleChoice):
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
        accepted = (question.accept.en if lang == "en" else None) or question.accept.vi
        right = normalize_answer(str(given)) in {normalize_answer(a) for a in accepted}
        shown, extra, correct_text = str(given), None, accepted[0]
    if turn.event.kind == "button":  # the question's buttons give way to the chosen answer
        prompt = question.prompt.get(lang)
        turn.say(f"❓ {prompt}\n{turn.t('your_answer', answer=shown)}", replace=True)
    lines = [turn.t("right" if right else "wrong")]
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
        return menu.show_menu(turn)
    learner.score += right
    review.schedule_if_wrong(turn, learner.lesson, question.id, right)
    lesson = turn.curriculum.lesson(learner.lesson)
    assert lesson is not None
    turn.emit(
        "answer",
        lesson=lesson.id,
        version=lesson.version,
        question=question.id,
        correct=int(right),
        **({"choice": given} if isinstance(given, int) else {}),  # which option, for teachers
    )
    _advance(turn, lesson)


def _advance(turn: Turn, lesson: Lesson) -> None:
    learner = turn.learner
    learner.step += 1
    if learner.step < len(lesson.steps):
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
    else:
        turn.say(turn.t("lesson_failed", score=learner.score, total=total, need=need))
    if any(i.lesson == lesson.id and i.due > turn.today for i in learner.review):
        turn.say(turn.t("review_later"))
    if newly_done and module and all(x.id in learner.done for x in module.lessons):
        turn.say(turn.t("module_done", module=module.info.title.get(turn.lang)))
        pointer = [turn.t("national_platform")]
        if handle := turn.config.telegram.username:  # configured, never guessed
            pointer.append(turn.t("official_handle", handle=handle))
        turn.say("\n".join(pointer))
        turn.emit("module", module=module.id)
    learner.stage = st.MENU
    learner.lesson = ""
    learner.step = learner.score = learner.lesson_version = learner.started_at = 0
    retry_id = None if passed else lesson.id
    if turn.curriculum.next_lesson(set(learner.done)) is None and newly_done:
        turn.say(turn.t("course_done"))
    if newly_done and certificate.offer(turn):
        return  # the certificate question comes instead of the menu
    turn.add(Reply(turn.t("menu"), menu.after_lesson_buttons(turn, retry_id)))


@router.shows(Stage.LESSON, Stage.REVIEW)
@router.command("continue", "learn")
@router.button(Resume)
def resume(turn: Turn, _: object = None) -> None:
    """Continue exactly where the learner left off, or begin the next lesson."""
    learner = turn.learner
    if learner.stage == st.REVIEW and review.current_question(turn):
        turn.say(turn.t("resume"))
        show_step(turn)
        return
    if learner.lesson:
        learner.stage = st.LESSON
        if current_lesson(turn):
            turn.say(turn.t("resume"))
            show_step(turn)
        return
    nxt = turn.curriculum.next_lesson(set(learner.done))
    if nxt is None:
        turn.say(turn.t("course_done"))
        menu.show_menu(turn)
        return
    start_lesson(turn, nxt)
