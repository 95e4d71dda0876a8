"""One learner action being decided: the learner (a working copy), and what to answer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.config import Config
from bot.events import Button, Event, Outcome, Reply
from bot.learner import Learner
from bot.lessons import Curriculum
from bot.payloads import pack
from bot.texts import t


@dataclass
class Turn:
    event: Event
    learner: Learner
    curriculum: Curriculum
    config: Config
    now: int  # epoch seconds
    today: int  # local day number
    outcome: Outcome = field(default_factory=Outcome)
    erase: bool = False  # the learner asked to be forgotten
    # Slow or lasting work (drawing or deleting a file), done only once the state is stored,
    # so a decision that is tried again after a conflicting write leaves nothing behind.
    after: list[Callable[[], None]] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.learner.lang

    def t(self, key: str, **values: object) -> str:
        return t(self.lang, key, **values)

    def button(self, key: str, verb: str, *args: object, **values: object) -> Button:
        return Button(self.t(key, **values), pack(verb, *args))

    def say(
        self, text: str, *rows: list[Button] | tuple[Button, ...], replace: bool = False
    ) -> None:
        self.outcome.replies.append(Reply(text, tuple(tuple(r) for r in rows), replace=replace))

    def notice(self, key: str) -> None:
        self.outcome.replies.append(Reply(self.t(key), notice=True))

    def add(self, reply: Reply) -> None:
        self.outcome.replies.append(reply)

    def emit(self, kind: str, **data: object) -> None:
        """A note for reporting, written to the outbox in the same atomic step as the state.

        Nothing is reported of a learner who has not consented: they leave no trace."""
        if not self.learner.consent_at:
            return
        event = {"id": uuid.uuid4().hex, "type": kind, "user": self.learner.user}
        event["at"] = str(self.now)
        event.update({k: str(v) for k, v in data.items()})
        self.outcome.events.append(event)
