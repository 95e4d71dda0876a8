"""Issue 10 on the console: `hocso chat --script` (its command line, in this process, on the
embedded Redis) fed a learner who only taps, one who only types words (no accents, no
numbers), and a voice note mid-question. The same learners in Telegram: test_learners.py;
`hocso chat` as a process of its own: tests/e2e/test_console_chat.py."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from learner_scripts import STUCK, scored, tapper, typer, walk_stuck

from bot.content.lessons import Curriculum, SingleChoice, TrueFalse, load_curriculum
from hocso.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def course() -> Curriculum:
    return load_curriculum(ROOT / "lessons")


@pytest.fixture
def hocso_chat_script(tmp_path: Path, monkeypatch, capsys) -> Callable[[list[str], Path], str]:
    """Runs `hocso chat --script FILE` through its command line; returns the transcript."""

    def run(lines: list[str], lessons: Path) -> str:
        script = tmp_path / "learner.txt"
        script.write_text("# a learner's lines\n" + "\n".join(lines) + "\n", encoding="utf-8")
        monkeypatch.setenv("HOCSO_CONFIG", str(ROOT / "config.yaml"))
        monkeypatch.setenv("HOCSO_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("HOCSO_LESSONS_DIR", str(lessons))
        monkeypatch.setenv("REDIS_URL", "")  # the embedded Redis, as on a laptop
        assert main(["chat", "--script", str(script)]) == 0
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        return out

    return run


def test_console_a_learner_who_only_taps_finishes_lesson_one(course, hocso_chat_script):
    lesson = course.lessons[0]
    typed = sum(not isinstance(q, SingleChoice | TrueFalse) for q in lesson.questions)
    transcript = hocso_chat_script(tapper(lesson), ROOT / "lessons")
    assert scored(lesson, len(lesson.questions) - typed) in transcript
    assert "chưa hiểu" not in transcript and "Nút này đã cũ" not in transcript


def test_console_a_learner_who_only_types_words_finishes_consent_and_lesson_one(
    course, hocso_chat_script
):
    lesson = course.lessons[0]
    lines = typer(lesson)
    assert not any(c.isdigit() for line in lines for c in line)
    transcript = hocso_chat_script(lines, ROOT / "lessons")
    assert "> dong y" in transcript and "📘 " + lesson.title.vi in transcript  # consent given
    assert scored(lesson, len(lesson.questions)) in transcript
    assert "chưa hiểu" not in transcript and "Chưa đúng" not in transcript


def test_console_a_voice_note_mid_question_shows_the_question_again(hocso_chat_script):
    lines = ["/start", "1", "1", "<voice>", "2"]  # consent, the card, then at question one
    transcript = hocso_chat_script(lines, ROOT / "tests" / "fixtures" / "lessons")
    after_voice = transcript.split("> <voice>", 1)[1]
    assert "chưa nghe được tin nhắn thoại" in after_voice
    assert "❓ Câu hỏi một?" in after_voice and "2. Đúng rồi" in after_voice
    assert "✅ Đúng rồi! Giỏi quá." in after_voice  # "2" still picks the second option


def test_console_a_stuck_typer_gets_new_words_each_time_and_a_way_on(hocso_chat_script):
    lines = ["/start", "dong y", *(line for line, _ in STUCK)]
    transcript = hocso_chat_script(lines, ROOT / "tests" / "fixtures" / "lessons")
    parts = re.split(r"(?m)^> ", transcript)  # each line typed, and what followed it
    consent = next(i for i, part in enumerate(parts) if part.startswith("dong y\n"))
    answers = iter(parts[consent + 1 :])

    async def say(text: str) -> str:
        answer = next(answers)
        assert answer.startswith(text + "\n"), answer
        return answer.removeprefix(text + "\n")

    asyncio.run(walk_stuck(say))  # (the console ran already: its answers, one by one)
