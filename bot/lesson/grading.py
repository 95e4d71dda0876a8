"""Checking a typed answer: what the author accepts, give or take case, accents, spaces and
a small typo."""

from __future__ import annotations

from rapidfuzz.distance import OSA

from bot.content.lessons import fold


def typos_allowed(answer: str) -> int:
    """Letters that may be wrong in a typed answer of this length: none in a short word or a
    number (12 is not 13), then about one in seven."""
    letters = len(answer.replace(" ", ""))
    if letters < 4 or answer.replace(" ", "").isdigit():
        return 0
    return max(1, letters // 7)


def is_accepted(typed: str, answers: list[str]) -> bool:
    """A typed answer matches one the author accepts: case, accents, punctuation and spaces
    do not matter, and a small typo (a letter wrong, missing, extra or two swapped) is forgiven."""
    said = fold(typed)
    if not said:
        return False
    for answer in answers:
        wanted = fold(answer)
        if said == wanted or said.replace(" ", "") == wanted.replace(" ", ""):
            return True
        limit = typos_allowed(wanted)
        if limit and OSA.distance(said, wanted, score_cutoff=limit) <= limit:
            return True
    return False
