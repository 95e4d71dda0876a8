"""First contact: greeting, privacy consent, language, and an optional short profile."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot import learner as st
from bot import menu
from bot.areas import closest, matching
from bot.config import OTHER_AREA, Choice
from bot.events import Button
from bot.learner import Stage
from bot.lessons import normalize_answer
from bot.payloads import Payload
from bot.router import Router
from bot.turn import Turn

AREAS_PER_PAGE = 6
NAME_MAX = 32  # a display name is shown in the greeting only, and never stored
CLASS_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

router = Router("onboarding")


class Consent(Payload, prefix="c"):
    answer: str  # "yes", "no", or a language to read the privacy note in ("vi", "en")


class Language(Payload, prefix="lg"):
    lang: str


class Area(Payload, prefix="ar"):
    area: str  # a ward id, or "-" to skip


class AreaPage(Payload, prefix="pg"):
    page: int


class Age(Payload, prefix="ag"):
    band: str  # an age band id, or "-" to skip


@router.shows(Stage.NEW)
def first_contact(turn: Turn) -> None:
    """Anything from someone new: join the class of a `/start CODE` link, then greet."""
    join_class(turn, turn.event.text if turn.event.command == "start" else "")
    greet(turn)


@router.command("start", anywhere=True)
def on_start(turn: Turn) -> None:
    """/start again (or a class link): join the class, then pick up where the learner was."""
    learner = turn.learner
    join_class(turn, turn.event.text)
    if learner.stage in st.ONBOARDING:
        return turn.reshow()
    if learner.stage in st.DETOURS:
        st.come_back(learner)
    turn.say(turn.t("welcome_back"))
    menu.show_menu(turn)


def join_class(turn: Turn, code: str) -> None:
    """A deep link or `/start CODE` from a facilitator joins the learner to a class."""
    if code and CLASS_CODE.match(code):
        code = code.upper()  # a code typed by hand in any case is the same class
        turn.learner.class_code = code
        turn.say(turn.t("joined_class", code=code))
        report_profile(turn)  # the whole profile: reports keep the latest one


def greet(turn: Turn) -> None:
    """Welcome a new learner and ask for consent before keeping anything."""
    turn.learner.stage = st.CONSENT
    name = " ".join(turn.event.name.split())[:NAME_MAX]
    turn.say(turn.t("welcome_named", name=name) if name else turn.t("welcome"))
    ask_consent(turn)


@router.shows(Stage.CONSENT)
def ask_consent(turn: Turn) -> None:
    buttons = [turn.button("agree", Consent("yes")), turn.button("disagree", Consent("no"))]
    other = turn.button("switch_en", Consent("en")) if turn.lang == "vi" else None
    other = other or Button("🌐 Tiếng Việt", Consent("vi").pack())
    turn.say(turn.t("privacy"), buttons, [other])


@router.text(Stage.CONSENT)
def on_consent_text(turn: Turn, text: str) -> None:
    turn.say(turn.t("need_consent"))
    ask_consent(turn)


@router.button(Consent, stages={Stage.NEW, Stage.CONSENT})
def on_consent(turn: Turn, tap: Consent) -> None:
    learner, answer = turn.learner, tap.answer
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


@router.shows(Stage.LANG)
def ask_language(turn: Turn) -> None:
    turn.say(
        turn.t("choose_lang"),
        [
            Button("🇻🇳 Tiếng Việt", Language("vi").pack()),
            Button("🇬🇧 English", Language("en").pack()),
        ],
    )


@router.button(Language, stages={Stage.LANG})
def on_language(turn: Turn, tap: Language) -> None:
    turn.learner.lang = tap.lang if tap.lang in ("vi", "en") else "vi"
    _next(turn, ask_area)


@router.shows(Stage.AREA)
def reask_area(turn: Turn) -> None:
    ask_area(turn, turn.learner.area_page)


@router.button(AreaPage, stages={Stage.AREA})
def on_area_page(turn: Turn, tap: AreaPage) -> None:
    ask_area(turn, tap.page)


def ask_area(turn: Turn, page: int = 0) -> None:
    wards = turn.config.areas.wards
    if not wards:
        return ask_age(turn)
    turn.learner.stage = st.AREA
    turn.learner.area_page = page
    listed = [w for w in wards if w.id != OTHER_AREA.id]  # "Nơi khác" is on every page
    start = page * AREAS_PER_PAGE
    shown = listed[start : start + AREAS_PER_PAGE]
    rows = [[_choice_button(turn, Area, c)] for c in shown]
    if start + AREAS_PER_PAGE < len(listed):
        rows.append([turn.button("more_areas", AreaPage(page + 1))])
    turn.say(turn.t("choose_area"), *rows, _other_or_skip(turn))


@router.text(Stage.AREA)
def find_area(turn: Turn, typed: str) -> None:
    """A typed ward name (accents optional): pick it when only one ward matches, else offer the
    matches, or the names closest to it when it was typed with a slip."""
    if not normalize_answer(typed):
        return reask_area(turn)
    wards = turn.config.areas.wards
    found = matching(typed, wards)
    if len(found) == 1:
        return on_area(turn, Area(found[0].id))
    found = [w for w in found or closest(typed, wards) if w.id != OTHER_AREA.id]
    if not found:
        turn.say(turn.t("area_not_found"))
        return ask_area(turn, turn.learner.area_page)
    rows = [[_choice_button(turn, Area, c)] for c in found[:AREAS_PER_PAGE]]
    turn.say(turn.t("choose_area"), *rows, _other_or_skip(turn))


def _other_or_skip(turn: Turn) -> list[Button]:
    other = [w for w in turn.config.areas.wards if w.id == OTHER_AREA.id]
    return [*(_choice_button(turn, Area, w) for w in other), turn.button("skip", Area("-"))]


@router.button(Area, stages={Stage.AREA})
def on_area(turn: Turn, tap: Area) -> None:
    if tap.area != "-" and any(w.id == tap.area for w in turn.config.areas.wards):
        turn.learner.area = tap.area
    _next(turn, ask_age)


@router.shows(Stage.AGE)
def ask_age(turn: Turn) -> None:
    bands = turn.config.age_bands
    if not bands:
        return finish_profile(turn)
    turn.learner.stage = st.AGE
    buttons = [_choice_button(turn, Age, c) for c in bands]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    turn.say(turn.t("choose_age"), *rows, [turn.button("skip", Age("-"))])


@router.button(Age, stages={Stage.AGE})
def on_age(turn: Turn, tap: Age) -> None:
    if tap.band != "-" and any(b.id == tap.band for b in turn.config.age_bands):
        turn.learner.age = tap.band
    _next(turn, finish_profile)


@router.text(Stage.LANG, Stage.AGE)
def on_other_text(turn: Turn, text: str) -> None:
    turn.reshow()


def _next(turn: Turn, step: Callable[[Turn], None]) -> None:
    """The next onboarding step; back to the menu when changing one setting."""
    finish_setting(turn) if turn.learner.settings_only else step(turn)


def finish_profile(turn: Turn) -> None:
    report_profile(turn)
    turn.learner.stage = st.MENU
    turn.say(turn.t("profile_done"))
    menu.show_menu(turn)


def finish_setting(turn: Turn) -> None:
    report_profile(turn)
    st.come_back(turn.learner)
    turn.say(turn.t("saved"))
    menu.show_menu(turn)


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


def _choice_button(turn: Turn, kind: type[Area] | type[Age], choice: Choice) -> Button:
    return Button(choice.label(turn.lang), kind(choice.id).pack())
