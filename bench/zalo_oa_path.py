"""Bot CPU per learner action on the Zalo OA path, next to the Telegram path, in one run.

Usage: .venv/bin/python bench/zalo_oa_path.py [--learners 20] [--chats 10] [--seconds 10]
           [--rounds 2] [--json FILE]

One `hocso run --only bot` process serves both a Telegram webhook and a Zalo OA webhook (one
web server, one engine, one private redis-server), counted by bench/_counted.py. This process
plays Telegram (bench/telegram_path.py's stand-in, which reads the answer carried in the
webhook's reply), the Zalo OA (tests/handlers/fake_zalo_oa.py: signed events in, consultation
messages out) and the learners, closed loop as in telegram_path.py: each acts as soon as the
answer to its previous action arrived (a message with buttons, or a question to type at), taps
the first button (on the OA: sends its payload, as a tap does), or types "1".

The paths are measured in turns (Telegram, then the OA, `--rounds` times), each after a
warm-up, so both see the same machine at the same time: actions/s, latency p50/p99, the bot
process's CPU per action (from /proc), platform API calls and Redis round trips per action.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, TCPConnector

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests" / "handlers"))

from _results import default_path, write_results  # noqa: E402
from _servers import free_port, private_redis  # noqa: E402
from fake_zalo_oa import (  # noqa: E402
    APP_ID,
    APP_SECRET,
    OA_ID,
    OA_SECRET,
    FakeZaloOA,
    Sent,
    text_event,
)
from telegram_path import SECRET, STALL, TOKEN, FakeTelegram, Learner, learn, read_counts  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class BenchOA(FakeZaloOA):
    """The fake OA, telling each learner when the answer to their last action arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.learners: dict[str, Learner] = {}
        self.client: ClientSession | None = None
        self.webhook = ""
        self.sends = 0

    async def _message_cs(self, body: dict[str, Any]) -> tuple[int, str, dict[str, Any] | None]:
        answer = await super()._message_cs(body)
        self.sends += 1
        sent = self.sent.pop()  # keep memory flat over a long run
        learner = self.learners.get(sent.user_id)
        if learner is not None and not sent.error:
            observe(learner, sent)
        return answer

    async def deliver(self, update: dict[str, Any]) -> None:
        assert self.client is not None
        body = json.dumps(update, ensure_ascii=False).encode()
        digest = hashlib.sha256(
            APP_ID.encode() + body + update["timestamp"].encode() + OA_SECRET.encode()
        )
        headers = {"X-ZEvent-Signature": "mac=" + digest.hexdigest()}
        try:
            async with self.client.post(self.webhook, data=body, headers=headers) as response:
                await response.read()
        except Exception as exc:  # noqa: BLE001  (counted as a stall by the learner)
            print(f"oa webhook post failed: {exc!r}", file=sys.stderr)

    def update(self, learner: Learner, action: tuple[str, Any]) -> dict[str, Any]:
        user = str(learner.chat)
        self.users[user] = time.time()  # a learner who writes is in the window
        return text_event(user, str(action[1]))


def observe(learner: Learner, sent: Sent) -> None:
    """As telegram_path.py's learners do: tap the first button, or type at a question."""
    if sent.buttons:
        learner.next_action = ("tap", sent.buttons[0]["payload"])
        learner.answered.set()
    elif sent.text.startswith("❓"):
        learner.next_action = ("text", "1")
        learner.answered.set()


async def crowd_turn(
    name: str,
    api: Any,
    crowd: list[Learner],
    clients: int,
    warmup: float,
    seconds: float,
    pid: int,
    counts: Path,
    process: subprocess.Popen[bytes],
    calls: Callable[[], int],
) -> dict[str, Any]:
    """One path measured: its learners act for `warmup` + `seconds`, the rest are idle."""
    latencies: list[float] = []
    stop = asyncio.Event()
    window = {"open": False}
    tasks = [
        asyncio.create_task(learn(api, crowd[i::clients], latencies, stop, window))
        for i in range(clients)
    ]
    await asyncio.sleep(warmup)
    cpu0, trips0, calls0 = cpu_seconds(pid), read_counts(process, counts), calls()
    window["open"] = True
    began = time.perf_counter()
    await asyncio.sleep(seconds)
    window["open"] = False
    elapsed = time.perf_counter() - began
    cpu1, trips1, calls1 = cpu_seconds(pid), read_counts(process, counts), calls()
    stop.set()
    await asyncio.gather(*tasks)
    await asyncio.sleep(STALL / 5)  # answers still in flight land before the next turn
    actions = len(latencies)
    if not actions:
        raise SystemExit(f"{name}: no action answered")
    latencies.sort()
    return {
        "path": name,
        "actions": actions,
        "actions_per_s": round(actions / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[min(actions - 1, int(actions * 0.99))] * 1000, 1),
        "cpu_ms_per_action": round((cpu1 - cpu0) * 1000 / actions, 2),
        "api_calls_per_action": round((calls1 - calls0) / actions, 2),
        "redis_round_trips_per_action": round((trips1 - trips0) / actions, 2),
        "stalls": sum(learner.stalls for learner in crowd),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=20, help="closed-loop clients per path")
    parser.add_argument("--chats", type=int, default=10, help="learners per client")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", default=default_path("zalo_oa_path"))
    args = parser.parse_args()
    telegram, oa = FakeTelegram(), BenchOA()
    await telegram.start()
    await oa.start()
    oa.client = ClientSession(connector=TCPConnector(limit=40), timeout=ClientTimeout(total=30))
    _, refresh = oa.grant()
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="hocso-bench-oa-"))
    counts = folder / "counts.json"
    results = []
    with private_redis() as redis_url:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": f"{telegram.base}/bot",
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "TELEGRAM_WEBHOOK_SECRET": SECRET, "HOCSO_PORT": str(port),
            "ZALO_OA_APP_ID": APP_ID, "ZALO_OA_APP_SECRET": APP_SECRET,
            "ZALO_OA_SECRET_KEY": OA_SECRET, "ZALO_OA_ID": OA_ID,
            "ZALO_OA_REFRESH_TOKEN": refresh, "ZALO_OA_API_URL": oa.api_url,
            "ZALO_OA_OAUTH_URL": oa.oauth_url, "ZALO_OA_BUSINESS_URL": oa.business_url,
            "REDIS_URL": redis_url, "HOCSO_REDIS_PREFIX": "bench-oa",
            "HOCSO_DATA_DIR": str(folder), "DATABASE_URL": f"sqlite+aiosqlite:///{folder}/r.db",
        }  # fmt: skip
        env.pop("ZALO_BOT_TOKEN", None)
        command = [sys.executable, str(ROOT / "bench" / "_counted.py"), str(counts)]
        with (folder / "bot.log").open("wb") as log:
            process = subprocess.Popen(
                [*command, "hocso", "run", "--only", "bot"], env=env, cwd=ROOT, stderr=log
            )
        oa.webhook = f"http://127.0.0.1:{port}/zalo-oa"
        try:
            await asyncio.wait_for(telegram.ready.wait(), 30)
            n = args.learners * args.chats
            tg_crowd = [Learner(10_000 + i, "tutor") for i in range(n)]
            oa_crowd = [Learner(20_000 + i, "tutor") for i in range(n)]
            telegram.learners = {learner.chat: learner for learner in tg_crowd}
            oa.learners = {str(learner.chat): learner for learner in oa_crowd}
            for _ in range(args.rounds):
                for name, api, crowd, calls in (
                    ("telegram", telegram, tg_crowd, lambda: sum(telegram.calls.values())),
                    ("zalo-oa", oa, oa_crowd, lambda: oa.sends + len(oa.uploads)),
                ):
                    result = await crowd_turn(
                        name, api, crowd, args.learners, args.warmup, args.seconds,
                        process.pid, counts, process, calls,
                    )  # fmt: skip
                    results.append(result)
                    print(
                        f"{name:9s} {result['actions_per_s']:7.1f} actions/s"
                        f"  p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms"
                        f"  CPU {result['cpu_ms_per_action']:5.2f} ms/action"
                        f"  API {result['api_calls_per_action']:.2f}/action"
                        f"  Redis {result['redis_round_trips_per_action']:.2f} trips/action"
                        f"  stalls {result['stalls']}",
                        flush=True,
                    )
        finally:
            process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(15)
            if process.poll() is None:
                process.kill()
            assert telegram.client is not None
            await telegram.client.close()
            await oa.client.close()
            await oa.close()
    by_path: dict[str, list[float]] = {}
    for result in results:
        by_path.setdefault(result["path"], []).append(result["cpu_ms_per_action"])
    summary = {path: round(statistics.median(v), 2) for path, v in by_path.items()}
    print(f"CPU ms/action, median of the rounds: {summary}")
    write_results(args.json, args, {"turns": results, "cpu_ms_per_action": summary})


if __name__ == "__main__":
    asyncio.run(main())
