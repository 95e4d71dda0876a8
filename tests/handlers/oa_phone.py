"""Workers serving a Zalo OA in the background, and a learner's Zalo app writing to it (the
fake Zalo OA in fake_zalo_oa.py is the world between them: it posts the learner's events to
a worker's webhook, signed, and records what the OA sends back)."""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Any

import aiohttp
import pytest
from fake_zalo_oa import (
    APP_ID,
    APP_SECRET,
    OA_ID,
    OA_SECRET,
    Delivery,
    FakeZaloOA,
    Sent,
    text_event,
)
from redis.asyncio import Redis

from bot.engine import Engine
from handlers.limits import PushLimits
from handlers.zalo_oa.adapter import ZaloOAAdapter
from handlers.zalo_oa.send import PREFIX
from handlers.zalo_oa.settings import PATH, ZaloOASettings
from storage.redis.keys import Keys

REDIS_URL = os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oa_settings(fake: FakeZaloOA, refresh_token: str = "", **more: Any) -> ZaloOASettings:
    return ZaloOASettings(
        app_id=APP_ID,
        app_secret=APP_SECRET,
        secret_key=OA_SECRET,
        oa_id=OA_ID,
        refresh_token=refresh_token,
        api_url=fake.api_url,
        oauth_url=fake.oauth_url,
        business_url=fake.business_url,
        **more,
    )


class OAWorker:
    """One worker process serving the OA's webhook on its own port until `stop()`."""

    def __init__(self, adapter: ZaloOAAdapter, port: int, redis: Redis | None = None) -> None:
        self.adapter = adapter
        self.port = port
        self.url = f"http://127.0.0.1:{port}{PATH}"
        self.redis = redis  # its own connection, closed with it
        self.stopping = asyncio.Event()
        self.task = asyncio.create_task(adapter.serve(self.stopping))

    async def ready(self) -> OAWorker:
        health = f"http://127.0.0.1:{self.port}/health"
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                if self.task.done():
                    self.task.result()  # raises what went wrong
                try:
                    async with session.get(health) as response:
                        await response.read()
                        if self.adapter.sender is not None:
                            return self
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.02)
        raise AssertionError("the OA worker did not come up")

    async def settle(self) -> None:
        """Every event this worker took so far is fully processed."""
        while self.adapter.running:
            await asyncio.wait(set(self.adapter.running), timeout=10)

    async def stop(self) -> None:
        self.stopping.set()
        await asyncio.wait_for(self.task, 10)
        if self.redis is not None:
            await self.redis.aclose()

    def kill(self) -> None:
        """The process dies: whatever it was doing stops where it is."""
        for task in list(self.adapter.running):
            task.cancel()
        self.task.cancel()


class OAPhone:
    """One learner's Zalo app talking to the OA: writes, taps the buttons under the OA's
    latest message, types numbers or words."""

    def __init__(self, fake: FakeZaloOA, worker: OAWorker, user_id: str = "5510185758261927916"):
        self.fake = fake
        self.worker = worker
        self.user_id = user_id

    async def send(self, event: dict[str, Any], **options: Any) -> Delivery:
        delivery = await self.fake.post(self.worker.url, event, **options)
        await self.worker.settle()
        return delivery

    async def write(self, text: str) -> str:
        """Type `text`; what the OA answered, its messages joined by new lines."""
        before = len(self.received())
        delivery = await self.send(text_event(self.user_id, text))
        assert delivery.status == 200, delivery
        return "\n".join(s.text for s in self.received()[before:])

    def received(self) -> list[Sent]:
        return self.fake.to(self.user_id)

    def screen(self) -> str:
        return "\n".join(s.text for s in self.received())

    def latest(self) -> Sent:
        """The latest message that offers choices (buttons)."""
        for sent in reversed(self.received()):
            if sent.buttons:
                return sent
        raise AssertionError(f"no buttons on screen:\n{self.screen()[-800:]}")

    def button(self, label: str) -> dict[str, Any]:
        """The button for choice `label` under the latest choices: by its title, or by the
        number of the numbered line that names it."""
        sent = self.latest()
        for button in sent.buttons:
            if label in button["title"]:
                return button
        number = self.number_of(label)
        for button in sent.buttons:
            if button["title"].split(".")[0] == number:
                return button
        raise AssertionError(f"no button for {label!r} under:\n{sent.text}\n{sent.buttons}")

    async def tap(self, label: str) -> str:
        """Tap a button: Zalo sends the learner's text carrying its payload."""
        payload = self.button(label)["payload"]
        assert payload.startswith(PREFIX)
        return await self.write(payload)

    def number_of(self, label: str) -> str:
        """The number a typer types for `label`: its numbered line, else its button's place."""
        sent = self.latest()
        for line in sent.text.splitlines():
            number, dot, rest = line.partition(". ")
            if dot and number.isdecimal() and label in rest:
                return number
        for i, button in enumerate(sent.buttons, 1):
            if label in button["title"]:
                return str(i)
        raise AssertionError(f"no choice {label!r} in:\n{sent.text}\n{sent.buttons}")

    async def choose(self, label: str) -> str:
        """Type the number of a choice, as a learner who does not tap."""
        return await self.write(self.number_of(label))


class OAWorkers:
    """Starts workers of one OA on the test's engine (or another), on real Redis."""

    def __init__(self, fake: FakeZaloOA, engine: Engine, redis: Redis, keys: Keys) -> None:
        self.fake = fake
        self.engine = engine
        self.redis = redis
        self.keys = keys
        self.started: list[OAWorker] = []

    async def start(
        self,
        settings: ZaloOASettings | None = None,
        engine: Engine | None = None,
        own_redis: bool = False,
        **options: Any,
    ) -> OAWorker:
        """`own_redis`: a connection of its own, as another process has."""
        redis = Redis.from_url(REDIS_URL, decode_responses=True) if own_redis else self.redis
        port = free_port()
        options.setdefault("limits", PushLimits(_memory(), redis, self.keys.prefix))
        adapter = ZaloOAAdapter(
            settings or oa_settings(self.fake),
            (engine or self.engine).handle,
            redis,
            self.keys,
            port=port,
            **options,
        )
        worker = OAWorker(adapter, port, redis if own_redis else None)
        self.started.append(worker)
        return await worker.ready()

    async def stop_all(self) -> None:
        for worker in self.started:
            if not worker.task.done():
                await worker.stop()
            elif worker.redis is not None:
                await worker.redis.aclose()


def _memory() -> Any:
    from limits.aio.storage import MemoryStorage

    return MemoryStorage()


@pytest.fixture
async def oa_fake():
    fake = await FakeZaloOA().start()
    yield fake
    await fake.close()


@pytest.fixture
async def oa_workers(oa_fake: FakeZaloOA, engine: Engine, redis: Redis, keys: Keys):
    workers = OAWorkers(oa_fake, engine, redis, keys)
    yield workers
    await workers.stop_all()


@pytest.fixture
async def oa_worker(oa_fake: FakeZaloOA, oa_workers: OAWorkers) -> OAWorker:
    """One worker, its tokens granted by an admin (the first refresh token in its settings)."""
    _, refresh = oa_fake.grant()
    return await oa_workers.start(oa_settings(oa_fake, refresh))


@pytest.fixture
def oa_phone(oa_fake: FakeZaloOA, oa_worker: OAWorker) -> OAPhone:
    return OAPhone(oa_fake, oa_worker)
