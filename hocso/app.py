"""Wiring in one place: config -> lessons -> Redis -> engine -> an adapter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ConstantBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from bot.content.lessons import Curriculum, load_curriculum
from bot.engine import Engine
from bot.features import build_engine
from handlers.platforms import PLATFORMS
from hocso.errors import ServiceError
from hocso.settings import Deployment
from storage.redis.embedded import open_embedded, save_snapshot
from storage.redis.groups import GroupRedisStore
from storage.redis.keys import Keys
from storage.redis.settings import RedisSettings
from storage.redis.state import StateStore
from storage.redis.url import is_cluster, open_redis
from storage.sql.classes import class_schedule, find_class
from storage.sql.db import Database, open_database
from storage.sql.facilitators import ClassFacilitators

STARTUP_PING = 5.0  # seconds Redis has to answer at start-up


@dataclass
class App:
    config: Deployment
    curriculum: Curriculum
    redis: Redis
    keys: Keys
    engine: Engine
    database: Database  # the reporting database (connects on first use)


@asynccontextmanager
async def open_app(config: Deployment, curriculum: Curriculum | None = None) -> AsyncIterator[App]:
    """Build the whole machine; with no REDIS_URL, an embedded Redis kept in data_dir."""
    curriculum = curriculum or load_curriculum(config.lessons_dir)
    keys = Keys(config.redis.prefix, config.redis.shards)
    snapshot = config.data_dir / "console-state.json"
    embedded = not config.redis.url
    redis = await open_embedded(snapshot) if embedded else redis_client(config.redis)
    if not embedded:
        await _reachable(redis, config.redis.url)
    database = open_database(config.database, config.data_dir, config.privacy.erase_key)
    classes = partial(find_class, database)  # names the class a learner joins
    engine = build_engine(
        StateStore(redis, keys),
        curriculum,
        config,
        classes=classes,
        groups=GroupRedisStore(redis, keys),  # group lessons and pair mode
        facilitators=ClassFacilitators(database),  # who may lead one: `hocso class add`
        # the platforms that show group lessons (handlers/platforms.py)
        group_platforms=tuple(p.id for p in PLATFORMS if p.groups),
        class_times=partial(class_schedule, database),  # class members' reminder pace
        reach={p.id: p.reach(config) for p in PLATFORMS},  # handles and links to show
    )
    try:
        yield App(config, curriculum, redis, keys, engine, database)
    finally:
        await database.dispose()
        if embedded:
            await save_snapshot(redis, snapshot, keys.prefix)
        await redis.aclose()


def redis_client(settings: RedisSettings) -> Redis:
    """A Redis client that gives up in time: a hanging Redis makes learners wait
    `timeout` seconds for "busy", not forever. A dropped connection (Redis restarted) is
    retried once; a timeout is not, as waiting again would double the wait. Retrying a
    state write is safe: its version check refuses a write that already happened."""
    timeouts = {
        "socket_connect_timeout": settings.connect_timeout,
        "socket_timeout": settings.timeout,
    }
    if is_cluster(settings.url):  # a cluster client retries by moving to the right node
        return open_redis(settings.url, **timeouts)
    retry = Retry(ConstantBackoff(0.1), 1, supported_errors=(RedisConnectionError,))
    return open_redis(settings.url, retry=retry, **timeouts)


async def _reachable(redis: Redis, url: str) -> None:
    """Refuse to start on a Redis that does not answer: every learner would get "busy"."""
    try:
        async with asyncio.timeout(STARTUP_PING):
            await redis.ping()
    except (RedisError, OSError, TimeoutError) as exc:
        await redis.aclose()
        reason = str(exc).splitlines()[0] if str(exc) else f"no answer in {STARTUP_PING:g}s"
        raise ServiceError(f"cannot reach Redis at {safe_url(url)}: {reason}") from exc


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url
