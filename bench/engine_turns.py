"""The engine and its Redis store alone, one process: CPU per learner action, for comparing
two checkouts on exactly the same work.

Usage: .venv/bin/python bench/engine_turns.py [--hocso-root CHECKOUT] [--lessons DIR]
           [--learners 200] [--actions 12000]

LEARNERS learners, in one process against the local Redis (keys under a prefix of their own,
deleted at the end), each tap the first button that moves on (not a hint) or type "1", over
and over: onboarding, cards, answers, "don't know", retries, the ward and age questions. The
same `--lessons` on both checkouts gives the same actions (the mix is printed, and agrees to 3
decimals); the Telegram path's bench (telegram_path.py) adds HTTP, PTB and the Bot API around
this. `--hocso-root` may be a checkout from before issue 21's reshape (bot/engine.Engine,
bot/lessons, storage/state): both layouts are read.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import default_path, write_results

ROOT = Path(__file__).resolve().parent.parent
HINTS = ("hint", "hp")  # payload prefixes of a hint and of an answer a hint offers


def engine_maker(root: Path) -> tuple[Any, ...]:
    """(make engine, load_config, load_curriculum, StateStore, Keys, GroupRedisStore) from
    the checkout at `root`, in its own layout."""
    sys.path.insert(0, str(root))
    try:
        from bot.content.lessons import load_curriculum
        from bot.features import build_engine as make
        from hocso.settings import load_config
        from storage.redis.groups import GroupRedisStore
        from storage.redis.keys import Keys
        from storage.redis.state import StateStore
    except ImportError:  # before the reshape
        from bot.lessons import load_curriculum
        from storage.group_store import GroupRedisStore
        from storage.keys import Keys
        from storage.state import StateStore

        from bot.config import load_config
        from bot.engine import Engine as make
    return make, load_config, load_curriculum, StateStore, Keys, GroupRedisStore


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from redis.asyncio import Redis

    root = Path(args.hocso_root).resolve()
    make, load_config, load_curriculum, store_of, keys_of, groups_of = engine_maker(root)
    from bot.events import Event

    os.chdir(root)
    config = load_config(root / "config.yaml", env={})
    course = load_curriculum(Path(args.lessons).resolve() if args.lessons else root / "lessons")
    redis = Redis.from_url(args.redis, decode_responses=True)
    prefix = f"hocso-bench-{uuid.uuid4().hex[:8]}"
    keys = keys_of(prefix=prefix, shards=8)
    engine = make(
        store_of(redis, keys), course, config, groups=groups_of(redis, keys), group_platforms=()
    )
    users = [f"tg:{i}" for i in range(args.learners)]
    upcoming = {u: Event(u, "command", command="start") for u in users}
    mix: dict[str, int] = {}

    async def act(user: str) -> None:
        replies = await engine.handle(upcoming[user])
        buttons = [b for r in replies for row in r.buttons for b in row]
        moving = [b for b in buttons if b.payload.split(":")[1] not in HINTS]
        if moving or buttons:
            pick = (moving or buttons)[0]
            upcoming[user] = Event(user, "button", payload=pick.payload)
            kind = pick.payload.split(":")[1]
        else:
            upcoming[user] = Event(user, "text", text="1")
            kind = "typed"
        mix[kind] = mix.get(kind, 0) + 1

    try:
        for _ in range(10):  # warm-up: past the first screens
            await asyncio.gather(*(act(u) for u in users))
        mix.clear()
        done = 0
        cpu, wall = time.process_time(), time.perf_counter()
        while done < args.actions:
            await asyncio.gather(*(act(u) for u in users))
            done += len(users)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        async for key in redis.scan_iter(match=f"{prefix}:*"):
            await redis.delete(key)
        await redis.aclose()
    total = sum(mix.values())
    return {
        "root": str(root),
        "actions": done,
        "cpu_us_per_action": round(cpu / done * 1e6),
        "actions_per_s": round(done / wall),
        "mix": {k: round(v / total, 3) for k, v in sorted(mix.items(), key=lambda x: -x[1])},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hocso-root", default=str(ROOT))
    parser.add_argument("--lessons", help="the course to walk (default: the checkout's own)")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--actions", type=int, default=12000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--json", default=default_path("engine_turns"))
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print(
        f"{result['cpu_us_per_action']} µs CPU an action, {result['actions_per_s']} actions/s"
        f" ({result['actions']} actions) mix {result['mix']}"
    )
    write_results(args.json, args, result)


if __name__ == "__main__":
    main()
