"""Reminders the tutor sends by itself, and how a learner chooses them.

- The daily reminder is opt-in: after the first lesson passed the tutor asks once "Mai nhắc bác
  lúc mấy giờ?" (morning, noon, evening, a typed time, or none); `/remind`, `/remind 19:30`,
  `/remind off` and the settings change it. Never on a day the learner already studied.
- One nudge `reminders.nudge_after` after a learner stopped mid-lesson (at most one a day),
  unless reminders are off.
- The review reminder, when spaced-review questions are due and no lesson is open: at the
  daily time, or in the evening for a learner who chose none.
- A class member with no daily time of their own follows the class's pace: reminded at the
  class's weekly time (`hocso class add --schedule`, bot/groups/class_schedule.py).
- A class's facilitator may ask for a reminder on the web page (storage/redis/asks.py): sent
  as soon as it is claimed, in the class's words (`remind_class`), unless the learner studied
  or was reminded by a facilitator today, has nothing left to learn, or turned reminders off.
- Nothing in quiet hours (it moves to their end), nothing after /stop, /forget or a block.
  After 3 reminders in a row with no answer they come less often; after 5 the tutor says once
  that it stops, and how to turn them back on.

After every turn `plan` (an after-turn hook, bot/router.py) decides when the next reminder is
due and what it is (`remind_due`, `remind_kind` in the learner's state); `schedule` gives the
store the learner's place in its shard's schedule, written by the same atomic script as the state
(storage/redis/state.py). The loop in hocso/reminders.py claims what is due and starts a pushed
turn: `on_push` below decides what to say. Every reminder carries "▶️ Học tiếp" (resuming
exactly where the learner is) and "🔕 Tắt nhắc nhở".
"""

from __future__ import annotations

import functools
import math
import zlib
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.config import Config, ReminderSettings, clock_time
from bot.confirm import state as confirm
from bot.content.lessons import fold
from bot.events import Button, Reply
from bot.learner import Learner, Stage
from bot.lesson import review, tutor
from bot.payloads import Payload
from bot.reminders import texts  # noqa: F401  (registers the texts)
from bot.router import Router, Screen
from bot.texts import t
from bot.turn import Turn
from bot.understand import spoken_time

router = Router("reminders")

# Push reasons (Engine.push): a reminder just claimed, or one claimed by a worker that died.
FRESH, RETAKEN = "reminder", "reminder-again"
ASKED, ASKED_AGAIN = "reminder-class", "reminder-class-again"  # a facilitator asked for it
ASKED, OFF = "-", "off"
NUDGE, DAY = "n", "d"  # what is due: the nudge, or the day's reminder (daily or review)
CONFIRM = "v"  # due and sent: the question about VNeID confirmation (bot/confirm/)
DAILY, REVIEW, STOP = "d", "r", "s"  # what was sent (besides NUDGE)
BY_CLASS = "c"  # due and sent: the reminder a class's facilitator asked for
BACK_OFF_AFTER = 3  # ignored reminders in a row before they come less often
STOP_AFTER = 5  # ... before the tutor stops (and says so once)
# What a sent reminder is called in Reply.meta (an OA template is chosen by it)
KINDS = {DAILY: "daily", REVIEW: "review", NUDGE: "nudge", STOP: "stop", BY_CLASS: "class"}
CHOICES = {"morning": "07:30", "noon": "12:00", "evening": "19:30"}
REVIEW_TIME = CHOICES["evening"]  # review reminders for learners who chose no daily time
OFF_WORDS = {"off", "tat", "tắt", "khong", "không", "no", "stop", "0"}
# Typed, they mean "🔕 Tắt nhắc nhở" under a reminder (a reminder is not the screen the engine
# matches typed words against, so its buttons' words need saying here). Without accents.
STOP_WORDS = frozenset(
    {"tat nhac nho", "tat nhac", "tat nhac hoc", "dung nhac", "dung nhac nho", "khong nhac nua"}
    | {"turn off reminders", "stop reminders", "no reminders", "no more reminders"}
)
# ... and "⏰ Bật lại nhắc nhở" under the notice that they stopped: the question again.
AGAIN_WORDS = frozenset(
    {"bat lai nhac nho", "bat nhac nho", "bat lai nhac", "nhac lai", "nhac nho"}
    | {"turn reminders back on", "turn on reminders", "reminders"}
)


class RemindAt(Payload, prefix="rm"):
    time: str  # "1930", or "off"


class RemindMenu(Payload, prefix="rmq"):
    """Settings' "⏰ Nhắc học": the question again."""


class StopReminders(Payload, prefix="rmx"):
    """ "🔕 Tắt nhắc nhở" under every reminder."""


# -- choosing -------------------------------------------------------------------------------


@router.follows(Screen.AFTER_LESSON)
def offer(turn: Turn) -> bool:
    """After a lesson: ask once, on the first lesson passed, when to remind the learner."""
    learner = turn.learner
    if not learner.done or learner.remind or not turn.can_push:
        return False
    learner.remind = ASKED
    ask(turn)
    # The first lesson passed: a platform that asks for a way to remind out of its window
    # (the Zalo OA asks for a phone number) asks now, once.
    last = turn.outcome.replies[-1]
    turn.outcome.replies[-1] = replace(last, meta=(*last.meta, ("first_lesson", "passed")))
    return True


@router.command("remind")
def on_remind(turn: Turn) -> None:
    """/remind shows the choice; /remind 19:30 sets the time; /remind off turns them off."""
    if not turn.can_push:
        return _unavailable(turn)
    given = turn.event.text.strip()
    if not given:
        return ask(turn, current=True)
    if given.lower() in OFF_WORDS:
        return turn_off(turn)
    minute = spoken_time(given)
    if minute is None:
        turn.say(turn.t("remind_bad_time"))
        return ask(turn)
    set_time(turn, minute)


@router.button(RemindMenu)
def on_menu(turn: Turn, _: object = None) -> None:
    if not turn.can_push:
        return _unavailable(turn)
    ask(turn, current=True)


@router.button(RemindAt)
def on_choice(turn: Turn, tap: RemindAt) -> None:
    if not turn.can_push:
        return _unavailable(turn)
    if tap.time == OFF:
        return turn_off(turn)
    try:
        minute = clock_time(f"{tap.time[:2]}:{tap.time[2:]}")
    except ValueError:
        return turn.notice("stale_button")
    set_time(turn, minute)


@router.button(StopReminders, anywhere=True)
def on_stop_button(turn: Turn, _: object = None) -> None:
    """The button on a reminder: the reminder becomes the confirmation, nothing else moves."""
    turn.learner.remind = OFF
    turn.say(turn.t("remind_off_done"), replace=True)


@router.typed()
def on_typed(turn: Turn, text: str) -> bool:
    """A time typed ("20:30", "20h"): the daily reminder's time; "tat nhac nho": none. False
    if the text is neither (a bare number is not taken: it may mean something else)."""
    if not turn.can_push:
        return False
    said = fold(text)
    if said in STOP_WORDS:
        turn_off(turn)
        return True
    if said in AGAIN_WORDS:
        ask(turn, current=True)
        return True
    minute = spoken_time(text, bare=False)
    if minute is None:
        return False
    set_time(turn, minute)
    return True


def _unavailable(turn: Turn) -> None:
    """Said instead of promising reminders that would never come; the screen stays."""
    turn.say(turn.t("remind_unavailable"))
    turn.reshow()


def ask(turn: Turn, current: bool = False) -> None:
    learner = turn.learner
    lines = []
    if current and learner.remind == OFF:
        lines.append(turn.t("remind_now_off"))
    elif current and _daily_minute(learner.remind) is not None:
        lines.append(turn.t("remind_now", time=learner.remind))
    lines.append(turn.t("remind_ask"))
    quiet = turn.config.reminders.quiet
    times = [
        turn.button(f"btn_remind_{name}", RemindAt(time.replace(":", "")), time=time)
        for name, time in CHOICES.items()
        if not (quiet and _in_quiet(quiet, clock_time(time)))
    ]
    none = turn.button("btn_remind_none", RemindAt(OFF))
    turn.say("\n".join(lines), times, [none])


def set_time(turn: Turn, minute: int) -> None:
    quiet = turn.config.reminders.quiet
    if quiet and _in_quiet(quiet, minute):
        start, end = quiet
        turn.say(turn.t("remind_quiet", start=_hhmm(start), end=_hhmm(end)))
        return ask(turn)
    turn.learner.remind = _hhmm(minute)
    turn.say(turn.t("remind_set", time=turn.learner.remind))
    turn.reshow()


def turn_off(turn: Turn) -> None:
    turn.learner.remind = OFF
    turn.say(turn.t("remind_off_done"))
    turn.reshow()


# -- planning -------------------------------------------------------------------------------


@router.after_turn()
def plan(turn: Turn) -> None:
    """After a turn: when the next reminder is due, and what it is (`remind_due`/`_kind`)."""
    learner = turn.learner
    acted = turn.event.kind not in ("push", "blocked")
    if acted:
        learner.ignored = 0
    if not _wanted(turn.config.reminders, learner):
        learner.remind_due, learner.remind_kind = 0, ""
        return
    options: list[tuple[int, str]] = []
    if acted:
        if (nudge := _nudge_time(turn)) is not None:
            options.append((nudge, NUDGE))
    elif learner.remind_due > turn.now:  # kept: not sent yet (or moved past quiet hours)
        options.append((learner.remind_due, learner.remind_kind))
    if (slot := _next_slot(turn)) is not None:
        options.append((slot, DAY))
    if (asking := _confirm_time(turn)) is not None:
        options.append((asking, CONFIRM))
    learner.remind_due, learner.remind_kind = min(options) if options else (0, "")


@router.schedule()
def schedule(learner: Learner, config: Config) -> float | None:
    """The learner's place in the store's schedule (bot/store.py `due`): when the next
    reminder is due, infinity for one who opted out (counted by `hocso reminders status`, never
    due), None for none at all. The engine writes it when it changed."""
    settings = config.reminders
    if learner.stage == Stage.NEW or not learner.consent_at or learner.inactive:
        return None
    if not _reachable_platform(settings, learner.user):
        return None
    if learner.paused or learner.remind == OFF:
        return math.inf
    return float(learner.remind_due) if learner.remind_due else None


def _wanted(settings: ReminderSettings, learner: Learner) -> bool:
    return (
        learner.stage != Stage.NEW
        and bool(learner.consent_at)
        and not (learner.paused or learner.inactive or learner.remind == OFF)
        and _reachable_platform(settings, learner.user)
    )


def _reachable_platform(settings: ReminderSettings, user: str) -> bool:
    return user.partition(":")[0] in settings.platforms


def _nudge_time(turn: Turn) -> int | None:
    learner = turn.learner
    if not learner.lesson:
        return None
    when = _out_of_quiet(turn, turn.now + turn.config.reminders.nudge_after)
    if _nudged_on(turn, _day(turn, when)):
        return None  # one nudge a day at most
    return when


def _nudged_on(turn: Turn, day: int) -> bool:
    learner = turn.learner
    return learner.reminded_kind == NUDGE and _day(turn, learner.reminded_at) == day


def _next_slot(turn: Turn) -> int | None:
    """The day's reminder: the next day it may come, at the learner's time, or on their class's
    day at its time (or, for reviews alone, in the evening)."""
    learner = turn.learner
    daily = _daily_minute(learner.remind)
    weekly = turn.class_time if daily is None else None
    reviews = [item.due for item in learner.review]
    if daily is None and weekly is None and not reviews:
        return None
    minute = daily if daily is not None else weekly[1] if weekly else clock_time(REVIEW_TIME)
    day = turn.today
    if learner.last_day == turn.today or (
        learner.reminded_at and _day(turn, learner.reminded_at) == turn.today
    ):
        day += 1  # studied today, or already reminded today
    if learner.ignored >= BACK_OFF_AFTER:  # fewer: every other day, then every third...
        day = max(day, _day(turn, learner.reminded_at) + learner.ignored - 1)
    if _at(turn, day, minute) <= turn.now:
        day += 1
    if weekly:  # the class's day, that day or the first after it
        day += (weekly[0] - date.fromordinal(day).isoweekday()) % 7
    lesson_left = _lesson_left(turn)
    if (daily is None and weekly is None) or not lesson_left:  # only reviews to remind of
        if not reviews:
            return None
        day = max(day, min(reviews))
    return _out_of_quiet(turn, _at(turn, day, minute))


def _confirm_time(turn: Turn) -> int | None:
    """When to ask about VNeID confirmation (bot/confirm/): on its day or the first after it
    with nothing sent or studied yet, at the learner's time (or in the evening)."""
    learner = turn.learner
    day = confirm.due_day(learner)
    if day is None:
        return None
    daily = _daily_minute(learner.remind)
    minute = daily if daily is not None else clock_time(REVIEW_TIME)
    busy = learner.last_day == turn.today or (
        learner.reminded_at and _day(turn, learner.reminded_at) == turn.today
    )
    day = max(day, turn.today + 1 if busy else turn.today)
    if _at(turn, day, minute) <= turn.now:
        day += 1
    return _out_of_quiet(turn, _at(turn, day, minute))


def _lesson_left(turn: Turn) -> bool:
    learner = turn.learner
    return bool(learner.lesson) or turn.curriculum.next_lesson(set(learner.done)) is not None


def _daily_minute(remind: str) -> int | None:
    if remind in ("", ASKED, OFF):
        return None
    try:
        return clock_time(remind)
    except ValueError:  # damaged: as if none was chosen
        return None


# -- sending --------------------------------------------------------------------------------


@router.push(FRESH, RETAKEN, ASKED, ASKED_AGAIN)
def on_push(turn: Turn) -> None:
    """The loop claimed this learner's reminder: say it, if it is still right to."""
    learner, settings = turn.learner, turn.config.reminders
    again = turn.event.payload in (RETAKEN, ASKED_AGAIN)
    recent = turn.now - learner.reminded_at <= settings.lease + settings.grace
    recent = bool(learner.ignored) and recent  # sent by a worker that then died
    asked = turn.event.payload in (ASKED, ASKED_AGAIN) and not (again and recent)
    if asked and _wanted(settings, learner) and _choose(turn, BY_CLASS):
        # Due now, as a facilitator's: `_send_due` keeps quiet hours as for any reminder.
        learner.remind_due, learner.remind_kind = turn.now, BY_CLASS
    if learner.remind_due and learner.remind_due <= turn.now:
        return _send_due(turn)
    if again and recent:
        # The worker that decided it died before the message went out: the same words again.
        _render(turn, learner.reminded_kind)


def _send_due(turn: Turn) -> None:
    learner, settings = turn.learner, turn.config.reminders
    due, kind = learner.remind_due, learner.remind_kind
    learner.remind_due, learner.remind_kind = 0, ""  # `plan` finds the next one
    if turn.now - due > settings.grace:
        return  # the tutor was down: not hours late, the next slot instead
    if settings.quiet and _in_quiet(settings.quiet, _minute(turn, turn.now)):
        learner.remind_due, learner.remind_kind = _out_of_quiet(turn, turn.now), kind
        return
    sent = _choose(turn, kind)
    if sent is None:
        return
    learner.ignored += 1
    learner.reminded_at = turn.now
    learner.reminded_kind = sent
    if sent == STOP:
        learner.remind = OFF
    _render(turn, sent)


def _choose(turn: Turn, kind: str) -> str | None:
    """What to send now for a due reminder of `kind`; None when nothing is right."""
    learner = turn.learner
    if kind == NUDGE:
        return NUDGE if learner.lesson and not _nudged_on(turn, turn.today) else None
    if kind == BY_CLASS:  # once a day at most, and only to someone with more to learn
        reminded = learner.reminded_kind == BY_CLASS and _day(turn, learner.reminded_at)
        fresh = learner.last_day != turn.today and reminded != turn.today
        return BY_CLASS if fresh and _lesson_left(turn) else None
    if kind == CONFIRM:  # asked only where nothing is in progress: else after the lesson
        return CONFIRM if confirm.due(turn) and learner.stage == Stage.MENU else None
    if learner.ignored >= STOP_AFTER:
        return STOP
    if learner.last_day == turn.today:
        return None  # studied today already
    if review.due(turn) and not learner.lesson:
        return REVIEW
    paced = _daily_minute(learner.remind) is not None or turn.class_time is not None
    if paced and _lesson_left(turn):
        return DAILY
    return None


def _render(turn: Turn, sent: str) -> None:
    """The reminder's words (one of several, fixed for this learner and moment, so a resend
    says the same) and its buttons."""
    learner = turn.learner
    if sent == CONFIRM:
        return turn.show(Screen.VNEID)  # the question itself (bot/confirm/)
    if sent == STOP:
        again = turn.button("btn_remind_again", RemindMenu())
        turn.add(Reply(turn.t("remind_stop"), ((again,),), meta=(("reminder", "stop"),)))
        return
    where = _where(turn)
    go: tuple[str, Payload] = ("btn_continue", tutor.Resume())
    if sent == REVIEW:
        keys = ["remind_review_1", "remind_review_2"]
        go = ("btn_review_now", tutor.StartReview())
        where["due"] = len(review.due(turn))
    elif sent == NUDGE:
        keys = ["remind_nudge_1", "remind_nudge_2"]
    elif sent == BY_CLASS:
        keys = ["remind_class"]
    else:
        keys = ["remind_daily_1", "remind_daily_2", "remind_daily_3"]
        if (streak := review.streak(turn)) >= 2:
            keys = ["remind_daily_streak"]
            where["streak"] = streak
    pick = zlib.crc32(f"{learner.user}:{learner.reminded_at}".encode()) % len(keys)
    you = turn.config.address_for(learner.age)  # as `Turn.t` does
    where["reminder"] = KINDS[sent]
    turn.add(_reminder(turn.lang, you, keys[pick], tuple(where.items()), *go))


@functools.lru_cache(maxsize=4096)
def _reminder(
    lang: str, you: str, key: str, where: tuple[tuple[str, object], ...], go: str, tap: Payload
) -> Reply:
    """A reminder's message. Learners at the same place get the same words (a wave of
    reminders has thousands alike), so each is made once; a Reply is immutable."""
    stop = Button(t(lang, "btn_remind_stop", you=you), StopReminders().pack())
    button = Button(t(lang, go, you=you), tap.pack())
    fields = dict(where)
    return Reply(t(lang, key, you=you, **fields), ((button,), (stop,)), meta=where)


def _where(turn: Turn) -> dict[str, object]:
    """Where the learner is: the lesson open (or next), its place in its module, the step."""
    learner, curriculum = turn.learner, turn.curriculum
    lesson = curriculum.lesson(learner.lesson) or curriculum.next_lesson(set(learner.done))
    if lesson is None:
        return {"n": 0, "total": 0, "module": "", "lesson": "", "step": 0, "steps": 0}
    module = curriculum.module_of(lesson.id)
    lessons = module.lessons if module else (lesson,)
    return {
        "n": [x.id for x in lessons].index(lesson.id) + 1,  # by id: comparing models is slow
        "total": len(lessons),
        "module": module.info.title.get(turn.lang) if module else "",
        "lesson": lesson.title.get(turn.lang),
        "step": learner.step + 1 if learner.lesson else 1,
        "steps": len(lesson.steps),
    }


# -- time -----------------------------------------------------------------------------------


def _at(turn: Turn, day: int, minute: int) -> int:
    """Epoch seconds of local day `day` (a date ordinal, like `turn.today`) at `minute`."""
    return _epoch(turn.config.timezone, day, minute)


def _day(turn: Turn, when: int) -> int:
    return _local(turn.config.timezone, when)[0]


def _minute(turn: Turn, when: int) -> int:
    return _local(turn.config.timezone, when)[1]


# Cached: a wave of reminders asks about the same few moments thousands of times.
@functools.lru_cache(maxsize=8192)
def _epoch(zone: str, day: int, minute: int) -> int:
    d = date.fromordinal(day)
    local = datetime(d.year, d.month, d.day, minute // 60, minute % 60, tzinfo=ZoneInfo(zone))
    return int(local.timestamp())


@functools.lru_cache(maxsize=8192)
def _local(zone: str, when: int) -> tuple[int, int]:
    """(local day number, minute of the day) at `when`."""
    local = datetime.fromtimestamp(when, ZoneInfo(zone))
    return local.date().toordinal(), local.hour * 60 + local.minute


def _in_quiet(quiet: tuple[int, int], minute: int) -> bool:
    start, end = quiet
    if start <= end:
        return start <= minute < end
    return minute >= start or minute < end  # the window wraps past midnight


def _out_of_quiet(turn: Turn, when: int) -> int:
    """`when`, or the end of the quiet hours it falls in."""
    quiet = turn.config.reminders.quiet
    minute = _minute(turn, when)
    if not quiet or not _in_quiet(quiet, minute):
        return when
    start, end = quiet
    day = _day(turn, when)
    if start > end and minute >= start:
        day += 1  # late evening: the quiet hours end tomorrow morning
    return _at(turn, day, end)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
