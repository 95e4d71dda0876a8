"""Wiring in one place: config -> lessons -> Redis -> engine -> an adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.config import Config
from bot.engine import Engine
from bot.lessons import Curriculum, load_curriculum
from storage.db import Database, database_url
from storage.embedded import open_embedded, save_snapshot
from storage.facilitators import ClassFacilitators
from storage.group_store import GroupRedisStore
from storage.keys import Keys
from storage.state import StateStore


@dataclass
class App:
    config: Config
    curriculum: Curriculum
    redis: Redis
    keys: Keys
    engine: Engine
    database: Database  # the reporting database (connects on first use)


@asynccontextmanager
async def open_app(config: Config, curriculum: Curriculum | None = None) -> AsyncIterator[App]:
    """Build the whole machine; with no REDIS_URL, an embedded Redis kept in data_dir."""
    curriculum = curriculum or load_curriculum(config.lessons_dir)
    keys = Keys(config.redis.prefix, config.redis.shards)
    snapshot = config.data_dir / "console-state.json"
    embedded = not config.redis.url
    redis = await open_embedded(snapshot) if embedded else Redis.from_url(config.redis.url)
    database = Database(database_url(config.database.url, config.data_dir))
    engine = Engine(
        StateStore(redis, keys),
        curriculum,
        config,
        groups=GroupRedisStore(redis, keys),  # group lessons and pair mode
        facilitators=ClassFacilitators(database),  # who may lead one: `hocso class add`
    )
    try:
        yield App(config, curriculum, redis, keys, engine, database)
    finally:
        await database.dispose()
        if embedded:
            await save_snapshot(redis, snapshot, keys.prefix)
        await redis.aclose()
