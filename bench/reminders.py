"""Reminders at a city's scale: the schedule's memory, claiming and rendering speed, and how
long the flood limits make a big batch take.

Usage: .venv/bin/python bench/reminders.py [memory|render|drain|all] [--learners N]
                                           [--workers N] [--repeat 3] [--json FILE]

- memory: N learners (default 1,000,000) in the schedule (64 per-shard sorted sets): Redis
  memory for it, and what the reminder fields add to a learner's state hash.
- render: N due learners (default 100,000; real state hashes) claimed by the reminder loop,
  decided by the real engine on the shipped lessons and saved (their next reminder planned),
  with sending stubbed out: reminders a second, for `--workers` processes (default 1), and
  the CPU time each reminder took (process CPU time / reminders: robust to a shared machine).
  Run `--repeat` times (default 3).
- drain: reminders sent through the fleet-wide limiter (handlers/limits.py) to the fake Bot
  API (tests/handlers/fake_bot_api.py) at 30/s and at 1,000/s, for a few seconds each; the time
  to drain 100,000 is extrapolated from the measured rate.

Each part starts a private redis-server on a free loopback port (nothing shared is touched).
The figures go to bench/results/reminders.json (`--json`) as well.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from bot.content.lessons import load_curriculum
from bot.events import Reply
from bot.features import build_engine
from bot.learner import Learner, Stage, to_fields
from handlers.limits import PushLimits
from hocso.reminders import ReminderLoop
from hocso.run import settle_heap
from hocso.settings import Settings as Config
from hocso.settings import load_config
from storage.redis.keys import Keys
from storage.redis.schedule import Schedule
from storage.redis.state import StateStore

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "handlers"))
sys.path.insert(0, str(ROOT / "bench"))
from _results import default_path, write_results  # noqa: E402
from _servers import private_redis as redis_server  # noqa: E402

NOW = 1_767_258_000.0  # 2026-01-01 16:00 in Vietnam: not in quiet hours


@asynccontextmanager
async def private_redis() -> AsyncIterator[tuple[Redis, str]]:
    with redis_server("--hash-max-listpack-value", "1024") as url:
        redis = Redis.from_url(url, decode_responses=True)
        try:
            yield redis, url
        finally:
            await redis.aclose()


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


async def memory(count: int) -> dict[str, Any]:
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
        return {
            "learners": count,
            "fill_s": round(filled, 1),
            "used_memory_growth_mib": round((after - before) / 2**20, 1),
            "schedules_mib": round(zsets / 2**20, 1),
            "schedule_bytes_per_learner": round(zsets / count),
            "state_hash_bytes": {"without_reminder_fields": sizes[0], "with_them": sizes[1]},
        }


class Stub:
    """Sending stubbed out: counts what would go."""

    platform = "tg"

    def __init__(self) -> None:
        self.count = 0

    async def push(self, chat: str, replies: Sequence[Reply]) -> None:
        self.count += 1


class NoLimits:
    async def wait(self, chat: str, group: bool = False, once: bool = False) -> None:
        return None

    async def pause(self, seconds: float) -> None:
        return None


def loop_for(redis: Redis, keys: Keys, config: Config, sender, limits, rate: int, batch: int):  # noqa: ANN001, ANN201
    curriculum = load_curriculum(ROOT / "lessons")
    store = StateStore(redis, keys)
    engine = build_engine(store, curriculum, config, clock=lambda: NOW + 700)
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


async def render(count: int, workers: int) -> dict[str, Any]:
    """`workers` processes (each a `hocso run --only reminders`) drain `count` due reminders."""
    load = os.getloadavg()[0]
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
            f"in Redis (one core: {claimed / redis_cpu:,.0f}/s); load before {load:.2f}",
            flush=True,
        )
        return {
            "reminders": claimed,
            "workers": workers,
            "seconds": round(elapsed, 2),
            "reminders_per_s": round(claimed / elapsed),
            "python_cpu_us_per_reminder": round(python_cpu / claimed * 1e6, 1),
            "one_core_per_s": round(claimed / python_cpu),
            "redis_cpu_us_per_reminder": round(redis_cpu / claimed * 1e6, 1),
            "load_average_1min_before": round(load, 2),
        }


async def cpu_of(redis: Redis) -> float:
    info = await redis.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


async def render_worker(url: str) -> None:
    config = load_config(ROOT / "config.yaml", env={})
    redis = Redis.from_url(url, decode_responses=True)
    stub = Stub()
    loop = loop_for(redis, Keys(), config, stub, NoLimits(), rate=1280, batch=500)
    settle_heap()  # as `hocso run` does before its loop starts
    await redis.rpush("bench:ready", "1")
    await redis.blpop(["bench:go"], timeout=60)
    claimed = 0
    cpu = time.process_time()
    while found := await loop.pass_once():
        claimed += found
    print(claimed, stub.count, time.process_time() - cpu)
    await redis.aclose()


async def drain(rate: int, seconds: float) -> dict[str, Any]:
    from handlers.telegram.push import TelegramPush

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
    return {
        "rate": rate,
        "sent": sent,
        "seconds": round(elapsed, 1),
        "steady_per_s": round(steady, 1),
        "minutes_for_100000": round(100_000 / steady / 60, 1),
        "hours_for_1000000": round(1_000_000 / steady / 3600, 1),
        "cpu_us_per_message": round(cpu / sent * 1e6),
    }


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


async def main(args: argparse.Namespace) -> None:
    part, learners = args.part, args.learners
    if part == "render-worker":
        return await render_worker(args.url)
    if part == "fake-api":
        return await fake_api()
    results: dict[str, Any] = {}
    if part in ("memory", "all"):
        results["memory"] = await memory(learners or 1_000_000)
    if part in ("render", "all"):
        runs = [await render(learners or 100_000, args.workers) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["python_cpu_us_per_reminder"])
        results["render"] = {"best": best, "runs": runs}
    if part in ("drain", "all"):
        results["drain"] = [await drain(30, 20), await drain(1000, 10)]
    write_results(args.json, args, results)


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
    parser.add_argument("--repeat", type=int, default=3, help="render: runs")
    parser.add_argument("--json", default=default_path("reminders"))
    parser.add_argument("--url", help=argparse.SUPPRESS)
    asyncio.run(main(parser.parse_args()))
