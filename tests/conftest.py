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
from bot.events import Button, Event, Reply
from bot.lessons import Curriculum, load_curriculum
from storage.keys import Keys
from storage.state import StateStore

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def config() -> Config:
    return load_config(ROOT / "config.yaml", env={})


FIXTURE_LESSONS = ROOT / "tests" / "fixtures" / "lessons"


@pytest.fixture(scope="session")
def curriculum() -> Curriculum:
    """A small course of known content (m1: l1, l2; m2: l3), so tests do not depend on the
    shipped lessons, which authors keep improving."""
    return load_curriculum(FIXTURE_LESSONS)


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


class Chat:
    """Drives the engine like one learner in a private chat: send text, tap buttons by label."""

    def __init__(self, engine: Engine, user: str = "tg:1001") -> None:
        self.engine = engine
        self.user = user
        self.replies: list[Reply] = []
        self.buttons: list[Button] = []

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    async def event(self, event: Event) -> list[Reply]:
        self.replies = await self.engine.handle(event)
        if not all(r.notice for r in self.replies):
            self.buttons = [b for r in self.replies for row in r.buttons for b in row]
        return self.replies

    async def send(self, text: str) -> list[Reply]:
        if text.startswith("/"):
            command, _, arg = text[1:].partition(" ")
            return await self.event(Event(self.user, "command", command=command, text=arg))
        return await self.event(Event(self.user, "text", text=text))

    def button(self, label: str) -> Button:
        found = [b for b in self.buttons if label in b.label]
        assert found, f"no button {label!r} among {[b.label for b in self.buttons]}"
        return found[0]

    async def tap(self, label: str) -> list[Reply]:
        return await self.event(Event(self.user, "button", payload=self.button(label).payload))

    async def onboard(self) -> None:
        """/start, consent, Vietnamese, skip area and age: lands on the main menu."""
        await self.send("/start")
        await self.tap("Đồng ý")
        await self.tap("Tiếng Việt")
        await self.tap("Bỏ qua")
        await self.tap("Bỏ qua")


@pytest.fixture
def chat(engine: Engine) -> Chat:
    return Chat(engine)


@pytest.fixture
def make_chat() -> type[Chat]:
    """For tests that need a learner on an engine of their own (see `worker`)."""
    return Chat


@pytest.fixture
async def worker(keys: Keys, curriculum: Curriculum, config: Config, clock: Clock):
    """Builds another engine with its own Redis connection: a restarted bot, or a second
    worker process serving the same learners."""
    clients: list[Redis] = []

    def build() -> Engine:
        client = Redis.from_url(REDIS_URL, decode_responses=True)
        clients.append(client)
        return Engine(StateStore(client, keys), curriculum, config, clock=clock)

    yield build
    for client in clients:
        await client.aclose()
