"""The engine: an `Event` in, `Reply` objects out, learner state kept in storage.

Each event is decided on a fresh copy of the learner's state and written back atomically
(see storage/state.py). If another worker wrote first, the event is decided again on the
new state, so a double tap or two workers can never apply one step twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import learner as st
from bot import pairs
from bot.classroom import Classroom, Facilitators
from bot.config import Config
from bot.events import Event, Reply
from bot.features import all_routes
from bot.learner import Stage, copy, from_fields, to_fields
from bot.lessons import Curriculum
from bot.payloads import parse
from bot.router import Route, Router, Routes
from bot.store import GroupStore, LearnerStore, StorageUnavailable
from bot.texts import t
from bot.turn import Turn

log = logging.getLogger(__name__)

MAX_TRIES = 5


class Engine:
    def __init__(
        self,
        store: LearnerStore,
        curriculum: Curriculum,
        config: Config,
        clock: Callable[[], float] = time.time,
        routers: tuple[Router, ...] = (),
        groups: GroupStore | None = None,
        facilitators: Facilitators | None = None,
    ) -> None:
        """`routers`: features beyond the shipped ones (bot/features.py). `groups`: where
        group lessons and pair links are kept; without it a group chat gets a hint only."""
        self.routes: Routes = all_routes(*routers)
        self.store = store
        self.curriculum = curriculum
        self.config = config
        self.clock = clock
        self.zone = ZoneInfo(config.timezone)
        # Group lessons (bot/classroom.py) and pair mode (bot/pairs.py) work on more than
        # one conversation's state, so they run their own turns.
        self.classroom: Classroom | None = None
        self.pairs: pairs.Pairs | None = None
        if groups is not None:
            self.classroom = Classroom(
                store, groups, curriculum, config, clock, self.routes, facilitators
            )
            self.pairs = pairs.Pairs(store, groups, curriculum, clock)

    async def tick(self, platform: str) -> list[tuple[str, list[Reply]]]:
        """Group lessons of `platform` whose time is up move on: (chat, replies) for each."""
        return await self.classroom.tick(platform) if self.classroom else []

    async def push(self, user: str, reason: str) -> list[Reply]:
        """Start a turn with no incoming message (a reminder): the feature that declared
        `reason` with `router.push` decides what to send; nothing for a paused learner."""
        return await self.handle(Event(user=user, kind="push", payload=reason))

    async def handle(self, event: Event) -> list[Reply]:
        """Decide and store one learner action; never raises to the adapter."""
        lang = "vi"
        if self.classroom and (event.group or event.kind == "poll"):
            return await self.classroom.handle(event)
        try:
            if self.pairs and pairs.takes(event):
                return await self.pairs.handle(event)
            for _ in range(MAX_TRIES):
                fields, version = await self.store.load(event.user)
                learner = from_fields(event.user, fields)
                lang = learner.lang
                now = int(self.clock())
                today = datetime.fromtimestamp(now, self.zone).date().toordinal()
                turn = Turn(
                    event, copy(learner), self.curriculum, self.config, now, today, self.routes
                )
                route(turn)
                pairs.watch(turn)
                new = None if turn.erase else to_fields(turn.learner)
                unchanged = new == fields and not turn.outcome.events
                if unchanged or await self.store.save(
                    event.user, version, fields, new, turn.outcome.events
                ):
                    for work in turn.after:
                        await asyncio.to_thread(work)
                    if turn.erase and fields:
                        await self._forgotten(event.user, fields)
                    return turn.outcome.replies
            log.warning("gave up after %d conflicting writes for %s", MAX_TRIES, event.user)
            return [Reply(t(lang, "busy"))]
        except StorageUnavailable as exc:
            log.error("state storage unavailable: %s", exc)
            return [Reply(t(lang, "busy"))]
        except Exception:
            log.exception("failed to handle %r", event)
            return [Reply(t(lang, "oops"))]

    async def _forgotten(self, user: str, fields: dict[str, str]) -> None:
        """An erased learner leaves their groups and pair links too."""
        if self.classroom and self.pairs:
            await self.classroom.forget(user, fields)
            await self.pairs.forget(user, fields)


def route(turn: Turn) -> None:
    """Call the feature that handles this event (see bot/router.py for the rules)."""
    event, learner, routes = turn.event, turn.learner, turn.routes
    if event.kind == "blocked":
        return _blocked(turn)
    if event.kind == "push":
        return _pushed(turn)
    if event.group:
        if event.kind == "command" and event.command in ("start", "help"):
            turn.say(turn.t("group_hint"))
        return  # group lessons are not built yet; stay quiet in family chats
    if learner.inactive:
        learner.inactive = False
        turn.emit("active")
    if learner.stage == Stage.NEW:
        return _new_learner(turn)
    if learner.paused and event.command != "stop":
        learner.paused = False
        turn.emit("resumed")
    if event.kind == "command":
        found = routes.commands.get(event.command)
        return _run(turn, found) if found else _not_understood(turn)
    if event.kind == "button":
        tap = parse(event.payload)
        found = routes.buttons.get(type(tap)) if tap else None
        return _run(turn, found, tap) if found else turn.notice("stale_button")
    if event.kind == "text":
        found = routes.texts.get(learner.stage)
        return found.handler(turn, event.text) if found else _not_understood(turn)
    turn.say(turn.t("only_text"))


def _run(turn: Turn, route: Route, *args: object) -> None:
    stage = turn.learner.stage
    if route.stages and stage not in route.stages:
        return turn.notice("stale_button")
    if not route.stages and not route.anywhere:
        if stage in st.ONBOARDING:
            return turn.reshow()  # the onboarding question comes first
        if stage in st.DETOURS:
            st.come_back(turn.learner)  # moving on ends the aside
    route.handler(turn, *args)


def _not_understood(turn: Turn) -> None:
    if turn.learner.stage in st.ONBOARDING:
        return turn.reshow()
    if turn.learner.stage in st.DETOURS:
        st.come_back(turn.learner)
    turn.say(turn.t("not_understood"))
    turn.reshow()


def _new_learner(turn: Turn) -> None:
    """Someone new: only the consent buttons (privacy note shown) count; anything else greets."""
    tap = parse(turn.event.payload) if turn.event.kind == "button" else None
    found = turn.routes.buttons.get(type(tap)) if tap else None
    if found and Stage.NEW in found.stages:
        return found.handler(turn, tap)
    if turn.event.command == "forget" and turn.learner.consent_at:
        # Joined a group lesson (which is consent) but never wrote privately: /forget works.
        return turn.routes.commands["forget"].handler(turn)
    turn.reshow()


def _pushed(turn: Turn) -> None:
    """A turn the tutor starts itself: nothing for someone new, paused or unreachable."""
    learner = turn.learner
    if learner.stage == Stage.NEW or learner.paused or learner.inactive:
        return
    found = turn.routes.pushes.get(turn.event.payload)
    if found:
        found.handler(turn)


def _blocked(turn: Turn) -> None:
    """Nothing more is sent to a learner who blocked us, until they write again."""
    learner = turn.learner
    if learner.consent_at and not learner.inactive:  # without consent nothing is reported
        learner.inactive = True
        turn.emit("inactive")
