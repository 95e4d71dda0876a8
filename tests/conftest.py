"""Shared fixtures: a real Redis (own key prefix per test), the shipped config and lessons."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.config import Config, load_config
from bot.engine import Engine
from bot.lessons import Curriculum, load_curriculum
from storage.keys import Keys
from storage.state import StateStore

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def config() -> Config:
    return load_config(ROOT / "config.yaml", env={})


@pytest.fixture(scope="session")
def curriculum() -> Curriculum:
    return load_curriculum(ROOT / "lessons")


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """A connection to the real Redis server; tests only touch keys under their own prefix."""
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Redis is not running at {REDIS_URL} ({exc}); start it (see README)")
    yield client
    await client.aclose()


@pytest.fixture
async def keys(redis: Redis) -> AsyncIterator[Keys]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"hocso-test-{uuid.uuid4().hex[:10]}"
    yield Keys(prefix=prefix, shards=8)
    async for key in redis.scan_iter(match=f"{prefix}:*"):
        await redis.delete(key)


@pytest.fixture
def store(redis: Redis, keys: Keys) -> StateStore:
    return StateStore(redis, keys)


class Clock:
    """A clock the test moves by hand (days matter for streaks and review)."""

    def __init__(self, now: float = 1_767_225_600.0) -> None:  # 2026-01-01 00:00 UTC
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, days: float = 0, seconds: float = 0) -> None:
        self.now += days * 86400 + seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(store: StateStore, curriculum: Curriculum, config: Config, clock: Clock) -> Engine:
    return Engine(store, curriculum, config, clock=clock)
