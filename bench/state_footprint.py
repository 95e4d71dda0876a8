"""How much Redis memory one learner takes.

Usage: .venv/bin/python bench/state_footprint.py

Starts private redis-server processes (on free loopback ports, nothing shared is touched),
drives learners through the shipped lessons with the real engine — answering right, except
the first question of every third lesson — and reports MEMORY USAGE of their state hash, with
Redis's default hash encoding limits and with `hash-max-listpack-value 1024`.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from pathlib import Path

from redis.asyncio import Redis

from bot.config import load_config
from bot.engine import Engine
from bot.events import Event, Reply
from bot.lessons import Curriculum, SingleChoice, TrueFalse, Typed, load_curriculum
from storage.keys import Keys
from storage.state import StateStore

ROOT = Path(__file__).resolve().parent.parent


class Learner:
    def __init__(self, engine: Engine, redis: Redis, keys: Keys, user: str) -> None:
        self.engine, self.redis, self.keys, self.user = engine, redis, keys, user
        self.replies: list[Reply] = []

    async def send(self, event: Event) -> None:
        self.replies = await self.engine.handle(event)

    async def tap(self, label: str = "") -> None:
        buttons = [b for r in self.replies for row in r.buttons for b in row]
        button = next(b for b in buttons if label in b.label)
        await self.send(Event(self.user, "button", payload=button.payload))

    async def answer(self, curriculum: Curriculum, wrong: bool) -> None:
        state = await self.redis.hgetall(self.keys.learner(self.user))
        lesson = curriculum.lesson(state["ls"])
        question = lesson.steps[int(state.get("sp", 0))]
        if isinstance(question, Typed):
            text = "sai bét" if wrong else question.accept.vi[0]
            await self.send(Event(self.user, "text", text=text))
        elif isinstance(question, TrueFalse):
            await self.tap("Đúng" if question.answer != wrong else "Sai")
        else:
            assert isinstance(question, SingleChoice)
            option = next(o for o in question.options if o.correct != wrong)
            await self.tap(option.text.vi)


async def drive(learner: Learner, curriculum: Curriculum, lessons: int) -> None:
    await learner.send(Event(learner.user, "command", command="start"))
    await learner.tap("Đồng ý")  # the first lesson begins; ward and age come after it
    for n in range(lessons):
        first_question = True
        while not any("🎉" in r.text for r in learner.replies):
            if any(r.text.startswith("❓") and not r.replace for r in learner.replies):
                await learner.answer(curriculum, wrong=first_question and n % 3 == 0)
                first_question = False
            else:
                await learner.tap("Tiếp tục")
        if n == 0:
            await learner.tap("Ninh Kiều")
            await learner.tap("60")
        labels = [b.label for r in learner.replies for row in r.buttons for b in row]
        if any("Không in tên" in label for label in labels):  # the core is done: certificate
            await learner.tap("Không in tên")
            await learner.tap("Học tiếp")
        else:
            await learner.tap("Bài tiếp theo")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def measure(listpack_value: int | None) -> list[str]:
    port = free_port()
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    if listpack_value:
        args += ["--hash-max-listpack-value", str(listpack_value)]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    redis = Redis(port=port, decode_responses=True)
    try:
        for _ in range(50):
            try:
                await redis.ping()
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.1)
        config = load_config(ROOT / "config.yaml", env={})
        curriculum = load_curriculum(ROOT / "lessons")
        keys = Keys()
        engine = Engine(StateStore(redis, keys), curriculum, config)
        lines = []
        total = len(curriculum.lessons)
        for lessons in (0, 1, total // 2, total - 1):
            user = f"tg:{9_000_000_000 + lessons}"
            learner = Learner(engine, redis, keys, user)
            await drive(learner, curriculum, lessons)
            key = keys.learner(user)
            size = await redis.memory_usage(key)
            encoding = await redis.object("encoding", key)
            fields = await redis.hgetall(key)
            lines.append(
                f"{lessons:2d}/{total} lessons done: {size:5d} bytes ({encoding}, "
                f"{len(fields)} fields, {len(fields.get('rv', '').split())} to review)"
            )
        return lines
    finally:
        await redis.aclose()
        server.terminate()
        server.wait()


async def main() -> None:
    for setting in (None, 1024):
        name = f"hash-max-listpack-value {setting}" if setting else "Redis defaults"
        print(f"== {name}")
        for line in await measure(setting):
            print("  " + line)


if __name__ == "__main__":
    asyncio.run(main())
