"""`hocso` as an operator starts it: a Redis that does not answer is one clear line, and
`hocso run` serves a Telegram and a Zalo learner from one process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fake_bot_api import TOKEN, FakeBotApi, message_update
from fake_zalo_api import TOKEN as ZALO_TOKEN
from fake_zalo_api import FakeZaloApi, text_update

from storage.redis.keys import Keys

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("command", [["run", "--only", "reporter"], ["chat"]])
def test_redis_down_at_start_up(tmp_path: Path, command: list[str]) -> None:
    env = {
        **os.environ,
        "HOCSO_CONFIG": str(ROOT / "config.yaml"),
        "HOCSO_DATA_DIR": str(tmp_path),
    }
    env["REDIS_URL"] = "redis://:secret@127.0.0.1:1/0"  # nothing listens there
    run = subprocess.run(
        [sys.executable, "-m", "hocso.cli", *command],
        env=env, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr[-2000:]
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.stderr.startswith("hocso: cannot reach Redis at redis://***@127.0.0.1:1/0: ")
    assert "secret" not in run.stderr


async def test_hocso_run_serves_telegram_and_zalo_in_one_process(
    api: FakeBotApi, zapi: FakeZaloApi, keys: Keys
) -> None:
    env = {
        **os.environ,
        "HOCSO_CONFIG": str(ROOT / "config.yaml"),
        "HOCSO_LESSONS_DIR": str(ROOT / "tests" / "fixtures" / "lessons"),
        "REDIS_URL": os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "HOCSO_REDIS_PREFIX": keys.prefix,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": api.base_url,
        "ZALO_BOT_TOKEN": ZALO_TOKEN,
        "ZALO_BASE_URL": zapi.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hocso.cli",
        "run",
        "--only",
        "bot",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await api.wait_for(lambda _: api.polls > 0, timeout=30, what="Telegram polling")
        await zapi.wait_for(lambda _: zapi.polls > 0, timeout=30, what="Zalo polling")
        await api.push(message_update(31, "/start"))
        await zapi.push(text_update("31", "/start"))
        await api.wait_for(lambda c: any("Chào bác" in x.text for x in c), what="Telegram")
        await zapi.wait_for(lambda _: zapi.sent_to("31"), what="the Zalo welcome")
        process.send_signal(signal.SIGTERM)
        await api.release_polls()
        await zapi.release_polls()
        _, err = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()[-2000:]
    assert b"Traceback" not in err


async def test_run_serves_learners_and_stops_cleanly_on_sigterm(api, keys) -> None:
    env = {
        **os.environ,
        "HOCSO_CONFIG": str(ROOT / "config.yaml"),
        "HOCSO_LESSONS_DIR": str(ROOT / "tests" / "fixtures" / "lessons"),
        "REDIS_URL": os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "HOCSO_REDIS_PREFIX": keys.prefix,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": api.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hocso.cli",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await api.wait_for(lambda _: api.polls > 0, timeout=30, what="the bot to poll")
        await api.push(message_update(31, "/start"))
        await api.wait_for(
            lambda calls: any("Chào bác" in c.text for c in calls), what="the welcome"
        )
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()[-2000:]
    assert b"Traceback" not in err
