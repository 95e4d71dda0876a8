"""Group lessons: a facilitator runs a lesson in a family or village chat (docs/groups.md).

This module decides what the group sees, one `GroupTurn` at a time, on a working copy of the
chat's state (bot/groups/state.py): the lesson menu, each card, each question (a quiz poll or
buttons) and its reveal, and the summary. bot/groups/chats.py loads and stores that state, counts
answers, and credits each member who joined with their own progress.

Only the facilitator (a group admin, or someone registered with `hocso class add
--facilitator`) starts, moves on or stops a lesson; anyone else who tries is told once per run.
The tutor also moves on by itself: a card after `groups.card_seconds`, a question's answer
after `groups.answer_seconds` (the "tick" push), or as soon as every participant answered.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.config import Config
from bot.content.lessons import Card, Curriculum, Lesson, Question, SingleChoice, TrueFalse, Typed
from bot.events import Button, Event, Media, Poll, Reach, Reply
from bot.groups import texts as group_texts  # noqa: F401  (registers the texts below)
from bot.groups.state import ASK, CARD, END, INTRO, SHOWN, GroupLesson, GroupSnapshot, mark
from bot.payloads import Payload, parse
from bot.router import Router
from bot.texts import t

router = Router("groups")
F = TypeVar("F", bound=Callable[..., object])
MAX_NAMES = 30  # lines of per-person results in a summary; the rest are counted
NAME_MAX = 32
SETTLE_AGAIN = 15  # seconds: an ended run whose credits did not finish is tried again


class GroupMenu(Payload, prefix="gmn"):
    pass


class GroupModule(Payload, prefix="gmd"):
    module: str


class GroupLessonPick(Payload, prefix="gls"):
    lesson: str


class GroupNext(Payload, prefix="gnx"):
    run: str
    screen: int


class GroupReveal(Payload, prefix="grv"):
    run: str
    step: int


class GroupStop(Payload, prefix="gst"):
    run: str


class GroupAnswer(Payload, prefix="gan"):
    run: str
    step: int
    choice: int


class GroupPoll(Payload, prefix="gpl"):
    """The tag of a quiz poll: which run and step its answers belong to."""

    run: str
    step: int


class GroupJoin(Payload, prefix="gjn"):
    pass


@dataclass
class GroupTurn:
    event: Event
    group: GroupLesson  # a working copy
    snap: GroupSnapshot  # as storage held it (read only)
    curriculum: Curriculum
    config: Config
    now: int
    lead: bool = False  # the one who acted may lead this group
    lead_class: str = ""  # their class, if registered with `hocso class add`
    members: dict[str, list[str]] = field(default_factory=dict)  # /class_report: done lessons
    # The weekly time registered for a class, (code, "6 19:00"), when classroom.py looked it
    # up; and one `/schedule` asks to register for the group's class (bot/groups/schedule.py).
    class_time: tuple[str, str] | None = None
    class_schedule: str | None = None
    class_joined: bool = False  # that one is the group's own time, brought to its new class
    reach: Reach = field(default_factory=Reach)  # how learners find the tutor on this platform
    replies: list[Reply] = field(default_factory=list)
    credit_steps: list[int] = field(default_factory=list)  # credit these steps' answers
    end: bool = False  # the run ends: credit everything, then clear it

    def t(self, key: str, **values: object) -> str:
        return t(self.group.lang, key, **values)

    def button(self, key: str, payload: Payload, **values: object) -> Button:
        return Button(self.t(key, **values), payload.pack())

    def say(self, text: str, *rows: list[Button] | tuple[Button, ...], **options: Any) -> None:
        if self.group.quiet:
            return  # the bot was removed: nothing can reach the group
        self.replies.append(Reply(text, tuple(tuple(r) for r in rows), **options))

    def notice(self, key: str, **values: object) -> None:
        self.replies.append(Reply(self.t(key, **values), notice=True))


def lead_only(handler: F) -> F:
    """Only the facilitator may do this; anyone else is told so once per run."""

    def checked(turn: GroupTurn, *args: object) -> None:
        if turn.lead:
            handler(turn, *args)
        else:
            refuse(turn)

    checked.__doc__ = handler.__doc__
    return checked  # type: ignore[return-value]


def route(turn: GroupTurn) -> None:
    """Call what handles this group event (answers and joining are counted in classroom.py)."""
    event = turn.event
    if event.kind == "blocked":
        return removed(turn)
    if event.kind == "push":
        if found := router.pushes.get(event.payload):
            found.handler(turn)
    elif event.kind == "command":
        if found := router.commands.get(event.command):  # other commands: not for groups
            found.handler(turn)
    elif event.kind == "button":
        tap = parse(event.payload)
        if found := router.buttons.get(type(tap)) if tap else None:
            found.handler(turn, tap)
        else:
            turn.notice("stale_button")
    # Typed text and the rest: the bot sees only replies to it in a group; it stays quiet.


def refuse(turn: GroupTurn, key: str = "group_lead_only", **values: object) -> None:
    group = turn.group
    if not group.secret:
        group.secret = secrets.token_hex(8)
    who = mark(group.secret, turn.event.user)  # nothing personal kept, even for this
    if who in group.noted:
        return
    group.noted.append(who)
    if turn.event.kind == "button":
        turn.notice(key, **values)
    else:
        turn.say(turn.t(key, **values))


# --- starting --------------------------------------------------------------------------------


@router.command("start", "help")
def group_help(turn: GroupTurn) -> None:
    turn.say(turn.t("group_help"))


@router.command("forget")
def forget_privately(turn: GroupTurn) -> None:
    turn.say(turn.t("group_forget_privately"))


@router.command("lesson")
@lead_only
def on_lesson(turn: GroupTurn) -> None:
    """The menu of lessons, or what is running now (one lesson per chat at a time)."""
    if turn.group.running:
        return status(turn)
    show_menu(turn)


def status(turn: GroupTurn) -> None:
    group = turn.group
    lesson = turn.curriculum.lesson(group.lesson)
    title = lesson.title.get(group.lang) if lesson else group.lesson
    total = len(lesson.steps) if lesson else 0
    turn.say(
        turn.t("group_running", title=title, n=min(group.step + 1, total), total=total),
        [
            turn.button("group_btn_next", GroupNext(group.run, group.screen)),
            turn.button("group_btn_stop", GroupStop(group.run)),
        ],
    )


def show_menu(turn: GroupTurn, replace: bool = False) -> None:
    group, lang = turn.group, turn.group.lang
    rows: list[list[Button]] = []
    nxt = turn.curriculum.next_lesson(set(group.done))
    if nxt is not None:
        title = nxt.title.get(lang)
        rows.append([turn.button("group_btn_class_next", GroupLessonPick(nxt.id), title=title)])
    for module in turn.curriculum.modules:
        label = f"{module.info.order}. {module.info.title.get(lang)}"
        rows.append([Button(label, GroupModule(module.id).pack())])
    turn.say(turn.t("group_menu"), *rows, key="menu", replace=replace)


@router.button(GroupMenu)
@lead_only
def on_menu(turn: GroupTurn, _: GroupMenu) -> None:
    show_menu(turn, replace=True)


@router.button(GroupModule)
@lead_only
def on_module(turn: GroupTurn, tap: GroupModule) -> None:
    module = turn.curriculum.module(tap.module)
    if module is None:
        return show_menu(turn, replace=True)
    lang, done = turn.group.lang, set(turn.group.done)
    rows = [
        [
            Button(
                f"{'✅ ' if lesson.id in done else ''}{module.info.order}.{lesson.order} "
                f"{lesson.title.get(lang)}",
                GroupLessonPick(lesson.id).pack(),
            )
        ]
        for lesson in module.lessons
    ]
    rows.append([turn.button("group_btn_topics", GroupMenu())])
    turn.say(
        turn.t("group_module", module=module.info.title.get(lang)), *rows, replace=True, key="menu"
    )


@router.button(GroupLessonPick)
@lead_only
def on_pick(turn: GroupTurn, tap: GroupLessonPick) -> None:
    if turn.group.running:
        turn.notice("group_one_at_a_time")
        return status(turn)
    lesson = turn.curriculum.lesson(tap.lesson)
    if lesson is None:
        return show_menu(turn, replace=True)
    start(turn, lesson)


def start(turn: GroupTurn, lesson: Lesson) -> None:
    group = turn.group
    group.run = secrets.token_hex(4)
    group.secret = secrets.token_hex(8)
    group.noted = []
    group.lesson, group.version, group.step = lesson.id, lesson.version, 0
    group.leader, group.started_at = turn.event.user, turn.now
    group.class_code = turn.lead_class or group.class_code
    group.stopped = group.quiet = False
    group.phase = INTRO
    group.screen += 1
    _wait(turn, turn.config.groups.card_seconds)
    turn.say(*intro(turn, lesson, 0), replace=turn.event.kind == "button", key="intro")


def intro(turn: GroupTurn, lesson: Lesson, joined: int) -> tuple[Any, ...]:
    """The lesson's first message: what it is, how to join (and what joining keeps)."""
    group, lang = turn.group, turn.group.lang
    questions = sum(not isinstance(q, Typed) for q in lesson.questions)
    title = lesson.title.get(lang)
    text = "\n".join(
        [
            turn.t("group_intro", title=title, minutes=lesson.minutes, n=questions),
            "",
            turn.t("group_join_invite"),
            turn.t("group_consent"),
            turn.t("group_joined_count", n=joined),
        ]
    )
    rows = [
        [turn.button("group_btn_join", GroupJoin())],
        [turn.button("group_btn_begin", GroupNext(group.run, group.screen))],
    ]
    return (text, *rows)


def intro_update(group: GroupLesson, curriculum: Curriculum, config: Config, joined: int) -> Reply:
    """The intro again with a new count of who joined: a live edit of that message."""
    lesson = curriculum.lesson(group.lesson)
    assert lesson is not None
    turn = GroupTurn(Event("", "push"), group, GroupSnapshot({}, 0), curriculum, config, 0)
    text, *rows = intro(turn, lesson, joined)
    return Reply(text, tuple(tuple(r) for r in rows), edit="intro", live=True)


# --- moving through the lesson ---------------------------------------------------------------


@router.button(GroupNext)
@lead_only
def on_next(turn: GroupTurn, tap: GroupNext) -> None:
    group = turn.group
    if tap.run != group.run or not group.running:
        return turn.notice("stale_button")
    if tap.screen != group.screen:
        return turn.notice("group_moved_on")
    move_on(turn)


@router.button(GroupReveal)
@lead_only
def on_reveal(turn: GroupTurn, tap: GroupReveal) -> None:
    group = turn.group
    if tap.run != group.run or tap.step != group.step or group.phase != ASK:
        return turn.notice("group_already_shown")
    reveal(turn)


@router.push("answered")
def everyone_answered(turn: GroupTurn) -> None:
    """Everyone taking part answered (event text: "run:step"): show the answer now."""
    group = turn.group
    if turn.event.text == f"{group.run}:{group.step}" and group.phase == ASK:
        reveal(turn)


@router.push("tick")
def on_tick(turn: GroupTurn) -> None:
    """The time set for this step is up: the tutor moves on by itself."""
    group = turn.group
    if not group.due or group.due > turn.now:
        return
    if group.phase == END:  # credits of an ended run did not finish: try again
        group.due = turn.now + SETTLE_AGAIN
        turn.end = True
        return
    if group.phase == ASK:
        return reveal(turn)
    move_on(turn)


def move_on(turn: GroupTurn) -> None:
    """From the intro, a card or a revealed answer to the next step."""
    group = turn.group
    if group.phase == ASK:
        return reveal(turn)
    if group.phase != INTRO:
        group.step += 1
    show_step(turn)


def current(turn: GroupTurn) -> Lesson | None:
    """The lesson of this run; None (the run ends) if it was removed or changed meanwhile."""
    group = turn.group
    lesson = turn.curriculum.lesson(group.lesson)
    if lesson is None or lesson.version != group.version:
        turn.say(turn.t("group_lesson_changed"))
        _end(turn, stopped=True)
        return None
    return lesson


def show_step(turn: GroupTurn) -> None:
    group = turn.group
    lesson = current(turn)
    if lesson is None:
        return
    if group.step >= len(lesson.steps):
        return finish(turn, lesson)
    group.screen += 1
    step = lesson.steps[group.step]
    progress = turn.t("step_of", n=group.step + 1, total=len(lesson.steps))
    if isinstance(step, Card):
        group.phase = CARD
        _wait(turn, turn.config.groups.card_seconds)
        image = _media(turn, lesson, step.image)
        text = f"{step.text.get(group.lang)}\n{progress}"
        button = turn.button("btn_next", GroupNext(group.run, group.screen))
        turn.say(text, [button], media=Media("image", image, text) if image else None)
        return
    group.phase = ASK
    _wait(turn, turn.config.groups.answer_seconds)
    if image := _media(turn, lesson, step.image):  # the picture first: the question is edited
        turn.say(progress, media=Media("image", image, progress))
    text, *rows = question_message(turn, lesson, step, 0)
    poll = _poll(turn, step, rows[-1])
    turn.say(text, *rows, key=f"q{group.step}", poll=poll)


def question_message(
    turn: GroupTurn, lesson: Lesson, question: Question, answered: int
) -> tuple[Any, ...]:
    """The question, its answer buttons and how many answered so far (edited as they do)."""
    group, lang = turn.group, turn.group.lang
    progress = turn.t("step_of", n=group.step + 1, total=len(lesson.steps))
    lines = [f"❓ {question.prompt.get(lang)}", progress]
    rows: list[list[Button]] = []
    if isinstance(question, Typed):
        lines.append(turn.t("group_talk_it_over"))
    else:
        rows = [
            [Button(label, GroupAnswer(group.run, group.step, i).pack())]
            for i, label in enumerate(labels(turn, question, lettered=True))
        ]
        lines.append(turn.t("group_answered", n=answered) if answered else turn.t("group_no_one"))
    rows.append(
        [
            turn.button("group_btn_reveal", GroupReveal(group.run, group.step)),
            turn.button("group_btn_join", GroupJoin()),
        ]
    )
    return ("\n".join(lines), *rows)


def question_update(
    group: GroupLesson, curriculum: Curriculum, config: Config, answered: int
) -> Reply | None:
    """The question message with a new count: a live edit (buttons only; a poll counts
    itself)."""
    lesson = curriculum.lesson(group.lesson)
    if lesson is None or group.step >= len(lesson.steps):
        return None
    question = lesson.steps[group.step]
    if isinstance(question, Card):
        return None
    turn = GroupTurn(Event("", "push"), group, GroupSnapshot({}, 0), curriculum, config, 0)
    text, *rows = question_message(turn, lesson, question, answered)
    return Reply(text, tuple(tuple(r) for r in rows), edit=f"q{group.step}", live=True)


def labels(turn: GroupTurn, question: Question, lettered: bool = False) -> list[str]:
    """The options as shown: "A. …" on buttons, plain in a poll."""
    lang = turn.group.lang
    if isinstance(question, SingleChoice):
        texts = [o.text.get(lang) for o in question.options]
        return [f"{letter(i)}. {x}" for i, x in enumerate(texts)] if lettered else texts
    if isinstance(question, TrueFalse):
        return [turn.t("btn_true"), turn.t("btn_false")]
    return []


def letter(choice: int) -> str:
    return chr(ord("A") + choice)


def correct_choice(question: Question) -> int:
    """In groups a choice is the option's position; true/false shows "True" first."""
    if isinstance(question, SingleChoice):
        return next(i for i, o in enumerate(question.options) if o.correct)
    if isinstance(question, TrueFalse):
        return 0 if question.answer else 1
    return -1


def choice_name(turn: GroupTurn, question: Question, choice: int) -> str:
    """How a toast names an answer: its letter, or "True"/"False"."""
    if isinstance(question, TrueFalse):
        return turn.t("btn_true" if choice == 0 else "btn_false")
    return letter(choice)


def _poll(turn: GroupTurn, question: Question, controls: list[Button]) -> Poll | None:
    """The question as a quiz poll, with `controls` (reveal, join) under it."""
    if isinstance(question, Typed) or question.group == "buttons":
        return None
    group = turn.group
    return Poll(
        question=question.prompt.get(group.lang),
        options=tuple(labels(turn, question)),
        correct=correct_choice(question),
        explanation=question.explanation.get(group.lang),
        tag=GroupPoll(group.run, group.step).pack(),
        buttons=(tuple(controls),),
    )


def reveal(turn: GroupTurn) -> None:
    """The answer, its explanation and how many chose what, in one message (the question's
    own message becomes it where it can), then the way on."""
    group = turn.group
    lesson = current(turn)
    if lesson is None:
        return
    question = lesson.steps[group.step]
    assert not isinstance(question, Card)
    lang = group.lang
    lines = [f"❓ {question.prompt.get(lang)}"]
    if isinstance(question, Typed):
        lines.append(turn.t("correct_is", answer=question.accept.vi[0]))
    else:
        right = correct_choice(question)
        names = labels(turn, question, lettered=True)
        lines.append(turn.t("correct_is", answer=names[right]))
    lines.append(turn.t("explain", text=question.explanation.get(lang)))
    if not isinstance(question, Typed):
        answered = turn.snap.answered(group.step)
        lines.append("")
        lines.append(turn.t("group_tally", n=answered) if answered else turn.t("group_no_one"))
        for i, name in enumerate(names):
            mark_ = "✅" if i == right else "▫️"
            lines.append(f"{mark_} {name}: {turn.snap.chose(group.step, i)}")
    group.phase = SHOWN
    group.screen += 1
    _wait(turn, turn.config.groups.card_seconds)
    button = turn.button("btn_next", GroupNext(group.run, group.screen))
    turn.say("\n".join(lines), [button], edit=f"q{group.step}")
    turn.credit_steps.append(group.step)


# --- ending ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    user: str
    name: str
    right: int
    answered: int


def results(turn: GroupTurn, lesson: Lesson) -> tuple[list[Result], int]:
    """Each member who answered: their result on the scored questions (those with options);
    and the number of those questions."""
    scored = {
        i: correct_choice(s)
        for i, s in enumerate(lesson.steps)
        if isinstance(s, SingleChoice | TrueFalse)
    }
    people = {u for (_, u) in turn.snap.answers} | turn.snap.participants
    out = []
    for user in people:
        if user not in turn.snap.roster:
            continue  # left, or asked to be forgotten
        given = {i: c for (i, u), c in turn.snap.answers.items() if u == user and i in scored}
        if not given:
            continue  # joined but answered nothing: no result to give
        right = sum(c == scored[i] for i, c in given.items())
        out.append(Result(user, turn.snap.roster[user] or "?", right, len(given)))
    out.sort(key=lambda r: (-r.right, -r.answered, r.name))
    return out, len(scored)


def pass_need(lesson: Lesson, total: int) -> int:
    return -(-total * lesson.pass_mark // 100)  # ceiling, as in a private lesson


def finish(turn: GroupTurn, lesson: Lesson) -> None:
    group, lang = turn.group, turn.group.lang
    people, total = results(turn, lesson)
    scored = {
        i: correct_choice(s)
        for i, s in enumerate(lesson.steps)
        if isinstance(s, SingleChoice | TrueFalse)
    }
    answers = sum(turn.snap.answered(i) for i in scored)
    right = sum(turn.snap.chose(i, choice) for i, choice in scored.items())
    lines = [turn.t("group_done", title=lesson.title.get(lang))]
    if answers:
        lines.append(
            turn.t("group_score", right=right, total=answers, percent=round(100 * right / answers))
        )
    if people:
        lines += ["", turn.t("group_people")]
        need = pass_need(lesson, total)
        for r in people[:MAX_NAMES]:
            passed = " ✅" if r.right >= need else ""
            lines.append(f"• {r.name}: {r.right}/{total}{passed}")
        if len(people) > MAX_NAMES:
            lines.append(turn.t("group_and_more", n=len(people) - MAX_NAMES))
        lines += ["", *praise(turn, people, total)]
    if lesson.id not in group.done:
        group.done.append(lesson.id)
    nxt = turn.curriculum.next_lesson(set(group.done))
    lines.append("")
    if nxt is not None:
        lines.append(turn.t("group_next", title=nxt.title.get(lang)))
    else:
        lines.append(turn.t("group_course_done"))
    if people:
        lines.append(invite(turn))
    turn.say("\n".join(lines))
    _end(turn, stopped=False)


def praise(turn: GroupTurn, people: list[Result], total: int) -> list[str]:
    """A small leaderboard: the best scores, and everyone who answered every question."""
    lines = [turn.t("group_top")]
    medals = ("🥇", "🥈", "🥉")
    for medal, r in zip(medals, people, strict=False):
        lines.append(f"{medal} {r.name} ({r.right}/{total})")
    steady = [r.name for r in people if total and r.answered == total]
    if steady:
        lines.append(turn.t("group_effort", names=", ".join(steady[:MAX_NAMES])))
    return lines


def invite(turn: GroupTurn) -> str:
    """Keep going alone: the group's progress is already theirs."""
    reach, code = turn.reach, turn.group.class_code
    link = reach.join.format(code=code) if code and reach.join else reach.link
    if not link:
        return turn.t("group_invite_plain")
    return turn.t("group_invite", link=link)


@router.command("stop")
@lead_only
def on_stop_command(turn: GroupTurn) -> None:
    if not turn.group.running:
        return turn.say(turn.t("group_nothing_running"))
    stop(turn)


@router.button(GroupStop)
@lead_only
def on_stop(turn: GroupTurn, tap: GroupStop) -> None:
    if tap.run != turn.group.run or not turn.group.running:
        return turn.notice("stale_button")
    stop(turn)


def stop(turn: GroupTurn) -> None:
    turn.say(turn.t("group_stopped"))
    _end(turn, stopped=True)


def removed(turn: GroupTurn) -> None:
    """The bot was taken out of the group: keep every answer given, send nothing."""
    if turn.group.running:
        turn.group.quiet = True
        _end(turn, stopped=True)


def _end(turn: GroupTurn, stopped: bool) -> None:
    group = turn.group
    group.phase = END
    group.stopped = stopped
    group.due = turn.now + SETTLE_AGAIN  # if crediting is cut short, the next tick goes on
    turn.end = True


# --- the facilitator's report ----------------------------------------------------------------


@router.command("class_report")
@lead_only
def class_report(turn: GroupTurn) -> None:
    """Who took which lessons and who has not finished; privately when the class is large."""
    group, lang = turn.group, turn.group.lang
    roster = turn.snap.roster
    if not roster:
        return turn.say(turn.t("group_report_empty"))
    titles = {lesson.id: lesson.title.get(lang) for lesson in turn.curriculum.lessons}
    lines = [turn.t("group_report", n=len(roster))]
    for user, name in sorted(roster.items(), key=lambda item: item[1]):
        done = turn.members.get(user, [])
        took = [x for x in group.done if x in done]
        missing = [x for x in group.done if x not in done]
        lines.append(f"• {name}: {turn.t('group_report_done', n=len(done))}")
        if took:
            names = ", ".join(titles.get(x, x) for x in took)
            lines.append(f"   {turn.t('group_report_took', lessons=names)}")
        if missing:
            names = ", ".join(titles.get(x, x) for x in missing)
            lines.append(f"   {turn.t('group_report_missing', lessons=names)}")
    if group.done:
        lines += ["", turn.t("group_report_lessons", n=len(group.done))]
    text = "\n".join(lines)
    if len(roster) > turn.config.groups.report_in_group:
        turn.replies.append(Reply(text, to=turn.event.user))
        turn.say(turn.t("group_report_private"))
    else:
        turn.say(text)


# --- helpers ---------------------------------------------------------------------------------


def _wait(turn: GroupTurn, seconds: int) -> None:
    turn.group.due = turn.now + seconds if seconds else 0


def _media(turn: GroupTurn, lesson: Lesson, rel: str | None) -> str:
    module = turn.curriculum.module_of(lesson.id)
    return str(module.folder / rel) if rel and module else ""


def clean_name(name: str) -> str:
    """A first name to show in the group's summaries: printable, short."""
    text = "".join(c for c in name if c.isprintable())
    return " ".join(text.split())[:NAME_MAX]
