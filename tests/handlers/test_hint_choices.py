"""Issue 25, section 2, on numbered screens: after two hints the answers offered to a typed
question are numbered lines, and a typed number picks one (the console, Zalo)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from zalo_phone import ZaloPhone

from bot.content.lessons import Curriculum, load_curriculum
from handlers.console import Console

HINTS = Path(__file__).resolve().parents[1] / "fixtures" / "hints"


@pytest.fixture
def hints_course() -> Curriculum:
    return load_curriculum(HINTS)


async def test_the_console_numbers_the_choices(engine, hints_course):
    engine.curriculum = hints_course
    typed = "/start\n1\n1\n2\n1\n1\n"  # consent, card, choice, then the hint twice
    out = io.StringIO()
    await Console(engine.handle, "console:hints", io.StringIO(typed), out).run()
    screen = out.getvalue().rsplit("> 1", 1)[-1]  # after the second hint
    assert "«CH Pl__»" in screen
    lines = [line.strip() for line in screen.splitlines() if line.strip()[:2] in ("1.", "5.")]
    assert len(lines) == 2 and lines[1] == "5. 🤷 Không biết"


async def test_on_zalo_the_answer_is_picked_by_its_number(start_zalo, engine, hints_course):
    engine.curriculum = hints_course
    phone = ZaloPhone(await start_zalo())
    await phone.write("Xin chào")
    await phone.choose("Đồng ý")
    await phone.choose("Tiếp tục")
    await phone.choose("Dữ liệu di động")
    await phone.choose("Gợi ý")
    answer = await phone.choose("Gợi ý thêm")
    assert "«CH Pl__»" in answer and ". CH Play" in answer
    assert "✅ Đúng rồi" in await phone.choose("CH Play")
