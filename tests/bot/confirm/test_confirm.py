"""Issue 25, section 3: a few days after a learner reaches the national platform (here: the
fixture course's core module done), the tutor asks once whether they were confirmed on
VNeID; the answer is reported. Where the tutor can write first (Telegram) the reminder loop
asks; elsewhere it comes at the learner's next visit."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.confirm.state import PLATFORM_LESSON
from bot.content.lessons import load_curriculum
from bot.events import Event
from bot.learner import from_fields
from bot.reminders.routes import FRESH

ROOT = Path(__file__).resolve().parents[3]
ICT = ZoneInfo("Asia/Ho_Chi_Minh")  # config.yaml's time zone

QUESTION = "Bác đã được xác nhận trên VNeID chưa?"


def at(day: int, hour: int, minute: int = 0) -> float:
    """Epoch seconds of January `day`, 2026, at hour:minute in Vietnam."""
    return datetime(2026, 1, day, hour, minute, tzinfo=ICT).timestamp()


async def due(redis, keys, user: str) -> float | None:
    """The learner's next pushed turn in the schedule the reminder loop claims from."""
    return await redis.zscore(keys.schedule_of(user), user)


async def push(chat) -> str:
    """What the reminder loop does when the learner's entry comes due."""
    await chat.event(Event(chat.user, "push", payload=FRESH))
    return chat.text


async def finish_core(chat, clock, name: str = "") -> None:
    """Pass both lessons of the core module on January 1st, 10:00; the certificate name
    given, or none."""
    clock.now = at(1, 10)
    await chat.first_question()
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")
    await chat.skip_profile()
    await chat.tap("Bài tiếp")
    await chat.tap("Tiếp tục")
    await chat.send("không")
    assert "Bác muốn in tên nào" in chat.text
    if name:
        await chat.send(name)
        await chat.tap("Đúng")
    else:
        await chat.tap("Không in tên")
    assert QUESTION not in chat.text  # not on the day itself


async def vneid_events(redis, keys, user: str) -> list[dict[str, str]]:
    events = [json.loads(f["e"]) for _, f in await redis.xrange(keys.outbox_of(user))]
    return [e for e in events if e["type"] == "vneid"]


async def state(redis, keys, user: str):
    return from_fields(user, await redis.hgetall(keys.learner(user)))


async def test_asked_once_at_the_next_visit_days_later_and_reported(chat, clock, redis, keys):
    chat.user = "zalo:42"  # a platform where the tutor cannot write first
    await finish_core(chat, clock)
    clock.now = at(2, 10)
    await chat.send("/menu")
    assert QUESTION not in chat.text  # a day later: not yet
    clock.now = at(4, 10)
    await chat.send("/menu")
    assert "Bác muốn làm gì tiếp?" in chat.text and QUESTION in chat.text  # under the menu
    assert [b.label for b in chat.buttons][-3:] == ["✅ Rồi", "⏳ Chưa", "🙋 Cần người giúp"]
    await chat.tap("Rồi")
    assert "Chúc mừng" in chat.text and "Bác muốn làm gì tiếp?" in chat.text  # and on
    assert [e["answer"] for e in await vneid_events(redis, keys, chat.user)] == ["yes"]
    clock.now = at(9, 10)
    await chat.send("/menu")
    assert QUESTION not in chat.text  # once only


async def test_typed_without_accents_or_by_number(chat, clock, redis, keys):
    chat.user = "zalo:43"
    await finish_core(chat, clock)
    clock.now = at(5, 9)
    await chat.send("/menu")
    later = chat.button("Cần người giúp").payload
    await chat.send("chua")
    assert "Không sao đâu bác" in chat.text
    # The same message's buttons still answer later, and a new answer replaces the old.
    await chat.event(Event(chat.user, "button", payload=later))
    assert "cần người giúp" in chat.text
    assert [e["answer"] for e in await vneid_events(redis, keys, chat.user)] == ["no", "help"]


async def test_roi_typed_is_an_answer_not_next(make_chat, engine, clock, redis, keys):
    for user, typed, answer in (("zalo:44", "roi", "yes"), ("zalo:45", "2", "no")):
        chat = make_chat(engine, user)
        await finish_core(chat, clock)
        clock.now = at(4, 20)
        await chat.send("/menu")
        await chat.send(typed)
        assert [e["answer"] for e in await vneid_events(redis, keys, user)] == [answer]


async def test_on_telegram_the_reminder_loop_asks_days_later(chat, clock, redis, keys):
    await finish_core(chat, clock)
    # Due on January 4th in the evening (no daily time chosen): the loop's schedule says so.
    assert await due(redis, keys, chat.user) == at(4, 19, 30)
    clock.now = at(4, 19, 30)
    text = await push(chat)
    assert QUESTION in text
    learner = await state(redis, keys, chat.user)
    assert learner.confirm == "a" and learner.remind_kind != "v"  # not asked again
    assert await due(redis, keys, chat.user) is None  # nothing else to remind of
    await chat.send("can nguoi giup")
    assert [e["answer"] for e in await vneid_events(redis, keys, chat.user)] == ["help"]


async def test_help_shares_the_certificate_name_only_if_the_learner_agrees(
    make_chat, engine, clock, redis, keys
):
    for user, tap, shared in (("zalo:46", "Được", "Nguyễn Thị Lan"), ("zalo:47", "Không", "")):
        chat = make_chat(engine, user)
        await finish_core(chat, clock, name="Nguyễn Thị Lan")
        clock.now = at(4, 20)
        await chat.send("/menu")
        await chat.tap("Cần người giúp")
        assert "«Nguyễn Thị Lan»" in chat.text
        await chat.tap(tap)
        assert "Bác muốn làm gì tiếp?" in chat.text
        names = [e.get("name", "") for e in await vneid_events(redis, keys, user)]
        assert names == (["", shared] if shared else [""])


async def test_the_question_waits_for_the_end_of_a_lesson(chat, clock, redis, keys):
    chat.user = "zalo:48"
    await finish_core(chat, clock)
    clock.now = at(4, 8)
    await chat.event(Event(chat.user, "command", command="continue"))  # lesson three
    assert "Câu hỏi bốn?" in chat.text and QUESTION not in chat.text  # not mid-lesson
    await chat.tap("Sai")
    assert "Bài ba" in chat.text and QUESTION in chat.text  # once the lesson is over


def test_the_platform_lesson_it_waits_for_is_in_the_course():
    course = load_curriculum(ROOT / "lessons")
    assert course.lesson(PLATFORM_LESSON) is not None
