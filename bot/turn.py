"""One learner action being decided: the learner (a working copy), and what to answer."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.config import Config
from bot.content.lessons import Curriculum
from bot.events import Button, Event, Outcome, Reach, Reply
from bot.learner import Learner
from bot.payloads import Payload
from bot.texts import t

if TYPE_CHECKING:
    from bot.router import Routes, Screen

# A class code -> (its name, its facilitator), or None: how the engine learns about classes
# registered in the reporting database without importing it (see storage/sql/classes.py).
ClassLookup = Callable[[str], Awaitable[tuple[str, str] | None]]
# A class code -> its weekly time (ISO weekday, minute), or None (bot/groups/class_schedule.py).
ClassTimeLookup = Callable[[str], Awaitable[tuple[int, int] | None]]


@dataclass
class Turn:
    event: Event
    learner: Learner
    curriculum: Curriculum
    config: Config
    now: int  # epoch seconds
    today: int  # local day number
    routes: Routes
    outcome: Outcome = field(default_factory=Outcome)
    erase: bool = False  # the learner asked to be forgotten
    # Slow or lasting work (drawing or deleting a file), done only once the state is stored,
    # so a decision that is tried again after a conflicting write leaves nothing behind.
    after: list[Callable[[], None]] = field(default_factory=list)
    class_info: tuple[str, str] | None = None  # the class a /start CODE names, if registered
    # The weekly time (ISO weekday, minute) of the learner's class (bot/groups/class_schedule.py)
    class_time: tuple[int, int] | None = None
    reach: Reach = field(default_factory=Reach)  # how learners find the tutor on this platform
    puzzled: int = 0  # texts not understood in a row before this turn's (bot/engine.py)

    @property
    def lang(self) -> str:
        return self.learner.lang

    def t(self, key: str, **values: object) -> str:
        """The text `key` in the learner's language, addressing them as their age suits."""
        you = self.config.address_for(self.learner.age)
        return t(self.lang, key, numbered=self.event.numbered, you=you, **values)

    def button(self, key: str, payload: Payload, **values: object) -> Button:
        """A button labelled with the text `key` that sends `payload` when tapped."""
        return Button(self.t(key, **values), payload.pack())

    def say(
        self, text: str, *rows: list[Button] | tuple[Button, ...], replace: bool = False
    ) -> None:
        self.outcome.replies.append(Reply(text, tuple(tuple(r) for r in rows), replace=replace))

    def notice(self, key: str) -> None:
        self.outcome.replies.append(Reply(self.t(key), notice=True))

    def reshow(self) -> None:
        """Show again what the learner is asked now: an onboarding question, the step of the
        lesson, the menu (whichever feature declared it shows that stage)."""
        self.routes.showers[self.learner.stage].handler(self)

    def show(self, screen: Screen) -> None:
        """Show the screen `screen`, declared by whichever feature shows it (bot/router.py),
        then what other features add after it."""
        self.routes.screens[screen].handler(self)
        for then in self.routes.follow.get(screen, ()):
            then.handler(self)

    def tap(self, payload: Payload) -> None:
        """Do what tapping a button carrying `payload` does (a lesson named in typed text)."""
        self.routes.buttons[type(payload)].handler(self, payload)

    def lesson_ended(self, passed: bool) -> None:
        """A lesson ended: the features' "after a lesson" chain shows what comes next."""
        for hook in self.routes.after_lessons:
            if hook.handler(self, passed):
                return

    @property
    def can_push(self) -> bool:
        """The tutor may write to this learner first (reminders): their platform is one the
        reminder loop sends on (`reminders.platforms`; not the console)."""
        return self.learner.user.partition(":")[0] in self.config.reminders.platforms

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
