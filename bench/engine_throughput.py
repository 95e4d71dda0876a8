"""How many learner actions one engine process decides per second, on a real Redis.

Usage: .venv/bin/python bench/engine_throughput.py [LEARNERS] [redis://127.0.0.1:6379/0]

LEARNERS learners (default 200) take the first lesson of the shipped course at the same time
(onboarding, cards, answers); every action is one `Engine.handle` (a read and one atomic
write). Keys live under a prefix of their own and are deleted at the end.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

from redis.asyncio import Redis

from bot.content.lessons import load_curriculum
from bot.engine import Engine
from bot.events import Event, Reply
from bot.features import build_engine
from hocso.settings import load_config
from storage.redis.keys import Keys
from storage.redis.state import StateStore

ROOT = Path(__file__).resolve().parent.parent


async def learner(engine: Engine, user: str, latencies: list[float]) -> None:
    async def act(event: Event) -> list[Reply]:
        began = time.perf_counter()
        replies = await engine.handle(event)
        latencies.append(time.perf_counter() - began)
        return replies

    replies = await act(Event(user, "command", command="start"))
    for _ in range(40):  # onboarding, then the lesson: always the first button, else type
        buttons = [b for r in replies for row in r.buttons for b in row]
        if any("🎉" in r.text or "Cần" in r.text for r in replies):
            return
        if buttons:
            replies = await act(Event(user, "button", payload=buttons[0].payload))
        else:
            replies = await act(Event(user, "text", text="ch play"))


async def main(count: int, url: str) -> None:
    redis = Redis.from_url(url, decode_responses=True)
    keys = Keys(prefix=f"hocso-bench-{uuid.uuid4().hex[:8]}")
    config = load_config(ROOT / "config.yaml", env={})
    engine = build_engine(StateStore(redis, keys), load_curriculum(ROOT / "lessons"), config)
    latencies: list[float] = []
    try:
        began = time.perf_counter()
        await asyncio.gather(*(learner(engine, f"tg:{i}", latencies) for i in range(count)))
        elapsed = time.perf_counter() - began
    finally:
        async for key in redis.scan_iter(match=f"{keys.prefix}:*"):
            await redis.delete(key)
        await redis.aclose()
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(
        f"{count} learners, {len(latencies)} actions in {elapsed:.1f} s: "
        f"{len(latencies) / elapsed:,.0f} actions/s; latency p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    )


if __name__ == "__main__":
    asyncio.run(
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 200,
            sys.argv[2] if len(sys.argv) > 2 else "redis://127.0.0.1:6379/0",
        )
    )
