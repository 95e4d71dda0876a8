"""A Zalo bot serving in the background, and a learner's Zalo app typing to it (the fake
Zalo Bot API in fake_zalo_api.py is the world between them)."""

from __future__ import annotations

import asyncio
from typing import Any

from fake_zalo_api import Call, FakeZaloApi, text_update

from handlers.zalo.adapter import ZaloAdapter


class ZaloRunning:
    """A Zalo bot serving in the background until `stop()`."""

    def __init__(self, adapter: ZaloAdapter, api: FakeZaloApi, **serve: Any) -> None:
        self.adapter = adapter
        self.api = api
        self.stopping = asyncio.Event()
        self.task = asyncio.create_task(adapter.serve(self.stopping, **serve))

    async def settle(self) -> None:
        """Wait until every update pushed so far has been fully processed."""
        await self.api.delivered()
        while self.adapter.running:
            await asyncio.wait(self.adapter.running, timeout=10)

    async def stop(self) -> None:
        await self.api.release_polls()
        self.stopping.set()
        await asyncio.wait_for(self.task, 10)


class ZaloPhone:
    """One learner's Zalo app: writes messages, reads what the bot sent to their chat. Zalo
    hands each message to the bot (`bot`, running) through its getUpdates; a WebhookPhone
    posts them to the bot's webhook instead."""

    def __init__(
        self,
        bot: ZaloRunning | None,
        user_id: str = "e4ea2cd5189df1c3a88c",
        name: str = "Lan",
        api: FakeZaloApi | None = None,
    ) -> None:
        if api is None:
            assert bot is not None, "a phone needs the bot it talks to, or the fake Zalo API"
            api = bot.api
        self.bot = bot
        self.api = api
        self.user_id = user_id
        self.name = name

    async def deliver(self, update: dict[str, Any]) -> None:
        """Zalo hands the update over; return once the bot has dealt with it."""
        assert self.bot is not None
        await self.api.push(update)
        await self.bot.settle()

    async def write(self, text: str, **options: Any) -> str:
        """Send `text`; returns what the bot answered, its messages joined by new lines."""
        before = len(self.received())
        await self.deliver(text_update(self.user_id, text, self.name, **options))
        return "\n".join(c.text for c in self.received()[before:])

    def received(self) -> list[Call]:
        return self.api.sent_to(self.user_id)

    def screen(self) -> str:
        return "\n".join(c.text for c in self.received())

    def number_of(self, label: str) -> str:
        """The number the latest message shows before the choice `label`."""
        for call in reversed(self.received()):
            for line in call.text.splitlines():
                number, dot, rest = line.partition(". ")
                if dot and number.isdecimal() and label in rest:
                    return number
            if any(ln[:1].isdigit() and ". " in ln for ln in call.text.splitlines()):
                break  # the latest choices do not hold it
        raise AssertionError(f"no choice {label!r} on screen:\n{self.screen()[-800:]}")

    async def choose(self, label: str) -> str:
        """Type the number of a choice, as a learner without buttons does."""
        return await self.write(self.number_of(label))

    async def onboard(self) -> None:
        """/start and consent (the first lesson begins), then /menu: on the main menu."""
        await self.write("/start")
        await self.choose("Đồng ý")
        await self.write("/menu")
