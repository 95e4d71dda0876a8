"""How much Redis memory one learner takes, measured on a real server.

Usage: .venv/bin/python bench/state_footprint.py [redis://127.0.0.1:6379/0]

Drives learners through the engine (the shipped lessons, every answer right or wrong) and
reports MEMORY USAGE of their hashes; multiply by a million for the campaign.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path

from redis.asyncio import Redis

from bot.config import load_config
from bot.engine import Engine
from bot.events import Event
from bot.lessons import load_curriculum
from storage.keys import Keys
from storage.state import StateStore

ROOT = Path(__file__).resolve().parent.parent


async def tap_first(engine: Engine, user: str, replies, label: str | None = None):  # noqa: ANN001
    buttons = [b for r in replies for row in r.buttons for b in row]
    chosen = next((b for b in buttons if label is None or label in b.label), buttons[0])
    return await engine.handle(Event(user, "button", payload=chosen.payload))


async def learner_through(engine: Engine, user: str, lessons: int) -> None:
    replies = await engine.handle(Event(user, "command", command="start"))
    for label in ("Đồng ý", "Tiếng Việt", None, None):  # consent, language, ward, age
        replies = await tap_first(engine, user, replies, label)
    done = 0
    for _ in range(2000):
        if done >= lessons:
            break
        texts = "\n".join(r.text for r in replies)
        if "✍️" in texts:
            replies = await engine.handle(Event(user, "text", text="x"))
        else:
            replies = await tap_first(engine, user, replies)
        if any("🎉" in r.text or "Cần" in r.text for r in replies):
            done += 1


async def main(url: str) -> None:
    redis = Redis.from_url(url, decode_responses=True)
    config = load_config(ROOT / "config.yaml", env={})
    curriculum = load_curriculum(ROOT / "lessons")
    keys = Keys(prefix=f"hocso-bench-{uuid.uuid4().hex[:8]}", shards=64)
    engine = Engine(StateStore(redis, keys), curriculum, config)
    total = len(curriculum.lessons)
    try:
        for lessons in (0, 1, total // 2, total):
            user = f"tg:{9_000_000_000 + lessons}"
            await learner_through(engine, user, lessons)
            size = await redis.memory_usage(keys.learner(user))
            fields = await redis.hgetall(keys.learner(user))
            print(
                f"after {lessons:2d} of {total} lessons: {size} bytes in Redis, "
                f"{len(fields)} fields, {len(fields.get('dn', '').split())} done, "
                f"{len(fields.get('rv', '').split())} to review"
            )
    finally:
        async for key in redis.scan_iter(match=f"{keys.prefix}:*"):
            await redis.delete(key)
        await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "redis://127.0.0.1:6379/0"))
