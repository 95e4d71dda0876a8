"""Issue 10, as learners meet the tutor on the console (`hocso chat --script`) and in Telegram
(the fake Bot API): a learner who only taps, one who only types words (no accents, no
numbers), a voice note mid-question, and a retry that asks only what was missed.

The first two run on the shipped course's first lesson, whatever it holds: its script is
made from the lesson itself (the right button's number, or its words)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.content.lessons import (
    Card,
    Curriculum,
    Lesson,
    SingleChoice,
    TrueFalse,
    fold,
    load_curriculum,
)
from bot.content.plan import card_group

ROOT = Path(__file__).resolve().parents[2]
VOICE = {"file_id": "v", "file_unique_id": "v", "duration": 2}


@pytest.fixture(scope="module")
def course() -> Curriculum:
    return load_curriculum(ROOT / "lessons")


def messages(lesson: Lesson) -> Iterator[object]:
    """The lesson as the learner meets it: one card (or a few short ones) or a question."""
    order, i = list(range(len(lesson.steps))), 0
    while i < len(order):
        yield lesson.steps[i]
        i += card_group(lesson, order, i) if isinstance(lesson.steps[i], Card) else 1


def tapper(lesson: Lesson) -> list[str]:
    """Button numbers only: agree, "Tiếp tục", the right option, "🤷 Không biết" when asked to
    type."""
    lines = ["/start", "1"]
    for step in messages(lesson):
        if isinstance(step, Card):
            lines.append("1")
        elif isinstance(step, SingleChoice):
            lines.append(str(next(i for i, o in enumerate(step.options) if o.correct) + 1))
        elif isinstance(step, TrueFalse):
            lines.append("1" if step.answer else "2")
        else:
            lines.append("2")  # the second button of a typed question: "🤷 Không biết"
    return lines


def typer(lesson: Lesson) -> list[str]:
    """Words only, as typed on a phone without Vietnamese keyboard: no accents, no numbers."""
    lines = ["/start", "dong y"]
    for step in messages(lesson):
        if isinstance(step, Card):
            lines.append("tiep")
        elif isinstance(step, SingleChoice):
            lines.append(fold(next(o.text.vi for o in step.options if o.correct)))
        elif isinstance(step, TrueFalse):
            lines.append("dung" if step.answer else "sai")
        else:
            lines.append(fold(step.accept.vi[0]))
    return lines


def scored(lesson: Lesson, right: int) -> str:
    return f"«{lesson.title.vi}»!\nĐúng {right}/{len(lesson.questions)} câu."


def hocso_chat_script(lines: list[str], tmp_path: Path, lessons: Path) -> str:
    """`hocso chat --script FILE` in a fresh process; returns the transcript."""
    script = tmp_path / "learner.txt"
    script.write_text("# a learner's lines\n" + "\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "HOCSO_DATA_DIR": str(tmp_path), "REDIS_URL": ""}
    env["HOCSO_LESSONS_DIR"] = str(lessons)
    run = subprocess.run(
        [sys.executable, "-m", "hocso.cli", "chat", "--script", str(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    return run.stdout


def test_console_a_learner_who_only_taps_finishes_lesson_one(course, tmp_path):
    lesson = course.lessons[0]
    typed = sum(not isinstance(q, SingleChoice | TrueFalse) for q in lesson.questions)
    transcript = hocso_chat_script(tapper(lesson), tmp_path, ROOT / "lessons")
    assert scored(lesson, len(lesson.questions) - typed) in transcript
    assert "chưa hiểu" not in transcript and "Nút này đã cũ" not in transcript


def test_console_a_learner_who_only_types_words_finishes_consent_and_lesson_one(course, tmp_path):
    lesson = course.lessons[0]
    lines = typer(lesson)
    assert not any(c.isdigit() for line in lines for c in line)
    transcript = hocso_chat_script(lines, tmp_path, ROOT / "lessons")
    assert "> dong y" in transcript and "📘 " + lesson.title.vi in transcript  # consent given
    assert scored(lesson, len(lesson.questions)) in transcript
    assert "chưa hiểu" not in transcript and "Chưa đúng" not in transcript


def test_console_a_voice_note_mid_question_shows_the_question_again(tmp_path):
    lines = ["/start", "1", "1", "<voice>", "2"]  # consent, the card, then at question one
    transcript = hocso_chat_script(lines, tmp_path, ROOT / "tests" / "fixtures" / "lessons")
    after_voice = transcript.split("> <voice>", 1)[1]
    assert "chưa nghe được tin nhắn thoại" in after_voice
    assert "❓ Câu hỏi một?" in after_voice and "2. Đúng rồi" in after_voice
    assert "✅ Đúng rồi! Giỏi quá." in after_voice  # "2" still picks the second option


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
