"""First contact: greeting and privacy consent, then straight into the first lesson.

The language comes from the learner's app (changeable in the settings, or on the consent
screen); ward and age are asked once, after the first lesson, as an optional step that helps
the learner's ward be counted."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot import learner as st
from bot.config import OTHER_AREA, Choice
from bot.content.areas import closest, matching
from bot.content.lessons import normalize_answer
from bot.events import Button
from bot.learner import Stage
from bot.onboarding import texts  # noqa: F401  (registers the texts)
from bot.payloads import Payload
from bot.router import Router, Screen
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
        return greet(turn)  # a fresh start: the privacy note in full again
    if learner.stage in st.DETOURS:
        st.come_back(learner)
    turn.show(Screen.WELCOME_BACK)
    turn.show(Screen.MENU)


def join_class(turn: Turn, code: str) -> None:
    """A deep link or `/start CODE` from a facilitator joins the learner to a class."""
    if code and CLASS_CODE.match(code):
        code = code.upper()  # a code typed by hand in any case is the same class
        turn.learner.class_code = code
        if turn.class_info:
            name, facilitator = turn.class_info
            turn.say(turn.t("joined_named_class", name=name, code=code))
            if facilitator:
                turn.say(turn.t("class_facilitator", name=facilitator))
        else:
            turn.say(turn.t("joined_class", code=code))
        report_profile(turn)  # the whole profile: reports keep the latest one


def greet(turn: Turn) -> None:
    """Welcome a new learner and ask for consent before keeping anything."""
    learner = turn.learner
    if learner.stage == st.NEW and turn.event.lang:
        learner.lang = app_language(turn.event.lang)
    learner.stage = st.CONSENT
    name = " ".join(turn.event.name.split())[:NAME_MAX]
    turn.say(turn.t("welcome_named", name=name) if name else turn.t("welcome"))
    ask_consent(turn)


def app_language(code: str) -> str:
    """Our language for the one the learner's chat app is set to (an IETF tag)."""
    return "en" if code.lower().startswith("en") else "vi"


def ask_consent(turn: Turn) -> None:
    """The privacy note in full, with the consent buttons."""
    turn.say(turn.t("privacy"), *consent_buttons(turn))


@router.shows(Stage.CONSENT)
def remind_consent(turn: Turn) -> None:
    """Asked again (words not understood, an old button): one short line, not the whole note."""
    turn.say(turn.t("need_consent"), *consent_buttons(turn))


def consent_buttons(turn: Turn) -> list[list[Button]]:
    buttons = [turn.button("agree", Consent("yes")), turn.button("disagree", Consent("no"))]
    other = turn.button("switch_en", Consent("en"))
    if turn.lang == "en":
        other = turn.button("switch_vi", Consent("vi"))
    return [buttons, [other]]


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
        report_profile(turn)
        turn.say(turn.t("lets_start"))
        turn.show(Screen.LESSON)  # the first lesson, at once


@router.shows(Stage.LANG)
def ask_language(turn: Turn) -> None:
    turn.say(
        turn.t("choose_lang"),
        [turn.button("lang_vi", Language("vi")), turn.button("lang_en", Language("en"))],
    )


@router.button(Language, stages={Stage.LANG})
def on_language(turn: Turn, tap: Language) -> None:
    turn.learner.lang = tap.lang if tap.lang in ("vi", "en") else "vi"
    finish_setting(turn)


@router.after_lesson(rank=20)
def offer_profile(turn: Turn, passed: bool) -> bool:
    """After the first lesson, once: ward and age, to help the learner's ward count."""
    learner = turn.learner
    if learner.asked or learner.area or learner.age:
        return False
    if not turn.config.areas.wards and not turn.config.age_bands:
        return False
    learner.asked = True
    turn.say(turn.t("profile_why"))
    ask_area(turn)
    return True


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
    if not found:  # a typo, or a name from before the wards merged: the closest ones
        found = [w for w in closest(typed, wards) if w.id != OTHER_AREA.id]
        turn.say(turn.t("area_closest" if found else "area_not_found"))
        if not found:
            return ask_area(turn, turn.learner.area_page)
    found = [w for w in found if w.id != OTHER_AREA.id]
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


@router.text(Stage.AGE)
def on_age_text(turn: Turn, text: str) -> bool:
    """ "65", "65 tuổi", "tôi 65 tuổi": the band that age falls in."""
    years = [int(n) for n in re.findall(r"\d+", text) if 5 <= int(n) <= 120]
    band = next((b for b in turn.config.age_bands if years and _in_band(years[0], b.id)), None)
    if band is None:
        return False
    on_age(turn, Age(band.id))
    return True


def _in_band(years: int, band: str) -> bool:
    """Band ids are "15-24" (from 15 to 24) or "60" (60 and over)."""
    low, _, high = band.partition("-")
    if not low.isdigit() or (high and not high.isdigit()):
        return False
    return int(low) <= years <= (int(high) if high else 200)


def _next(turn: Turn, step: Callable[[Turn], None]) -> None:
    """The next onboarding step; back to the menu when changing one setting."""
    finish_setting(turn) if turn.learner.settings_only else step(turn)


def finish_profile(turn: Turn) -> None:
    report_profile(turn)
    st.come_back(turn.learner)
    turn.say(turn.t("profile_done"))
    turn.show(Screen.AFTER_LESSON)


def finish_setting(turn: Turn) -> None:
    report_profile(turn)
    st.come_back(turn.learner)
    turn.say(turn.t("saved"))
    turn.show(Screen.MENU)


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
