"""How fast `hocso run` answers Zalo learners through its webhook, end to end.

Usage: .venv/bin/python bench/zalo_webhook.py [LEARNERS] [redis://127.0.0.1:6379/0]

`hocso run --only bot` runs in a process of its own with a Zalo webhook; this process plays
Zalo (the fake Zalo Bot API of the tests, on loopback) and LEARNERS learners (default 100)
who all take the first lesson of the shipped course at once, typing the number of the first
choice each time (or words where there are none). A webhook call is answered once the engine
has decided and every reply was sent to Zalo, so its time is what a learner waits, minus the
internet. Keys live under a prefix of their own and are deleted at the end.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import sys
import time
import uuid
from pathlib import Path

import aiohttp
from redis.asyncio import Redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "handlers"))

from fake_zalo_api import TOKEN, FakeZaloApi, text_update  # noqa: E402

SECRET = "bench-secret_0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def first_choice(text: str) -> str | None:
    lines = [line for line in text.splitlines() if line[:2] == "1."]
    return "1" if lines else None


async def learner(
    session: aiohttp.ClientSession, url: str, api: FakeZaloApi, user: str, waits: list[float]
) -> None:
    async def say(text: str) -> str:
        before = len(api.sent_to(user))
        began = time.perf_counter()
        async with session.post(
            url, json=text_update(user, text), headers={"X-Bot-Api-Secret-Token": SECRET}
        ) as response:
            assert response.status == 200, response.status
        waits.append(time.perf_counter() - began)
        return "\n".join(c.text for c in api.sent_to(user)[before:])

    answer = await say("/start")
    for _ in range(40):
        if "🎉" in answer or "Cần" in answer:
            return
        answer = await say(first_choice(answer) or "ch play")


async def main(count: int, redis_url: str) -> None:
    api = FakeZaloApi()
    await api.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/zalo"
    prefix = f"hocso-bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "HOCSO_REDIS_PREFIX": prefix,
        "ZALO_BOT_TOKEN": TOKEN,
        "ZALO_BASE_URL": api.base_url,
        "ZALO_WEBHOOK_URL": url,
        "ZALO_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_PORT": str(port),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hocso.cli", "run", "--only", "bot", cwd=ROOT, env=env
    )
    waits: list[float] = []
    try:
        await api.wait_for(lambda _: api.of("setWebhook"), timeout=60, what="setWebhook")
        connector = aiohttp.TCPConnector(limit=count)
        async with aiohttp.ClientSession(connector=connector) as session:
            began = time.perf_counter()
            await asyncio.gather(
                *(learner(session, url, api, f"bench{i}", waits) for i in range(count))
            )
            elapsed = time.perf_counter() - began
    finally:
        bot.terminate()
        await bot.wait()
        await api.close()
        redis = Redis.from_url(redis_url)
        async for key in redis.scan_iter(match=f"{prefix}:*"):
            await redis.delete(key)
        await redis.aclose()
    sent = len(api.of("sendMessage")) + len(api.of("sendPhoto"))
    waits.sort()
    pictures = len(api.of("sendPhoto"))
    print(f"{count} learners, {len(waits)} messages in {elapsed:.1f}s ({pictures} pictures)")
    print(f"  {len(waits) / elapsed:.0f} learner messages/s, {sent / elapsed:.0f} replies sent/s")
    print(
        f"  webhook answered in p50 {1000 * statistics.median(waits):.0f} ms, "
        f"p99 {1000 * waits[int(0.99 * (len(waits) - 1))]:.0f} ms"
    )


if __name__ == "__main__":
    learners = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    asyncio.run(main(learners, sys.argv[2] if len(sys.argv) > 2 else "redis://127.0.0.1:6379/0"))
