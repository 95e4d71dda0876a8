"""Several processes, one fleet: two `hocso run --only bot` webhook workers (as behind a
reverse proxy) share one Redis and one PostgreSQL; many learners take a lesson through them,
some updates delivered to both at once (as Telegram re-delivers), and a reporter stores it
all: no progress lost, none counted twice."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid
from pathlib import Path
from typing import Any

from fake_bot_api import TOKEN, message_update, tap_update
from redis.asyncio import Redis
from sqlalchemy import func, select

from storage.redis.keys import Keys
from storage.sql.db import Database
from storage.sql.models import Completion, Learner, Response
from storage.sql.reporter import Reporter

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "fleet-secret-0123456789"
LEARNERS = 24


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def start_worker(api, keys: Keys, database_url: str = "") -> tuple[Any, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    env = {
        **os.environ,
        "HOCSO_CONFIG": str(ROOT / "config.yaml"),
        "HOCSO_LESSONS_DIR": str(ROOT / "tests" / "fixtures" / "lessons"),
        "REDIS_URL": REDIS_URL,
        "HOCSO_REDIS_PREFIX": keys.prefix,
        **({"DATABASE_URL": database_url} if database_url else {}),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": api.base_url,
        "TELEGRAM_WEBHOOK_URL": url,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_LISTEN": "127.0.0.1",
        "TELEGRAM_PORT": str(port),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hocso.cli", "run", "--only", "bot",
        cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await api.wait_for(
        lambda calls: (
            any(c.method == "setWebhook" and c.params["url"] == url for c in calls)
            or process.returncode is not None
        ),
        timeout=30,
        what="the worker to set its webhook",
    )
    return process, url


def next_update(api, chat: int) -> dict[str, Any] | None:
    """What the learner does next: tap the first button of the newest keyboard in the chat;
    None once the lesson is finished."""
    mine = [m for m in api.messages.values() if m["chat"]["id"] == chat]
    if any("🎉" in m.get("text", "") for m in mine):
        return None
    for message in reversed(mine):
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if rows:
            return tap_update(chat, message, rows[0][0]["callback_data"])
    return message_update(chat, "/start")


async def learn(api, urls: list[str], chat: int) -> int:
    """Take lesson one, the proxy sending each update to either worker; every third update
    arrives at both at once. Returns the steps taken."""
    update: dict[str, Any] | None = message_update(chat, "/start")
    for step in range(40):
        if update is None:
            return step
        worker = urls[(chat + step) % 2]
        if step % 3 == 1:
            statuses = await asyncio.gather(*(api.post_webhook(u, update, SECRET) for u in urls))
            assert 200 in statuses and set(statuses) <= {200, 503}
        else:
            assert await api.post_webhook(worker, update, SECRET) == 200
        update = next_update(api, chat)
    raise AssertionError(f"learner {chat} did not finish lesson one")


async def test_two_workers_one_redis_one_database_nothing_lost_or_doubled(
    api, keys: Keys, postgres, erase_key: str
) -> None:
    database_url = await postgres.create(f"hocso_test_{uuid.uuid4().hex[:12]}")
    database = Database(database_url, erase_key)
    await database.upgrade()
    workers = [await start_worker(api, keys, database_url) for _ in range(2)]
    urls = [url for _, url in workers]
    try:
        chats = [7000 + i for i in range(LEARNERS)]
        steps = await asyncio.gather(*(learn(api, urls, chat) for chat in chats))
        assert all(s >= 5 for s in steps), steps  # /start, consent, the card, two answers
    finally:
        for process, _ in workers:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        errors = [(await asyncio.wait_for(p.communicate(), 30))[1] for p, _ in workers]
    assert all(b"Traceback" not in err for err in errors), errors[0].decode()[-2000:]
    redis = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        shipped = Keys(keys.prefix)  # the workers' keys: config.yaml's 64 shards
        for chat in chats:
            assert "l1" in (await redis.hget(shipped.learner(f"tg:{chat}"), "dn") or "")
        reporter = Reporter(redis, shipped, database, batch=100)
        while await reporter.step():
            pass
        async with database.session() as session:
            learners = await session.scalar(select(func.count()).select_from(Learner))
            done = await session.scalar(select(func.count()).select_from(Completion))
            answers = await session.scalar(select(func.count()).select_from(Response))
    finally:
        await redis.aclose()
        await database.dispose()
    assert learners == LEARNERS
    assert done == LEARNERS  # each learner's lesson once: not lost, not counted twice
    assert answers == LEARNERS * 2  # two questions each, each answer once
