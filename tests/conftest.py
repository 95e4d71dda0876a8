"""Shared fixtures: a real Redis (own key prefix per test), the shipped config and lessons."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.content.lessons import Card, Curriculum, SingleChoice, TrueFalse, load_curriculum
from bot.engine import Engine
from bot.events import Button, Event, Reply
from bot.features import build_engine
from bot.lesson.tutor import Answer, Next, StartLesson
from bot.menu.routes import Setting
from bot.onboarding.routes import Age, Area, Consent
from bot.payloads import Payload, parse
from hocso.settings import Settings as Config
from hocso.settings import load_config
from storage.redis.groups import GroupRedisStore
from storage.redis.keys import Keys
from storage.redis.state import StateStore
from storage.sql.db import Database

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


FIXTURE_CONFIG = ROOT / "tests" / "fixtures" / "config.yaml"  # short ward list (ninh-kieu, ...)


@pytest.fixture
def config() -> Config:
    return load_config(FIXTURE_CONFIG, env={})


FIXTURE_LESSONS = ROOT / "tests" / "fixtures" / "lessons"
# One lesson for the retry tests: three short cards, three questions (one typed), pass 100 %.
FIXTURE_RETRY = ROOT / "tests" / "fixtures" / "retry"


@pytest.fixture(scope="session")
def curriculum() -> Curriculum:
    """A small course of known content (m1: l1, l2; m2: l3), so tests do not depend on the
    shipped lessons, which authors keep improving."""
    return load_curriculum(FIXTURE_LESSONS)


@pytest.fixture
def retry_course() -> Curriculum:
    """The retry tests' lesson (FIXTURE_RETRY): a retry re-teaches and re-asks only what
    was missed."""
    return load_curriculum(FIXTURE_RETRY)


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
def group_store(redis: Redis, keys: Keys) -> GroupRedisStore:
    return GroupRedisStore(redis, keys)


@pytest.fixture
def engine(
    store: StateStore,
    group_store: GroupRedisStore,
    curriculum: Curriculum,
    config: Config,
    clock: Clock,
) -> Engine:
    return build_engine(
        store, curriculum, config, clock=clock, groups=group_store, group_platforms=("tg",)
    )


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
        """/start and consent (the first lesson begins), then /menu: lands on the main menu
        with lesson one waiting at its first card."""
        await self.send("/start")
        await self.tap("Đồng ý")
        await self.send("/menu")

    async def first_question(self) -> None:
        """/start, consent, and past the first lesson's card: on question one of l1."""
        await self.send("/start")
        await self.tap("Đồng ý")
        await self.tap("Tiếp tục")

    async def skip_profile(self) -> None:
        """After the first lesson: skip the optional ward and age questions."""
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
        groups = GroupRedisStore(client, keys)
        return build_engine(
            StateStore(client, keys),
            curriculum,
            config,
            clock=clock,
            groups=groups,
            group_platforms=("tg",),
        )

    yield build
    for client in clients:
        await client.aclose()


# --- The reporting database (issue 4): every test gets a database of its own. ---

PG_ADMIN_URL = os.environ.get("HOCSO_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


class PostgresDatabases:
    """Creates throw-away databases on the local PostgreSQL server and drops them after."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def url(self, name: str) -> str:
        base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        return f"{base}/{name}"

    async def _admin(self, sql: str) -> None:
        import asyncpg

        try:
            conn = await asyncpg.connect(PG_ADMIN_URL)
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"PostgreSQL is not running at {PG_ADMIN_URL} ({exc}); see scripts/")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def create(self, name: str) -> str:
        await self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.url(name)

    async def drop_all(self) -> None:
        for name in self.created:
            await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def postgres() -> AsyncIterator[PostgresDatabases]:
    databases = PostgresDatabases()
    yield databases
    await databases.drop_all()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request, tmp_path: Path, postgres: PostgresDatabases) -> str:
    """An empty database of this test's own: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'hocso.db'}"
    return await postgres.create(f"hocso_test_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def erase_key() -> str:
    """What a deployment sets in HOCSO_ERASE_KEY (PostgreSQL refuses to report without)."""
    return "test-erase-key-0123456789abcdef0123456789abcdef"


@pytest.fixture
async def database(db_url: str, erase_key: str) -> AsyncIterator[Database]:
    """The test's database, migrated to the newest schema."""
    db = Database(db_url, erase_key=erase_key)
    await db.upgrade()
    yield db
    await db.dispose()


class Player:
    """Plays a learner through the real engine: onboarding, then whole lessons."""

    def __init__(self, engine: Engine, curriculum: Curriculum) -> None:
        self.engine = engine
        self.curriculum = curriculum

    async def tap(self, user: str, payload: Payload) -> list[Reply]:
        return await self.engine.handle(Event(user=user, kind="button", payload=payload.pack()))

    async def onboard(
        self, user: str, area: str = "-", age: str = "-", class_code: str = ""
    ) -> list[Reply]:
        """/start and consent; then ward and age as the learner gives them from the settings
        (the first lesson would ask them too)."""
        start = Event(user=user, kind="command", command="start", text=class_code)
        await self.engine.handle(start)
        replies = await self.tap(user, Consent("yes"))
        if area != "-":
            await self.tap(user, Setting("area"))
            replies = await self.tap(user, Area(area))
        if age != "-":
            await self.tap(user, Setting("age"))
            replies = await self.tap(user, Age(age))
        return replies

    async def lesson(self, user: str, lesson_id: str, right: bool = True) -> list[Reply]:
        """Take one lesson from its start, answering every question right (or wrong)."""
        lesson = self.curriculum.lesson(lesson_id)
        assert lesson is not None
        replies = await self.tap(user, StartLesson(lesson.id))
        attempt = next(
            tap.attempt
            for r in replies
            for row in r.buttons
            for b in row
            if isinstance(tap := parse(b.payload), Next | Answer)
        )
        for index, step in enumerate(lesson.steps):
            if isinstance(step, Card):
                replies = await self.tap(user, Next(attempt, index))
            elif isinstance(step, SingleChoice):
                choice = next(i for i, o in enumerate(step.options) if o.correct == right)
                replies = await self.tap(user, Answer(attempt, index, choice))
            elif isinstance(step, TrueFalse):
                replies = await self.tap(user, Answer(attempt, index, int(step.answer == right)))
            else:
                text = step.accept.vi[0] if right else "không biết"
                replies = await self.engine.handle(Event(user=user, kind="text", text=text))
        return replies

    async def everything(self, user: str) -> list[Reply]:
        """Pass every lesson of the curriculum, in order."""
        replies: list[Reply] = []
        for lesson in self.curriculum.lessons:
            replies = await self.lesson(user, lesson.id)
        return replies


@pytest.fixture
def player(engine: Engine, curriculum: Curriculum) -> Player:
    return Player(engine, curriculum)


@pytest.fixture
def make_player() -> type[Player]:
    """For tests that play a learner on an engine of their own."""
    return Player


# The fake Bot APIs on loopback (tests/handlers/fake_*.py), for every test that runs a bot:
# the adapters' tests, the wiring's, the end-to-end ones.
sys.path.insert(0, str(ROOT / "tests" / "handlers"))


@pytest.fixture
async def api():
    from fake_bot_api import FakeBotApi

    fake = FakeBotApi()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def zapi():
    from fake_zalo_api import FakeZaloApi

    fake = FakeZaloApi()
    await fake.start()
    yield fake
    await fake.close()
