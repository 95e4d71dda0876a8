"""Checks on the shipped course: what a learner or a reviewer of lessons/ would notice.

The allow-lists (phone numbers, web addresses, source tags) live in lessons/allowlist.yaml, copied
from the research file, so these tests need nothing outside the repository.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.content.facts import (
    ALLOWLIST,
    Allowlist,
    phone_numbers,
    strings,
    texts_of,
    web_addresses,
)
from bot.content.lessons import (
    CARD_MAX,
    Accepted,
    Card,
    Curriculum,
    Lesson,
    SingleChoice,
    Text,
    TrueFalse,
    Typed,
    load_curriculum,
)
from hocso.cli import main

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"
ALLOW = yaml.safe_load((LESSONS / "allowlist.yaml").read_text(encoding="utf-8"))

# Cards aim for 40-60 Vietnamese words (one idea per card, readable on a small phone).
CARD_WORDS_MIN, CARD_WORDS_MAX = 25, 75
BUTTON_READABLE = 40  # the format allows 60; above ~40 a button wraps badly on a cheap phone
VI_MARKS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


@pytest.fixture(scope="module")
def course() -> Curriculum:
    return load_curriculum(LESSONS)


def _all_texts(course: Curriculum) -> Iterator[tuple[str, Text | Accepted]]:
    for module in course.modules:
        yield from texts_of(module.info, module.id)
        for lesson in module.lessons:
            yield from texts_of(lesson, f"{module.id}/{lesson.id}")


def _cards(lesson: Lesson) -> list[Card]:
    return [s for s in lesson.steps if isinstance(s, Card)]


ALLOWED = Allowlist.load(LESSONS / ALLOWLIST)
ALLOWED_SOURCES = set(ALLOWED.sources)
unlisted = ALLOWED.unlisted
_strings = strings


# -- the course as a whole ---------------------------------------------------------------------


def test_whole_course_loads_without_problems(course: Curriculum) -> None:
    assert course.lessons, "the course has no lessons"


# The one module of a single lesson: the step from hocso to the national platform (issue 25).
BRIDGE = "nen-tang-quoc-gia"


def test_modules_of_three_to_five_lessons_in_order(course: Curriculum) -> None:
    assert [m.info.order for m in course.modules] == list(range(1, len(course.modules) + 1))
    for module in course.modules:
        orders = [lesson.order for lesson in module.lessons]
        sizes = (1, 1) if module.id == BRIDGE else (3, 5)
        assert sizes[0] <= len(orders) <= sizes[1], f"{module.id} has {len(orders)} lessons"
        assert orders == list(range(1, len(orders) + 1)), f"{module.id}: orders {orders}"


def test_the_platform_lesson_comes_right_after_the_core_modules(course: Curriculum) -> None:
    # A learner who finishes the core modules is walked next to binhdanhocvuso.gov.vn, where the
    # campaign confirms people on VNeID; it is not part of hocso's own certificate.
    modules = [m.id for m in course.modules]
    core = [m.id for m in course.modules if m.info.core]
    assert modules[: len(core)] == core and modules[len(core)] == BRIDGE
    bridge = course.modules[len(core)]
    assert not bridge.info.core
    assert [lesson.id for lesson in bridge.lessons] == ["len-nen-tang-quoc-gia"]
    every_core_lesson = {lesson.id for m in course.modules[: len(core)] for lesson in m.lessons}
    assert course.next_lesson(every_core_lesson).id == "len-nen-tang-quoc-gia"  # type: ignore[union-attr]


def test_course_has_the_topics_this_audience_needs(course: Curriculum) -> None:
    # Issue 11: public services with VNeID (core), sellers, family, device basics, emergencies.
    modules = {m.id: m for m in course.modules}
    assert modules["dich-vu-cong"].info.core
    for module_id in ("cho-so", "gia-dinh-so", "doi-song-so"):
        assert module_id in modules and not modules[module_id].info.core, module_id
    lessons = {lesson.id for lesson in course.lessons}
    for lesson_id in (
        "dvc-nop-phi",  # paying fees and fines; fake traffic-fine texts
        "nhan-tien-qr",  # a stall's QR: the money really arrived
        "ban-hang-online",  # COD and fake buyers
        "shipper-gia",  # fake delivery fees
        "zalo-hang-ngay",
        "tre-va-man-hinh",
        "bat-nat-tren-mang",
        "mat-ma-gia-dinh",
        "khoa-man-hinh",
        "mat-dien-thoai",
        "go-giong-noi",
        "so-khan-cap",
        "len-nen-tang-quoc-gia",  # the step to the national platform (issue 25)
    ):
        assert lesson_id in lessons, lesson_id


def test_course_starts_with_the_phone_module_and_its_first_lesson(course: Curriculum) -> None:
    assert course.modules[0].id == "dien-thoai"
    assert course.lessons[0].id == "bieu-tuong-ung-dung"


def test_core_modules_are_marked_and_listed(course: Curriculum) -> None:
    core = [m.id for m in course.modules if m.info.core]
    assert core == ["dien-thoai", "vneid", "dich-vu-cong", "thanh-toan", "lua-dao", "tai-khoan"]
    readme = (LESSONS / "README.md").read_text(encoding="utf-8")
    for module_id in core:
        assert module_id in readme, f"README does not list core module {module_id}"


def test_first_lesson_says_hocso_never_asks_for_otp_or_password(course: Curriculum) -> None:
    first_card = _cards(course.lessons[0])[0].text
    assert "KHÔNG BAO GIỜ" in first_card.vi and "OTP" in first_card.vi
    assert "mật khẩu" in first_card.vi
    assert "NEVER" in (first_card.en or "")


def test_lesson_ids_are_unique_across_the_course(course: Curriculum) -> None:
    ids = [lesson.id for lesson in course.lessons]
    assert len(ids) == len(set(ids))


def test_lessons_are_short(course: Curriculum) -> None:
    for lesson in course.lessons:
        cards, questions = _cards(lesson), lesson.questions
        assert 3 <= len(cards) <= 5, f"{lesson.id}: {len(cards)} cards"
        assert 2 <= len(questions) <= 4, f"{lesson.id}: {len(questions)} questions"
        assert 3 <= lesson.minutes <= 5, f"{lesson.id}: {lesson.minutes} minutes"
        assert 50 <= lesson.pass_mark <= 70, f"{lesson.id}: pass mark {lesson.pass_mark}"


# -- languages ------------------------------------------------------------------------------


def test_every_text_has_english_beside_vietnamese(course: Curriculum) -> None:
    missing = [where for where, item in _all_texts(course) if item.en is None]
    assert not missing, "no `en` for: " + ", ".join(missing)


def test_typed_answers_accept_english_too(course: Curriculum) -> None:
    for lesson in course.lessons:
        for q in lesson.questions:
            if isinstance(q, Typed):
                assert q.accept.en, f"{lesson.id}/{q.id}: no `en` accept list"


def test_vietnamese_is_written_with_diacritics(course: Curriculum) -> None:
    for lesson in course.lessons:
        for i, card in enumerate(_cards(lesson)):
            assert VI_MARKS & set(card.text.vi.lower()), f"{lesson.id} card {i}: no diacritics"


def test_english_cards_have_the_same_steps_and_bullets(course: Curriculum) -> None:
    def marks(text: str) -> list[str]:
        return re.findall(r"^\s*(•|\d+\.)", text, re.MULTILINE)

    for lesson in course.lessons:
        for i, card in enumerate(_cards(lesson)):
            assert marks(card.text.vi) == marks(card.text.en or ""), f"{lesson.id} card {i}"


def test_english_is_not_a_copy_of_the_vietnamese(course: Curriculum) -> None:
    for lesson in course.lessons:
        for i, card in enumerate(_cards(lesson)):
            assert card.text.en != card.text.vi, f"{lesson.id} card {i}: en == vi"


# -- questions --------------------------------------------------------------------------------


def test_single_choice_has_one_correct_option_and_kind_feedback(course: Curriculum) -> None:
    for lesson in course.lessons:
        for q in lesson.questions:
            if not isinstance(q, SingleChoice):
                continue
            assert 2 <= len(q.options) <= 3, f"{lesson.id}/{q.id}: prefer 2-3 options"
            assert sum(o.correct for o in q.options) == 1, f"{lesson.id}/{q.id}"
            for o in q.options:
                if not o.correct:
                    assert o.feedback, f"{lesson.id}/{q.id}: wrong option {o.text.vi!r}"


def test_true_false_teaches_on_the_wrong_answer(course: Curriculum) -> None:
    for lesson in course.lessons:
        for q in lesson.questions:
            if isinstance(q, TrueFalse):
                wrong = q.feedback_false if q.answer else q.feedback_true
                assert wrong, f"{lesson.id}/{q.id}: no feedback for the wrong answer"


def test_true_false_questions_are_statements_to_judge(course: Curriculum) -> None:
    # The buttons say "Đúng"/"Sai" (True/False): a yes/no question would not fit them.
    for lesson in course.lessons:
        for q in lesson.questions:
            if isinstance(q, TrueFalse):
                assert q.prompt.vi.endswith("Đúng hay sai?"), (lesson.id, q.id)
                assert (q.prompt.en or "").endswith("True or false?"), (lesson.id, q.id)


def test_every_question_explains_its_answer(course: Curriculum) -> None:
    for lesson in course.lessons:
        for q in lesson.questions:
            assert q.explanation.vi and q.explanation.en, f"{lesson.id}/{q.id}"
            if isinstance(q, Typed):
                assert q.accept.vi, f"{lesson.id}/{q.id}: nothing accepted"


def test_course_mixes_question_kinds(course: Curriculum) -> None:
    kinds = {type(q) for lesson in course.lessons for q in lesson.questions}
    assert kinds == {SingleChoice, TrueFalse, Typed}


def test_buttons_are_short_enough_to_read(course: Curriculum) -> None:
    for lesson in course.lessons:
        for q in lesson.questions:
            for o in getattr(q, "options", []):
                for text in _strings(o.text):
                    assert len(text) <= BUTTON_READABLE, f"{lesson.id}/{q.id}: {text!r}"


# -- cards ------------------------------------------------------------------------------------


def test_cards_fit_and_stay_in_the_word_band(course: Curriculum) -> None:
    for lesson in course.lessons:
        for i, card in enumerate(_cards(lesson)):
            assert len(card.text.vi) <= CARD_MAX and len(card.text.en or "") <= CARD_MAX
            words = len(card.text.vi.split())
            assert CARD_WORDS_MIN <= words <= CARD_WORDS_MAX, f"{lesson.id} card {i}: {words}"


def test_pictures_are_described_and_small(course: Curriculum) -> None:
    pictures = 0
    for module_dir in sorted(LESSONS.glob("*/module.yaml")):
        for path in module_dir.parent.glob("*.yaml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            for step in data.get("steps", []) if "steps" in data else []:
                if step.get("image"):
                    pictures += 1
                    assert step.get("image_alt"), f"{path.name}: picture without image_alt"
                    image = path.parent / step["image"]
                    assert image.stat().st_size < 60_000, f"{image} is too big"
    assert pictures >= 4


# -- sources and the allow-list ---------------------------------------------------------------


def test_every_lesson_cites_listed_sources(course: Curriculum) -> None:
    for lesson in course.lessons:
        assert lesson.sources, f"{lesson.id} has no sources"
        for source in lesson.sources:
            m = re.match(r"^(S\d+)[a-z]?: \S", source)
            assert m, f"{lesson.id}: write sources as 'S20: short title', not {source!r}"
            assert m.group(1) in ALLOWED_SOURCES, f"{lesson.id}: unknown source {m.group(1)}"


def test_allowlist_entries_name_a_source() -> None:
    for entry in [*ALLOW["phones"], *ALLOW["web"]]:
        assert entry["source"] in ALLOWED_SOURCES, entry


def test_no_unlisted_phone_number_or_web_address(course: Curriculum) -> None:
    problems = [
        f"{where}: {bad}"
        for where, item in _all_texts(course)
        for text in _strings(item)
        for bad in unlisted(text)
    ]
    assert not problems, "\n".join(problems)


def test_listed_numbers_are_really_taught(course: Curriculum) -> None:
    everything = " ".join(text for _, item in _all_texts(course) for text in _strings(item))
    for number in ("156", "5656", "18008108", "111", "112", "113", "114", "115"):
        assert number in phone_numbers(everything), number
    assert "tingia.gov.vn" in web_addresses(everything)


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Gọi ngay 0912 345 678 để được hỗ trợ.", ["phone 0912345678"]),
        ("Call +84 912.345.678 now", ["phone +84912345678"]),
        ("Gọi 119 khi khẩn cấp.", ["phone 119"]),  # not a Vietnamese emergency number
        ("Gọi 113 khi có trộm, 114 khi cháy, 115 khi cấp cứu.", []),
        ("Nhắn tin tới số 8899 để nhận quà.", ["phone 8899"]),
        ("Gọi 1900.292900 để xử lý nợ.", ["phone 1900292900"]),
        (
            "Vào https://evil.example.org/nhan-qua ngay",
            ["address https://evil.example.org/nhan-qua"],
        ),
        ("Tải ở chongluadao.vn nha", ["address chongluadao.vn"]),
        ("Vào dichvucong-gov.vn.xyz để nộp", ["address dichvucong-gov.vn.xyz"]),
        ("Gọi 156 hoặc nhắn tin tới số 5656, miễn phí.", []),
        ("Báo tin giả: tingia.gov.vn, đường dây nóng 18008108.", []),
        ("Trên 10 triệu đồng, phí 399.000 đồng, mật khẩu 123456, ngày 1/11/2022.", []),
        ("Tổng đài này hoạt động từ ngày 1/11/2022, tại TP.HCM.", []),
    ],
)
def test_scanner_flags_unlisted_numbers_and_addresses(text: str, flagged: list[str]) -> None:
    assert unlisted(text) == flagged


def test_lessons_check_catches_a_bad_lesson_file(tmp_path: Path, capsys) -> None:
    module = tmp_path / "01-thu"
    module.mkdir()
    (module / "module.yaml").write_text("id: thu\norder: 1\ntitle: Thử\n", encoding="utf-8")
    (module / "01-bai.yaml").write_text(
        """
id: bai-thu
version: 1
order: 1
title: { vi: Bài thử, en: Test }
objectives: [{ vi: Thử., en: Test. }]
minutes: 3
sources: ["S26: test"]
steps:
  - type: card
    text:
      vi: Có chuyện gì bác cứ gọi 0909 123 456 hoặc vào hotro-nhanh.com nha.
      en: If anything happens call 0909 123 456 or visit hotro-nhanh.com.
  - type: truefalse
    id: cau
    prompt:
      vi: Đúng hay sai?
      en: True or false?
    answer: true
    explanation:
      vi: Đúng.
      en: It is true.
""",
        encoding="utf-8",
    )
    (tmp_path / ALLOWLIST).write_text((LESSONS / ALLOWLIST).read_text(encoding="utf-8"))
    assert main(["lessons", "check", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    where = f"{module / '01-bai.yaml'}: steps[0].text.vi: "
    assert (
        f"{where}phone 0909123456 is not allowed. Fix: use one listed in {ALLOWLIST}, "
        in (lines[0])
    )
    assert any("address hotro-nhanh.com is not allowed" in line for line in lines)
