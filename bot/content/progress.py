"""How far a learner has come through the course: what the certificate asks for."""

from __future__ import annotations

from collections.abc import Collection

from bot.content.lessons import Curriculum


def core_progress(curriculum: Curriculum, done: Collection[str]) -> tuple[int, int]:
    """(core modules finished, core modules): the certificate needs them all."""
    core = [m for m in curriculum.modules if m.info.core]
    finished = set(done)
    return sum(all(x.id in finished for x in m.lessons) for m in core), len(core)


def certificate_earned(curriculum: Curriculum, done: Collection[str]) -> bool:
    """Every core module done: the certificate is the learner's to take."""
    finished, total = core_progress(curriculum, done)
    return total > 0 and finished == total
