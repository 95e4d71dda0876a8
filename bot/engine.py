"""The engine: an `Event` in, `Reply` objects out, learner state kept in storage.

Each event is decided on a fresh copy of the learner's state and written back atomically
(see storage/state.py). If another worker wrote first, the event is decided again on the
new state, so a double tap or two workers can never apply one step twice.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import certificate, menu, onboarding, review, tutor
from bot import learner as st
from bot.config import Config
from bot.events import Event, Reply
from bot.learner import copy, from_fields, to_fields
from bot.lessons import Curriculum, normalize_answer
from bot.payloads import unpack
from bot.store import LearnerStore, StorageUnavailable
from bot.texts import t
from bot.turn import Turn

log = logging.getLogger(__name__)

ONBOARDING = (st.CONSENT, st.LANG, st.AREA, st.AGE)
CLASS_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_TRIES = 5


class Engine:
    def __init__(
        self,
        store: LearnerStore,
        curriculum: Curriculum,
        config: Config,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.curriculum = curriculum
        self.config = config
        self.clock = clock
        self.zone = ZoneInfo(config.timezone)

    async def handle(self, event: Event) -> list[Reply]:
        """Decide and store one learner action; never raises to the adapter."""
        lang = "vi"
        try:
            for _ in range(MAX_TRIES):
                fields, version = await self.store.load(event.user)
                learner = from_fields(event.user, fields)
                lang = learner.lang
                now = int(self.clock())
                today = datetime.fromtimestamp(now, self.zone).date().toordinal()
                turn = Turn(event, copy(learner), self.curriculum, self.config, now, today)
                route(turn)
                new = None if turn.erase else to_fields(turn.learner)
                unchanged = new == fields and not turn.outcome.events
                if unchanged or await self.store.save(
                    event.user, version, fields, new, turn.outcome.events
                ):
                    for work in turn.after:
                        await asyncio.to_thread(work)
                    return turn.outcome.replies
            log.warning("gave up after %d conflicting writes for %s", MAX_TRIES, event.user)
            return [Reply(t(lang, "busy"))]
        except StorageUnavailable as exc:
            log.error("state storage unavailable: %s", exc)
            return [Reply(t(lang, "busy"))]
        except Exception:
            log.exception("failed to handle %r", event)
            return [Reply(t(lang, "oops"))]


def route(turn: Turn) -> None:
    event, learner = turn.event, turn.learner
    if event.kind == "blocked":
        return _blocked(turn)
    if event.group:
        if event.kind == "command" and event.command in ("start", "help"):
            turn.say(turn.t("group_hint"))
        return  # group lessons are not built yet; stay quiet in family chats
    if learner.inactive:
        learner.inactive = False
        turn.emit("active")
    if learner.stage == st.NEW:
        return _new_learner(turn)
    if learner.paused and event.command != "stop":
        learner.paused = False
        turn.emit("resumed")
    if event.kind == "command":
        _on_command(turn)
    elif event.kind == "button":
        _on_button(turn)
    elif event.kind == "text":
        _on_text(turn)
    else:
        turn.say(turn.t("only_text"))


def _blocked(turn: Turn) -> None:
    """Nothing more is sent to a learner who blocked us, until they write again."""
    learner = turn.learner
    if learner.consent_at and not learner.inactive:  # without consent nothing is reported
        learner.inactive = True
        turn.emit("inactive")


def _new_learner(turn: Turn) -> None:
    event = turn.event
    if event.kind == "button" and (parsed := unpack(event.payload)) and parsed[0] == "c":
        return onboarding.on_consent(turn, (parsed[1] or ["yes"])[0])
    _join_class(turn, event.text if event.command == "start" else "")
    onboarding.greet(turn)


def _join_class(turn: Turn, code: str) -> None:
    """A deep link or `/start CODE` from a facilitator joins the learner to a class."""
    if code and CLASS_CODE.match(code):
        code = code.upper()  # a code typed by hand in any case is the same class
        turn.learner.class_code = code
        turn.say(turn.t("joined_class", code=code))
        onboarding.report_profile(turn)  # the whole profile: reports keep the latest one


def _decline(turn: Turn) -> None:
    """/stop or /forget before consent: nothing of this learner is kept."""
    turn.erase = True
    turn.say(turn.t("declined"))


def _show_where(turn: Turn) -> None:
    """Show again what the learner was doing: an onboarding question, a lesson or the menu."""
    stage = turn.learner.stage
    if stage in ONBOARDING:
        _reask(turn)
    elif stage in (st.LESSON, st.REVIEW):
        tutor.resume(turn)
    else:
        menu.show_menu(turn)


def _on_forget(turn: Turn, answer: str) -> None:
    learner = turn.learner
    if learner.stage != st.FORGET:
        return turn.notice("stale_button")
    if answer == "yes":
        certificate.erase_image(turn)
        turn.erase = True
        turn.emit("forget")
        turn.say(turn.t("forgotten"))
        return
    st.come_back(learner)
    turn.say(turn.t("kept"))
    _show_where(turn)


def _reask(turn: Turn) -> None:
    """Ask again the question of the onboarding step the learner is on."""
    stage = turn.learner.stage
    if stage == st.CONSENT:
        onboarding.ask_consent(turn)
    elif stage == st.LANG:
        onboarding.ask_language(turn)
    elif stage == st.AREA:
        onboarding.ask_area(turn, turn.learner.area_page)
    elif stage == st.AGE:
        onboarding.ask_age(turn)


def _on_command(turn: Turn) -> None:
    command, learner = turn.event.command, turn.learner
    if command in ("stop", "forget") and not learner.consent_at:
        return _decline(turn)
    if command == "stop":
        return menu.pause(turn)
    if command == "forget":
        return menu.ask_forget(turn)
    if command == "help":
        return menu.show_help(turn)
    if command == "start" and turn.event.text:
        _join_class(turn, turn.event.text)
    if learner.stage in ONBOARDING:
        return _reask(turn)
    if learner.stage in st.DETOURS:
        st.come_back(learner)
    actions: dict[str, Callable[[Turn], None]] = {
        "start": _welcome_back,
        "menu": menu.show_menu,
        "continue": tutor.resume,
        "learn": tutor.resume,
        "progress": menu.show_progress,
        "review": _start_review,
        "settings": menu.show_settings,
        "certificate": certificate.show,
    }
    action = actions.get(command)
    if action:
        action(turn)
    else:
        turn.say(turn.t("not_understood"), *menu.menu_buttons(turn))


def _welcome_back(turn: Turn) -> None:
    turn.say(turn.t("welcome_back"))
    menu.show_menu(turn)


def _start_review(turn: Turn) -> None:
    if review.start(turn):
        tutor.show_step(turn)
    else:
        turn.say(turn.t("review_none"))
        menu.show_menu(turn)


def _on_button(turn: Turn) -> None:
    learner = turn.learner
    parsed = unpack(turn.event.payload)
    if parsed is None:
        return turn.notice("stale_button")
    verb, args = parsed
    arg = args[0] if args else ""
    onboarding_verbs = {"c": st.CONSENT, "lg": st.LANG, "ar": st.AREA, "pg": st.AREA, "ag": st.AGE}
    if verb in onboarding_verbs:
        if learner.stage != onboarding_verbs[verb]:
            return turn.notice("stale_button")
        if verb == "c":
            return onboarding.on_consent(turn, arg)
        if verb == "lg":
            return onboarding.on_language(turn, arg)
        if verb == "ar":
            return onboarding.on_area(turn, arg)
        if verb == "pg":
            return onboarding.ask_area(turn, int(arg) if arg.isdecimal() else 0)
        return onboarding.on_age(turn, arg)
    if learner.stage in ONBOARDING:
        return _reask(turn)
    if verb == "f":
        return _on_forget(turn, arg)
    if verb == "cn":
        return certificate.on_button(turn, arg)
    if learner.stage in st.DETOURS:
        st.come_back(learner)
    if verb == "n" and len(args) == 2:
        return tutor.on_next(turn, *args)
    if verb == "a" and len(args) == 3:
        return tutor.on_button_answer(turn, *args)
    if verb == "m":
        return _on_menu(turn, arg)
    if verb == "mod":
        return menu.show_module(turn, arg)
    if verb == "les":
        lesson = turn.curriculum.lesson(arg)
        return tutor.start_lesson(turn, lesson) if lesson else menu.show_modules(turn)
    if verb == "s":
        return _on_setting(turn, arg)
    turn.notice("stale_button")


def _on_menu(turn: Turn, action: str) -> None:
    actions: dict[str, Callable[[Turn], None]] = {
        "go": tutor.resume,
        "mods": menu.show_modules,
        "prog": menu.show_progress,
        "rev": _start_review,
        "set": menu.show_settings,
        "help": menu.show_help,
        "menu": menu.show_menu,
        "cert": certificate.show,
    }
    actions.get(action, lambda turn: turn.notice("stale_button"))(turn)


def _on_setting(turn: Turn, which: str) -> None:
    """Change one profile setting: a detour through that onboarding question."""
    if which == "forget":
        return menu.ask_forget(turn)
    asks: dict[str, tuple[str, Callable[[Turn], None]]] = {
        "lang": (st.LANG, onboarding.ask_language),
        "area": (st.AREA, onboarding.ask_area),
        "age": (st.AGE, onboarding.ask_age),
    }
    if which not in asks:
        return turn.notice("stale_button")
    stage, ask = asks[which]
    st.detour(turn.learner, stage)
    turn.learner.settings_only = True
    ask(turn)


def _on_text(turn: Turn) -> None:
    learner, text = turn.learner, turn.event.text
    if learner.stage == st.AREA and normalize_answer(text):
        return onboarding.find_area(turn, text)
    if learner.stage == st.CONSENT:
        turn.say(turn.t("need_consent"))
    if learner.stage in ONBOARDING:
        return _reask(turn)
    if learner.stage == st.FORGET:
        return menu.ask_forget(turn)
    if learner.stage == st.CERT:
        return certificate.on_text(turn, text)
    if learner.stage in (st.LESSON, st.REVIEW):
        return tutor.on_text(turn, text)
    turn.say(turn.t("not_understood"), *menu.menu_buttons(turn))
