"""Issue 25, section 2: hints that move a stuck learner forward. Each "💡 Gợi ý" shows more
than the last; after two, the typed question offers its answer as choices to tap, so a
learner who cannot type goes on; a third takes a wrong choice away. Walked as a tapper, as a
typer without accents, and on numbered screens (the console, Zalo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.facts import ALLOWLIST, Allowlist
from bot.content.lessons import Curriculum, Typed, load_curriculum
from bot.events import Event
from bot.learner import Learner
from bot.lesson.hints import _hints, answer_choices
from bot.turn import Turn

ROOT = Path(__file__).resolve().parents[3]
HINTS = ROOT / "tests" / "fixtures" / "hints"  # one lesson: a choice, a typed word, a number


@pytest.fixture
def hints_course() -> Curriculum:
    return load_curriculum(HINTS)


async def at_typed_word(chat, engine, hints_course) -> None:
    """Onboarded, past the card and the choice question: at «Gõ tên kho ứng dụng»."""
    engine.curriculum = hints_course
    await chat.send("/start")
    await chat.tap("Đồng ý")
    await chat.tap("Tiếp tục")
    await chat.tap("Dữ liệu di động")
    assert "Gõ tên kho ứng dụng" in chat.text


def labels(chat) -> list[str]:
    return [b.label for b in chat.buttons]


async def test_a_tapper_gets_more_each_hint_then_choices_then_fewer(chat, engine, hints_course):
    await at_typed_word(chat, engine, hints_course)
    await chat.tap("Gợi ý")
    first = chat.text
    assert "«C_ P___»" in first
    assert labels(chat) == ["💡 Gợi ý thêm", "🤷 Không biết"]

    await chat.tap("Gợi ý thêm")
    second = chat.text
    assert second != first and "«CH Pl__»" in second  # more letters than the first
    offered = labels(chat)[:-2]
    assert len(offered) == 3 and "CH Play" in offered  # the answer, among two wrong ones
    assert set(offered) - {"CH Play"} <= {"Wi-Fi ở nhà", "Bluetooth"}  # from the lesson itself
    assert labels(chat)[-2:] == ["💡 Gợi ý thêm", "🤷 Không biết"]

    await chat.tap("Gợi ý thêm")
    third = chat.text
    assert "bỏ bớt một đáp án sai" in third and "CH Pl__" not in third  # only what is new
    assert len(labels(chat)) == 3 and "CH Play" in labels(chat)  # two choices, "Không biết"
    assert "Gợi ý" not in " ".join(labels(chat))  # nothing more to show: no hint button

    await chat.send("goi y")  # asked again anyway: said so, and the choices stay
    assert "Hết gợi ý" in chat.text and "CH Play" in labels(chat)
    await chat.tap("CH Play")
    assert "Đúng rồi" in chat.text and "Gọi xe cấp cứu" in chat.text  # on to the next step


async def test_a_typer_without_accents_asks_and_picks_by_number(chat, engine, hints_course):
    await at_typed_word(chat, engine, hints_course)
    await chat.send("goi y")
    assert "«C_ P___»" in chat.text
    await chat.send("goi y them")
    assert "«CH Pl__»" in chat.text and "Chưa đúng" not in chat.text  # never graded
    wrong = next(label for label in labels(chat)[:3] if label != "CH Play")
    await chat.send(str(labels(chat).index(wrong) + 1))  # a line's number picks it
    assert "Chưa đúng" in chat.text and "Đáp án đúng: CH Play" in chat.text
    assert "Gọi xe cấp cứu" in chat.text  # the lesson goes on


async def test_a_number_answer_gets_its_first_digit_then_numbers_from_the_question(
    chat, engine, hints_course
):
    await at_typed_word(chat, engine, hints_course)
    await chat.send("khong biet")
    assert "Gọi xe cấp cứu" in chat.text
    await chat.send("1")  # "💡 Gợi ý", the first line
    assert "số có 3 chữ số" in chat.text
    await chat.send("1")
    assert "bắt đầu bằng 1: «1__»" in chat.text
    assert sorted(labels(chat)[:3]) == ["113", "114", "115"]  # named in its explanation
    await chat.send("115")  # typed, it is still an answer
    assert "Đúng rồi" in chat.text


async def test_the_question_shown_again_keeps_its_hints_and_choices(chat, engine, hints_course):
    await at_typed_word(chat, engine, hints_course)
    await chat.tap("Gợi ý")
    await chat.tap("Gợi ý thêm")
    before = labels(chat)
    await chat.send("alo")  # the step again
    assert "Gõ tên kho ứng dụng" in chat.text and "«CH Pl__»" in chat.text
    assert labels(chat) == before  # the same choices in the same order


async def test_hints_start_again_at_the_next_typed_question(chat, engine, hints_course):
    await at_typed_word(chat, engine, hints_course)
    await chat.tap("Gợi ý")
    await chat.tap("Gợi ý thêm")
    await chat.tap("CH Play")
    assert labels(chat) == ["💡 Gợi ý", "🤷 Không biết"]  # the number question, no hint yet


def test_every_typed_question_of_the_course_offers_two_wrong_answers(engine):
    """The shipped lessons: each typed question has choices to offer after two hints."""
    course = load_curriculum(ROOT / "lessons")
    event, learner = Event("tg:1", "text"), Learner(user="tg:1")
    turn = Turn(event, learner, course, engine.config, 0, 0, engine.routes)
    for lesson in course.lessons:
        for question in lesson.questions:
            if isinstance(question, Typed):
                choices = answer_choices(turn, question, lesson)
                assert len(choices) == 3, (lesson.id, question.id, choices)


def test_a_number_to_call_is_never_offered_with_a_made_up_number_beside_it(engine):
    """Changing a digit of 156 makes someone's number (perhaps a scammer's): the wrong answers
    offered for a number to call are numbers the course names, each in allowlist.yaml."""
    course = load_curriculum(ROOT / "lessons")
    listed = Allowlist.load(ROOT / "lessons" / ALLOWLIST).phones
    for lang in ("vi", "en"):
        learner = Learner(user="tg:1", lang=lang)
        turn = Turn(Event("tg:1", "text"), learner, course, engine.config, 0, 0, engine.routes)
        asked = []
        for lesson in course.lessons:
            for question in lesson.questions:
                right = (
                    question.accept.vi[0].replace(" ", "") if isinstance(question, Typed) else ""
                )
                if len(right) >= 3 and right.isdecimal():
                    right, *wrong = answer_choices(turn, question, lesson)
                    asked.append(right)
                    assert len(wrong) == 2 and set(wrong) <= listed, (question.id, wrong)
        assert {"115", "156"} <= set(asked)  # the emergency and scam-report questions


def test_wrong_answers_an_author_gives_come_first_and_never_a_right_one(engine, hints_course):
    lesson = hints_course.lessons[0]
    question = Typed.model_validate(
        {"type": "typed", "id": "mat-khau", "prompt": "Mật khẩu mạnh dài ít nhất mấy ký tự?",
         "accept": ["16", "mười sáu"], "wrong": ["mười sáu", "8", "12"],
         "explanation": "Ít nhất 16 ký tự, không phải 8 như lời khuyên cũ (24/7 an toàn)."}
    )  # fmt: skip
    turn = Turn(Event("tg:1", "text"), Learner(user="tg:1"), hints_course, engine.config, 0, 0,
                engine.routes)  # fmt: skip
    # "mười sáu" is accepted: never offered as wrong; "24/7" is no number to offer.
    assert answer_choices(turn, question, lesson) == ["16", "8", "12"]


def test_a_one_digit_answer_narrows_to_a_range_not_the_same_words(engine, hints_course):
    question = Typed.model_validate(
        {"type": "typed", "id": "so-buoc", "prompt": "Mấy bước?", "accept": ["5"],
         "explanation": "Năm bước."}
    )  # fmt: skip
    turn = Turn(Event("tg:1", "text"), Learner(user="tg:1"), hints_course, engine.config, 0, 0,
                engine.routes)  # fmt: skip
    first, second = _hints(turn, question)
    assert first == "đáp án là một số có 1 chữ số" and second == "đáp án là một số từ 3 đến 7"
