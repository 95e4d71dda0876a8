"""`hocso run` with a Telegram and a Zalo token: one process, one engine, one Redis, and (with
webhooks) one server, serving a Telegram learner and a Zalo learner at the same time."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest
from fake_bot_api import TOKEN, FakeBotApi, message_update
from fake_zalo_api import TOKEN as ZALO_TOKEN
from fake_zalo_api import FakeZaloApi, text_update
from redis.asyncio import Redis

from bot.engine import Engine
from hocso.app import App
from hocso.run import bots
from hocso.settings import Settings as Config
from storage.redis.keys import Keys
from storage.sql.db import Database

ROOT = Path(__file__).resolve().parents[2]
TG_SECRET = "tg-secret_0123456789abcdef"
ZALO_SECRET = "zalo-secret_0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def both(config: Config, api: FakeBotApi, zapi: FakeZaloApi) -> Config:
    config.telegram = config.telegram.model_copy(update={"token": TOKEN, "base_url": api.base_url})
    config.zalo = config.zalo.model_copy(update={"token": ZALO_TOKEN, "base_url": zapi.base_url})
    return config


@pytest.fixture
async def serving(both: Config, engine: Engine, redis: Redis, keys: Keys, tmp_path: Path):
    """Runs the `bot` service of `hocso run` on the test's engine until the test ends."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    def start() -> asyncio.Task[None]:
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
        app = App(both, engine.curriculum, redis, keys, engine, database)
        tasks.append(asyncio.create_task(bots(app, stop)))
        return tasks[0]

    yield start
    stop.set()
    for task in tasks:
        await asyncio.wait_for(task, 10)


async def test_a_telegram_and_a_zalo_learner_at_the_same_time(
    serving, api: FakeBotApi, zapi: FakeZaloApi, redis: Redis, keys: Keys
) -> None:
    serving()
    await api.wait_for(lambda _: api.polls > 0, what="Telegram polling")
    await zapi.wait_for(lambda _: zapi.polls > 0, what="Zalo polling")
    # The same number on both platforms is two different people.
    await asyncio.gather(
        api.push(message_update(4242, "/start", "Minh")),
        zapi.push(text_update("4242", "/start", "Hoa")),
    )
    await api.wait_for(lambda c: any("Chào bác Minh" in x.text for x in c), what="Telegram")
    await zapi.wait_for(lambda _: any("Chào bác Hoa" in x.text for x in zapi.of("sendMessage")))
    await zapi.push(text_update("4242", "1", "Hoa"))  # Đồng ý, by its number
    await zapi.wait_for(
        lambda _: any("Thẻ một" in c.text for c in zapi.sent_to("4242")), what="the lesson"
    )
    zalo, telegram = (
        await redis.hgetall(keys.learner("zalo:4242")),
        await redis.hgetall(keys.learner("tg:4242")),
    )
    assert zalo and telegram and zalo != telegram  # each has their own state
    assert not any("Thẻ một" in c.text for c in api.of("sendMessage"))  # Minh did not agree yet


async def test_with_webhooks_both_share_one_server_with_health(
    serving, both: Config, api: FakeBotApi, zapi: FakeZaloApi
) -> None:
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    both.telegram = both.telegram.model_copy(
        update={"webhook_url": f"{origin}/telegram", "webhook_secret": TG_SECRET}
    )
    both.server = both.server.model_copy(update={"port": port})  # the one server of both
    both.zalo = both.zalo.model_copy(
        update={"webhook_url": f"{origin}/zalo", "webhook_secret": ZALO_SECRET}
    )
    serving()
    await api.wait_for(lambda _: api.of("setWebhook"), what="Telegram's setWebhook")
    await zapi.wait_for(lambda _: zapi.of("setWebhook"), what="Zalo's setWebhook")
    async with aiohttp.ClientSession() as session:
        telegram = session.post(
            f"{origin}/telegram",
            json=message_update(77, "/start", "Minh"),
            headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
        )
        zalo = session.post(
            f"{origin}/zalo",
            json=text_update("77", "/start", "Hoa"),
            headers={"X-Bot-Api-Secret-Token": ZALO_SECRET},
        )
        async with telegram as first, zalo as second:
            assert (first.status, second.status) == (200, 200)
            # The welcome and the consent question are one message: it rides in the answer.
            answer = await first.json()
        async with session.get(f"{origin}/health") as health:
            assert health.status == 200
    assert answer["method"] == "sendMessage" and "Chào bác Minh" in answer["text"]
    assert any("Chào bác Hoa" in c.text for c in zapi.sent_to("77"))
