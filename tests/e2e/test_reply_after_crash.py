"""A worker killed after it stored a learner's answer and before the reply went out: Telegram
delivers the update again (it never got its 200), and another worker sends the reply the first
one could not, without counting the answer again (issue 24, defect 5)."""

from __future__ import annotations

import json
import signal
from typing import Any

import aiohttp
import pytest
from fake_bot_api import FakeBotApi, message_update, tap_update
from redis.asyncio import Redis
from test_fleet import REDIS_URL, SECRET, start_worker

from storage.redis.keys import Keys

CHAT = 7301
PASSED = "🎉 Bác đã học xong bài «Bài một»!"


def tap(api: FakeBotApi, label: str) -> dict[str, Any]:
    """The learner taps `label` on the newest message in the chat that shows it."""
    for message in reversed(list(api.messages.values())):
        if message["chat"]["id"] != CHAT:
            continue
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if label in button["text"]:
                    return tap_update(CHAT, message, button["callback_data"])
    raise AssertionError(f"no button {label!r} on screen")


def seen(api: FakeBotApi) -> str:
    """What the learner's phone shows: the messages that reached it."""
    return "\n".join(
        c.text for c in api.calls if c.status == 200 and str(c.params.get("chat_id")) == str(CHAT)
    )


async def test_a_reply_lost_with_a_killed_worker_is_sent_when_telegram_delivers_again(
    api: FakeBotApi, keys: Keys
) -> None:
    dying, url = await start_worker(api, keys)
    workers = [dying]
    try:
        for update in (message_update(CHAT, "/start"), "Đồng ý", message_update(CHAT, "/menu")):
            update = tap(api, update) if isinstance(update, str) else update
            assert await api.post_webhook(url, update, SECRET) == 200
        for label in ("Học tiếp", "Tiếp tục", "Đúng rồi"):
            assert await api.post_webhook(url, tap(api, label), SECRET) == 200
        last = tap(api, "✔️ Đúng")  # the answer that passes the lesson

        async def kill() -> None:  # after the answer is stored, before anything is shown
            dying.send_signal(signal.SIGKILL)
            await dying.wait()

        api.crash_at(lambda method: method.startswith(("send", "edit")), kill)
        with pytest.raises(aiohttp.ClientError):  # Telegram gets no answer: it will retry
            await api.post_webhook(url, last, SECRET)
        assert await dying.wait() == -signal.SIGKILL
        assert PASSED not in seen(api)

        # Telegram delivers the update again, to another worker (or the same one restarted).
        other, url = await start_worker(api, keys)
        workers.append(other)
        assert await api.post_webhook(url, last, SECRET) == 200
        assert seen(api).count(PASSED) == 1  # shown now, and once
        assert await api.post_webhook(url, last, SECRET) == 200  # and again to the same worker
        assert seen(api).count(PASSED) == 1  # that showed it: not shown twice
    finally:
        for process in workers:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        errors = [(await process.communicate())[1] for process in workers]
    assert b"Traceback" not in errors[1], errors[1].decode()[-2000:]

    # The pass was stored once: in the learner's state and in the outbox for reporting.
    redis = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        shipped = Keys(keys.prefix)  # the workers' keys: config.yaml's shards
        assert "l1" in (await redis.hget(shipped.learner(f"tg:{CHAT}"), "dn") or "")
        outbox = await redis.xrange(shipped.outbox_of(f"tg:{CHAT}"))
    finally:
        await redis.aclose()
    events = [json.loads(fields["e"]) for _, fields in outbox]
    assert [(e["lesson"], e["passed"]) for e in events if e["type"] == "completion"] == [
        ("l1", "1")
    ]
    answers = [e["question"] for e in events if e["type"] == "answer"]
    assert sorted(answers) == sorted(set(answers)) and len(answers) == 2
