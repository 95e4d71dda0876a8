"""`hocso run` with a Zalo OA: beside Telegram in one process (one engine, one Redis, one web
server), or alone, when the web server and /health still come up."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from fake_bot_api import TOKEN, FakeBotApi, message_update
from fake_zalo_oa import APP_ID, APP_SECRET, OA_ID, OA_SECRET, FakeZaloOA, text_event
from redis.asyncio import Redis

from storage.redis.keys import Keys

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def oa() -> AsyncIterator[FakeZaloOA]:
    fake = await FakeZaloOA().start()
    yield fake
    await fake.close()


def oa_env(fake: FakeZaloOA, keys: Keys, port: int) -> dict[str, str]:
    _, refresh = fake.grant()
    env = {
        **os.environ,
        "HOCSO_CONFIG": str(ROOT / "config.yaml"),
        "HOCSO_LESSONS_DIR": str(ROOT / "tests" / "fixtures" / "lessons"),
        "REDIS_URL": os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "HOCSO_REDIS_PREFIX": keys.prefix,
        "HOCSO_PORT": str(port),  # the neutral name of the one web server's port
        "ZALO_OA_APP_ID": APP_ID,
        "ZALO_OA_APP_SECRET": APP_SECRET,
        "ZALO_OA_SECRET_KEY": OA_SECRET,
        "ZALO_OA_ID": OA_ID,
        "ZALO_OA_REFRESH_TOKEN": refresh,
        "ZALO_OA_API_URL": fake.api_url,
        "ZALO_OA_OAUTH_URL": fake.oauth_url,
        "ZALO_OA_BUSINESS_URL": fake.business_url,
    }
    for var in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "TELEGRAM_PORT", "DATABASE_URL"):
        env.pop(var, None)
    return env


async def run_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hocso.cli", "run", "--only", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def healthy(port: int, process: asyncio.subprocess.Process) -> dict[str, object]:
    """/health once the server is up (it answers 200 when every check passes)."""
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if process.returncode is not None:
                raise AssertionError((await process.communicate())[1].decode()[-2000:])
            try:
                async with session.get(f"http://127.0.0.1:{port}/health") as response:
                    if response.status == 200:
                        return dict(await response.json())
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the web server did not come up")


async def stopped(process: asyncio.subprocess.Process) -> bytes:
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, err.decode()[-2000:]
    assert b"Traceback" not in err
    return err


async def test_hocso_run_serves_a_telegram_and_an_oa_learner_in_one_process(
    api: FakeBotApi, oa: FakeZaloOA, keys: Keys, redis: Redis
) -> None:
    port = free_port()
    env = {
        **oa_env(oa, keys, port),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": api.base_url,
    }
    process = await run_bot(env)
    try:
        health = await healthy(port, process)
        assert health["zalo_oa"] == {"ok": True}
        await api.wait_for(lambda _: api.polls > 0, timeout=30, what="Telegram polling")
        webhook = f"http://127.0.0.1:{port}/zalo-oa"
        await api.push(message_update(31, "/start", "Minh"))
        assert (await oa.post(webhook, text_event("31", "/start"))).status == 200
        await api.wait_for(lambda c: any("Chào bác Minh" in x.text for x in c), what="Telegram")
        await oa.wait_for(lambda: oa.to("31"), what="the OA's welcome")
        assert "Chào" in oa.to("31")[0].text and oa.to("31")[-1].buttons
        # The same number on both is two people: the OA learner agrees, and only they learn.
        agree = next(b for b in oa.to("31")[-1].buttons if "Đồng ý" in b["title"])
        assert (await oa.post(webhook, text_event("31", agree["payload"]))).status == 200
        await oa.wait_for(lambda: any("Thẻ một" in s.text for s in oa.to("31")), what="lesson")
        stored = Keys(keys.prefix)  # as `hocso run` shards them (config.yaml)
        assert await redis.exists(stored.learner("zoa:31"))
        assert not any("Thẻ một" in c.text for c in api.of("sendMessage"))
        await api.release_polls()
    finally:
        if process.returncode is None:
            await stopped(process)


async def test_the_oa_alone_brings_up_the_web_server_and_health(
    oa: FakeZaloOA, keys: Keys
) -> None:
    port = free_port()
    process = await run_bot(oa_env(oa, keys, port))
    try:
        health = await healthy(port, process)
        assert health["ok"] is True and health["redis"] == {"ok": True}
        webhook = f"http://127.0.0.1:{port}/zalo-oa"
        assert (await oa.post(webhook, text_event("32", "xin chao"))).status == 200
        await oa.wait_for(lambda: oa.to("32"), what="the OA's welcome")
    finally:
        if process.returncode is None:
            await stopped(process)


async def test_an_incomplete_oa_setup_stops_with_one_line(oa: FakeZaloOA, keys: Keys) -> None:
    env = oa_env(oa, keys, free_port())
    del env["ZALO_OA_SECRET_KEY"]
    process = await run_bot(env)
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert err.decode().strip() == (
        "hocso: ZALO_OA_SECRET_KEY missing: a Zalo OA needs ZALO_OA_APP_ID, ZALO_OA_APP_SECRET, "
        "ZALO_OA_SECRET_KEY, ZALO_OA_ID (docs/zalo-oa.md)"
    )
