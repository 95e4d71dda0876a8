"""The engine's tests run on the stores kept in this process (bot/memory_store.py,
bot/groups/memory_store.py), which keep the Redis stores' promises: Redis is not what they
test. A test that looks into Redis itself (it asks for the `redis` or `keys` fixture) gets the
real stores; storage is tested against real Redis in tests/storage/."""

from __future__ import annotations

import pytest

from bot.groups.memory_store import MemoryGroupStore
from bot.groups.store import GroupStore
from bot.memory_store import MemoryStore
from bot.store import LearnerStore
from storage.redis.groups import GroupRedisStore
from storage.redis.state import StateStore

REAL = ("redis", "keys", "worker")


def _real(request: pytest.FixtureRequest) -> bool:
    return any(name in request.fixturenames for name in REAL)


@pytest.fixture
def store(request: pytest.FixtureRequest) -> LearnerStore:
    if _real(request):
        return StateStore(request.getfixturevalue("redis"), request.getfixturevalue("keys"))
    return MemoryStore()


@pytest.fixture
def group_store(request: pytest.FixtureRequest) -> GroupStore:
    if _real(request):
        return GroupRedisStore(request.getfixturevalue("redis"), request.getfixturevalue("keys"))
    return MemoryGroupStore()
