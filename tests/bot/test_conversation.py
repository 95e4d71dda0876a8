"""docs/conversation.md draws how learners move between stages; this walks the real engine to
check the drawing. Every button the tutor shows, every command and a typed line are tried from
every stage reached (breadth first, on the small fixture course), and the stage changes seen
must be exactly the arrows drawn: a new arrow in the code, or a stale one in the doc, fails."""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path

import pytest

from bot.content.lessons import Curriculum, Typed
from bot.engine import route
from bot.events import Event, Reply
from bot.features import all_routes
from bot.learner import Learner, Stage, copy
from bot.payloads import parse
from bot.turn import Turn
from hocso.settings import Settings as Config
from hocso.settings import load_config

DOC = Path(__file__).resolve().parents[2] / "docs" / "conversation.md"
FIXTURE_CONFIG = Path(__file__).resolve().parents[1] / "fixtures" / "config.yaml"
ARROW = re.compile(r"^\s*(\[\*\]|\w+)\s*-->\s*(\w+)", re.MULTILINE)
START_DAY = 20_000
MAX_STATES = 4000


def drawn_arrows() -> set[tuple[str, str]]:
    diagram = DOC.read_text().split("```mermaid", 1)[1].split("```", 1)[0]
    return {(a, b) for a, b in ARROW.findall(diagram) if a != "[*]"}


def shown_kinds(replies: list[Reply]) -> frozenset[str]:
    """The kinds of buttons on screen (not their tokens, which differ on every attempt)."""
    taps = (parse(b.payload) for r in replies for row in r.buttons for b in row)
    return frozenset(
        repr(tap) if not hasattr(tap, "attempt") else type(tap).__name__ for tap in taps
    )


def explore(curriculum: Curriculum, config: Config) -> set[tuple[str, str]]:
    routes = all_routes()
    commands = sorted(routes.commands)
    seen: set[tuple[object, ...]] = set()
    arrows: set[tuple[str, str]] = set()
    start: tuple[Learner, list[Reply], int] = (Learner(user="tg:1"), [], START_DAY)
    # Someone who joined a group lesson (consent) and got its credit, but never wrote privately.
    joined = Learner(user="tg:1", consent_at=START_DAY * 86400, done=["l1"])
    queue = deque([start, (joined, [], START_DAY)])

    def inputs(learner: Learner, replies: list[Reply]) -> list[Event]:
        user, name = learner.user, "Lan"
        events = [Event(user, "command", command=c, name=name) for c in commands]
        events += [Event(user, "text", text="xyz", name=name)]
        events += [
            Event(user, "button", payload=b.payload, name=name)
            for r in replies
            for row in r.buttons
            for b in row
        ]
        lesson = curriculum.lesson(learner.lesson)
        if lesson and learner.step < len(lesson.steps):
            step = lesson.steps[learner.step]
            if isinstance(step, Typed):  # a right typed answer, so typed lessons can pass
                events.append(Event(user, "text", text=step.accept.vi[0], name=name))
        return events

    while queue and len(seen) < MAX_STATES:
        learner, replies, today = queue.popleft()
        key = (
            learner.stage, learner.back, learner.lesson, learner.step, learner.review_step,
            tuple(learner.done), learner.settings_only, bool(learner.certificate),
            learner.paused, bool(learner.review), today, shown_kinds(replies),
        )  # fmt: skip
        if key in seen:
            continue
        seen.add(key)
        # Time passes too: questions missed come due for review.
        if today == START_DAY and learner.review:
            queue.append((copy(learner), replies, today + 30))
        for event in inputs(learner, replies):
            turn = Turn(event, copy(learner), curriculum, config, today * 86400, today, routes)
            route(turn)
            for hook in routes.erasings if turn.erase else routes.after_turns:
                hook.handler(turn)  # as the engine does after every turn (bot/engine.py)
            after = Learner(user=learner.user) if turn.erase else turn.learner
            if after.stage != learner.stage:
                arrows.add((learner.stage.value, after.stage.value))
            shown = [r for r in turn.outcome.replies if not r.notice] or replies
            queue.append((after, shown, today))
    return arrows


@pytest.fixture(scope="module")
def walked(curriculum: Curriculum) -> set[tuple[str, str]]:
    """The stage changes seen in one walk of the whole conversation (the walk takes a while,
    so both tests read the same one), with the shipped test settings."""
    return explore(curriculum, load_config(FIXTURE_CONFIG, env={}))


def test_the_state_diagram_in_the_docs_matches_the_engine(walked: set[tuple[str, str]]) -> None:
    seen = walked
    drawn = drawn_arrows()
    assert seen - drawn == set(), "arrows the engine takes but docs/conversation.md lacks"
    assert drawn - seen == set(), "arrows in docs/conversation.md the engine never takes"


def test_every_stage_is_drawn_and_reached(walked: set[tuple[str, str]]) -> None:
    stages = {s for arrow in walked for s in arrow}
    assert stages == {s.value for s in Stage}
