"""The embedded default: an in-process Redis (fakeredis, which runs our Lua scripts too).

It lets `hocso chat` run on a fresh machine with no server. Learner hashes are saved to a
small JSON file on exit and loaded on start, so a console learner resumes where they left off.
Workers serving real learners must use a real Redis (REDIS_URL).
"""

from __future__ import annotations

import json
from pathlib import Path

from fakeredis import FakeAsyncRedis, FakeServer
from redis.asyncio import Redis


async def open_embedded(snapshot: Path) -> Redis:
    redis: Redis = FakeAsyncRedis(server=FakeServer(), decode_responses=True)
    if snapshot.exists():
        for key, fields in json.loads(snapshot.read_text(encoding="utf-8")).items():
            await redis.hset(key, mapping=fields)
    return redis


async def save_snapshot(redis: Redis, snapshot: Path, pattern: str) -> None:
    data = {}
    async for key in redis.scan_iter(match=pattern):
        if await redis.type(key) == "hash":
            data[key] = await redis.hgetall(key)
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    snapshot.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
