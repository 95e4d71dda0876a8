"""`hocso demo-data`'s made-up campaign follows the course's own rules, so a demo shows
what a real campaign would."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.content.lessons import SingleChoice, load_curriculum
from web.demo import COLUMNS, Plan, generate

ROOT = Path(__file__).resolve().parents[2]
END = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def campaign() -> dict[str, list[dict]]:
    curriculum = load_curriculum(ROOT / "lessons")
    wards = ["ninh-kieu", "cai-khe", "khac"]
    plan = Plan(learners=2000, weeks=6, seed=5, end=END)
    rows: dict[str, list[dict]] = {t: [] for t in COLUMNS}
    for batch in generate(curriculum, wards, ["15-24", "60"], plan):
        for table, values in batch.tables.items():
            rows[table] += [dict(zip(COLUMNS[table], v, strict=True)) for v in values]
    return rows


def test_a_lifelike_funnel(campaign):
    learners = len(campaign["learners"])
    started_a_lesson = len({c["learner_id"] for c in campaign["completions"]})
    certified = len(campaign["certificates"])
    assert learners == 2000
    assert 0.8 * learners < started_a_lesson < learners  # most try a lesson, not all
    assert 0.01 * learners < certified < 0.4 * learners  # some finish the course
    assert len({c["code"] for c in campaign["certificates"]}) == certified
    # More learners start late in the campaign than early, as word spreads.
    weeks = Counter((END - r["started_at"]).days // 7 for r in campaign["learners"])
    assert weeks[0] > weeks[5]


def test_nothing_happens_after_the_end_and_each_lesson_is_first_passed_once(campaign):
    times = [r["answered_at"] for r in campaign["responses"]]
    times += [r["finished_at"] for r in campaign["completions"]]
    times += [r["issued_at"] for r in campaign["certificates"]]
    assert max(times) < END
    firsts = Counter(
        (c["learner_id"], c["lesson"]) for c in campaign["completions"] if c["first_pass"]
    )
    assert set(firsts.values()) == {1}
    assert all(c["passed"] for c in campaign["completions"] if c["first_pass"])


def test_wrong_answers_favour_a_tempting_option(campaign):
    curriculum = load_curriculum(ROOT / "lessons")
    lesson, question = max(
        ((lesson, q) for lesson in curriculum.lessons for q in lesson.questions
         if isinstance(q, SingleChoice)),
        key=lambda pair: len(pair[1].options),
    )  # fmt: skip
    assert len(question.options) >= 3
    picked = Counter(
        r["choice"]
        for r in campaign["responses"]
        if (r["lesson"], r["question"]) == (lesson.id, question.id) and not r["correct"]
    )
    # Teachers learn most from the one wrong answer many pick; uniform picks would not show it.
    assert max(picked.values()) > 0.6 * sum(picked.values())


def test_classes_are_in_the_wards(campaign):
    wards = {c["code"]: c["area"] for c in campaign["classes"]}
    assert "khac" not in wards.values()  # "somewhere else" has no classes
    for learner in campaign["learners"]:
        if learner["class_code"]:
            assert wards[learner["class_code"]] == learner["area"]
