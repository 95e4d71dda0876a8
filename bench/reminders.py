"""Reminders at a city's scale: the schedule's memory, claiming and rendering speed, and how
long the flood limits make a big batch take.

Usage: .venv/bin/python bench/reminders.py [memory|render|drain|all] [--learners N]
                                           [--workers N]

- memory: N learners (default 1,000,000) in the schedule (64 per-shard sorted sets): Redis
  memory for it, and what the reminder fields add to a learner's state hash.
- render: N due learners (default 100,000; real state hashes) claimed by the reminder loop,
  decided by the real engine on the shipped lessons and saved (their next reminder planned),
  with sending stubbed out: reminders a second, for `--workers` processes (default 1).
- drain: reminders sent through the fleet-wide limiter (handlers/limits.py) to the fake Bot
  API (tests/handlers/fake_bot_api.py) at 30/s and at 1,000/s, for a few seconds each; the time
  to drain 100,000 is extrapolated from the measured rate.

Each part starts a private redis-server on a free loopback port (nothing shared is touched).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from redis.asyncio import Redis

from bot.config import Config, load_config
from bot.engine import Engine
from bot.events import Reply
from bot.learner import Learner, Stage, to_fields
from bot.lessons import load_curriculum
from handlers.limits import PushLimits
from hocso.reminders import ReminderLoop
from storage.batch import BatchStore
from storage.keys import Keys
from storage.schedule import Schedule
from storage.state import StateStore

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "handlers"))
NOW = 1_767_258_000.0  # 2026-01-01 16:00 in Vietnam: not in quiet hours


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def private_redis() -> AsyncIterator[tuple[Redis, str]]:
    port = free_port()
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    args += ["--appendonly", "no", "--hash-max-listpack-value", "1024"]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    redis = Redis.from_url(url, decode_responses=True)
    try:
        for _ in range(50):
            try:
                await redis.ping()
                break
            except Exception:  # noqa: BLE001 - not up yet
                await asyncio.sleep(0.1)
        yield redis, url
    finally:
        await redis.aclose()
        server.terminate()
        server.wait()


def user_id(i: int) -> str:
    return f"tg:{6_000_000_000 + i * 7919}"  # Telegram ids are ten digits these days


def learner(i: int, due: float) -> Learner:
    """A learner one lesson in, who chose 19:30 and whose reminder is due at `due`."""
    return Learner(
        user=user_id(i),
        stage=Stage.MENU,
        consent_at=int(NOW) - 86400 * 3,
        area="31117",
        age="60",
        remind="19:30",
        remind_due=int(due),
        remind_kind="d",
        done=["bieu-tuong-ung-dung"],
        streak=1,
        last_day=739_616,
    )


async def fill(redis: Redis, keys: Keys, count: int, due: float, state: bool) -> None:
    """`count` learners in the schedule (and, with `state`, their state hashes)."""
    chunk = 5000
    for start in range(0, count, chunk):
        pipe = redis.pipeline(transaction=False)
        for i in range(start, min(count, start + chunk)):
            person = learner(i, due + (i % 600))
            if state:
                pipe.hset(keys.learner(person.user), mapping={"v": 1, **to_fields(person)})
            pipe.zadd(keys.schedule_of(person.user), {person.user: person.remind_due})
        await pipe.execute()


async def memory(count: int) -> None:
    async with private_redis() as (redis, _url):
        keys = Keys()
        before = int((await redis.info("memory"))["used_memory"])
        began = time.perf_counter()
        await fill(redis, keys, count, NOW + 3600, state=False)
        filled = time.perf_counter() - began
        after = int((await redis.info("memory"))["used_memory"])
        zsets = sum([await redis.memory_usage(keys.schedule(s)) for s in range(keys.shards)])
        print(f"memory: {count:,} learners scheduled in {filled:.1f} s")
        print(f"  used_memory grew {(after - before) / 2**20:,.1f} MiB")
        print(f"  MEMORY USAGE of the 64 schedules: {zsets / 2**20:,.1f} MiB")
        print(f"  {zsets / count:.0f} bytes a learner")
        plain = Learner(**{**learner(0, 0).__dict__, "remind": "", "remind_due": 0})
        plain.remind_kind = ""
        reminded = learner(0, NOW)
        reminded.ignored, reminded.reminded_at, reminded.reminded_kind = 2, int(NOW), "d"
        sizes = []
        for person in (plain, reminded):
            key = keys.learner(person.user)
            await redis.delete(key)
            await redis.hset(key, mapping={"v": 1, **to_fields(person)})
            sizes.append(await redis.memory_usage(key))
        print(
            f"  a learner's state hash: {sizes[0]} bytes without reminder fields, "
            f"{sizes[1]} with all six (+{sizes[1] - sizes[0]})"
        )


class Stub:
    """Sending stubbed out: counts what would go."""

    platform = "tg"

    def __init__(self) -> None:
        self.count = 0

    async def push(self, chat: str, replies: Sequence[Reply]) -> None:
        self.count += 1


class NoLimits:
    async def wait(self, chat: str, group: bool = False) -> None:
        return None

    async def pause(self, seconds: float) -> None:
        return None


def loop_for(redis: Redis, keys: Keys, config: Config, sender, limits, rate: int, batch: int):  # noqa: ANN001, ANN201
    curriculum = load_curriculum(ROOT / "lessons")
    store = BatchStore(StateStore(redis, keys))
    engine = Engine(store, curriculum, config, clock=lambda: NOW + 700)
    return ReminderLoop(
        engine,
        Schedule(redis, keys),
        {"tg": sender},
        limits,
        config.reminders,
        timezone=config.timezone,
        rate=rate,
        clock=lambda: NOW + 700,
        batch=batch,
    )


async def render(count: int, workers: int) -> None:
    """`workers` processes (each a `hocso run --only reminders`) drain `count` due reminders."""
    async with private_redis() as (redis, url):
        await fill(redis, Keys(), count, NOW, state=True)
        spawned = [
            await asyncio.create_subprocess_exec(
                sys.executable, __file__, "render-worker", "--url", url, stdout=PIPE
            )
            for _ in range(workers)
        ]
        for _ in range(workers):  # each is ready (imports done, lessons loaded)
            await redis.blpop(["bench:ready"], timeout=60)
        redis_cpu = await cpu_of(redis)
        began = time.perf_counter()
        await redis.rpush("bench:go", *["go"] * workers)
        outputs = [(await p.communicate())[0].split() for p in spawned]
        elapsed = time.perf_counter() - began
        redis_cpu = await cpu_of(redis) - redis_cpu
        claimed = sum(int(out[0]) for out in outputs)
        python_cpu = sum(float(out[2]) for out in outputs)
        print(
            f"render: {claimed:,} due reminders claimed, decided, saved and rendered by "
            f"{workers} process(es) in {elapsed:.1f} s: {claimed / elapsed:,.0f}/s "
            f"(sending stubbed)\n"
            f"  CPU a reminder: {python_cpu / claimed * 1e6:.0f} µs in Python "
            f"(one core: {claimed / python_cpu:,.0f}/s), {redis_cpu / claimed * 1e6:.0f} µs "
            f"in Redis (one core: {claimed / redis_cpu:,.0f}/s)"
        )


async def cpu_of(redis: Redis) -> float:
    info = await redis.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


async def render_worker(url: str) -> None:
    config = load_config(ROOT / "config.yaml", env={})
    redis = Redis.from_url(url, decode_responses=True)
    stub = Stub()
    loop = loop_for(redis, Keys(), config, stub, NoLimits(), rate=1280, batch=500)
    await redis.rpush("bench:ready", "1")
    await redis.blpop(["bench:go"], timeout=60)
    claimed = 0
    cpu = time.process_time()
    while found := await loop.pass_once():
        claimed += found
    print(claimed, stub.count, time.process_time() - cpu)
    await redis.aclose()


async def drain(rate: int, seconds: float) -> None:
    from handlers.telegram_push import TelegramPush

    # The fake Bot API in a process of its own, as Telegram would be.
    api = await asyncio.create_subprocess_exec(sys.executable, __file__, "fake-api", stdout=PIPE)
    assert api.stdout is not None
    base_url = (await api.stdout.readline()).decode().strip()
    config = load_config(ROOT / "config.yaml", env={})
    token = "123456:" + "A" * 35
    config.telegram = config.telegram.model_copy(update={"token": token, "base_url": base_url})
    count = int(rate * seconds)
    try:
        async with private_redis() as (redis, url):
            keys = Keys()
            await fill(redis, keys, count, NOW, state=True)
            limits = PushLimits.for_redis(redis, url, keys.prefix, rate=rate)
            async with TelegramPush(config.telegram, redis, keys, connections=256) as push:
                sender = Timed(push)
                loop = loop_for(redis, keys, config, sender, limits, rate, batch=max(100, rate))
                began, cpu = time.perf_counter(), time.process_time()
                while await loop.pass_once():
                    pass
                elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    finally:
        api.terminate()
        await api.wait()
    sent = loop.sent
    times = sorted(sender.times)
    # The moving window lets a second's worth go at once, then one per freed slot: over a run,
    # the first second's burst is not the rate.
    steady = (len(times) - rate) / (times[-1] - times[0])
    print(
        f"drain at {rate}/s: {sent:,} sent to the fake Bot API in {elapsed:.1f} s; "
        f"{steady:,.1f}/s after the first second's burst: 100,000 take "
        f"{100_000 / steady / 60:,.1f} min, 1,000,000 {1_000_000 / steady / 3600:,.1f} h\n"
        f"  CPU a message in this process: {cpu / sent * 1e6:,.0f} µs "
        f"(one core: {sent / cpu:,.0f}/s)"
    )


class Timed:
    """The Telegram sender, noting when each message went."""

    platform = "tg"

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner = inner
        self.times: list[float] = []

    async def push(self, chat: str, replies: Sequence[Reply]) -> None:
        await self.inner.push(chat, replies)
        self.times.append(time.perf_counter())


async def fake_api() -> None:
    from fake_bot_api import FakeBotApi

    api = FakeBotApi()
    print(await api.start(), flush=True)
    while True:
        await asyncio.sleep(5)
        api.calls.clear()  # keep memory flat over a long run
        api.messages.clear()


async def main(part: str, learners: int | None, workers: int, url: str) -> None:
    if part == "render-worker":
        return await render_worker(url)
    if part == "fake-api":
        return await fake_api()
    if part in ("memory", "all"):
        await memory(learners or 1_000_000)
    if part in ("render", "all"):
        await render(learners or 100_000, workers)
    if part in ("drain", "all"):
        await drain(30, 20)
        await drain(1000, 10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "part",
        nargs="?",
        default="all",
        choices=("memory", "render", "drain", "all", "render-worker", "fake-api"),
    )
    parser.add_argument("--learners", type=int)
    parser.add_argument("--workers", type=int, default=1, help="render: processes")
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    asyncio.run(main(args.part, args.learners, args.workers, args.url))
