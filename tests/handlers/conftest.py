"""Fixtures for the Telegram and Zalo tests: the fake Bot APIs, the bot polling them, a
learner's phone."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fake_bot_api import TOKEN, Call, FakeBotApi, message_update, tap_update
from fake_zalo_api import TOKEN as ZALO_TOKEN
from fake_zalo_api import FakeZaloApi
from redis.asyncio import Redis
from zalo_phone import ZaloPhone, ZaloRunning

from bot.engine import Engine
from handlers.telegram.adapter import TelegramAdapter
from handlers.telegram.settings import TelegramSettings
from handlers.zalo.adapter import ZaloAdapter
from handlers.zalo.settings import ZaloSettings
from hocso.settings import Settings as Config
from storage.redis.keys import Keys


@pytest.fixture
def tg_config(config: Config, api: FakeBotApi) -> Config:
    """The test config (shared with the `engine` fixture), pointed at the fake Bot API."""
    config.telegram = config.telegram.model_copy(update={"token": TOKEN, "base_url": api.base_url})
    return config


@pytest.fixture
def make_adapter(tg_config: Config, engine: Engine, redis: Redis, keys: Keys):
    """A Telegram adapter on the test's engine (or another one), Redis and keys."""

    def make(
        other: Engine | None = None, settings: TelegramSettings | None = None, **options: Any
    ) -> TelegramAdapter:
        handle = (other or engine).handle
        return TelegramAdapter(settings or tg_config.telegram, handle, redis, keys, **options)

    return make


class Running:
    """A bot serving in the background until `stop()`."""

    def __init__(self, adapter: TelegramAdapter, api: FakeBotApi) -> None:
        self.adapter = adapter
        self.api = api
        self.stopping = asyncio.Event()
        self.task = asyncio.create_task(adapter.serve(self.stopping, poll_timeout=5))

    async def settle(self) -> None:
        """Wait until every update pushed so far has been fully processed."""
        await self.api.delivered()
        await asyncio.wait_for(self.adapter.application.update_queue.join(), 10)

    async def stop(self) -> None:
        await self.api.release_polls()
        self.stopping.set()
        await asyncio.wait_for(self.task, 10)


@pytest.fixture
async def start_bot(api: FakeBotApi, make_adapter):
    """Start the bot on the test's engine or another one (polling the fake API); stopped after
    the test."""
    running: list[Running] = []

    async def start(
        engine: Engine | None = None,
        settings: TelegramSettings | None = None,
        on: FakeBotApi = api,
        **options: Any,
    ) -> Running:
        """`settings` and `on`: another bot, with its own token, on its own fake API;
        `options`: more of the adapter's settings (e.g. `media_roots`, group lessons' timer
        and limits)."""
        options = {"backoff": 0.05, "read_timeout": 1.0, **options}
        bot = Running(make_adapter(engine, settings, **options), on)
        running.append(bot)
        await on.wait_for(lambda _: on.polls > 0 or bot.task.done(), what="the first poll")
        if bot.task.done():
            bot.task.result()  # raises what went wrong
        return bot

    yield start
    for bot in running:
        if not bot.task.done():
            await bot.stop()


@pytest.fixture
async def bot(start_bot) -> Running:
    return await start_bot()


class Phone:
    """One learner's Telegram app: writes messages, taps buttons on what the bot sent."""

    def __init__(self, bot: Running, user_id: int = 1001, first_name: str = "Lan") -> None:
        self.bot = bot
        self.api = bot.api
        self.user_id = user_id
        self.first_name = first_name
        self.query_ids: list[str] = []

    async def write(self, text: str | None = None, **extra: Any) -> dict[str, Any]:
        update = message_update(self.user_id, text, self.first_name, **extra)
        await self.api.push(update)
        await self.bot.settle()
        return update

    def received(self) -> list[Call]:
        """Messages sent or edited in this chat, in order."""
        return [
            c
            for c in self.api.calls
            if c.status == 200
            and (c.method.startswith("send") or c.method.startswith("edit"))
            and str(c.params.get("chat_id")) == str(self.user_id)
        ]

    def screen(self) -> str:
        return "\n".join(c.text for c in self.received())

    def message_with(self, label: str) -> tuple[dict[str, Any], str]:
        """The latest message in this chat that still shows a button `label`, and its data."""
        for message in reversed(list(self.api.messages.values())):
            if message["chat"]["id"] != self.user_id:
                continue
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        return dict(message), button["callback_data"]
        raise AssertionError(f"no button {label!r} on screen:\n{self.screen()[-800:]}")

    async def tap(self, label: str, times: int = 1) -> list[str]:
        """Tap a button (`times` quickly in a row); returns the callback query ids."""
        message, data = self.message_with(label)
        updates = [tap_update(self.user_id, message, data, self.first_name) for _ in range(times)]
        await self.api.push(*updates)
        await self.bot.settle()
        ids = [u["callback_query"]["id"] for u in updates]
        self.query_ids += ids
        return ids

    def toast(self, query_id: str) -> str | None:
        answers = [
            c
            for c in self.api.of("answerCallbackQuery")
            if c.params["callback_query_id"] == query_id
        ]
        assert len(answers) == 1, f"query {query_id} answered {len(answers)} times"
        return answers[0].params.get("text")

    async def onboard(self) -> None:
        """/start, consent (the first lesson begins), then /menu."""
        await self.write("/start")
        await self.tap("Đồng ý")
        await self.write("/menu")


@pytest.fixture
def phone(bot: Running) -> Phone:
    return Phone(bot)


@pytest.fixture
def make_phone() -> type[Phone]:
    """For a learner of another id or name: make_phone(bot, user_id=..., first_name=...)."""
    return Phone


# --- Zalo (handlers/zalo/): the fake Zalo Bot API, the bot polling it, a learner's phone ---


@pytest.fixture
def zalo_settings(zapi: FakeZaloApi) -> ZaloSettings:
    return ZaloSettings(token=ZALO_TOKEN, base_url=zapi.base_url)


@pytest.fixture
async def start_zalo(zapi: FakeZaloApi, zalo_settings: ZaloSettings, engine, redis, keys):
    """Start a Zalo bot polling the fake API (or as `settings` say), on the test's engine."""
    running: list[ZaloRunning] = []

    async def start(
        settings: ZaloSettings | None = None, other: Engine | None = None, **options: Any
    ) -> ZaloRunning:
        serve = {k: options.pop(k) for k in ("listening",) if k in options}
        options.setdefault("backoff", 0.05)
        adapter = ZaloAdapter(
            settings or zalo_settings, (other or engine).handle, redis, keys, **options
        )
        bot = ZaloRunning(adapter, zapi, **serve)
        running.append(bot)
        ready = (
            (lambda _: zapi.polls > 0) if adapter.polling else (lambda _: zapi.of("setWebhook"))
        )
        waiting = asyncio.ensure_future(zapi.wait_for(ready, what="a poll or setWebhook"))
        await asyncio.wait({waiting, bot.task}, return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done():
            waiting.cancel()
        elif not bot.task.done():
            waiting.result()  # raises if it timed out
        if bot.task.done():
            bot.task.result()  # raises what went wrong
        return bot

    yield start
    for bot in running:
        if not bot.task.done():
            await bot.stop()


@pytest.fixture
async def zalo_bot(start_zalo) -> ZaloRunning:
    return await start_zalo()


@pytest.fixture
def zalo_phone(zalo_bot: ZaloRunning) -> ZaloPhone:
    return ZaloPhone(zalo_bot)


# --- Zalo OA (handlers/zalo_oa/): the fake Zalo OA, workers serving it, a learner's phone ---

from oa_phone import oa_fake, oa_phone, oa_worker, oa_workers  # noqa: E402, F401
