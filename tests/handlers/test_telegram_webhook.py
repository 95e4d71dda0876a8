"""Webhook mode: Telegram posts updates to our aiohttp server, which checks the secret."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from fake_bot_api import TOKEN, message_update, tap_update
from redis.asyncio import Redis

from bot.config import Config

SECRET = "s3cret-for-tests_0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def webhook(tg_config: Config, make_adapter, api) -> AsyncIterator[str]:
    """The bot in webhook mode; yields the URL Telegram would post to."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    tg_config.telegram = tg_config.telegram.model_copy(
        update={"webhook_url": url, "webhook_secret": SECRET, "port": port}
    )
    stop = asyncio.Event()
    task = asyncio.create_task(make_adapter().serve(stop))
    await api.wait_for(lambda _: api.of("setWebhook") or task.done(), what="setWebhook")
    if task.done():
        task.result()
    yield url
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_the_webhook_is_registered_with_its_secret(webhook: str, api) -> None:
    (call,) = api.of("setWebhook")
    assert call.params["url"] == webhook
    assert call.params["secret_token"] == SECRET
    assert api.of("getUpdates") == []  # no polling alongside the webhook


async def test_a_wrong_or_missing_secret_is_refused(webhook: str, api) -> None:
    assert await api.post_webhook(webhook, message_update(1001, "/start"), "wrong-secret") == 403
    assert await api.post_webhook(webhook, message_update(1001, "/start"), None) == 403
    assert api.of("sendMessage") == []  # nothing was processed


async def test_a_right_secret_is_processed_before_the_answer_and_only_once(
    webhook: str, api
) -> None:
    update = message_update(1001, "/start")
    assert await api.post_webhook(webhook, update, SECRET) == 200
    # Processed before Telegram got its 200: the welcome is already out.
    assert any("Chào bác Lan" in c.text for c in api.of("sendMessage"))
    sent = len(api.of("sendMessage"))
    assert await api.post_webhook(webhook, update, SECRET) == 200  # Telegram re-delivers it
    assert len(api.of("sendMessage")) == sent


async def test_an_update_whose_worker_died_is_taken_again_later(
    webhook: str, api, redis: Redis, keys
) -> None:
    update = message_update(1002, "/start")
    key = keys.update("tg", TOKEN.partition(":")[0], update["update_id"], "tg:1002")
    await redis.set(key, "busy", px=300)  # a worker took it, then died
    assert await api.post_webhook(webhook, update, SECRET) == 503  # Telegram will try again
    assert not any("Chào bác" in c.text for c in api.of("sendMessage"))
    await asyncio.sleep(0.4)  # the dead worker's hold runs out
    assert await api.post_webhook(webhook, update, SECRET) == 200
    assert any("Chào bác Lan" in c.text for c in api.of("sendMessage"))
    assert (await redis.get(key))[:4] in (b"done", "done")  # (keeping the welcome after)


async def test_health_says_whether_storage_answers(webhook: str) -> None:
    health = webhook.replace("/telegram", "/health")
    async with aiohttp.ClientSession() as session, session.get(health) as response:
        assert response.status == 200
        assert await response.json() == {"ok": True, "redis": {"ok": True}}


async def test_each_answer_carries_one_call_so_a_tap_costs_fewer_requests(
    webhook: str, api
) -> None:
    """The Bot API performs one method call given in the webhook's HTTP response: the last
    message of a reply, or a tap's answerCallbackQuery, needs no request of its own."""
    assert await api.post_webhook(webhook, message_update(1003, "/start"), SECRET) == 200
    assert any("Chào bác" in c.text for c in api.calls)
    question = api.calls[-1]  # the last message, the consent question, rode in the answer
    assert question.in_webhook_answer and "đồng ý" in question.text
    consent = next(b["callback_data"] for b in question.buttons if "Đồng ý" in b["text"])
    message = list(api.messages.values())[-1]
    assert message["reply_markup"]["inline_keyboard"]  # the learner sees it with its buttons
    before = len(api.calls)
    tap = tap_update(1003, message, consent)
    assert await api.post_webhook(webhook, tap, SECRET) == 200
    during = api.calls[before:]
    (answer,) = [c for c in during if c.method == "answerCallbackQuery"]
    assert (
        answer.in_webhook_answer
        and answer.params["callback_query_id"] == tap["callback_query"]["id"]
    )
    assert any("Thẻ một" in c.text for c in during)  # the first lesson begins at once
    # one message (thanks, the lesson's title, its first card) and the old keyboard removed
    assert len([c for c in during if not c.in_webhook_answer]) == 2
