"""The console adapter: a whole lesson as a transcript, and `hocso chat` fed by a pipe."""

from __future__ import annotations

import io
from pathlib import Path

from bot.events import Button, Reply
from handlers.console import Console, render, to_event

ROOT = Path(__file__).resolve().parents[2]


def test_numbers_tap_buttons_and_slash_is_a_command():
    buttons = [Button("A", "1:x:a"), Button("B", "1:x:b")]
    assert to_event("2", "u", buttons).payload == "1:x:b"
    assert to_event("3", "u", buttons).kind == "text"  # no third button: plain text
    event = to_event("/start lop-1", "u", buttons)
    assert (event.kind, event.command, event.text) == ("command", "start", "lop-1")


def test_render_numbers_the_latest_buttons():
    text, buttons = render([Reply("Hỏi?", ((Button("Có", "1:a"), Button("Không", "1:b")),))])
    assert text == "Hỏi?\n   1. Có\n   2. Không"
    assert [b.payload for b in buttons] == ["1:a", "1:b"]


async def test_whole_lesson_transcript(engine):
    typed = "/start\n1\n1\n2\n1\n"
    out = io.StringIO()
    await Console(engine.handle, "console:test", io.StringIO(typed), out).run()
    transcript = out.getvalue()
    expected_in_order = [
        "> /start",
        "Bác có đồng ý không?",
        "> 1",
        "📘 Bài một",
        "Thẻ một",
        "Câu hỏi một?",
        "👉 Bác chọn: Đúng rồi",
        "✅ Đúng rồi! Giỏi quá.",
        "💡 Giải thích một",
        "Câu hỏi hai?",
        "👉 Bác chọn: ✔️ Đúng",
        "🎉 Bác đã học xong bài «Bài một»!\nĐúng 2/2 câu.",
        "Giúp phường/xã của bác được tính",
    ]
    position = 0
    for line in expected_in_order:
        found = transcript.find(line, position)
        assert found >= 0, f"{line!r} missing after position {position}:\n{transcript}"
        position = found


def test_unusual_digits_are_plain_text():
    assert to_event("²", "u", [Button("A", "1:x:a")]).kind == "text"
