"""Lesson files: every kind of mistake an author can make gets file, field, what and fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.content.lessons import LessonError, load_curriculum, normalize_answer
from hocso.cli import main

GOOD = {
    "id": "l1",
    "version": 1,
    "order": 1,
    "title": "Bài",
    "objectives": ["Mục tiêu"],
    "minutes": 3,
    "steps": [
        {"type": "card", "text": "Thẻ"},
        {
            "type": "single",
            "id": "q1",
            "prompt": "Hỏi?",
            "explanation": "Vì",
            "options": [{"text": "A", "correct": True}, {"text": "B"}],
        },
    ],
}


def write_course(root: Path, lessons: dict[str, object], module: object = None) -> Path:
    folder = root / "m"
    folder.mkdir(parents=True)
    module = module if module is not None else {"id": "m", "order": 1, "title": "Mô-đun"}
    (folder / "module.yaml").write_text(yaml.safe_dump(module, allow_unicode=True))
    for name, content in lessons.items():
        text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
        (folder / name).write_text(text, encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(LessonError) as caught:
        load_curriculum(root)
    return [str(p) for p in caught.value.problems]


def changed(**fields: object) -> dict[str, object]:
    return {**GOOD, **fields}


def question(**fields: object) -> dict[str, object]:
    return {**GOOD["steps"][1], **fields}  # type: ignore[dict-item]


def test_a_good_lesson_loads(tmp_path):
    course = load_curriculum(write_course(tmp_path, {"a.yaml": GOOD}))
    assert [lesson.id for lesson in course.lessons] == ["l1"]


@pytest.mark.parametrize(
    ("lesson", "field", "words"),
    [
        ({k: v for k, v in GOOD.items() if k != "minutes"}, "minutes", "add this field"),
        (changed(colour="red"), "colour", "remove this field or check its spelling"),
        (changed(id="Bài 1"), "id", "lower-case letters"),
        (changed(version="one"), "version", "whole number"),
        (changed(title="x" * 81), "title.vi", "has 81 characters; at most 80"),
        (changed(title={"en": "Only English"}), "title.vi", "add this field"),
        (changed(steps=[{"type": "card", "text": "  "}]), "steps[0].text.vi", "empty"),
        (changed(steps=[{"type": "card", "text": "x" * 901}]), "steps[0].text.vi", "at most 900"),
        (changed(steps=[{"type": "quiz"}]), "steps[0]", "use one of: card, single"),
        (changed(steps=[{"text": "no type"}]), "steps[0]", "add `type:`"),
        (changed(steps=[{"type": "card", "text": "x"}]), "steps", "add at least one question"),
        (
            changed(steps=[question(options=[{"text": "A", "correct": True}])]),
            "steps[0].options",
            "add more items",
        ),
        (
            changed(steps=[question(options=[{"text": str(i)} for i in range(7)])]),
            "steps[0].options",
            "remove some items",
        ),
        (
            changed(steps=[question(options=[{"text": "A"}, {"text": "B"}])]),
            "steps[0].options",
            "mark the right option `correct: true`",
        ),
        (
            changed(
                steps=[question(options=[{"text": "x" * 61, "correct": True}, {"text": "B"}])]
            ),
            "steps[0].options[0].text.vi",
            "at most 60",
        ),
        (changed(steps=[question(), question()]), "steps", "give each question its own id"),
        (
            changed(steps=[{"type": "truefalse", "id": "t", "prompt": "?", "explanation": "e"}]),
            "steps[0].answer",
            "add this field",
        ),
        (
            changed(steps=[{"type": "typed", "id": "t", "prompt": "?", "explanation": "e"}]),
            "steps[0].accept",
            "add this field",
        ),
        (changed(steps=[question(explanation=None)]), "steps[0].explanation", ""),
        (
            changed(steps=[{"type": "card", "text": "x", "image": "nope.png"}, question()]),
            "steps[0].image",
            "not found",
        ),
    ],
)
def test_each_mistake_names_file_field_and_fix(tmp_path, lesson, field, words):
    found = problems(write_course(tmp_path, {"bai-1.yaml": lesson}))
    assert len(found) >= 1
    line = next((p for p in found if f": {field}: " in p), None)
    assert line, f"no problem for field {field!r} in {found}"
    assert line.startswith(str(tmp_path / "m" / "bai-1.yaml"))
    assert words in line and "Fix: " in line


def test_broken_yaml_names_the_line(tmp_path):
    found = problems(write_course(tmp_path, {"a.yaml": "id: l1\ntitle: Hỏi: sao?\n  x: [\n"}))
    assert len(found) == 1 and "a.yaml: line" in found[0] and "not valid YAML" in found[0]


def test_a_list_instead_of_a_lesson(tmp_path):
    found = problems(write_course(tmp_path, {"a.yaml": "- id: l1\n"}))
    assert found == [
        f"{tmp_path / 'm' / 'a.yaml'}: (top level): is not a mapping of fields. "
        "Fix: start with `id:`"
    ]


def test_two_lessons_with_one_order_or_id(tmp_path):
    found = problems(write_course(tmp_path, {"a.yaml": GOOD, "b.yaml": changed(id="l2")}))
    assert any("two lessons share an order number" in p for p in found)
    found = problems(write_course(tmp_path / "x", {"a.yaml": GOOD, "b.yaml": changed(order=2)}))
    assert any("lesson id also used" in p for p in found)


def test_bad_module_file(tmp_path):
    found = problems(write_course(tmp_path, {"a.yaml": GOOD}, module={"id": "m", "order": 1}))
    assert any(
        "module.yaml: title.vi: Field required" in p or "module.yaml: title" in p for p in found
    )


def test_empty_folder_has_no_module(tmp_path):
    assert "holds no module" in problems(tmp_path)[0]


def test_every_problem_is_reported_at_once(tmp_path):
    bad = changed(id="X", minutes=99, steps=[{"type": "card", "text": ""}])
    assert len(problems(write_course(tmp_path, {"a.yaml": bad, "b.yaml": "{"}))) >= 4


def test_check_command_exit_codes(tmp_path, capsys):
    good = write_course(tmp_path / "good", {"a.yaml": GOOD})
    assert main(["lessons", "check", str(good)]) == 0
    assert "OK: 1 module(s), 1 lesson(s)" in capsys.readouterr().out
    bad = write_course(tmp_path / "bad", {"a.yaml": changed(minutes=0)})
    assert main(["lessons", "check", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{bad / 'm' / 'a.yaml'}: minutes: Input should be greater than or equal to 1."
        " Fix: use a larger number"
    ]


def test_shipped_lessons_pass_the_check(capsys):
    assert main(["lessons", "check", str(Path(__file__).parents[3] / "lessons")]) == 0


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("không", "khong"),
        ("  KHÔNG   ", "khong"),
        ("Đúng  rồi", "dung roi"),
        ("CH Play", "ch play"),
    ],
)
def test_answers_match_without_case_spaces_or_diacritics(typed, expected):
    assert normalize_answer(typed) == expected


def test_check_one_module_folder(tmp_path, capsys):
    course = write_course(tmp_path, {"a.yaml": GOOD})
    assert main(["lessons", "check", str(course / "m")]) == 0
    assert "OK: 1 module(s), 1 lesson(s)" in capsys.readouterr().out


def test_a_picture_or_sound_outside_the_lessons_folder_is_refused(tmp_path):
    (tmp_path / "secret.png").write_bytes(b"x")  # exists, but beside the lessons, not in them
    root = tmp_path / "lessons"
    lesson = changed(
        steps=[
            {"type": "card", "text": "a", "image": "/etc/passwd"},
            {"type": "card", "text": "b", "audio": "../../../../etc/shadow"},
            {"type": "card", "text": "c", "image": "../../secret.png"},
            question(),
        ]
    )
    found = problems(write_course(root, {"bai-1.yaml": lesson}))
    for field in ("steps[0].image", "steps[1].audio", "steps[2].image"):
        line = next(p for p in found if f": {field}: " in p)
        assert "outside the lessons folder" in line and "Fix: " in line
