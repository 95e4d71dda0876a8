"""Reading what a learner typed: the words or number of a button on screen, or a common word.

Older learners often type what a button says ("đồng ý", "tieng viet", "du lieu di dong")
instead of tapping it, or a word like "tiếp", "menu", "alo". The buttons on screen are found
again by showing the learner's current step on a scratch copy of the turn (nothing is
stored), and typed text is compared with their labels ignoring case, accents, emoji and
punctuation.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from rapidfuzz import fuzz, process

from bot.content.lessons import fold
from bot.events import Button, Outcome
from bot.learner import copy
from bot.texts import TEXTS, WORDS
from bot.turn import Turn

# Common words, whatever the screen: what the learner wants (see engine `_on_intent`).
INTENTS: dict[str, tuple[str, ...]] = {
    "menu": ("menu", "ve menu", "trang chinh", "quay lai", "tro lai", "back", "home", "thoat"),
    "again": ("alo", "a lo", "?", "??", "ha", "gi", "hello", "hi", "chao", "xin chao", "oi"),
    "help": ("help", "giup", "giup toi", "tro giup", "huong dan", "lam sao", "khong hieu"),
    "relearn": ("hoc lai", "lam lai", "hoc lai tu dau", "again", "restart"),
    "next": ("tiep", "tiep tuc", "hoc tiep", "next", "continue", "ok", "roi", "xong"),
    "hint": ("goi y", "goi y them", "hint", "another hint", "give me a hint", "meo"),
}
_NUMBER = re.compile(r"^(?:so|cau|nut|chon|number|no)?\s*(\d{1,2})$")
FUZZY_MIN = 85  # rapidfuzz ratio (0-100) for a typo to still pick a button


@functools.cache
def _words_by_label() -> dict[str, frozenset[str]]:
    """Each translated label of a keyed text (a button), with the words that also mean it.
    Read once, at the first typed text: by then every feature has put its texts in."""
    table: dict[str, set[str]] = {}
    for key, words in WORDS.items():
        for text in TEXTS[key].values():
            text = re.sub(r"\{\w+\}", "", text)  # "Ôn tập ({n})": the words, not the count
            table.setdefault(fold(text), set()).update(fold(w) for w in (*words, text))
    return {label: frozenset(words) for label, words in table.items()}


def intent(text: str) -> str | None:
    said = fold(text) or text.strip()
    found = next((name for name, words in INTENTS.items() if said in words), None)
    if found is None and " goi y " in f" {said} ":
        return "hint"  # "cho mình gợi ý đi": asking for a hint in words of one's own
    return found


def current_buttons(turn: Turn) -> list[Button]:
    """The buttons the learner has on screen now: the current step shown on a scratch copy
    of the turn, so nothing it does is kept."""
    scratch = dataclasses.replace(turn, learner=copy(turn.learner), outcome=Outcome(), after=[])
    scratch.reshow()
    return [b for r in scratch.outcome.replies for row in r.buttons for b in row]


def match_button(text: str, buttons: list[Button]) -> Button | None:
    """The one button `text` clearly means: its number, its label, a word that means it, a
    clear part of its label, or its label with a typo. None when unsure."""
    said = fold(text)
    if not said or not buttons:
        return None
    labels = [fold(b.label) for b in buttons]
    number = _NUMBER.match(said)
    if number and 1 <= int(number.group(1)) <= len(buttons) and said not in labels:
        return buttons[int(number.group(1)) - 1]
    for test in (_same, _synonym, _part_of_label, _label_inside):
        found = [b for b, label in zip(buttons, labels, strict=True) if test(said, label)]
        if len({b.payload for b in found}) == 1:
            return found[0]
        if found:
            return None  # several buttons fit: better to ask again than to guess
    best = process.extractOne(said, labels, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
    if best and sum(fuzz.ratio(said, label) >= FUZZY_MIN for label in labels) == 1:
        return buttons[best[2]]
    return None


def _same(said: str, label: str) -> bool:
    return said == label


def _synonym(said: str, label: str) -> bool:
    words = _words_by_label()
    return said in words.get(label, ()) or said in words.get(_no_count(label), ())


def _part_of_label(said: str, label: str) -> bool:
    """ "du lieu di dong" for "Dữ liệu di động (4G)": at least half of the label's letters."""
    letters = len(label.replace(" ", ""))
    return f" {said} " in f" {label} " and len(said.replace(" ", "")) * 2 >= letters


def _label_inside(said: str, label: str) -> bool:
    """ "toi chon ch play" for "CH Play": the whole label, inside a longer sentence."""
    return len(label) >= 3 and f" {label} " in f" {said} "


def _no_count(label: str) -> str:
    """ "on tap 3" -> "on tap": a label with a number filled in still has its words."""
    return re.sub(r"\s*\d+$", "", label)


# A time as people type it: "20:15", "20h", "8 giờ tối", "7 gio ruoi sang", "8pm" (folded:
# no accents). "rưỡi" is half past; a part of the day moves an hour before noon after it.
_SPOKEN = re.compile(
    r"(\d{1,2})\s*(h|g|gio)?\s*(\d{1,2}|ruoi)?\s*(?:phut)?\s*"
    r"(sang|trua|chieu|toi|am|pm)?"
)
_AFTERNOON = {"chieu", "toi", "pm"}


def spoken_time(text: str, bare: bool = True) -> int | None:
    """Minutes after midnight of a typed time, or None. `bare`: a number alone ("20") counts;
    not where a bare number may mean something else (a line of the menu)."""
    # (folding drops punctuation: "19:30" and "7.30" are read as "19h30", "7h30")
    found = _SPOKEN.fullmatch(fold(text.replace(":", "h").replace(".", "h")))
    if not found:
        return None
    hour, mark, minutes, part = found.groups()
    if not (bare or mark or part):
        return None
    hour, minute = int(hour), 30 if minutes == "ruoi" else int(minutes or 0)
    if part in _AFTERNOON and hour < 12 or part == "trua" and hour < 6:
        hour += 12
    elif part in ("sang", "am") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return hour * 60 + minute
