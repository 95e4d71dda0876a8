"""Reminder templates (ZBS template messages, research/zalo-oa.md §5): which approved template
stands for which reminder, how its parameters are filled, and when it may go.

A learner silent for over 7 days (over 48 h when the paid window is off) can only be reached
by a template Zalo approved beforehand. `ZALO_OA_TEMPLATES` names them, as JSON, by the
reminder they stand for ("daily", "review", "nudge"; "*" for any other):

    {"daily": {"id": "7895417a7d3f9461cd2e",
               "data": {"course": "{module}", "lesson": "{lesson}", "progress": "{n}/{total}"},
               "uid": false}}

`data` maps each parameter of the template (as registered with Zalo) to words made from the
reminder's fields (bot/reminders/routes.py `_where`: module, lesson, n, total, step, steps,
due, streak). `uid`: the template may be sent by user id (cheaper, no phone number needed;
Zalo says which templates allow it); else it goes to the phone number the learner gave.

Hours: Zalo refuses customer-care templates at night (`-133`, "22:00-06:00", and 07:00-22:00
in another copy: UNKNOWN), so templates go only within `ZALO_OA_TEMPLATE_HOURS`, at most
07:00-21:30 local time (a tighter window may be set, never a wider one).
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

DAYTIME = "07:00-21:30"  # the widest hours a template may go, local time
WIDEST = (7 * 60, 21 * 60 + 30)
VALUE_MAX = 100  # characters of one parameter (Zalo's limits vary by type: -1121 says so)
ANY = "*"


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=64)]
    data: dict[str, str] = Field(default_factory=dict)
    uid: bool = False  # Zalo allows this template by user id (no phone number needed)


Templates = dict[str, Template]
_TEMPLATES = TypeAdapter(Templates)


def parse_templates(text: str) -> Templates:
    """`ZALO_OA_TEMPLATES` read; ValueError says what is wrong in one line."""
    if not text.strip():
        return {}
    try:
        found = _TEMPLATES.validate_python(json.loads(text))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at {exc.pos}); see docs/zalo-oa.md") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ValueError(f"{where}: {first['msg']}") from exc
    for kind, template in found.items():
        for name, words in template.data.items():
            for field in _fields(words):
                if field not in FIELDS:
                    raise ValueError(
                        f"{kind}.data.{name}: no field {{{field}}}; use {', '.join(FIELDS)}"
                    )
    return found


# The fields a reminder carries (Reply.meta) that templates may use.
FIELDS = ("module", "lesson", "n", "total", "step", "steps", "due", "streak", "reminder")


def _fields(words: str) -> list[str]:
    try:
        return [f for _, f, _, _ in string.Formatter().parse(words) if f]
    except ValueError as exc:
        raise ValueError(f"{words!r}: {exc}") from exc


def hours(text: str) -> tuple[int, int]:
    """ "07:00-21:30" as minutes of the day; ValueError when malformed or wider than 07:00-21:30
    (Zalo refuses templates at night)."""
    try:
        start, end = (_minute(part) for part in text.split("-"))
    except ValueError as exc:
        raise ValueError(f"{text!r}: write it like {DAYTIME}") from exc
    if not WIDEST[0] <= start < end <= WIDEST[1]:
        raise ValueError(f"{text!r}: templates go only within {DAYTIME} (or tighter)")
    return start, end


def _minute(text: str) -> int:
    hour, minute = text.strip().split(":")
    value = int(hour) * 60 + int(minute)
    if not 0 <= value < 24 * 60 or int(minute) >= 60:
        raise ValueError(text)
    return value


def daytime(window: tuple[int, int], minute: int) -> bool:
    """A template may go at this local minute of the day."""
    return window[0] <= minute < window[1]


def choose(templates: Mapping[str, Template], meta: Mapping[str, object]) -> Template | None:
    """The template for this reminder (its kind's, else "*"); None when none fits. The
    notice that reminders stop is never sent as a (paid) template."""
    kind = str(meta.get("reminder") or "")
    if not kind or kind == "stop":
        return None
    return templates.get(kind) or templates.get(ANY)


def fill(template: Template, meta: Mapping[str, object]) -> dict[str, str]:
    """The template's parameters from the reminder's fields (a field it lacks is empty)."""
    fields = {name: "" for name in FIELDS} | {k: str(v) for k, v in meta.items()}
    return {
        name: " ".join(words.format_map(fields).split())[:VALUE_MAX]
        for name, words in template.data.items()
    }


def tracking_id(user_id: str, day: str, kind: str) -> str:
    """Ours, deterministic (a retaken reminder says the same), at most 48 characters: the
    delivery receipt carries it back."""
    digest = hashlib.sha1(f"{user_id}:{day}:{kind}".encode()).hexdigest()[:24]
    return f"hs-{day.replace('-', '')}-{digest}"


def phone_number(raw: object) -> str:
    """A phone number as ZBS takes it (84xxxxxxxxx), from what `user_submit_info` gave; ""
    when it is not one."""
    digits = "".join(ch for ch in str(raw or "") if ch.isdigit())
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    return digits if digits.startswith("84") and 11 <= len(digits) <= 12 else ""
