"""A group's weekly class time (`/schedule` in the group) and the reminder posted to the group an
hour before class, through the real engine on real Redis with a clock moved by hand; a class's
time reaches its row in the real reporting database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from redis.asyncio import Redis
from test_groups import LEAD, Group

from bot.engine import Engine
from bot.features import build_engine
from bot.groups.class_schedule import parse
from storage.redis.keys import Keys
from storage.sql.classes import class_schedule, save_class
from storage.sql.facilitators import ClassFacilitators

CLASS = "TOCNS-1"
ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int, minute: int = 0) -> float:
    """Epoch seconds of January `day`, 2026, at hour:minute in Vietnam."""
    return datetime(2026, 1, day, hour, minute, tzinfo=ICT).timestamp()


async def indexed(redis: Redis, keys: Keys, group: Group) -> float | None:
    """When the group timer looks at this group next (None: it does not)."""
    chat = f"tg:{group.chat}"
    return await redis.zscore(keys.group_due_of(chat), chat)


def reminders(group: Group) -> list[str]:
    return [r.text for r in group.seen if r.text.startswith("⏰ Cả nhà ơi")]


def labels(group: Group) -> list[str]:
    return [b.label for row in group.seen[-1].buttons for b in row]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("thứ Bảy 19:00", "6 19:00"),
        ("T7 7 giờ tối", "6 19:00"),  # as people say it, without the 24-hour clock
        ("thu 7 7 gio toi", "6 19:00"),  # typed without accents
        ("Chủ nhật 8 giờ rưỡi sáng", "7 08:30"),
        ("CN 20g", "7 20:00"),
        ("thứ Hai 19h30", "1 19:30"),
        ("Saturday 7pm", "6 19:00"),
    ],
)
def test_a_facilitator_types_the_class_time_as_people_say_it(typed: str, stored: str) -> None:
    assert parse(typed) == stored


@pytest.mark.parametrize("typed", ["thứ Bảy", "19:00", "thu 8 19h", "thứ Bảy 25h", "mai 7h"])
def test_a_day_and_time_that_cannot_be_read_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse(typed)


async def test_the_facilitator_sets_shows_and_removes_the_weekly_time(
    engine, clock, redis, keys
) -> None:
    clock.now = at(1, 10)  # Thursday
    group = Group(engine)
    await group.command(LEAD, "lesson", admin=True)  # not a class yet: nothing planned
    assert await indexed(redis, keys, group) is None

    await group.event("tg:5", "command", command="schedule", text="thứ Bảy 19:00")
    assert "chỉ người hướng dẫn mới đổi được lịch" in group.seen[-1].text
    await group.event("tg:5", "command", command="schedule")
    assert group.text.count("chỉ người hướng dẫn") == 1  # told once, then quiet

    await group.command(LEAD, "schedule", admin=True)
    assert "Nhóm chưa có lịch học hằng tuần" in group.seen[-1].text
    assert "/schedule thứ Bảy 19:00" in group.seen[-1].text

    await group.event(LEAD, "command", command="schedule", text="thu 8 19h", admin=True)
    assert "mình chưa hiểu ngày giờ này" in group.seen[-1].text
    await group.event(LEAD, "command", command="schedule", text="T7 19h", admin=True)
    said = group.seen[-1].text
    assert "Đã đặt lịch: lớp học mỗi tuần vào Thứ Bảy 19:00" in said
    assert "nhắc cả nhóm lúc 18:00" in said
    assert labels(group) == ["🔕 Bỏ lịch nhắc"]
    assert await indexed(redis, keys, group) == at(3, 18)  # Saturday, an hour before

    await group.command(LEAD, "schedule", admin=True)
    assert "Lớp học mỗi tuần vào Thứ Bảy 19:00" in group.seen[-1].text
    await group.event("tg:6", "command", command="schedule")
    assert "Lịch học của lớp: Thứ Bảy 19:00" in group.seen[-1].text  # anyone may see it

    await group.event(LEAD, "command", command="schedule", text="off", admin=True)
    assert "Đã bỏ lịch học hằng tuần" in group.seen[-1].text
    assert await indexed(redis, keys, group) is None

    await group.event(LEAD, "command", command="schedule", text="Chủ nhật 8:00", admin=True)
    assert await indexed(redis, keys, group) == at(4, 7)
    assert (await group.tap("tg:7", "Bỏ lịch nhắc")).startswith("🗓 Lịch học của lớp")
    assert await indexed(redis, keys, group) == at(4, 7)  # not theirs to remove
    await group.tap(LEAD, "Bỏ lịch nhắc", admin=True)
    assert "Đã bỏ lịch học hằng tuần" in group.seen[-1].text and group.seen[-1].replace
    assert await indexed(redis, keys, group) is None


async def saturday_class(engine: Engine, clock) -> Group:
    """On Thursday the facilitator sets the group's time: Saturdays at 19:00."""
    clock.now = at(1, 10)
    group = Group(engine)
    await group.event(LEAD, "command", command="schedule", text="thứ Bảy 19:00", admin=True)
    return group


async def test_the_group_is_reminded_an_hour_before_class_once_by_racing_workers(
    engine, worker, clock, redis, keys
) -> None:
    group = await saturday_class(engine, clock)
    clock.now = at(3, 17, 59)
    assert await group.tick() == []  # not yet

    clock.now = at(3, 18)
    others = [worker() for _ in range(3)]
    ticks = await asyncio.gather(engine.tick("tg"), *(e.tick("tg") for e in others))
    sent = [reply for found in ticks for _, replies in found for reply in replies]
    assert len(sent) == 1  # four workers looked at once: one message
    group.seen += sent
    text = sent[0].text
    assert "còn 1 tiếng nữa là tới giờ học của lớp mình (Thứ Bảy 19:00)" in text
    assert "📘 Bài tiếp theo: «Bài một»" in text and "/lesson" in text
    assert labels(group) == ["▶️ Bài tiếp theo: Bài một", "📚 Chọn bài học"]
    assert await group.tick() == []
    assert await indexed(redis, keys, group) == at(10, 18)  # next Saturday

    # The way forward: the facilitator taps, and the reminder becomes the lesson's intro.
    await group.tap(LEAD, "Bài tiếp theo: Bài một", admin=True)
    assert "Cả nhóm cùng học: «Bài một»" in group.seen[-1].text and group.seen[-1].replace


async def test_no_reminder_too_late_after_downtime_nor_once_the_bot_is_removed(
    engine, clock, config, redis, keys
) -> None:
    group = await saturday_class(engine, clock)

    clock.now = at(3, 18) + config.reminders.grace + 1  # the bot was down: class has begun
    await group.tick()
    assert reminders(group) == []
    assert await indexed(redis, keys, group) == at(10, 18)

    clock.now = at(10, 18, 30)  # late, within the grace: still useful, and says so
    await group.tick()
    assert reminders(group) == [
        "⏰ Cả nhà ơi, còn 30 phút nữa là tới giờ học của lớp mình (Thứ Bảy 19:00)!\n"
        "📘 Bài tiếp theo: «Bài một».\n"
        "Đến giờ, người hướng dẫn bấm nút bên dưới hoặc gõ /lesson để cả nhóm cùng học nhé."
    ]

    await group.event(LEAD, "blocked")  # taken out of the group
    assert await indexed(redis, keys, group) is None
    clock.now = at(17, 18)
    await group.tick()
    assert len(reminders(group)) == 1

    clock.now = at(17, 20)
    await group.command(LEAD, "schedule", admin=True)  # back in the group: planned again
    assert await indexed(redis, keys, group) == at(24, 18)


async def test_a_group_without_a_weekly_time_gets_no_reminder(engine, clock, redis, keys):
    group = Group(engine)
    await group.start("tg:2")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.command(LEAD, "stop", admin=True)
    assert await indexed(redis, keys, group) is None
    for day in range(1, 9):
        clock.now = at(day, 18)
        await group.tick()
    assert reminders(group) == []


@pytest.fixture
def lan_class(store, group_store, curriculum, config, clock, database):
    """Chị Lan's class registered (with `schedule`, if given), and an engine that reads its
    facilitators through `kind`: (engine, facilitators)."""

    async def make(
        schedule: str | None = None, kind: type[ClassFacilitators] = ClassFacilitators
    ) -> tuple[Engine, ClassFacilitators]:
        lan = "Chị Lan @chi_lan"
        await save_class(database, CLASS, "Tổ CNS 1", facilitator=lan, schedule=schedule)
        facilitators = kind(database, clock=clock)
        engine = build_engine(
            store,
            curriculum,
            config,
            clock=clock,
            groups=group_store,
            facilitators=facilitators,
            group_platforms=("tg",),
        )
        return engine, facilitators

    return make


async def test_a_class_group_shares_its_class_time_both_ways(
    lan_class, config, clock, database, redis, keys
) -> None:
    from hocso.class_cli import list_classes

    engine, _ = await lan_class(schedule=parse("T7 19:00"))
    clock.now = at(1, 10)
    group = Group(engine)
    lan = {"username": "chi_lan"}
    await group.event("tg:8", "command", command="lesson", **lan)
    await group.event("tg:8", "button", payload=group.payload("Bài tiếp theo"), **lan)
    # She led a lesson there: the group is her class's, with its time.
    assert await indexed(redis, keys, group) == at(1, 10) + config.groups.card_seconds
    await group.event("tg:8", "command", command="stop", **lan)
    assert await indexed(redis, keys, group) == at(3, 18)

    await group.event("tg:8", "command", command="schedule", text="chu nhat 8h", **lan)
    assert "Học viên lớp TOCNS-1 học riêng cũng được nhắc" in group.seen[-1].text
    assert await class_schedule(database, CLASS) == "7 08:00"  # members' pace, the class list
    listed = io.StringIO()
    await list_classes(database, config, listed)
    assert "Chủ nhật 08:00" in listed.getvalue()
    assert await indexed(redis, keys, group) == at(4, 7)

    # Changed with `hocso class add --schedule`: the group follows it when the reminder is due.
    await save_class(database, CLASS, "Tổ CNS 1", schedule=parse("thứ Hai 19:00"))
    clock.now = at(4, 7)  # over a minute later: the classes are read again
    await group.tick()
    assert reminders(group) == []
    assert await indexed(redis, keys, group) == at(5, 18)
    clock.now = at(5, 18)
    await group.tick()
    assert "(Thứ Hai 19:00)" in reminders(group)[0]

    await group.event("tg:8", "command", command="schedule", text="off", **lan)
    assert await class_schedule(database, CLASS) is None
    assert await indexed(redis, keys, group) is None

    await save_class(database, CLASS, "Tổ CNS 1", schedule=parse("thứ Ba 19:00"))
    clock.advance(seconds=61)
    await group.event("tg:8", "command", command="schedule", **lan)  # shown as registered
    assert "Lớp học mỗi tuần vào Thứ Ba 19:00" in group.seen[-1].text
    assert await indexed(redis, keys, group) == at(6, 18)


async def test_a_class_time_not_stored_changes_nothing_and_says_so(
    lan_class, clock, database, redis, keys
) -> None:
    class Down(ClassFacilitators):
        async def set_schedule(self, code: str, schedule: str) -> None:
            raise ConnectionError("the database is down")

    engine, _ = await lan_class(kind=Down)
    clock.now = at(1, 10)
    group = Group(engine)
    lan = {"username": "chi_lan"}
    await group.event("tg:8", "command", command="lesson", **lan)
    await group.event("tg:8", "button", payload=group.payload("Bài tiếp theo"), **lan)
    await group.event("tg:8", "command", command="stop", **lan)
    await group.event("tg:8", "command", command="schedule", text="thứ Bảy 19:00", **lan)
    assert "chưa lưu được lịch của lớp" in group.seen[-1].text
    await group.event("tg:8", "command", command="schedule", **lan)
    assert "Nhóm chưa có lịch học hằng tuần" in group.seen[-1].text
    assert await indexed(redis, keys, group) is None


async def lan_leads_a_lesson(group: Group) -> None:
    """Chị Lan, registered for the class, leads a lesson in the group and stops it."""
    lan = {"username": "chi_lan"}
    await group.event("tg:8", "command", command="lesson", **lan)
    await group.event("tg:8", "button", payload=group.payload("Bài tiếp theo"), **lan)
    await group.event("tg:8", "command", command="stop", **lan)


async def family_group_joins_class(engine: Engine, clock) -> Group:
    """On Thursday the family group's admin (not a facilitator) sets its own time, Saturdays
    at 19:00; then Chị Lan leads the group's first class lesson."""
    clock.now = at(1, 10)
    group = Group(engine)
    await group.event(LEAD, "command", command="schedule", text="thứ Bảy 19:00", admin=True)
    assert "Học viên lớp" not in group.seen[-1].text  # no class yet: the group's own time
    await lan_leads_a_lesson(group)
    return group


async def test_a_group_keeps_its_own_time_when_it_joins_a_class_without_one(
    lan_class, config, clock, database, redis, keys
) -> None:
    from hocso.class_cli import list_classes

    engine, _ = await lan_class()
    group = await family_group_joins_class(engine, clock)

    # The group's time is now the class's: its members who study alone get the pace.
    assert await class_schedule(database, CLASS) == "6 19:00"
    listed = io.StringIO()
    await list_classes(database, config, listed)
    assert "Thứ Bảy 19:00" in listed.getvalue()
    assert await indexed(redis, keys, group) == at(3, 18)
    await group.event("tg:8", "command", command="schedule", username="chi_lan")
    assert "Lớp học mỗi tuần vào Thứ Bảy 19:00" in group.seen[-1].text

    clock.now = at(3, 18)
    await group.tick()
    assert "(Thứ Bảy 19:00)" in reminders(group)[0]


async def test_a_class_time_wins_over_the_group_own_time_when_the_group_joins_it(
    lan_class, clock, database, redis, keys
) -> None:
    engine, _ = await lan_class(schedule=parse("CN 8:00"))
    group = await family_group_joins_class(engine, clock)

    assert await class_schedule(database, CLASS) == "7 08:00"  # the class's, untouched
    assert await indexed(redis, keys, group) == at(4, 7)  # the group follows its class
    clock.now = at(3, 18)
    await group.tick()
    assert reminders(group) == []


async def test_a_class_time_removed_on_purpose_is_not_brought_back_by_its_group(
    lan_class, clock, database, redis, keys
) -> None:
    engine, _ = await lan_class()
    group = await family_group_joins_class(engine, clock)
    assert await class_schedule(database, CLASS) == "6 19:00"

    # `hocso class add --schedule off`: the class has no time now, nor has its group.
    await save_class(database, CLASS, "Tổ CNS 1", schedule="")
    clock.now = at(3, 18)  # over a minute later: the classes are read again
    await group.tick()
    assert reminders(group) == []
    assert await indexed(redis, keys, group) is None
    await lan_leads_a_lesson(group)  # the next lesson does not bring it back
    assert await class_schedule(database, CLASS) is None
    assert await indexed(redis, keys, group) is None
    await group.event("tg:8", "command", command="schedule", username="chi_lan")
    assert "Nhóm chưa có lịch học hằng tuần" in group.seen[-1].text


async def test_a_group_time_the_class_could_not_take_stays_the_group_own_until_it_can(
    lan_class, clock, database, redis, keys
) -> None:
    class Flaky(ClassFacilitators):
        down = True

        async def set_schedule(self, code: str, schedule: str) -> None:
            if self.down:
                raise ConnectionError("the database is down")
            await super().set_schedule(code, schedule)

    engine, facilitators = await lan_class(kind=Flaky)
    group = await family_group_joins_class(engine, clock)

    # The lesson ran all the same, and the group kept its own time.
    assert "Cả nhóm cùng học: «Bài một»" in group.text
    assert "chưa lưu được lịch" not in group.text
    assert await class_schedule(database, CLASS) is None
    assert await indexed(redis, keys, group) == at(3, 18)

    facilitators.down = False  # the class takes it with the next lesson she leads
    await lan_leads_a_lesson(group)
    assert await class_schedule(database, CLASS) == "6 19:00"
    assert await indexed(redis, keys, group) == at(3, 18)
