"""A group's weekly class time, and the reminder posted to the group an hour before it.

`/schedule thứ Bảy 19:00` in the group (the facilitator only) sets the time, `/schedule` shows
it, `/schedule off` removes it. A group that belongs to a class (its registered facilitator
led a lesson there) shares the class's time: `/schedule` also asks bot/groups/chats.py to store
it on the class (`class_schedule`), so members who study alone get the class's pace, and a
time set with `hocso class add --schedule` reaches the group (`class_time`, looked up by
classroom.py when the facilitator acts there and when a reminder is due). A family group
with no class keeps its own; when it becomes the group of a class with no time, its time
becomes the class's (`follow_class`).

After every group turn, `plan` keeps `call_at`, the group's next reminder, in the group's
state: its due index (storage/redis/groups.py) brings the group timer's "tick" then, and the
compare-and-set of the group's state makes it one message whichever worker ticks. Quiet hours
do not apply (the facilitator chose the time); a reminder more than `reminders.grace` late
(downtime), or once the class has begun, is skipped. None while the bot is out of the group.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from bot.groups import class_schedule
from bot.groups.routes import GroupLessonPick, GroupMenu, GroupTurn, refuse, router
from bot.groups.state import from_fields
from bot.payloads import Payload

log = logging.getLogger(__name__)

CALL_BEFORE = 3600  # seconds: the group is reminded an hour before class
OFF = ("off", "tắt", "tat", "bỏ", "bo", "xóa", "xoa", "không", "khong")


class GroupScheduleOff(Payload, prefix="gso"):
    pass


@router.command("schedule")
def on_schedule(turn: GroupTurn) -> None:
    """Show, set or remove the group's weekly time; anyone may see it, only the facilitator
    changes it."""
    group, typed = turn.group, turn.event.text.strip()
    if not turn.lead:
        return _refuse(turn)
    if not typed:
        return _show(turn)
    try:
        stored = "" if typed.lower() in OFF else class_schedule.parse(typed)
    except ValueError:
        turn.say(turn.t("group_schedule_unknown"))
        return
    if turn.lead_class:
        group.class_code = turn.lead_class  # its facilitator's group: the class's time
    _set(turn, stored)


@router.button(GroupScheduleOff)
def on_schedule_off(turn: GroupTurn, _: GroupScheduleOff) -> None:
    if not turn.lead:
        return _refuse(turn)
    _set(turn, "", replace=True)


def _refuse(turn: GroupTurn) -> None:
    """Anyone may see the time; only the facilitator changes it (told once)."""
    refuse(turn, "group_schedule_lead_only", when=_shown(turn) or "—")


def _show(turn: GroupTurn) -> None:
    if turn.group.schedule:
        off = [turn.button("group_btn_schedule_off", GroupScheduleOff())]
        turn.say(turn.t("group_schedule_is", when=_shown(turn), call=_call_time(turn)), off)
    else:
        turn.say(turn.t("group_schedule_none"), [turn.button("group_btn_lessons", GroupMenu())])


def _set(turn: GroupTurn, stored: str, replace: bool = False) -> None:
    group = turn.group
    group.schedule, group.call_at = stored, 0  # planned afresh after this turn
    if group.class_code:
        turn.class_schedule = stored  # for its members, and `hocso class list`
        turn.class_time = (group.class_code, stored)
    if not stored:
        menu = [turn.button("group_btn_lessons", GroupMenu())]
        turn.say(turn.t("group_schedule_removed"), menu, replace=replace)
        return
    text = turn.t("group_schedule_set", when=_shown(turn), call=_call_time(turn))
    if group.class_code:
        text += "\n" + turn.t("group_schedule_class", code=group.class_code)
    turn.say(text, [turn.button("group_btn_schedule_off", GroupScheduleOff())])


def follow_class(turn: GroupTurn) -> None:
    """A class's group takes the time registered for the class (`hocso class add
    --schedule`), as classroom.py read it; before and after each group turn. A group that
    becomes the class's in this turn brings its own time to a class with none, as if its
    facilitator typed /schedule there; a class's time removed later is not brought back."""
    group, registered = turn.group, turn.class_time
    if not registered or registered[0] != group.class_code or registered[1] == group.schedule:
        return
    if not registered[1] and _joins_class(turn):
        turn.class_schedule = group.schedule  # for its members, and `hocso class list`
        turn.class_time = (group.class_code, group.schedule)
        turn.class_joined = True
        return
    group.schedule, group.call_at = registered[1], 0


def _joins_class(turn: GroupTurn) -> bool:
    """The group was not this class's when the turn began (its facilitator led a lesson)."""
    return from_fields(turn.group.chat, turn.snap.fields).class_code != turn.group.class_code


def plan(turn: GroupTurn) -> None:
    """After a group turn: send the reminder if this is the tick it is due at, and keep the
    next one planned (or none)."""
    group, event = turn.group, turn.event
    if event.kind == "blocked":
        group.away = bool(group.schedule)  # (a group with nothing to remind keeps no state)
    elif event.kind in ("command", "button"):
        group.away = False  # someone used the bot there: it is in the group
    follow_class(turn)  # again: the class may be the group's since this turn
    if group.away or not group.schedule:
        group.call_at = 0
        return
    if group.call_at and group.call_at <= turn.now:
        if event.kind != "push" or event.payload != "tick":
            return  # due: the group timer's tick sends it
        remind(turn)
    if group.call_at <= turn.now:
        zone = ZoneInfo(turn.config.timezone)
        start = class_schedule.next_start(group.schedule, turn.now, zone, CALL_BEFORE)
        group.call_at = start - CALL_BEFORE if start else 0


def remind(turn: GroupTurn) -> None:
    """The reminder whose time has come: what the class is, when, and the next lesson."""
    group = turn.group
    start = group.call_at + CALL_BEFORE
    late = turn.now - group.call_at
    if late > turn.config.reminders.grace or turn.now >= start:
        log.info("class reminder for %s skipped: %d s late", group.chat, late)
        return
    if group.running:
        return  # the group is learning already
    minutes = max(1, round((start - turn.now) / 60))
    soon = turn.t("group_call_hour") if minutes >= 55 else turn.t("group_call_minutes", n=minutes)
    lines = [turn.t("group_call", soon=soon, when=_shown(turn))]
    nxt = turn.curriculum.next_lesson(set(group.done))
    rows = []
    if nxt is not None:
        title = nxt.title.get(group.lang)
        lines.append(turn.t("group_call_next", title=title))
        rows.append([turn.button("group_btn_class_next", GroupLessonPick(nxt.id), title=title)])
    lines.append(turn.t("group_call_how"))
    rows.append([turn.button("group_btn_lessons", GroupMenu())])
    turn.say("\n".join(lines), *rows)


def _shown(turn: GroupTurn) -> str:
    return class_schedule.shown(turn.group.schedule, turn.group.lang)


def _call_time(turn: GroupTurn) -> str:
    """When the reminder comes, as a time of day ("18:00")."""
    when = class_schedule.weekly(turn.group.schedule)
    if when is None:
        return ""
    minute = (when[1] - CALL_BEFORE // 60) % (24 * 60)
    return f"{minute // 60:02d}:{minute % 60:02d}"
