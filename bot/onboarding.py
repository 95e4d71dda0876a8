"""First contact: greeting, privacy consent, language, and an optional short profile."""

from __future__ import annotations

from collections.abc import Callable

from bot import learner as st
from bot.areas import closest, matching
from bot.config import OTHER_AREA, Choice
from bot.events import Button
from bot.menu import show_menu
from bot.payloads import pack
from bot.turn import Turn

AREAS_PER_PAGE = 6
NAME_MAX = 32  # a display name is shown in the greeting only, and never stored


def greet(turn: Turn) -> None:
    """Welcome a new learner and ask for consent before keeping anything."""
    turn.learner.stage = st.CONSENT
    name = " ".join(turn.event.name.split())[:NAME_MAX]
    turn.say(turn.t("welcome_named", name=name) if name else turn.t("welcome"))
    ask_consent(turn)


def ask_consent(turn: Turn) -> None:
    buttons = [turn.button("agree", "c", "yes"), turn.button("disagree", "c", "no")]
    other = turn.button("switch_en", "c", "en") if turn.lang == "vi" else None
    other = other or Button("🌐 Tiếng Việt", pack("c", "vi"))
    turn.say(turn.t("privacy"), buttons, [other])


def on_consent(turn: Turn, answer: str) -> None:
    learner = turn.learner
    if answer in ("vi", "en"):
        learner.lang = answer
        ask_consent(turn)
    elif answer == "no":
        turn.erase = True  # nothing of a learner who said no is kept
        turn.say(turn.t("declined"))
    else:
        learner.consent_at = learner.consent_at or turn.now
        learner.stage = st.LANG
        ask_language(turn)


def ask_language(turn: Turn) -> None:
    turn.say(
        turn.t("choose_lang"),
        [Button("🇻🇳 Tiếng Việt", pack("lg", "vi")), Button("🇬🇧 English", pack("lg", "en"))],
    )


def on_language(turn: Turn, lang: str) -> None:
    turn.learner.lang = lang if lang in ("vi", "en") else "vi"
    _next(turn, ask_area)


def ask_area(turn: Turn, page: int = 0) -> None:
    wards = turn.config.areas.wards
    if not wards:
        return ask_age(turn)
    turn.learner.stage = st.AREA
    turn.learner.area_page = page
    listed = [w for w in wards if w.id != OTHER_AREA.id]  # "Nơi khác" is on every page
    start = page * AREAS_PER_PAGE
    shown = listed[start : start + AREAS_PER_PAGE]
    rows = [[_choice_button(turn, "ar", c)] for c in shown]
    if start + AREAS_PER_PAGE < len(listed):
        rows.append([turn.button("more_areas", "pg", page + 1)])
    turn.say(turn.t("choose_area"), *rows, _other_or_skip(turn))


def find_area(turn: Turn, typed: str) -> None:
    """A typed ward name (accents optional): pick it when only one ward matches, else offer the
    matches, or the names closest to it when it was typed with a slip."""
    wards = turn.config.areas.wards
    found = matching(typed, wards)
    if len(found) == 1:
        return on_area(turn, found[0].id)
    found = [w for w in found or closest(typed, wards) if w.id != OTHER_AREA.id]
    if not found:
        turn.say(turn.t("area_not_found"))
        return ask_area(turn, turn.learner.area_page)
    rows = [[_choice_button(turn, "ar", c)] for c in found[:AREAS_PER_PAGE]]
    turn.say(turn.t("choose_area"), *rows, _other_or_skip(turn))


def _other_or_skip(turn: Turn) -> list[Button]:
    other = [w for w in turn.config.areas.wards if w.id == OTHER_AREA.id]
    return [*(_choice_button(turn, "ar", w) for w in other), turn.button("skip", "ar", "-")]


def on_area(turn: Turn, area_id: str) -> None:
    if area_id != "-" and any(w.id == area_id for w in turn.config.areas.wards):
        turn.learner.area = area_id
    _next(turn, ask_age)


def ask_age(turn: Turn) -> None:
    bands = turn.config.age_bands
    if not bands:
        return finish_profile(turn)
    turn.learner.stage = st.AGE
    buttons = [_choice_button(turn, "ag", c) for c in bands]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    turn.say(turn.t("choose_age"), *rows, [turn.button("skip", "ag", "-")])


def on_age(turn: Turn, band: str) -> None:
    if band != "-" and any(b.id == band for b in turn.config.age_bands):
        turn.learner.age = band
    _next(turn, finish_profile)


def _next(turn: Turn, step: Callable[[Turn], None]) -> None:
    """The next onboarding step; back to the menu when changing one setting."""
    finish_setting(turn) if turn.learner.settings_only else step(turn)


def finish_profile(turn: Turn) -> None:
    report_profile(turn)
    turn.learner.stage = st.MENU
    turn.say(turn.t("profile_done"))
    show_menu(turn)


def finish_setting(turn: Turn) -> None:
    report_profile(turn)
    st.come_back(turn.learner)
    turn.say(turn.t("saved"))
    show_menu(turn)


def report_profile(turn: Turn) -> None:
    learner = turn.learner
    turn.emit(
        "learner",
        consent_at=learner.consent_at,
        lang=learner.lang,
        area=learner.area,
        age=learner.age,
        class_code=learner.class_code,
    )


def _choice_button(turn: Turn, verb: str, choice: Choice) -> Button:
    return Button(choice.label(turn.lang), pack(verb, choice.id))
