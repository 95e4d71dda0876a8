"""The engine and Redis, open loop: learner actions arrive at a fixed rate, whether or not the
earlier ones are done (as a city's learners do), and each is timed from its arrival.

Usage: .venv/bin/python bench/engine_open_loop.py [--rates 1000,3000] [--seconds 5]
           [--learners 3000] [--json bench/results/engine_open_loop.json]

One engine process (the real one: shipped lessons, storage/redis/state.py) on a private
redis-server. LEARNERS learners are onboarded first (not measured); then actions arrive at
each RATE for SECONDS, spread over the learners in turn (a learner with an action in flight
is skipped, as one person does one thing at a time): tap the first button of what the tutor
showed last, or type when it asked a question to type at. Reported: p50/p99 latency, Redis
round trips per action (counted in this process: a script or a pipeline is one), CPU per
action (this process; Redis's own CPU is apart), and how many arrivals were on time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import default_path, write_results
from _servers import private_redis

from bot.content.lessons import load_curriculum
from bot.engine import Engine
from bot.events import Event, Reply
from bot.features import build_engine
from hocso.settings import load_config
from storage.redis.keys import Keys
from storage.redis.state import StateStore

ROOT = Path(__file__).resolve().parent.parent
trips = {"n": 0}
_send = AbstractConnection.send_packed_command


async def _counting_send(self, command, check_health=True):  # noqa: ANN001, ANN202
    trips["n"] += 1
    return await _send(self, command, check_health)


AbstractConnection.send_packed_command = _counting_send  # type: ignore[method-assign]


def next_event(user: str, replies: list[Reply]) -> Event:
    buttons = [b for r in replies for row in r.buttons for b in row]
    if buttons:
        return Event(user, "button", payload=buttons[0].payload)
    if any(r.text.startswith("❓") for r in replies):
        return Event(user, "text", text="1")
    return Event(user, "command", command="continue")


async def run_rate(
    engine: Engine, users: list[str], last: dict[str, list[Reply]], rate: int, seconds: float
) -> dict[str, Any]:
    busy: set[str] = set()
    latencies: list[float] = []
    skipped = 0

    async def act(user: str, arrived: float) -> None:
        last[user] = await engine.handle(next_event(user, last[user]))
        latencies.append(time.perf_counter() - arrived)
        busy.discard(user)

    tasks: list[asyncio.Task[None]] = []
    cpu0, trips0 = time.process_time(), trips["n"]
    start = time.perf_counter()
    due, turn = 0, 0
    total = int(rate * seconds)
    while due < total:
        now = time.perf_counter()
        while due < total and start + due / rate <= now:
            user = users[turn % len(users)]
            turn += 1
            if user in busy:
                skipped += 1
                continue
            busy.add(user)
            tasks.append(asyncio.create_task(act(user, start + due / rate)))
            due += 1
        await asyncio.sleep(0.0005)
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    cpu, n = time.process_time() - cpu0, len(latencies)
    latencies.sort()
    return {
        "rate": rate,
        "actions": n,
        "achieved_per_s": round(n / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(n * 0.99) - 1] * 1000, 2),
        "redis_round_trips_per_action": round((trips["n"] - trips0) / n, 2),
        "cpu_ms_per_action": round(cpu * 1000 / n, 3),
        "learners_busy_skipped": skipped,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="1000,3000")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--learners", type=int, default=3000)
    parser.add_argument("--json", default=default_path("engine_open_loop"))
    args = parser.parse_args()
    results = []
    with private_redis() as url:
        redis = Redis.from_url(url, decode_responses=True)
        keys = Keys(prefix="bench")
        config = load_config(ROOT / "config.yaml", env={})
        engine = build_engine(StateStore(redis, keys), load_curriculum(ROOT / "lessons"), config)
        users = [f"tg:{100_000 + i}" for i in range(args.learners)]
        last: dict[str, list[Reply]] = {}
        for chunk in range(0, len(users), 200):  # onboarding, not measured
            group = users[chunk : chunk + 200]
            replies = await asyncio.gather(
                *(engine.handle(Event(u, "command", command="start")) for u in group)
            )
            last.update(zip(group, replies, strict=True))
            for _ in range(5):
                replies = await asyncio.gather(
                    *(engine.handle(next_event(u, last[u])) for u in group)
                )
                last.update(zip(group, replies, strict=True))
        for rate in (int(r) for r in args.rates.split(",")):
            result = await run_rate(engine, users, last, rate, args.seconds)
            results.append(result)
            print(
                f"{rate:5d}/s offered: {result['achieved_per_s']:7.1f}/s done, p50 "
                f"{result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, "
                f"{result['redis_round_trips_per_action']:.2f} Redis round trips and "
                f"{result['cpu_ms_per_action']:.3f} ms CPU per action",
                flush=True,
            )
        await redis.aclose()
    write_results(args.json, args, results)


if __name__ == "__main__":
    asyncio.run(main())
