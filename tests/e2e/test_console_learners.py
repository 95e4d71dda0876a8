"""Issue 10 on the console: `hocso chat --script` in a process of its own, fed a learner who
only taps, one who only types words (no accents, no numbers), and a voice note mid-question.
The same learners in Telegram: tests/handlers/test_learners.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from learner_scripts import scored, tapper, typer

from bot.content.lessons import Curriculum, SingleChoice, TrueFalse, load_curriculum

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def course() -> Curriculum:
    return load_curriculum(ROOT / "lessons")


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
