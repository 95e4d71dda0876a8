"""The embedded default: an in-process Redis (fakeredis, which runs our Lua scripts too).

It lets `hocso chat` run on a fresh machine with no server. Learner hashes and unreported
outbox entries are saved to a small JSON file on exit and loaded on start, so a console learner
resumes where they left off and no completion is lost.
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
        saved = json.loads(snapshot.read_text(encoding="utf-8"))
        for key, fields in saved.get("hashes", {}).items():
            await redis.hset(key, mapping=fields)  # type: ignore[misc]  # redis-py's stub
        for key, entries in saved.get("streams", {}).items():
            for fields in entries:
                await redis.xadd(key, fields)
    return redis


async def save_snapshot(redis: Redis, snapshot: Path, prefix: str) -> None:
    """Keep learner hashes, and outbox entries not yet stored in SQL (the reporter re-reads
    them next time; their event ids make a second delivery harmless)."""
    saved: dict[str, dict[str, object]] = {"hashes": {}, "streams": {}}
    async for key in redis.scan_iter(match=f"{prefix}:*"):
        kind = await redis.type(key)
        if kind == "hash":
            saved["hashes"][key] = await redis.hgetall(key)  # type: ignore[misc]
        elif kind == "stream":
            saved["streams"][key] = [fields for _, fields in await redis.xrange(key) if fields]
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    snapshot.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
