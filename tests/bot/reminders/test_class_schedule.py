"""A class's weekly time: typed as a facilitator writes it, and the pace of class members who
chose no reminder time of their own (the class is registered in the real reporting database)."""

from __future__ import annotations

from functools import partial

import pytest
from test_reminders import at, due, push

from bot.engine import Engine
from bot.features import build_engine
from bot.groups.class_schedule import ClassTimes, parse, shown
from storage.sql.classes import class_schedule, save_class


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("thứ Bảy 19:00", "6 19:00"),
        ("Thu bay 19h", "6 19:00"),
        ("THỨ HAI 7:05", "1 07:05"),
        ("thứ 7 19:30", "6 19:30"),
        ("T4 20:00", "3 20:00"),
        ("Chủ nhật 08:00", "7 08:00"),
        ("chu nhat 8h", "7 08:00"),
        ("Saturday 19:00", "6 19:00"),
        ("sun 9:00", "7 09:00"),
    ],
)
def test_a_schedule_is_read_with_or_without_accents(typed: str, stored: str) -> None:
    assert parse(typed) == stored


@pytest.mark.parametrize("typed", ["thứ Tám 19:00", "19:00", "thứ Bảy", "thứ Bảy 25:00", ""])
def test_a_schedule_that_is_no_weekly_time_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse(typed)


def test_a_schedule_is_shown_in_vietnamese_or_in_english() -> None:
    assert shown("6 19:00") == "Thứ Bảy 19:00"
    assert shown("7 08:30") == "Chủ nhật 08:30"
    assert shown("6 19:00", "en") == "Saturday 19:00"  # an English group reads its own words
    assert shown(None) == "" and shown("9 19:00") == ""  # none, or damaged


async def class_learner(chat, clock) -> None:
    """Joins LOP-1A and passes lesson one on Thursday January 1st, 2026, at 10:00, leaving
    the reminder question unanswered (no time of their own)."""
    clock.now = at(1, 10)
    await chat.send("/start lop-1a")
    await chat.tap("Đồng ý")
    await chat.send("/menu")
    await chat.tap("Học tiếp")
    await chat.tap("Tiếp tục")
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")
    await chat.skip_profile()
    assert "Mai nhắc bác lúc mấy giờ?" in chat.text


@pytest.fixture
async def class_engine(store, curriculum, config, clock, database) -> Engine:
    await save_class(database, "LOP-1A", "Lớp 1A", schedule=parse("thứ Bảy 19:00"))
    return build_engine(
        store, curriculum, config, clock=clock, class_times=partial(class_schedule, database)
    )


async def test_a_class_member_with_no_time_of_their_own_gets_the_class_pace(
    class_engine, make_chat, clock, redis, keys
) -> None:
    chat = make_chat(class_engine)
    await class_learner(chat, clock)
    assert await due(redis, keys, chat.user) == at(3, 19)  # Saturday, at the class's time
    clock.now = at(3, 19)
    said = await push(chat)
    assert "bài 2/2 của «điện thoại»" in said.lower()
    assert [b.label for b in chat.buttons] == ["▶️ Học tiếp", "🔕 Tắt nhắc nhở"]
    assert await due(redis, keys, chat.user) == at(10, 19)  # next Saturday: once a week


async def test_a_time_of_their_own_or_off_wins_over_the_class(
    class_engine, make_chat, clock, redis, keys
) -> None:
    chat = make_chat(class_engine)
    await class_learner(chat, clock)
    await chat.send("/remind 12:00")
    assert await due(redis, keys, chat.user) == at(2, 12)  # every day at noon, their choice
    await chat.send("/remind off")
    assert await due(redis, keys, chat.user) == float("inf")  # off: not even the class's


async def test_a_class_without_a_schedule_changes_nothing(
    store, curriculum, config, clock, database, make_chat, redis, keys
) -> None:
    await save_class(database, "LOP-1A", "Lớp 1A")
    engine = build_engine(
        store, curriculum, config, clock=clock, class_times=partial(class_schedule, database)
    )
    chat = make_chat(engine)
    await class_learner(chat, clock)
    assert await due(redis, keys, chat.user) is None


async def test_the_schedule_is_kept_a_few_minutes_and_a_failed_lookup_keeps_the_last(
    clock,
) -> None:
    asked: list[str] = []
    answer: list[object] = ["6 19:00"]

    async def lookup(code: str) -> str | None:
        asked.append(code)
        if isinstance(answer[0], Exception):
            raise answer[0]
        return answer[0]  # type: ignore[return-value]

    times = ClassTimes(lookup, clock)
    assert await times.get("LOP-1A") == (6, 19 * 60)
    answer[0] = "7 08:00"
    assert await times.get("LOP-1A") == (6, 19 * 60) and len(asked) == 1  # cached
    clock.advance(seconds=301)
    assert await times.get("LOP-1A") == (7, 8 * 60)  # a change counts within minutes
    answer[0] = ConnectionError("reports down")
    clock.advance(seconds=301)
    assert await times.get("LOP-1A") == (7, 8 * 60)  # the last known, not a lost reminder
