"""Declared routing: each feature module fills a `Router` with what it handles.

    router = Router("tutor")

    @router.button(Answer, stages={Stage.LESSON, Stage.REVIEW})
    def on_answer(turn: Turn, tap: Answer) -> None: ...

    @router.command("review")
    def review(turn: Turn) -> None: ...

    @router.text(Stage.LESSON, Stage.REVIEW, first=True)
    def on_text(turn: Turn, text: str) -> bool: ...

    @router.shows(Stage.LESSON)
    def resume(turn: Turn) -> None: ...

    @router.push("reminder")
    def remind(turn: Turn) -> None: ...

Screens and hooks, so that no feature imports another's functions:

    @router.screen(Screen.MENU)          # shown by name: turn.show(Screen.MENU)
    def show_menu(turn: Turn) -> None: ...

    @router.follows(Screen.AFTER_LESSON)  # runs after that screen is shown
    def offer(turn: Turn) -> None: ...

    @router.after_lesson(rank=10)         # a chain: the first that returns True ends it
    def offer(turn: Turn, passed: bool) -> bool: ...

    @router.after_turn()                  # after every private turn that keeps the learner
    def plan(turn: Turn) -> None: ...

    @router.erasing()                     # a turn that forgets the learner (/forget)
    def erase_image(turn: Turn) -> None: ...

    @router.typed()                       # typed text no button, word or stage took
    def on_typed(turn: Turn, text: str) -> bool: ...

    @router.schedule()                    # the learner's place in the reminder schedule
    def score(learner: Learner, config: Config) -> float | None: ...

The engine joins the routers of every feature module (`Routes`) and looks up what to call; a
payload type, command, typed-text stage, push reason, screen or schedule may be claimed once
only. The list of features is bot/features.py: the kernel imports none of them.

Where a route runs (the `stages` and `anywhere` arguments):
- `stages=...`: only in those stages; a button tapped elsewhere is stale (a short notice).
- `anywhere=True`: in any stage, as is (/help, /stop, /forget).
- neither: outside onboarding (a learner in onboarding is asked its question again), and a
  detour (confirming an erase, naming the certificate) ends first.

Typed text (bot/engine.py `_on_text`): a stage's text handler declared `first=True` reads it
before anything else (a typed answer, where "2" is an answer, not the second button);
otherwise the words or number of a button on screen, then a common word ("menu", "alo"), and
only then the stage's handler. A handler that returns False leaves the text to the others.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from bot.learner import Stage
from bot.payloads import Payload

F = TypeVar("F", bound=Callable[..., object])


class Screen(StrEnum):
    """Screens one feature shows for another, by name (`turn.show(Screen.MENU)`), as aiogram's
    scenes `goto()` a scene by name: whichever feature declared the screen shows it."""

    MENU = "menu"  # the main menu (bot/menu/)
    MODULES = "modules"  # the list of modules (bot/menu/)
    AFTER_LESSON = "after_lesson"  # what next, once a lesson ends (bot/menu/)
    WELCOME_BACK = "welcome_back"  # where a learner back after some days is (bot/menu/)
    LESSON = "lesson"  # the lesson or review in progress, else the next lesson (bot/lesson/)
    VNEID = "vneid"  # once: confirmed on VNeID yet? (bot/confirm/)


@dataclass(frozen=True)
class Route:
    handler: Callable[..., object]
    stages: frozenset[Stage] = frozenset()
    anywhere: bool = False
    owner: str = ""
    first: bool = False  # a text handler that reads typed text before the buttons do


class Router:
    def __init__(self, name: str) -> None:
        self.name = name
        self.buttons: dict[type[Payload], Route] = {}
        self.commands: dict[str, Route] = {}
        self.texts: dict[Stage, Route] = {}
        self.showers: dict[Stage, Route] = {}
        self.pushes: dict[str, Route] = {}
        self.screens: dict[Screen, Route] = {}
        self.follow: dict[Screen, list[Route]] = {}
        self.after_lessons: list[tuple[int, Route]] = []
        self.after_turns: list[Route] = []
        self.erasings: list[Route] = []
        self.typings: list[Route] = []
        self.schedules: dict[str, Route] = {}

    def button(
        self, payload: type[Payload], *, stages: Collection[Stage] = (), anywhere: bool = False
    ) -> Callable[[F], F]:
        """`handler(turn, payload)` for a tapped button carrying `payload`."""

        def register(handler: F) -> F:
            _claim(self.buttons, payload, Route(handler, frozenset(stages), anywhere, self.name))
            return handler

        return register

    def command(
        self, *names: str, stages: Collection[Stage] = (), anywhere: bool = False
    ) -> Callable[[F], F]:
        """`handler(turn)` for `/name` (its argument is `turn.event.text`)."""

        def register(handler: F) -> F:
            for name in names:
                _claim(self.commands, name, Route(handler, frozenset(stages), anywhere, self.name))
            return handler

        return register

    def text(self, *stages: Stage, first: bool = False) -> Callable[[F], F]:
        """`handler(turn, text)` for typed text in one of `stages`; it returns False when the
        text is not for it. `first`: it reads the text before buttons and common words."""

        def register(handler: F) -> F:
            for stage in stages:
                route = Route(handler, frozenset({stage}), True, self.name, first)
                _claim(self.texts, stage, route)
            return handler

        return register

    def shows(self, *stages: Stage) -> Callable[[F], F]:
        """`handler(turn)` shows again what a learner in one of `stages` was asked."""

        def register(handler: F) -> F:
            for stage in stages:
                _claim(self.showers, stage, Route(handler, frozenset({stage}), True, self.name))
            return handler

        return register

    def push(self, *reasons: str) -> Callable[[F], F]:
        """`handler(turn)` for a turn the tutor starts itself (a reminder): no incoming message."""

        def register(handler: F) -> F:
            for reason in reasons:
                _claim(self.pushes, reason, Route(handler, anywhere=True, owner=self.name))
            return handler

        return register

    def screen(self, *names: Screen) -> Callable[[F], F]:
        """`handler(turn)` shows the screen `name` for whoever asks `turn.show(name)`."""

        def register(handler: F) -> F:
            for name in names:
                _claim(self.screens, name, Route(handler, anywhere=True, owner=self.name))
            return handler

        return register

    def follows(self, name: Screen) -> Callable[[F], F]:
        """`handler(turn)` runs each time the screen `name` was shown (something to add)."""

        def register(handler: F) -> F:
            self.follow.setdefault(name, []).append(Route(handler, owner=self.name))
            return handler

        return register

    def after_lesson(self, rank: int) -> Callable[[F], F]:
        """`handler(turn, passed) -> bool` once a lesson ends; the handlers run by `rank`
        (lowest first) until one shows what comes next and returns True."""

        def register(handler: F) -> F:
            self.after_lessons.append((rank, Route(handler, owner=self.name)))
            return handler

        return register

    def after_turn(self) -> Callable[[F], F]:
        """`handler(turn)` after every private turn that keeps the learner (not an erase)."""

        def register(handler: F) -> F:
            self.after_turns.append(Route(handler, owner=self.name))
            return handler

        return register

    def erasing(self) -> Callable[[F], F]:
        """`handler(turn)` after a turn that forgets the learner: what else to delete."""

        def register(handler: F) -> F:
            self.erasings.append(Route(handler, owner=self.name))
            return handler

        return register

    def typed(self) -> Callable[[F], F]:
        """`handler(turn, text) -> bool` for typed text that no button on screen, common word
        or stage took (outside onboarding); True when it was for it."""

        def register(handler: F) -> F:
            self.typings.append(Route(handler, owner=self.name))
            return handler

        return register

    def schedule(self) -> Callable[[F], F]:
        """`handler(learner, config) -> float | None`: when the learner's next pushed turn is
        due (infinity: never, but counted), kept by the store in its schedule. One only."""

        def register(handler: F) -> F:
            _claim(self.schedules, "schedule", Route(handler, owner=self.name))
            return handler

        return register


def _claim(table: dict[Any, Route], key: object, route: Route) -> None:
    if key in table:
        raise ValueError(f"{key!r} is routed twice: by {table[key].owner} and {route.owner}")
    table[key] = route


class Routes:
    """Every router joined: what the engine looks up."""

    def __init__(self, routers: Collection[Router]) -> None:
        self.routers = tuple(routers)
        joined = Router("all")
        for router in self.routers:
            claimed = ("buttons", "commands", "texts", "showers", "pushes", "screens", "schedules")
            for table in claimed:
                for key, route in getattr(router, table).items():
                    _claim(getattr(joined, table), key, route)
            for name, routes in router.follow.items():
                joined.follow.setdefault(name, []).extend(routes)
            joined.after_lessons.extend(router.after_lessons)
            joined.after_turns.extend(router.after_turns)
            joined.erasings.extend(router.erasings)
            joined.typings.extend(router.typings)
        self.buttons = joined.buttons
        self.commands = joined.commands
        self.texts = joined.texts
        self.showers = joined.showers
        self.pushes = joined.pushes
        self.screens = joined.screens
        self.follow = joined.follow
        ranked = sorted(joined.after_lessons, key=lambda item: item[0])
        self.after_lessons = [route for _, route in ranked]
        self.after_turns = joined.after_turns
        self.erasings = joined.erasings
        self.typings = joined.typings
        self.schedule = joined.schedules.get("schedule")
