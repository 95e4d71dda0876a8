"""The reminder loop against a real Redis and the fake Bot API: each reminder reaches its
learner exactly once, whatever the loops, crashes and downtime, within the fleet's limits."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fake_bot_api import TOKEN, FakeBotApi
from redis import exceptions as redis_errors
from redis.asyncio import Redis

from bot.content.lessons import Curriculum
from bot.engine import Engine
from bot.events import Reply
from bot.features import build_engine
from handlers.limits import PushLimits
from handlers.telegram.push import TelegramPush
from hocso.reminders import ReminderLoop, print_status
from hocso.settings import Settings as Config
from storage.redis.keys import Keys
from storage.redis.schedule import Schedule
from storage.redis.state import StateStore

REDIS_URL = os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int, minute: int = 0) -> float:
    return datetime(2026, 1, day, hour, minute, tzinfo=ICT).timestamp()


class NoLimits:
    async def wait(self, chat: str, group: bool = False, once: bool = False) -> None:
        return None

    async def pause(self, seconds: float) -> None:
        return None


class Worker:
    """One `hocso run` process's reminder loop: its own Redis connection, engine and bot."""

    def __init__(self, redis: Redis, keys: Keys, engine: Engine, push: TelegramPush, loop):
        self.redis, self.keys, self.engine, self.push, self.loop = redis, keys, engine, push, loop


@pytest.fixture
def config(config: Config, api: FakeBotApi) -> Config:
    config.telegram = config.telegram.model_copy(update={"token": TOKEN, "base_url": api.base_url})
    # Lesson one is open from the first /start: no nudge before the daily reminders here.
    config.reminders = config.reminders.model_copy(update={"nudge_after": 30 * 86400})
    return config


@pytest.fixture
async def workers(keys: Keys, curriculum: Curriculum, config: Config, clock) -> AsyncIterator:
    made: list[Worker] = []

    async def make(limits=None, rate: int = 30) -> Worker:
        redis = Redis.from_url(REDIS_URL, decode_responses=True)
        # As `hocso run` builds it.
        engine = build_engine(StateStore(redis, keys), curriculum, config, clock=clock)
        push = await TelegramPush(config.telegram, redis, keys).__aenter__()
        loop = ReminderLoop(
            engine,
            Schedule(redis, keys),
            {"tg": push},
            limits or NoLimits(),
            config.reminders,
            timezone=config.timezone,
            rate=rate,
            clock=clock,
        )
        worker = Worker(redis, keys, engine, push, loop)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        await worker.push.__aexit__(None, None, None)
        await worker.redis.aclose()


@pytest.fixture
def learners(make_chat, clock):
    async def make(engine: Engine, count: int, time_: str = "19:30") -> list[str]:
        """`count` learners, onboarded on January 1st at 10:00, who chose a daily time."""
        return await _learners(make_chat, engine, clock, count, time_)

    return make


_numbers = iter(range(5000, 10**6))


async def _learners(make_chat, engine: Engine, clock, count: int, time_: str) -> list[str]:
    clock.now = at(1, 10)
    users = []
    for _ in range(count):
        chat = make_chat(engine, user=f"tg:{next(_numbers)}")
        await chat.onboard()
        await chat.send(f"/remind {time_}")
        users.append(chat.user)
    return users


def sent_to(api: FakeBotApi, user: str) -> list[str]:
    chat = user.partition(":")[2]
    return [c.text for c in api.of("sendMessage") if str(c.params["chat_id"]) == chat]


async def test_a_due_reminder_is_sent_once_with_its_buttons(
    workers, api, clock, keys, redis, learners
):
    worker = await workers()
    [user] = await learners(worker.engine, 1)
    clock.now = at(1, 19, 29)
    assert await worker.loop.pass_once() == 0  # not yet
    clock.now = at(1, 19, 30)
    assert await worker.loop.pass_once() == 1
    [text] = sent_to(api, user)
    assert "bài 1/2" in text.lower()
    labels = [b["text"] for b in api.of("sendMessage")[-1].buttons]
    assert labels == ["▶️ Học tiếp", "🔕 Tắt nhắc nhở"]
    assert "allow_paid_broadcast" not in api.of("sendMessage")[-1].params
    assert await worker.loop.pass_once() == 0
    lines = await print_status(Schedule(redis, keys), clock.now, "Asia/Ho_Chi_Minh")
    assert lines[-2].split() == ["all", "1", "0", "0", "1", "0"]  # tomorrow's, and one sent


async def test_with_paid_broadcasts_on_every_reminder_asks_for_it(
    workers, api, clock, config, learners
):
    """`telegram.paid_broadcast`: each pushed message carries `allow_paid_broadcast` (up to
    1000 a second, charged in Stars); without it none does (see the test above)."""
    config.telegram = config.telegram.model_copy(update={"paid_broadcast": True})
    worker = await workers()
    [user] = await learners(worker.engine, 1)
    clock.now = at(1, 19, 30)
    assert await worker.loop.pass_once() == 1
    [call] = [c for c in api.of("sendMessage") if c.params["chat_id"] == user[3:]]
    assert call.params["allow_paid_broadcast"] == "true"


async def test_two_loops_racing_send_each_reminder_once(workers, api, clock, learners) -> None:
    one, two = await workers(), await workers()
    users = await learners(one.engine, 40)
    clock.now = at(1, 19, 31)
    claimed = await asyncio.gather(one.loop.pass_once(), two.loop.pass_once())
    assert sum(claimed) == 40
    assert all(claimed)  # both did some of the work
    assert [len(sent_to(api, u)) for u in users] == [1] * 40


class Hangs:
    """A sender whose process dies while sending: nothing reaches Telegram."""

    platform = "tg"

    def __init__(self) -> None:
        self.reached = asyncio.Event()

    async def push(self, chat: str, replies: Sequence[Reply]) -> None:
        self.reached.set()
        await asyncio.sleep(3600)


async def test_a_worker_killed_mid_claim_is_retaken_after_the_lease(workers, api, clock, learners):
    doomed, other = await workers(), await workers()
    users = await learners(doomed.engine, 2)
    clock.now = at(1, 19, 30)
    # One claim dies after the engine decided (the reminder's words are saved), the other
    # before anything was decided.
    schedule = doomed.loop.schedule
    shard_of = {u: doomed.keys.shard(u) for u in users}
    hangs = Hangs()
    doomed.loop.senders = {"tg": hangs}
    doomed.loop.batch = 1
    first_shard = shard_of[users[0]]
    claims = await schedule.claim(first_shard, clock.now, 300, 1)
    task = asyncio.create_task(doomed.loop._send_batch(first_shard, claims))
    await asyncio.wait_for(hangs.reached.wait(), 5)
    task.cancel()  # killed
    [claim] = await schedule.claim(shard_of[users[1]], clock.now, 300, 10)
    assert claim.user == users[1]
    assert api.of("sendMessage") == []
    decided = [await doomed.redis.hget(doomed.keys.learner(u), "ig") for u in users]
    assert decided == ["1", None]  # one counted as sent (and planned anew), one untouched

    clock.now += 299  # still within the lease: nobody else touches them
    assert await other.loop.pass_once() == 0
    clock.now += 2
    assert await other.loop.pass_once() == 2
    for user in users:
        assert len(sent_to(api, user)) == 1
    clock.now += 400  # and never again
    assert await other.loop.pass_once() == 0
    assert [len(sent_to(api, u)) for u in users] == [1, 1]


async def test_after_downtime_only_fresh_reminders_are_sent(
    workers, api, clock, redis, keys, learners
):
    worker = await workers()
    [late] = await learners(worker.engine, 1, "12:00")
    [fresh] = await learners(worker.engine, 1, "19:00")
    clock.now = at(1, 19, 45)  # back up after a day's outage
    assert await worker.loop.pass_once() == 2
    assert sent_to(api, late) == []
    assert len(sent_to(api, fresh)) == 1
    assert await redis.zscore(keys.schedule_of(late), late) == at(2, 12)  # its next slot


async def test_a_learner_who_blocked_the_bot_is_sent_nothing_more(
    workers, api, clock, redis, learners
):
    worker = await workers()
    [user] = await learners(worker.engine, 1)
    api.fail("sendMessage", 403)
    clock.now = at(1, 19, 30)
    await worker.loop.pass_once()
    state = await redis.hgetall(worker.keys.learner(user))
    assert state["ia"] == "1"  # inactive
    assert await redis.zscore(worker.keys.schedule_of(user), user) is None
    clock.now = at(2, 19, 30)
    assert await worker.loop.pass_once() == 0


async def test_a_429_pauses_the_fleet_and_the_reminder_still_goes_once(
    workers, api, clock, redis, keys, learners
) -> None:
    limits = PushLimits.for_redis(redis, REDIS_URL, keys.prefix, rate=30)
    worker = await workers(limits)
    [user] = await learners(worker.engine, 1)
    api.fail("sendMessage", 429, retry_after=1)
    clock.now = at(1, 19, 30)
    start = time.monotonic()
    await worker.loop.pass_once()
    assert time.monotonic() - start >= 0.9  # waited as told
    assert len(sent_to(api, user)) == 1


class Recording:
    """Wraps a sender, noting when each message left."""

    def __init__(self, inner: TelegramPush, times: list[float]) -> None:
        self.platform = inner.platform
        self.inner = inner
        self.times = times

    async def push(self, chat: str, replies: Sequence[Reply]) -> None:
        self.times.append(time.monotonic())
        await self.inner.push(chat, replies)


async def test_the_shared_limiter_holds_two_loops_to_the_fleet_rate(
    workers, api, clock, keys, learners
):
    rate = 5
    times: list[float] = []
    fleet = []
    for _ in range(2):
        limits = PushLimits.for_redis(Redis.from_url(REDIS_URL), REDIS_URL, keys.prefix, rate)
        worker = await workers(limits, rate=rate)
        worker.loop.senders = {"tg": Recording(worker.push, times)}
        fleet.append(worker)
    users = await learners(fleet[0].engine, 16)
    clock.now = at(1, 19, 30)
    await asyncio.gather(*(w.loop.pass_once() for w in fleet))
    assert [len(sent_to(api, u)) for u in users] == [1] * 16
    times.sort()
    busiest = max(sum(1 for t in times if start <= t < start + 0.9) for start in times)
    assert busiest <= rate
    assert times[-1] - times[0] >= 2.0  # 16 at 5 a second take three seconds, near enough


def test_reminders_alone_need_a_redis_server(monkeypatch, capsys) -> None:
    from hocso.cli import main

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    monkeypatch.setenv("HOCSO_CONFIG", os.path.join(root, "config.yaml"))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert main(["run", "--only", "reminders"]) == 2
    assert "reminders alone need REDIS_URL" in capsys.readouterr().err


def test_reminders_status_counts_per_shard(monkeypatch, capsys) -> None:
    import uuid

    from redis import Redis as SyncRedis

    from hocso.cli import main

    keys = Keys(prefix=f"hocso-test-{uuid.uuid4().hex[:10]}", shards=64)
    client = SyncRedis.from_url(REDIS_URL)
    now = time.time()
    try:
        client.zadd(keys.schedule(3), {"tg:1": now - 10, "tg:2": now + 3600, "tg:3": "inf"})
        client.zadd(keys.in_flight(3), {"tg:4": (now + 300) * 1000})
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        monkeypatch.setenv("HOCSO_CONFIG", os.path.join(root, "config.yaml"))
        monkeypatch.setenv("REDIS_URL", REDIS_URL)
        monkeypatch.setenv("HOCSO_REDIS_PREFIX", keys.prefix)
        assert main(["reminders", "status"]) == 0
        out = capsys.readouterr().out.splitlines()
        assert "in flight" in out[0] and "opted out" in out[0]
        assert out[1].split() == ["03", "1", "1", "1", "0", "1"]
        assert out[2].split() == ["all", "1", "1", "1", "0", "1"]
    finally:
        for key in client.scan_iter(match=f"{keys.prefix}:*"):
            client.delete(key)
        client.close()


# -- a wave of reminders: one learner's trouble is not the others' ------------------------


async def test_a_learner_who_turns_reminders_off_after_the_claim_gets_none(
    workers, api, clock, keys, learners, make_chat
):
    worker, bot = await workers(), await workers()  # the loop, and the bot's own process
    [user, other] = await learners(bot.engine, 2)
    clock.now = at(1, 19, 30)
    shard = keys.shard(user)
    claims = await worker.loop.schedule.claim(shard, clock.now, 300, 10)
    await make_chat(bot.engine, user=user).send("/remind off")  # while it is being decided
    await worker.loop._send_batch(shard, claims)
    assert sent_to(api, user) == []  # decided again on what the learner just said
    assert len(sent_to(api, other)) == (1 if keys.shard(other) == shard else 0)


async def test_an_erased_learner_is_not_brought_back_by_a_claimed_reminder(
    workers, api, clock, keys, redis, learners
):
    worker, bot = await workers(), await workers()
    [user] = await learners(bot.engine, 1)
    clock.now = at(1, 19, 30)
    shard = keys.shard(user)
    claims = await worker.loop.schedule.claim(shard, clock.now, 300, 10)
    fields, version = await bot.engine.store.load(user)
    assert await bot.engine.store.save(user, version, fields, None)  # /forget, meanwhile
    await worker.loop._send_batch(shard, claims)
    assert sent_to(api, user) == []
    assert await redis.hgetall(keys.learner(user)) == {}
    assert await redis.zscore(keys.schedule_of(user), user) is None


async def test_one_learner_failing_to_decide_leaves_the_others_sent(
    workers, api, clock, learners, monkeypatch
):
    worker = await workers()
    users = await learners(worker.engine, 6)
    real = worker.engine._decide

    async def decide(event, *args, **kw):
        if event.user == users[2]:
            raise RuntimeError("a bug")
        return await real(event, *args, **kw)

    monkeypatch.setattr(worker.engine, "_decide", decide)
    clock.now = at(1, 19, 30)
    await worker.loop.pass_once()
    assert [len(sent_to(api, u)) for u in users] == [1, 1, 0, 1, 1, 1]


async def test_a_wave_whose_save_lost_its_answer_sends_each_once_after_the_lease(
    workers, api, clock, learners
):
    worker = await workers()
    users = await learners(worker.engine, 8)
    store = worker.engine.store
    real = store._write
    lost: list[int] = []

    async def write(*args, **kw):
        answer = await real(*args, **kw)
        if not lost:  # the first wave was written, but its answer never came back
            lost.append(1)
            raise redis_errors.ConnectionError("answer lost")
        return answer

    store._write = write
    clock.now = at(1, 19, 30)
    await worker.loop.pass_once()
    assert any(sent_to(api, u) == [] for u in users)  # that wave's learners wait
    clock.now += 301  # the lease ended: retaken, the same words sent once
    await worker.loop.pass_once()
    assert [len(sent_to(api, u)) for u in users] == [1] * 8
    clock.now += 400
    await worker.loop.pass_once()
    assert [len(sent_to(api, u)) for u in users] == [1] * 8


class FlakyLimits:
    """The shared limiter's Redis times out once, on the third message."""

    def __init__(self) -> None:
        self.calls = 0

    async def wait(self, chat: str, group: bool = False, once: bool = False) -> None:
        self.calls += 1
        if self.calls == 3:
            raise redis_errors.TimeoutError("limiter timed out")

    async def pause(self, seconds: float) -> None:
        return None


async def test_a_limiter_timeout_mid_batch_sends_each_reminder_once(workers, api, clock, learners):
    worker = await workers(FlakyLimits())
    users = await learners(worker.engine, 30)
    clock.now = at(1, 19, 30)
    await worker.loop.pass_once()  # one reminder not sent; the others of its batch go
    assert sorted(len(sent_to(api, u)) for u in users) == [0] + [1] * 29
    clock.now += 301  # that one is retaken after the lease
    await worker.loop.pass_once()
    assert [len(sent_to(api, u)) for u in users] == [1] * 30


async def test_one_damaged_learner_does_not_hold_back_the_others_claimed_with_it(
    workers, api, clock, keys, redis, learners
):
    worker = await workers()
    users = await learners(worker.engine, 40)
    shard = keys.shard(users[0])
    same = [u for u in users if keys.shard(u) == shard]
    await redis.hset(keys.learner(same[1]), "v", "x")  # a damaged version (a hand edit)
    clock.now = at(1, 19, 30)
    await worker.loop.pass_once()
    others = [u for u in users if u != same[1]]
    assert [len(sent_to(api, u)) for u in others] == [1] * len(others)
    assert sent_to(api, same[1]) == []
