"""Issue 10, as learners meet the tutor in Telegram (the fake Bot API): a learner who only
taps, one who only types words (no accents, no numbers), a voice note mid-question, and a
retry that asks only what was missed. The same learners on the console, `hocso chat
--script` in a process of its own: tests/e2e/test_console_learners.py.

The first two run on the shipped course's first lesson, whatever it holds: its script is
made from the lesson itself (the right button's number, or its words)."""

from __future__ import annotations

from pathlib import Path

import pytest
from learner_scripts import messages, scored, typer, walk_stuck

from bot.content.lessons import Card, Curriculum, SingleChoice, TrueFalse, load_curriculum

ROOT = Path(__file__).resolve().parents[2]
VOICE = {"file_id": "v", "file_unique_id": "v", "duration": 2}


@pytest.fixture(scope="module")
def course() -> Curriculum:
    return load_curriculum(ROOT / "lessons")


async def test_telegram_a_learner_who_only_taps_finishes_lesson_one(phone, engine, course):
    engine.curriculum = course
    lesson = course.lessons[0]
    await phone.write("/start")
    await phone.tap("Đồng ý")
    for step in messages(lesson):
        if isinstance(step, Card):
            await phone.tap("Tiếp tục")
        elif isinstance(step, SingleChoice):
            await phone.tap(next(o.text.vi for o in step.options if o.correct))
        elif isinstance(step, TrueFalse):
            await phone.tap("✔️ Đúng" if step.answer else "✖️ Sai")
        else:
            await phone.tap("💡 Gợi ý")
            await phone.tap("🤷 Không biết")
    right = sum(isinstance(q, SingleChoice | TrueFalse) for q in lesson.questions)
    assert scored(lesson, right) in phone.screen()
    # Each "Tiếp tục" took its own button away: only the latest message has a live keyboard.
    live = [m for m in phone.api.messages.values() if m.get("reply_markup")]
    assert len(live) == 1


async def test_telegram_a_learner_who_only_types_words_finishes_consent_and_lesson_one(
    phone, engine, course
):
    engine.curriculum = course
    lesson = course.lessons[0]
    for line in typer(lesson):
        await phone.write(line)
    assert scored(lesson, len(lesson.questions)) in phone.screen()
    assert "chưa hiểu" not in phone.screen() and "Chưa đúng" not in phone.screen()


async def test_telegram_a_voice_note_mid_question_shows_the_question_again(phone):
    await phone.write("/start")
    await phone.tap("Đồng ý")
    await phone.tap("Tiếp tục")
    before = len(phone.received())
    await phone.write(voice=VOICE)
    (question,) = phone.received()[before:]  # one message: the kind word, then the step
    kind, step = question.text.split("\n\n", 1)
    assert "chưa nghe được tin nhắn thoại" in kind
    assert step.startswith("❓ Câu hỏi một?")
    assert [b["text"] for b in question.buttons] == ["Sai bét", "Đúng rồi"]
    await phone.tap("Đúng rồi")
    assert "Giỏi quá" in phone.screen()


async def test_telegram_a_retry_asks_only_the_missed_question(phone, engine, retry_course):
    engine.curriculum = retry_course
    await phone.write("/start")
    await phone.tap("Đồng ý")
    await phone.tap("Tiếp tục")
    await phone.tap("Bluetooth")
    await phone.tap("Đúng")
    await phone.write("mat khau")
    await phone.tap("Bỏ qua")  # ward
    await phone.tap("Bỏ qua")  # age
    before = len(phone.received())
    await phone.tap("Học lại bài này")
    retry = "\n".join(c.text for c in phone.received()[before:])
    assert "Thẻ B" in retry and "Thẻ A" not in retry
    await phone.tap("Tiếp tục")
    asked = phone.received()[-1]
    assert asked.text.startswith("❓ Cái gì tính tiền") and "(2/2)" in asked.text
    assert "Wi-Fi ở nhà dùng không tính tiền thêm" not in "\n".join(
        c.text for c in phone.received()[before:]
    )
    await phone.tap("Dữ liệu di động (4G)")
    assert "Đúng 3/3 câu." in phone.screen()


async def test_telegram_the_language_comes_from_the_app_and_is_not_asked(phone, api):
    from fake_bot_api import message_update

    update = message_update(phone.user_id, "/start", phone.first_name)
    update["message"]["from"]["language_code"] = "en"
    await api.push(update)
    await phone.bot.settle()
    assert "Do you agree?" in phone.screen()
    await phone.tap("I agree")
    assert "Lesson one" in phone.screen() and "language" not in phone.screen().lower()


async def test_telegram_a_stuck_typer_gets_new_words_each_time_and_a_way_on(phone):
    await phone.write("/start")
    await phone.write("dong y")  # consent: the first lesson's card

    async def say(text: str) -> str:
        before = len(phone.received())
        await phone.write(text)
        return "\n".join(c.text for c in phone.received()[before:])

    await walk_stuck(say)
