"""Helpers for reporter tests: outbox events as the engine writes them, and waiting."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from sqlalchemy import func, select

from storage.redis.keys import Keys
from storage.sql.db import Database
from storage.sql.reporter import GROUP

T0 = 1_767_225_600  # 2026-01-01 00:00 UTC


def event(kind: str, user: str = "tg:1", at: int = T0, **data: object) -> dict[str, str]:
    fields = {"id": uuid.uuid4().hex, "type": kind, "user": user, "at": str(at)}
    return fields | {k: str(v) for k, v in data.items()}


def completion(user: str = "tg:1", at: int = T0, lesson: str = "l1", passed: int = 1) -> dict:
    return event(
        "completion", user, at, lesson=lesson, version=1, module="m1", score=3, total=3,
        passed=passed, started_at=at - 180, finished_at=at, group=0,
    )  # fmt: skip


async def push(redis: Redis, keys: Keys, *events: dict[str, str]) -> None:
    """XADD as storage/redis/state.py does: one entry per event, field `e` holding its JSON."""
    for e in events:
        await redis.xadd(keys.outbox_of(e["user"]), {"e": json.dumps(e)})


async def count(db: Database, model: type, *where: object) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def backlog(redis: Redis, keys: Keys) -> tuple[int, int]:
    """(entries still in the outboxes, entries read but not acknowledged)."""
    length = pending = 0
    for stream in keys.all_outboxes():
        length += await redis.xlen(stream)
        if await redis.exists(stream):
            info = await redis.xpending(stream, GROUP)
            pending += info["pending"]
    return length, pending


async def until(check: Callable[[], Awaitable[bool]], seconds: float = 15) -> None:
    async with asyncio.timeout(seconds):
        while not await check():
            await asyncio.sleep(0.05)


async def equals(value: Awaitable[object], expected: object) -> bool:
    return await value == expected
