"""How much Redis memory a learner takes, at 100,000 learners with realistic progress.

Usage: .venv/bin/python bench/state_footprint.py [--learners 100000] [--stop 0.15]
           [--json bench/results/state_footprint.json]

Everything runs on private redis-server processes (free loopback ports; nothing shared is
touched), once with Redis's defaults and once with `hash-max-listpack-value 1024`.

1. Templates: the real engine (shipped lessons, storage/redis/state.py) drives learners through
   the course as people do: /start, consent, each lesson's cards and questions (right,
   except the first question of every third lesson: a lesson failed that way is taken again,
   and the missed question goes to spaced review), ward and age after the first lesson, the
   certificate when the core is done. One learner is kept at every point of the course:
   after 0, 1, 2, ... lessons, and in the middle of the next lesson.
2. 100,000 learners: driving each through the engine would take most of an hour here, so
   their hashes are written directly, each a copy of the template for its progress (fields
   exactly as the engine encodes them, bot/learner.py), with a learner id of its own. Progress
   follows a campaign's drop-off: of those who start, a share STOP stop after each lesson
   (15 %: a geometric spread, about 5.7 lessons on average, capped at the whole course),
   half of them in the middle of a lesson.
3. Reported: Redis's own memory growth (INFO used_memory) divided by the learners, and
   MEMORY USAGE (SAMPLES 0: every field counted) of single hashes at points of the course,
   with their encoding.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import default_path, write_results
from _servers import private_redis

from bot.content.lessons import Curriculum, SingleChoice, TrueFalse, Typed, load_curriculum
from bot.engine import Engine
from bot.events import Event, Reply
from bot.features import build_engine
from hocso.settings import load_config
from storage.redis.keys import Keys
from storage.redis.state import StateStore

ROOT = Path(__file__).resolve().parent.parent


class Learner:
    def __init__(self, engine: Engine, redis: Redis, keys: Keys, user: str) -> None:
        self.engine, self.redis, self.keys, self.user = engine, redis, keys, user
        self.replies: list[Reply] = []

    @property
    def labels(self) -> list[str]:
        return [b.label for r in self.replies for row in r.buttons for b in row]

    async def send(self, event: Event) -> None:
        self.replies = await self.engine.handle(event)

    async def tap(self, label: str = "") -> None:
        buttons = [b for r in self.replies for row in r.buttons for b in row]
        found = [b for b in buttons if label in b.label]
        if not found:
            raise RuntimeError(f"no button {label!r} among {[b.label for b in buttons]}")
        await self.send(Event(self.user, "button", payload=found[0].payload))

    async def fields(self) -> dict[str, str]:
        return await self.redis.hgetall(self.keys.learner(self.user))  # type: ignore[misc]

    async def answer(self, curriculum: Curriculum, wrong: bool) -> None:
        state = await self.fields()
        lesson = curriculum.lesson(state["ls"])
        plan = [int(i) for i in state.get("pl", "").split()] or range(len(lesson.steps))
        question = lesson.steps[list(plan)[int(state.get("sp", 0))]]
        if isinstance(question, Typed):
            text = "sai bét" if wrong else question.accept.vi[0]
            await self.send(Event(self.user, "text", text=text))
        elif isinstance(question, TrueFalse):
            await self.tap("Đúng" if question.answer != wrong else "Sai")
        else:
            assert isinstance(question, SingleChoice)
            option = next(o for o in question.options if o.correct != wrong)
            await self.tap(option.text.vi)

    def asked(self) -> bool:
        return any(r.text.startswith("❓") and not r.replace for r in self.replies)

    def passed(self) -> bool:
        return any("🎉" in r.text for r in self.replies)


async def lesson(learner: Learner, curriculum: Curriculum, n: int, stop_midway: bool) -> None:
    """One lesson to its pass (retaken if failed), or to its middle when `stop_midway`."""
    first_question, steps = True, 0
    while not learner.passed():
        if stop_midway and steps == 3:
            return
        steps += 1
        if learner.asked():
            await learner.answer(curriculum, wrong=first_question and n % 3 == 0)
            first_question = False
        elif "Tiếp tục" in " ".join(learner.labels):
            await learner.tap("Tiếp tục")
        elif "Học lại bài này" in " ".join(learner.labels):
            await learner.tap("Học lại bài này")  # failed: take it again
        else:
            raise RuntimeError(f"stuck in lesson {n}: {learner.labels}")


async def after_pass(learner: Learner, n: int, total: int) -> None:
    if n == 0:
        await learner.tap("Ninh Kiều")
        await learner.tap("60")
    if any("Không in tên" in label for label in learner.labels):  # the core is done
        await learner.tap("Không in tên")
        await learner.tap("Học tiếp")
    elif n < total - 1:
        await learner.tap("Bài tiếp theo")


async def templates(engine: Engine, redis: Redis, keys: Keys, curriculum: Curriculum) -> dict:
    """Fields of one learner at each point: (lessons passed, in the middle of the next?)."""
    total = len(curriculum.lessons)
    out: dict[tuple[int, bool], dict[str, str]] = {}
    learner = Learner(engine, redis, keys, "tg:8000000001")
    await learner.send(Event(learner.user, "command", command="start"))
    await learner.tap("Đồng ý")  # the first lesson begins; ward and age come after it
    out[(0, False)] = await learner.fields()
    for n in range(total):
        # The same learner goes on; a twin stops in the middle of this lesson.
        twin = Learner(engine, redis, keys, f"tg:{8_100_000_000 + n}")
        await redis.hset(twin.keys.learner(twin.user), mapping=await learner.fields())  # type: ignore[misc]
        twin.replies = learner.replies
        await lesson(twin, curriculum, n, stop_midway=True)
        out[(n, True)] = await twin.fields()
        await lesson(learner, curriculum, n, stop_midway=False)
        await after_pass(learner, n, total)
        out[(n + 1, False)] = await learner.fields()
    return out


def progress(rng: random.Random, total: int, stop: float) -> tuple[int, bool]:
    """Lessons passed and whether the learner stopped in the middle of the next one."""
    done = 0
    while done < total and rng.random() > stop:
        done += 1
    return done, done < total and rng.random() < 0.5


async def fill(
    redis: Redis, keys: Keys, shapes: dict, count: int, total: int, stop: float
) -> dict:
    rng = random.Random(14)
    spread: dict[int, int] = {}
    before = (await redis.info("memory"))["used_memory"]
    for start in range(0, count, 2000):
        async with redis.pipeline(transaction=False) as pipe:
            for i in range(start, min(count, start + 2000)):
                done, midway = progress(rng, total, stop)
                spread[done] = spread.get(done, 0) + 1
                fields = dict(shapes[(done, midway)]) | {"v": str(rng.randrange(1, 1 << 30))}
                pipe.hset(keys.learner(f"tg:{5_000_000_000 + i * 7919}"), mapping=fields)
            await pipe.execute()
    after = (await redis.info("memory"))["used_memory"]
    return {
        "learners": count,
        "used_memory_growth_bytes": after - before,
        "bytes_per_learner": round((after - before) / count),
        "lessons_done_mean": round(sum(k * n for k, n in spread.items()) / count, 1),
        "lessons_done_spread": dict(sorted(spread.items())),
    }


async def measure(listpack_value: int | None, count: int, stop: float) -> dict[str, Any]:
    options = ["--hash-max-listpack-value", str(listpack_value)] if listpack_value else []
    with private_redis(*options) as url:
        redis = Redis.from_url(url, decode_responses=True)
        config = load_config(ROOT / "config.yaml", env={})
        curriculum = load_curriculum(ROOT / "lessons")
        keys = Keys(prefix="bench")
        engine = build_engine(StateStore(redis, keys), curriculum, config)
        total = len(curriculum.lessons)
        shapes = await templates(engine, redis, keys, curriculum)
        await redis.flushdb()  # only the filled learners are measured
        samples = []
        for done in sorted({0, 1, total // 2, total - 1, total}):
            key = keys.learner(f"tg:sample-{done}")
            await redis.hset(key, mapping=shapes[(done, False)] | {"v": "123456789"})  # type: ignore[misc]
            fields = await redis.hgetall(key)  # type: ignore[misc]
            samples.append(
                {
                    "lessons_done": done,
                    "bytes": await redis.memory_usage(key, samples=0),  # every field counted
                    "encoding": await redis.object("encoding", key),
                    "fields": len(fields),
                    "longest_value": max(len(v.encode()) for v in fields.values()),
                }
            )
            await redis.delete(key)
        filled = await fill(redis, keys, shapes, count, total, stop)
        await redis.aclose()
    return {"lessons": total, "samples": samples, **filled}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--stop", type=float, default=0.15, help="share stopping per lesson")
    parser.add_argument("--json", default=default_path("state_footprint"))
    args = parser.parse_args()
    results = {}
    for setting in (None, 1024):
        name = f"hash-max-listpack-value {setting}" if setting else "Redis defaults"
        result = await measure(setting, args.learners, args.stop)
        results[name] = result
        print(f"== {name}: {result['bytes_per_learner']:,} bytes per learner", flush=True)
        for s in result["samples"]:
            print(
                f"  {s['lessons_done']:2d}/{result['lessons']} lessons done: {s['bytes']:5d} "
                f"bytes ({s['encoding']}, {s['fields']} fields, longest value "
                f"{s['longest_value']} bytes)"
            )
    write_results(args.json, args, results)


if __name__ == "__main__":
    asyncio.run(main())
