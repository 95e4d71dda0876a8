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

The engine joins the routers of every feature module (`Routes`) and looks up what to call; a
payload type, command, typed-text stage or push reason may be claimed once only.

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
from typing import Any, TypeVar

from bot.learner import Stage
from bot.payloads import Payload

F = TypeVar("F", bound=Callable[..., object])


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
            for table in ("buttons", "commands", "texts", "showers", "pushes"):
                for key, route in getattr(router, table).items():
                    _claim(getattr(joined, table), key, route)
        self.buttons = joined.buttons
        self.commands = joined.commands
        self.texts = joined.texts
        self.showers = joined.showers
        self.pushes = joined.pushes
