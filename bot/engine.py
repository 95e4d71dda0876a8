"""The engine: an `Event` in, `Reply` objects out, learner state kept in storage.

Each event is decided on a fresh reading of the learner's state and written back atomically
(see storage/redis/state.py). If another worker wrote first, the event is decided again on the
new state, so a double tap or two workers can never apply one step twice.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import learner as st
from bot import understand
from bot.config import Config
from bot.content.lessons import Curriculum
from bot.events import Event, Reach, Reply
from bot.learner import Learner, Stage, from_fields, to_fields
from bot.log_ids import log_failure
from bot.payloads import parse
from bot.router import Route, Router, Routes
from bot.store import REMOVE, LearnerStore, Save, StorageUnavailable
from bot.texts import t
from bot.turn import ClassLookup, ClassTimeLookup, Turn

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Push:
    """A turn the tutor starts for `user` (`Engine.push_wave`): why, and the learner's state
    as just read (fields, version)."""

    user: str
    reason: str
    state: tuple[dict[str, str], int]


@dataclass(slots=True)
class Decided:
    turn: Turn
    save: Save  # what the turn writes


class Side:
    """A feature that runs its own turns, on more than one conversation's state (group
    lessons, pair mode): the engine gives it the events it `takes`, tells it who is forgotten,
    and passes on the timer's ticks. The feature list (bot/features.py) adds them."""

    def takes(self, event: Event) -> bool:
        return False

    async def handle(self, event: Event) -> list[Reply]:
        return []

    async def forget(self, user: str, fields: dict[str, str]) -> None:
        """`user` was erased (`fields`: their state before): links to them go too."""

    async def tick(self, platform: str) -> list[tuple[str, list[Reply]]]:
        """What moves on by itself on `platform` now: (chat, replies) for each."""
        return []


MAX_TRIES = 5
CLASS_LOOKUP_WITHIN = 2.0  # seconds
# A class code typed alone, looked up at any step: one word of letters with a digit or a
# hyphen in it ("LOP-1A", "XOM-RACH-GUA"), so answers and ward names typed are not.
TYPED_CODE = re.compile(r"^(?=[A-Z0-9_-]*[A-Z])(?=[A-Z0-9_-]*[0-9_-])[A-Z0-9_-]{3,32}$")
AWAY_DAYS = 2  # a learner back after this many days is told where they are


class Engine:
    def __init__(
        self,
        store: LearnerStore,
        curriculum: Curriculum,
        config: Config,
        clock: Callable[[], float] = time.time,
        routers: Sequence[Router] = (),
        classes: ClassLookup | None = None,
        class_times: ClassTimeLookup | None = None,
        reach: Mapping[str, Reach] | None = None,
    ) -> None:
        """`routers`: the features' (bot/features.py builds the engine with them); `classes`:
        finds a class's name and facilitator for a learner who joins it; `class_times`: a
        class's weekly time, the pace of members with no reminder time; `reach`: how learners
        find the tutor on each platform, by prefix. `sides` (added once built): features that
        run their own turns (group lessons, pair mode)."""
        self.classes = classes
        self.class_times = class_times
        self.routes: Routes = Routes(routers)
        self.reach = dict(reach or {})
        self.sides: list[Side] = []
        self.store = store
        self.curriculum = curriculum
        self.config = config
        self.clock = clock
        self.zone = ZoneInfo(config.timezone)

    async def tick(self, platform: str) -> list[tuple[str, list[Reply]]]:
        """What moves on by itself on `platform` (group lessons whose time is up): (chat,
        replies) for each."""
        return [chat for side in self.sides for chat in await side.tick(platform)]

    async def push(self, user: str, reason: str) -> list[Reply]:
        """Start a turn with no incoming message (a reminder): the feature that declared
        `reason` with `router.push` decides what to send; nothing for a paused learner."""
        return await self.handle(Event(user=user, kind="push", payload=reason))

    async def push_wave(self, pushes: Sequence[Push]) -> list[list[Reply] | None]:
        """Pushed turns for many learners at once (a wave of reminders), each decided as
        `push` would, on the state given with it (as the reminder claim just read it), and
        all saved together (`save_many`: one round trip per shard). A learner who wrote in
        between is decided again alone. For each: the replies, or None when storage could
        not be reached (nothing sent; the loop tries again later)."""
        decided: list[tuple[Push, Decided] | None] = []
        for push in pushes:
            event = Event(user=push.user, kind="push", payload=push.reason)
            fields, version = push.state
            try:
                learner = from_fields(push.user, fields)
                decided.append((push, await self._decide(event, learner, fields, version)))
            except Exception:  # noqa: BLE001  (logged by log_failure, without the learner's words)
                log_failure(log, "failed to decide", event)
                decided.append(None)  # as `handle` does: a pushed turn that fails says nothing
        saves = [d.save for _, d in filter(None, decided)]
        try:
            saved = iter(await self.store.save_many(saves))
        except StorageUnavailable as exc:
            log.error("state storage unavailable: %s", exc)
            return [None] * len(pushes)
        out: list[list[Reply] | None] = []
        for item in decided:
            if item is None:
                out.append([])
                continue
            push, d = item
            if next(saved):
                out.append(await self._saved(d))
                continue
            try:  # someone wrote since the claim read the state: this one alone, afresh
                out.append(await self.push(push.user, push.reason))
            except StorageUnavailable:
                out.append(None)
        return out

    async def handle(self, event: Event) -> list[Reply]:
        """Decide and store one learner action; never raises to the adapter. A pushed turn
        that fails says nothing (and raises StorageUnavailable, to be tried again)."""
        lang = "vi"
        pushed = event.kind == "push"
        try:
            for side in self.sides:
                if side.takes(event):
                    return await side.handle(event)
            event, class_info = await self._class_info(event)
            for _ in range(MAX_TRIES):
                fields, version = await self.store.load(event.user)
                learner = from_fields(event.user, fields)
                lang = learner.lang  # before the turn: for "oops" if it fails
                decided = await self._decide(event, learner, fields, version, class_info)
                # Saved even when unchanged: a store that loaded from a cache confirms there
                # that the state decided on is current (stores skip an empty write).
                s = decided.save
                if event.done is not None:  # kept with the done mark, to show again
                    event.done.replies = decided.turn.outcome.replies
                if await self.store.save(
                    s.key, s.version, s.old, s.new, s.events, due=s.due, done=event.done
                ):
                    return await self._saved(decided)
            log.warning("gave up after %d conflicting writes for %s", MAX_TRIES, event.user)
            return [] if pushed else [Reply(t(lang, "busy"))]
        except StorageUnavailable as exc:
            log.error("state storage unavailable: %s", exc)
            if pushed:
                raise  # nobody asked: the reminder loop tries again later
            return [Reply(t(lang, "busy"))]
        except Exception:  # noqa: BLE001  (logged by log_failure, without the learner's words)
            log_failure(log, "failed to handle", event)
            return [] if pushed else [Reply(t(lang, "oops"))]

    async def _decide(
        self,
        event: Event,
        learner: Learner,
        fields: dict[str, str],
        version: int,
        class_info: tuple[str, str] | None = None,
    ) -> Decided:
        """The turn for `event` on `learner`, read just now from the stored `fields` (kept as
        they are, to write only what changed), and the write it makes."""
        class_code = learner.class_code
        scheduled = self._schedule(learner)
        now = int(self.clock())
        today = datetime.fromtimestamp(now, self.zone).date().toordinal()
        turn = Turn(event, learner, self.curriculum, self.config, now, today, self.routes)
        turn.class_info = class_info
        turn.class_time = await self._class_time(class_code)
        turn.reach = self.reach.get(event.user.partition(":")[0], Reach())
        route(turn)
        if turn.learner.class_code != class_code:  # joined a class just now
            turn.class_time = await self._class_time(turn.learner.class_code)
        for hook in self.routes.erasings if turn.erase else self.routes.after_turns:
            hook.handler(turn)  # e.g. when the next reminder is due, after this turn
        new = None if turn.erase else to_fields(turn.learner)
        after = None if turn.erase else self._schedule(turn.learner)
        due = None if after == scheduled else REMOVE if after is None else after
        save = Save(event.user, version, fields, new, turn.outcome.events, due)
        return Decided(turn, save)

    async def _saved(self, decided: Decided) -> list[Reply]:
        """Once the turn's write is stored: its slow work, then its replies."""
        turn, old = decided.turn, decided.save.old
        replies = await _after_saving(turn)
        if turn.erase and old:
            await self._forgotten(turn.event.user, dict(old))
        return replies

    def _schedule(self, learner: Learner) -> float | None:
        """The learner's place in the store's schedule of pushed turns (a feature declares it
        with `router.schedule`): when the next is due, infinity for never, None for none."""
        score = (
            self.routes.schedule.handler(learner, self.config) if self.routes.schedule else None
        )
        return score if isinstance(score, float) else None

    async def _forgotten(self, user: str, fields: dict[str, str]) -> None:
        """An erased learner leaves their groups and pair links too."""
        for side in self.sides:
            await side.forget(user, fields)

    async def _class_time(self, code: str) -> tuple[int, int] | None:
        """The weekly time of class `code` (bot/groups/class_schedule.py), if it has one."""
        return await self.class_times(code) if self.class_times and code else None

    async def _class_info(self, event: Event) -> tuple[Event, tuple[str, str] | None]:
        """A class link (`/start CODE`): its name and facilitator, when they can be had
        quickly; the learner joins by the code alone otherwise. A registered code typed
        alone, at any step, counts as its link (Zalo's links cannot carry a code)."""
        code = event.text.strip().upper()
        typed = event.kind == "text" and not event.group and bool(TYPED_CODE.match(code))
        linked = event.command == "start" and 0 < len(code) <= 32
        if not self.classes or not (linked or typed):
            return event, None
        try:
            found = await asyncio.wait_for(self.classes(code), CLASS_LOOKUP_WITHIN)
        except Exception as exc:  # noqa: BLE001  (reports down or slow: joining still works)
            log.warning("class %s not looked up: %r", code, exc)
            return event, None
        if typed and found:
            event = replace(event, kind="command", command="start", text=code)
        return event, found


async def _after_saving(turn: Turn) -> list[Reply]:
    """Slow work once the state is stored (drawing a certificate), off the event loop. What is
    stored stays stored: if this fails, the learner gets the replies without their pictures
    and a short note, never "oops" for an answer that counted."""
    try:
        for work in turn.after:
            await asyncio.to_thread(work)
    except Exception:
        log.exception("work after saving failed for %s", turn.event.user)
        kept = [replace(r, media=None) if r.media else r for r in turn.outcome.replies]
        return [*kept, Reply(turn.t("after_failed"))]
    return turn.outcome.replies


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
    # Texts not understood in a row: counted so the next "not understood" says something else.
    turn.puzzled, learner.puzzled = learner.puzzled, 0
    if learner.paused and event.command != "stop":
        learner.paused = False
        turn.emit("resumed")
    if learner.consent_at and learner.seen != turn.today:
        away = turn.today - learner.seen if learner.seen else 0
        learner.seen = turn.today  # once a day: a small write, to greet whoever comes back
        if away >= AWAY_DAYS and event.command != "start" and "returning" in routes.pushes:
            routes.pushes["returning"].handler(turn)
    if event.kind == "command":
        found = routes.commands.get(event.command)
        return _run(turn, found) if found else _not_understood(turn)
    if event.kind == "button":
        tap = parse(event.payload)
        found = routes.buttons.get(type(tap)) if tap else None
        return _run(turn, found, tap) if found else _stale(turn)
    if event.kind == "text":
        return _on_text(turn, event.text)
    # A voice note, a photo, a sticker: a kind word, and the step again so nothing is lost.
    turn.say(turn.t("only_text"))
    turn.reshow()


def _run(turn: Turn, route: Route, *args: object) -> None:
    stage = turn.learner.stage
    if route.stages and stage not in route.stages:
        return _stale(turn)
    if not route.stages and not route.anywhere:
        if stage in st.ONBOARDING:
            return turn.reshow()  # the onboarding question comes first
        if stage in st.DETOURS:
            st.come_back(turn.learner)  # moving on ends the aside
    route.handler(turn, *args)


def _on_text(turn: Turn, text: str) -> None:
    """Typed text: the stage's own reading if it comes first (a typed answer), else the
    button on screen it names, a common word, the stage's reading, or "not understood"."""
    found = turn.routes.texts.get(turn.learner.stage)
    if found and found.first and found.handler(turn, text) is not False:
        return
    button = understand.match_button(text, understand.current_buttons(turn))
    tap = parse(button.payload) if button else None
    route = turn.routes.buttons.get(type(tap)) if tap else None
    if route:
        if button and turn.event.numbered and text.strip().isdecimal():
            # A line's number, where choices are numbered lines: that line was picked, as a
            # tap would pick it (the answer chosen is said back).
            turn.event = replace(turn.event, kind="button", text="", payload=button.payload)
        return _run(turn, route, tap)
    wish = understand.intent(text)
    if wish and turn.learner.stage not in st.ONBOARDING:
        return _on_intent(turn, wish)
    if found and not found.first and found.handler(turn, text) is not False:
        return
    if turn.learner.stage not in st.ONBOARDING:
        for typed in turn.routes.typings:
            if typed.handler(turn, text):
                return  # e.g. a time ("20h"), as the reminder question asks, on any screen
    _not_understood(turn)


def _on_intent(turn: Turn, wish: str) -> None:
    """A common word typed where no button means it."""
    learner = turn.learner
    if learner.stage in st.DETOURS:
        st.come_back(learner)
    if wish == "menu":
        turn.routes.commands["menu"].handler(turn)
        return
    if wish == "relearn" and learner.stage == Stage.LESSON:
        turn.routes.commands["restart"].handler(turn)
        return
    if wish in ("help", "next", "relearn", "hint"):  # (in a lesson the tutor reads "hint")
        turn.say(turn.t("hint_help" if wish == "hint" else f"hint_{wish}"))
    turn.reshow()


def _stale(turn: Turn) -> None:
    """A button from an older message: a short note, and what the learner is asked now
    (with buttons that work), so an old keyboard is never a dead end."""
    turn.notice("stale_button")
    turn.reshow()


def _not_understood(turn: Turn) -> None:
    if turn.learner.stage in st.ONBOARDING:
        return turn.reshow()
    turn.learner.puzzled = turn.puzzled + 1
    again = turn.puzzled % 2 == 1  # the two wordings take turns: never the same words twice
    turn.say(turn.t("not_understood_again" if again else "not_understood"))
    turn.reshow()  # the step again, with its buttons: never a dead end


def _new_learner(turn: Turn) -> None:
    """Someone new: only the consent buttons (privacy note shown) count; anything else greets."""
    tap = parse(turn.event.payload) if turn.event.kind == "button" else None
    found = turn.routes.buttons.get(type(tap)) if tap else None
    if found and Stage.NEW in found.stages:
        found.handler(turn, tap)
        return
    if turn.event.command == "forget" and turn.learner.consent_at:
        # Joined a group lesson (which is consent) but never wrote privately: /forget works.
        turn.routes.commands["forget"].handler(turn)
        return
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
