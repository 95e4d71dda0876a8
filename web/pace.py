"""How fast learners are certified, week by week, and what that means for the deadline:
the pace of the last four weeks, the pace needed from now on ("cần 12.400 người/tuần"), and
the day the target is reached at today's pace."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from web import queries as q

RECENT_WEEKS = 4  # the pace is the average of the last four weeks: steadier than one
HORIZON = 10 * 365  # days: a projection further off is "more than ten years", not a date


@dataclass
class Week:
    monday: date
    started: int = 0
    certified: int = 0
    certified_total: int = 0  # by the end of this week
    change: float | None = None  # certified, against the week before (0.12: +12%)


def weeks(days: list[q.Day], start: date | None = None, end: date | None = None) -> list[Week]:
    """Monday-to-Sunday weeks, oldest first, every week between the first and the last day
    (quiet ones too), within start..end when given."""
    if not days:
        return []
    by_week: dict[date, Week] = {}
    first = days[0].day - timedelta(days=days[0].day.weekday())
    last = days[-1].day
    monday = first
    while monday <= last:
        by_week[monday] = Week(monday)
        monday += timedelta(days=7)
    for d in days:
        w = by_week[d.day - timedelta(days=d.day.weekday())]
        w.started += d.started
        w.certified += d.certified
    out = list(by_week.values())
    total = 0
    for i, w in enumerate(out):
        total += w.certified
        w.certified_total = total
        if i and out[i - 1].certified:
            w.change = w.certified / out[i - 1].certified - 1
    return [
        w
        for w in out
        if (start is None or w.monday + timedelta(days=6) >= start)
        and (end is None or w.monday <= end)
    ]


@dataclass
class Pace:
    certified: int
    target: int
    per_week: float  # certified per week lately
    needed: float | None  # per week from now to the deadline; None: no deadline or reached
    weeks_left: float | None
    projected: date | None  # when the target is reached at this pace; None: never / reached
    on_time: bool | None  # projected on or before the deadline
    beyond: bool = False  # at this pace, more than ten years away


def pace(days: list[q.Day], target: int, deadline: date | None, today: date) -> Pace:
    certified = sum(d.certified for d in days)
    since = today - timedelta(days=7 * RECENT_WEEKS)
    first = days[0].day if days else today
    span = max(min((today - first).days + 1, 7 * RECENT_WEEKS), 1)  # a young campaign: its days
    recent = sum(d.certified for d in days if since < d.day <= today)
    per_week = recent * 7 / span
    left = max(target - certified, 0)
    needed = weeks_left = None
    if deadline and deadline > today and left:
        weeks_left = (deadline - today).days / 7
        needed = left / weeks_left
    projected = None
    beyond = False
    if left and per_week > 0:
        days_left = left / per_week * 7
        beyond = days_left > HORIZON
        projected = None if beyond else today + timedelta(days=math.ceil(days_left))
    on_time = None
    if deadline and left:
        on_time = projected is not None and projected <= deadline
    return Pace(certified, target, per_week, needed, weeks_left, projected, on_time, beyond)
