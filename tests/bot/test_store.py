"""The engine depends on the LearnerStore interface (bot/store.py), not on Redis: it runs
whole lessons on the in-memory store, and importing it loads no platform, Redis, SQL or image
library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.events import Event
from bot.features import build_engine
from bot.memory_store import MemoryStore

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("telegram", "redis", "PIL", "qrcode", "sqlalchemy", "aiohttp")


def test_importing_the_engine_loads_no_platform_storage_or_image_library() -> None:
    check = (
        "import bot.engine, sys; "
        f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    )
    run = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == []


async def test_a_whole_lesson_runs_on_the_memory_store(curriculum, config, clock, make_chat):
    store = MemoryStore()
    chat = make_chat(build_engine(store, curriculum, config, clock=clock))
    await chat.first_question()
    right = chat.button("Đúng rồi").payload
    await chat.event(Event(chat.user, "button", payload=right))
    again = await chat.event(Event(chat.user, "button", payload=right))  # a double tap
    assert [r.notice for r in again] == [True]
    await chat.tap("Đúng")
    assert "Bác đã học xong bài «Bài một»" in chat.text and "Đúng 2/2" in chat.text
    kinds = [e["type"] for e in store.events]
    assert kinds.count("answer") == 2 and kinds.count("completion") == 1

    await chat.send("/forget")
    await chat.tap("Xóa hết")
    assert chat.user not in store.learners and store.events[-1]["type"] == "forget"
