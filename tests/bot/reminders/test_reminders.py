"""Reminders as a learner meets them: chosen once, at their time, kind, and never unwanted.

The clock is the test's own; a push is what the reminder loop (hocso/reminders.py) does when
the learner's entry in the Redis schedule comes due."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from bot.events import Event
from bot.features import build_engine
from bot.reminders.routes import FRESH
from storage.redis.keys import Keys
from storage.redis.state import StateStore

ICT = ZoneInfo("Asia/Ho_Chi_Minh")  # config.yaml's time zone


def at(day: int, hour: int, minute: int = 0, zone: ZoneInfo = ICT) -> float:
    """Epoch seconds of January `day`, 2026, at hour:minute local time."""
    return datetime(2026, 1, day, hour, minute, tzinfo=zone).timestamp()


async def due(redis: Redis, keys: Keys, user: str) -> float | None:
    """The learner's next reminder in the schedule (inf: opted out; None: none)."""
    return await redis.zscore(keys.schedule_of(user), user)


async def first_lesson(chat, clock, hour: int = 10, zone: ZoneInfo = ICT) -> None:
    """Onboard and pass lesson one on January 1st at `hour` (skipping ward and age)."""
    clock.now = at(1, hour, zone=zone)
    await chat.onboard()
    await chat.tap("Học tiếp")
    await chat.tap("Tiếp tục")
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")
    await chat.skip_profile()


async def push(chat) -> str:
    await chat.event(Event(chat.user, "push", payload=FRESH))
    return chat.text


async def test_after_the_first_lesson_the_time_is_asked_once(chat, clock, redis, keys) -> None:
    await first_lesson(chat, clock)
    assert "Mai nhắc bác lúc mấy giờ?" in chat.text
    labels = [b.label for b in chat.buttons]
    assert {"🌅 Sáng 07:30", "☀️ Trưa 12:00", "🌙 Tối 19:30", "🔕 Không cần nhắc"} <= set(labels)
    assert "▶️ Bài tiếp theo" in labels  # the learner can go straight on, too
    await chat.tap("Tối 19:30")
    assert "lúc 19:30 mỗi ngày" in chat.text
    # Studied today: the first reminder is tomorrow evening, in Vietnam's time.
    assert await due(redis, keys, chat.user) == at(2, 19, 30)
    await chat.tap("Bài tiếp theo")  # lesson two: no second question after it
    await chat.tap("Tiếp tục")
    await chat.send("không")
    assert "Bác đã học xong bài «Bài hai»" in chat.text
    assert "Mai nhắc" not in chat.text


async def test_the_time_zone_comes_from_config(
    store, redis, keys, curriculum, config, clock, make_chat
):
    config.timezone = "Europe/Paris"
    chat = make_chat(build_engine(store, curriculum, config, clock=clock))
    paris = ZoneInfo("Europe/Paris")
    await first_lesson(chat, clock, zone=paris)
    await chat.send("/remind 19:30")
    assert await due(redis, keys, chat.user) == at(2, 19, 30, paris)


async def test_the_daily_reminder_says_where_and_resumes_there(chat, clock, redis, keys) -> None:
    await first_lesson(chat, clock)
    await chat.tap("Tối 19:30")
    clock.now = at(2, 19, 30)
    said = await push(chat)
    assert "bài 2/2 của «điện thoại»" in said.lower()
    assert [b.label for b in chat.buttons] == ["▶️ Học tiếp", "🔕 Tắt nhắc nhở"]
    assert await due(redis, keys, chat.user) == at(3, 19, 30)  # one a day
    assert await push(chat) == ""  # claimed twice by mistake: still sent once
    await chat.tap("Học tiếp")
    assert "Bài hai" in chat.text


async def test_no_daily_reminder_on_a_day_already_studied(chat, clock, redis, keys) -> None:
    await first_lesson(chat, clock)
    await chat.tap("Trưa 12:00")
    clock.now = at(2, 9)
    await chat.send("/continue")  # studies on the morning of the 2nd
    await chat.tap("Tiếp tục")
    await chat.send("không")
    assert "Bài hai" in chat.text
    assert await due(redis, keys, chat.user) == at(3, 12)  # not at noon today
    clock.now = at(2, 12)
    assert await push(chat) == ""  # a reminder claimed anyway says nothing


async def test_one_nudge_after_stopping_mid_lesson(chat, clock, redis, keys) -> None:
    await first_lesson(chat, clock)
    await chat.send("/remind 07:30")
    clock.now = at(2, 9)
    await chat.send("/continue")
    await chat.tap("Tiếp tục")  # stops on the question of lesson two
    assert await due(redis, keys, chat.user) == at(2, 11)  # 2 h later
    clock.now = at(2, 11)
    said = await push(chat)
    assert "đang học dở bài «Bài hai» (bước 2/2)" in said
    await chat.tap("Học tiếp")
    assert "Gõ chữ không" in chat.text  # right at that question
    # Back, then gone again: no second nudge that day; tomorrow's reminder instead.
    assert await due(redis, keys, chat.user) == at(3, 7, 30)


async def test_the_nudge_waits_for_the_end_of_quiet_hours(chat, clock, redis, keys) -> None:
    await first_lesson(chat, clock, hour=20)
    await chat.tap("Bài tiếp theo")
    await chat.tap("Tiếp tục")  # stops mid-lesson at 20:00: 22:00 is quiet
    assert await due(redis, keys, chat.user) == at(2, 7)


async def test_a_time_in_quiet_hours_is_refused_kindly(chat, clock, redis, keys) -> None:
    await first_lesson(chat, clock)
    await chat.send("/remind 22:30")
    assert "Từ 21:00 đến 07:00 mình không nhắn tin" in chat.text
    assert "Mai nhắc bác" in chat.text  # asked again
    await chat.send("/remind lúc nào cũng được")
    assert "dạng 19:30" in chat.text
    await chat.send("20h15")  # typed in the menu
    assert "lúc 20:15" in chat.text


async def test_ignored_reminders_come_less_often_then_stop_once(chat, clock, redis, keys):
    await first_lesson(chat, clock)
    await chat.tap("Tối 19:30")
    sent_on = []
    for day in range(2, 20):
        clock.now = at(day, 19, 30)
        if await due(redis, keys, chat.user) == clock.now and await push(chat):
            sent_on.append((day, chat.text))
    days = [day for day, _ in sent_on]
    assert days == [2, 3, 4, 6, 9, 13]  # daily, then every other day, every third...
    last = sent_on[-1][1]
    assert "tạm ngừng nhắc học" in last and "/remind" in last
    assert "Tắt nhắc nhở" not in [b.label for b in chat.buttons]
    assert await due(redis, keys, chat.user) == float("inf")  # counted as opted out
    await chat.tap("Bật lại nhắc nhở")
    await chat.tap("Tối 19:30")
    assert await due(redis, keys, chat.user) == at(20, 19, 30)


async def test_the_button_on_a_reminder_turns_them_off(chat, clock, redis, keys) -> None:
    await first_lesson(chat, clock)
    await chat.tap("Sáng 07:30")
    clock.now = at(2, 7, 30)
    await push(chat)
    replies = await chat.tap("Tắt nhắc nhở")
    assert replies[0].replace and "Đã tắt nhắc nhở" in replies[0].text  # the reminder changes
    assert await due(redis, keys, chat.user) == float("inf")
    clock.now = at(3, 7, 30)
    assert await push(chat) == ""


async def test_remind_off_and_stop_silence_every_reminder(chat, clock, redis, keys) -> None:
    await first_lesson(chat, clock)
    await chat.tap("Tối 19:30")
    await chat.send("/remind off")
    assert "Đã tắt nhắc nhở" in chat.text
    await chat.send("/remind")
    assert "Nhắc nhở đang tắt" in chat.text
    await chat.send("/remind 19:30")
    await chat.send("/stop")
    assert "không nhắn nhắc bác nữa" in chat.text  # and it is true:
    assert await due(redis, keys, chat.user) == float("inf")
    clock.now = at(2, 19, 30)
    assert await push(chat) == ""


async def test_a_blocked_or_erased_learner_leaves_the_schedule(chat, clock, redis, keys):
    await first_lesson(chat, clock)
    await chat.tap("Tối 19:30")
    await chat.engine.handle(Event(chat.user, "blocked"))
    assert await due(redis, keys, chat.user) is None
    clock.now = at(2, 19, 30)
    assert await push(chat) == ""
    await chat.send("/start")  # writes again: reminders come back
    assert await due(redis, keys, chat.user) == at(3, 19, 30)
    await chat.send("/forget")
    await chat.tap("Xóa hết")
    assert await due(redis, keys, chat.user) is None


async def test_review_reminder_when_questions_are_due(chat, clock, redis, keys) -> None:
    clock.now = at(1, 10)
    await chat.onboard()
    await chat.tap("Học tiếp")
    await chat.tap("Tiếp tục")
    await chat.tap("Sai bét")  # one wrong: back for review tomorrow
    await chat.tap("Đúng")
    await chat.skip_profile()
    assert "Mai nhắc bác" in chat.text  # passed at 50 %
    await chat.send("/progress")  # no time chosen: no daily reminder, but the review
    assert await due(redis, keys, chat.user) == at(2, 19, 30)
    clock.now = at(2, 19, 30)
    said = await push(chat)
    assert "1 câu ôn lại" in said or "ôn nhanh 1 câu" in said
    await chat.tap("Ôn tập ngay")
    assert "Ôn tập nhanh: 1 câu" in chat.text


async def test_a_reminder_hours_late_waits_for_its_next_slot(chat, clock, redis, keys) -> None:
    await first_lesson(chat, clock)
    await chat.tap("Trưa 12:00")
    clock.now = at(2, 14)  # the tutor was down over noon
    assert await push(chat) == ""
    assert await due(redis, keys, chat.user) == at(3, 12)


async def test_console_learners_are_not_asked(store, curriculum, config, clock, make_chat):
    chat = make_chat(build_engine(store, curriculum, config, clock=clock), user="console:local")
    await first_lesson(chat, clock)
    assert "Mai nhắc" not in chat.text


async def test_the_redis_schedule_and_state_are_written_together(
    store: StateStore, redis: Redis, keys: Keys
) -> None:
    """A conflicting write changes neither the learner nor the schedule."""
    user = "tg:5"
    assert await store.save(user, 0, {}, {"st": "menu"}, due=100.0)
    _, version = await store.load(user)
    assert not await store.save(user, version + 1, {}, {"st": "lesson"}, due=200.0)  # stale
    assert await redis.zscore(keys.schedule_of(user), user) == 100.0
    assert await store.save(user, version, {"st": "menu"}, None)  # erased
    assert await redis.zscore(keys.schedule_of(user), user) is None


async def test_a_time_typed_after_remind_mid_lesson_is_taken(chat, clock, redis, keys) -> None:
    """The question says "or type the time you like": in the middle of a lesson too."""
    clock.now = at(1, 10)
    await chat.first_question()  # on question one of lesson one
    await chat.send("/remind")
    assert "gõ giờ" in chat.text
    await chat.send("20h")  # typed, without the colon
    assert "lúc 20:00 mỗi ngày" in chat.text and "chưa hiểu" not in chat.text
    assert "Đúng rồi" in [b.label for b in chat.buttons]  # the question is back, as it was
    assert await redis.hget(keys.learner(chat.user), "rm") == "20:00"


async def test_where_no_reminder_can_come_none_is_promised(
    store, curriculum, config, clock, make_chat
):
    """The console (and, for now, Zalo) gets no reminders: /remind says so kindly."""
    chat = make_chat(build_engine(store, curriculum, config, clock=clock), user="console:local")
    await chat.onboard()
    await chat.send("/remind 19:30")
    assert "chưa tự nhắn nhắc học được" in chat.text and "Mình sẽ nhắc" not in chat.text
    assert "Học tiếp" in " ".join(b.label for b in chat.buttons)  # the menu, still there
    await chat.send("/settings")
    assert "Giờ nhắc học" not in " ".join(b.label for b in chat.buttons)
    await chat.send("tiep tuc")  # as the note says
    assert "chưa hiểu" not in chat.text


async def test_a_typer_turns_reminders_off_with_the_buttons_words(chat, clock, redis, keys):
    await first_lesson(chat, clock)
    await chat.tap("Tối 19:30")
    clock.now = at(2, 19, 30)
    await push(chat)
    assert "🔕 Tắt nhắc nhở" in [b.label for b in chat.buttons]
    await chat.send("tat nhac nho")  # the button's words, typed without accents
    assert "Đã tắt nhắc nhở" in chat.text and "chưa hiểu" not in chat.text
    assert await due(redis, keys, chat.user) == float("inf")  # opted out: never due


async def test_a_typer_answering_the_nudge_is_shown_the_step(chat, clock, redis, keys) -> None:
    clock.now = at(1, 10)
    await chat.first_question()  # stops in the middle of lesson one
    clock.now = at(1, 12, 5)
    assert "đang học dở" in await push(chat)  # the nudge: "Bấm «Học tiếp»..."
    await chat.send("hoc tiep")  # typed instead
    assert "chưa hiểu" not in chat.text and "Đúng rồi" in [b.label for b in chat.buttons]


async def test_a_typer_turns_reminders_back_on_with_the_buttons_words(chat, clock) -> None:
    await first_lesson(chat, clock)
    await chat.send("/remind off")
    await chat.send("bat lai nhac nho")  # "⏰ Bật lại nhắc nhở", typed without accents
    assert "Mai nhắc bác lúc mấy giờ?" in chat.text and "chưa hiểu" not in chat.text
    await chat.send("19h30")
    assert "lúc 19:30 mỗi ngày" in chat.text


async def test_a_time_is_understood_as_people_type_it(chat, clock, redis, keys) -> None:
    await first_lesson(chat, clock)
    for typed, stored in (
        ("8 gio toi", "20:00"),  # "8 giờ tối" without accents
        ("7 giờ rưỡi sáng", "07:30"),
        ("3 gio chieu", "15:00"),
        ("8pm", "20:00"),
        ("19g30", "19:30"),
    ):
        await chat.send("/menu")
        await chat.send(typed)
        assert f"lúc {stored} mỗi ngày" in chat.text, typed
        assert await redis.hget(keys.learner(chat.user), "rm") == stored
    await chat.send("/remind 8 gio sang")
    assert "lúc 08:00 mỗi ngày" in chat.text
    await chat.send("/menu")
    await chat.send("2")  # a bare number on the menu is a line of it, never a time
    assert await redis.hget(keys.learner(chat.user), "rm") == "08:00"
