"""Replies fitted to Zalo Bot: numbered lines for buttons, 2,000-character messages cut at
line breaks, sent to the fake Zalo (which refuses anything longer, as Zalo does)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from fake_zalo_api import TOKEN, FakeZaloApi
from redis.asyncio import Redis

from bot.events import Button, Reply
from handlers.render import as_text, units
from handlers.zalo.api import ZaloApi
from handlers.zalo.send import ZALO_BOT, ZaloSender
from storage.redis.keys import Keys


@pytest.fixture
async def sender(zapi: FakeZaloApi, redis: Redis, keys: Keys) -> AsyncIterator[ZaloSender]:
    async with aiohttp.ClientSession() as session:
        api = ZaloApi(session, TOKEN, zapi.base_url, backoff=0.01)
        yield ZaloSender(api)


def test_buttons_become_numbered_lines_under_the_words() -> None:
    reply = Reply("Bác đồng ý chứ?", ((Button("Đồng ý", "a"), Button("Không đồng ý", "b")),))
    assert as_text(reply, ZALO_BOT) == "Bác đồng ý chứ?\n\n1. Đồng ý\n2. Không đồng ý"


async def test_a_message_over_2000_characters_is_split_at_line_breaks(
    sender: ZaloSender, zapi: FakeZaloApi
) -> None:
    lines = [f"Dòng {i}: " + "chữ tiếng Việt có dấu " * 4 for i in range(60)]  # ~5,600
    text = "\n".join(lines)
    await sender.show("c1", [Reply(text, ((Button("Tiếp tục", "n"),),))])

    pieces = [c.params["text"] for c in zapi.of("sendMessage")]
    assert len(pieces) == 3 and all(units(p) <= 2000 for p in pieces)
    # Cut between lines only: together they are the whole text, the choice at the end.
    assert "\n".join(pieces) == f"{text}\n\n1. Tiếp tục"
    assert all(p.split("\n")[0] in lines for p in pieces)


async def test_one_line_over_2000_characters_is_cut_at_spaces(
    sender: ZaloSender, zapi: FakeZaloApi
) -> None:
    text = "chữ " * 700  # 2,800 characters, no line break
    await sender.show("c1", [Reply(text)])
    pieces = [c.params["text"] for c in zapi.of("sendMessage")]
    assert len(pieces) == 2 and all(units(p) <= 2000 for p in pieces)
    assert " ".join(pieces).split() == text.split()


async def test_showing_choices_costs_no_redis_call_and_keeps_nothing(
    sender: ZaloSender, zapi: FakeZaloApi, redis: Redis, keys: Keys
) -> None:
    """The number typed back is read by the engine (one layer), not from a copy kept here."""
    question = Reply("Hỏi?", ((Button("Có", "1:a"), Button("Không", "1:b")),))
    await sender.show("c1", [question])
    assert [c.params["text"] for c in zapi.of("sendMessage")] == ["Hỏi?\n\n1. Có\n2. Không"]
    assert not await redis.keys(f"{keys.prefix}:*")
