"""Choices as numbered lines, for platforms without buttons (the console, Zalo Bot).

The engine's buttons are shown as "1. Đồng ý", "2. Không đồng ý"; a learner who then types a
bare number picks that button. Anything else typed goes to the engine as text (which reads a
label, or part of it, itself). Only the latest message's choices count, and a question that
asks for a typed answer (`Reply.free_text`) takes a number as the answer, not as a choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.events import Button, Event, EventKind, Reply


@dataclass(frozen=True)
class Choices:
    """What a typed number picks: the buttons of the latest message, numbered from 1."""

    buttons: tuple[Button, ...] = ()
    free_text: bool = False  # the latest message asks for a typed answer


def numbered(buttons: Sequence[Button]) -> list[str]:
    """ "1. Đồng ý", "2. Không đồng ý", ... for the buttons in order."""
    return [f"{i}. {button.label}" for i, button in enumerate(buttons, 1)]


def flat(reply: Reply) -> list[Button]:
    """A reply's buttons, row after row."""
    return [button for row in reply.buttons for button in row]


def choices_after(replies: Sequence[Reply], before: Choices) -> Choices:
    """The choices on screen once `replies` are shown: those of the latest message; only
    notices (a note about the last action) leave the earlier ones in place."""
    shown = [r for r in replies if not r.notice and (r.text or r.buttons or r.media)]
    if not shown:
        return before if all(r.notice for r in replies) else Choices()
    latest = shown[-1]
    return Choices(tuple(flat(latest)), latest.free_text)


def to_event(
    line: str,
    user: str,
    choices: Choices | Sequence[Button],
    chat: str = "",
    name: str = "",
    group: bool = False,
) -> Event:
    """One typed line as an event: a bare number picks a choice, "/word arg" is a command,
    anything else is text."""
    if not isinstance(choices, Choices):
        choices = Choices(tuple(choices))
    line = line.strip()
    buttons = choices.buttons
    number = line.isdecimal() and line.isascii() and 1 <= int(line) <= len(buttons)
    kind: EventKind = "text"
    text, command, payload = line, "", ""
    if number and not choices.free_text:
        kind, text, payload = "button", "", buttons[int(line) - 1].payload
    elif line.startswith("/") and len(line) > 1:
        head, _, arg = line[1:].partition(" ")
        kind, text, command = "command", arg.strip(), head.lower()
    return Event(
        user, kind, text, command, payload, chat=chat, group=group, name=name, numbered=True
    )
