""" "Nhắc cả lớp" and "nhắc người này" end to end: the page (aiohttp test client) asks through
the real Redis, the reminder loop (hocso/reminders.py, as `hocso run` builds it) claims and
sends each reminder once to the fake Bot API, never twice in a day, never in quiet hours."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer
from fake_bot_api import TOKEN, FakeBotApi
from redis.asyncio import Redis
from web_helpers import SECRET, T0, csrf_of, log_in, profile

from bot.config import Config
from bot.content.lessons import Curriculum
from bot.features import build_engine
from handlers.telegram.push import TelegramPush
from hocso.reminders import ReminderLoop
from storage.redis.asks import ClassAsks
from storage.redis.keys import Keys
from storage.redis.schedule import Schedule
from storage.redis.state import StateStore
from storage.sql.db import Database
from storage.sql.ingest import write_batch
from web import reminding
from web.app import build_app

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
# Two members of LOP1 who started with the bot (A, B and F of the seed never did, in Redis);
# they are places 4 and 5 of the class, after A, B and F.
MEMBERS = ["tg:7001", "tg:7002"]


def at(day: int, hour: int, minute: int = 0) -> float:
    return datetime(2026, 1, day, hour, minute, tzinfo=ICT).timestamp()


class NoLimits:
    async def wait(self, chat: str, group: bool = False, once: bool = False) -> None:
        return None

    async def pause(self, seconds: float) -> None:
        return None


@pytest.fixture
def bot_config(web_config: Config, api: FakeBotApi) -> Config:
    web_config.telegram = web_config.telegram.model_copy(
        update={"token": TOKEN, "base_url": api.base_url}
    )
    # No nudge of the lesson left open at /start: only the facilitator's reminders here.
    web_config.reminders = web_config.reminders.model_copy(update={"nudge_after": 30 * 86400})
    return web_config


@pytest.fixture
async def setup(
    seeded: Database, curriculum: Curriculum, bot_config: Config, redis: Redis, keys: Keys,
    clock, make_chat,
) -> AsyncIterator:  # fmt: skip
    await write_batch(seeded, [profile(u, T0 + 3 * 86400, "ninh-kieu", "LOP1") for u in MEMBERS])
    engine = build_engine(StateStore(redis, keys), curriculum, bot_config, clock=clock)
    clock.now = at(1, 10)
    for user in MEMBERS:
        await make_chat(engine, user=user).onboard()
    push = await TelegramPush(bot_config.telegram, redis, keys).__aenter__()

    def loop() -> ReminderLoop:  # one `hocso run` worker's
        return ReminderLoop(
            engine, Schedule(redis, keys), {"tg": push}, NoLimits(), bot_config.reminders,
            timezone=bot_config.timezone, clock=clock,
        )  # fmt: skip

    app = build_app(bot_config, seeded, curriculum, SECRET, recount=False, login_delay=0,
                    redis=redis)  # fmt: skip
    assert reminding.ASKS in app  # with Redis, the page reaches the bot
    app[reminding.ASKS] = ClassAsks(redis, keys, clock=clock)  # this test's keys and clock
    async with TestClient(TestServer(app)) as client:
        await log_in(client, "hoa")
        yield client, loop, engine
    await push.__aexit__(None, None, None)


async def press(client: TestClient, member: str = "") -> str:
    token = csrf_of(await (await client.get("/classes/LOP1")).text())
    data = {"csrf": token} | ({"member": member} if member else {})
    sent = await client.post("/classes/LOP1/remind", data=data)
    assert sent.status == 200
    return await sent.text()


def sent_to(api: FakeBotApi, user: str) -> list[str]:
    return [c.text for c in api.of("sendMessage") if str(c.params["chat_id"]) == user[3:]]


async def test_the_class_is_reminded_once_a_day_by_the_loop(setup, api, clock):
    client, loop, _ = setup
    clock.now = at(2, 9)
    html = await press(client)
    # Everyone in the class is asked for (A, B, F, and the two): the bot skips who never began.
    assert "Đã xếp lịch nhắc 5 người" in html and "đã được nhắc hôm nay" not in html
    one, two = loop(), loop()
    await asyncio.gather(one.pass_once(), two.pass_once())  # two workers race for them
    for user in MEMBERS:
        [text] = sent_to(api, user)
        assert "Lớp học của" in text and "gửi lời hỏi thăm" in text and "hoc tiep" in text
    labels = [b["text"] for b in api.of("sendMessage")[-1].buttons]
    assert labels == ["▶️ Học tiếp", "🔕 Tắt nhắc nhở"]
    assert len(api.of("sendMessage")) == 2
    assert await one.pass_once() == 0  # claimed and answered: nothing left

    clock.now = at(2, 15)  # pressed again the same day, for the class and for one member
    html = await press(client)
    assert "5 người đã được nhắc hôm nay" in html and "Đã xếp lịch" not in html
    assert "1 người đã được nhắc hôm nay" in await press(client, member="4")
    assert await one.pass_once() == 0
    assert len(api.of("sendMessage")) == 2

    clock.now = at(3, 9)  # the next day, "nhắc người này": that member only
    assert "Đã xếp lịch nhắc 1 người" in await press(client, member="4")
    assert await one.pass_once() == 1
    assert len(sent_to(api, MEMBERS[0])) == 2 and len(sent_to(api, MEMBERS[1])) == 1


async def test_asked_at_night_it_waits_for_the_end_of_quiet_hours(setup, api, clock):
    client, loop, _ = setup
    clock.now = at(2, 22)
    assert "Đã xếp lịch nhắc 1 người" in await press(client, member="5")
    worker = loop()
    assert await worker.pass_once() == 1  # claimed, and moved to 07:00 (quiet hours)
    assert sent_to(api, MEMBERS[1]) == []
    clock.now = at(3, 6, 59)
    assert await worker.pass_once() == 0
    clock.now = at(3, 7)
    assert await worker.pass_once() == 1
    [text] = sent_to(api, MEMBERS[1])
    assert "gửi lời hỏi thăm" in text


async def test_who_studied_today_is_not_reminded(setup, api, clock, make_chat):
    client, loop, engine = setup
    clock.now = at(2, 9)
    learner = make_chat(engine, user=MEMBERS[0])
    await learner.send("/menu")
    await learner.tap("Học tiếp")  # back at the lesson today, and answers a question
    await learner.tap("Tiếp tục")
    await learner.tap("Đúng rồi")
    await press(client)
    await loop().pass_once()
    assert sent_to(api, MEMBERS[0]) == [] and len(sent_to(api, MEMBERS[1])) == 1


async def test_without_redis_the_page_says_it_cannot_send(client):
    await log_in(client, "hoa")
    html = await press(client)
    assert "chưa nối với bot nên chưa gửi được lời nhắc" in html
    assert "Đã xếp lịch" not in html
