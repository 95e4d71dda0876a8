"""The official wards and communes of a province, and finding one from a few typed letters.

The list comes from the package vietnam-provinces, which carries the statistics office's names
and codes after the July 2025 reorganisation (34 provinces; Cần Thơ is code 92, with 103 wards
and communes). A deployment names its province in config.yaml by code or by name; reports keep
each ward by its official code, written with five digits as the office writes it ("31135").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Protocol, TypeVar

from vietnam_provinces import Province, Ward

from bot.content.lessons import normalize_answer

# Words in front of a name that say what kind of place it is; typed names often leave them out.
_KINDS = re.compile(r"^(thanh pho|tinh|phuong|xa|dac khu|thi tran)\s+")
CLOSE_ENOUGH = 0.7  # similarity (0-1) for a typed name with a typo to still be offered


class Named(Protocol):
    @property
    def vi(self) -> str: ...

    @property
    def en(self) -> str | None: ...


T = TypeVar("T", bound=Named)


def _bare(name: str) -> str:
    """A name as people type it: no accents, no case, no "Phường"/"Xã"/"Thành phố" in front."""
    return _KINDS.sub("", normalize_answer(name))


def official_wards(province: str | int) -> tuple[str, list[tuple[str, str]]]:
    """(the province's official name, [(ward code, ward name), ...] in the office's order).

    `province` is a code (92, "92") or a name, accents and "Tỉnh"/"Thành phố" optional."""
    found = _province(province)
    wards = [
        (f"{int(w.code):05d}", " ".join(w.name.split()))  # the data has a few double spaces
        for w in Ward.iter_by_province(found.code)
    ]
    return found.name, wards


def _province(wanted: str | int) -> Province:
    text = str(wanted).strip()
    provinces = list(Province.iter_all())
    if text.isdecimal():
        match = [p for p in provinces if int(p.code) == int(text)]
    else:
        match = [p for p in provinces if _bare(p.name) == _bare(text)]
    if len(match) != 1:
        raise ValueError(
            f"no province {text!r} in the official list: "
            "give its code or its name, e.g. 92 or Cần Thơ"
        )
    return match[0]


def matching(typed: str, choices: Sequence[T]) -> list[T]:
    """The choices whose name contains what was typed (accents and case ignored), best first:
    a name that starts with it, then one with a word that starts with it, then the rest."""
    wanted = _bare(typed)
    if not wanted:
        return []

    def rank(choice: T) -> int | None:
        names = [n for n in (choice.vi, choice.en) if n]
        if any(_bare(n) == wanted for n in names):
            return 0
        if any(_bare(n).startswith(wanted) for n in names):
            return 1
        if any(f" {wanted}" in f" {_bare(n)}" for n in names):
            return 2
        if any(wanted in _bare(n) or wanted in normalize_answer(n) for n in names):
            return 3
        return None

    ranked = [(r, i) for i, c in enumerate(choices) if (r := rank(c)) is not None]
    return [choices[i] for _, i in sorted(ranked)]


def closest(typed: str, choices: Sequence[T], limit: int = 6) -> list[T]:
    """For a name typed with a slip ("ninh kiu"): the choices that look most like it."""
    wanted = _bare(typed)
    if not wanted:
        return []
    scored = []
    for i, choice in enumerate(choices):
        score = max(
            difflib.SequenceMatcher(None, wanted, _bare(name)).ratio()
            for name in (choice.vi, choice.en)
            if name
        )
        if score >= CLOSE_ENOUGH:
            scored.append((-score, i))
    return [choices[i] for _, i in sorted(scored)[:limit]]
