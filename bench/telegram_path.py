"""The full Telegram path over real HTTP: bots against a local Bot API stand-in on loopback.

Usage: .venv-bench/bin/python bench/telegram_path.py [--learners 50] [--chats 40] [--seconds 15]
           [--bots hocso-polling,hocso-webhook,ptb-echo,aiogram] [--json FILE]
(.venv-bench: `python3 -m venv .venv-bench && .venv-bench/bin/pip install -e . aiogram psutil`;
aiogram is a peer here, not a dependency of hocso.)

Each bot runs as its own process (`hocso run --only bot`, long polling or webhook; a bare
python-telegram-bot echo bot; a small aiogram 3 tutor with Redis FSM storage, both polling)
against a private redis-server. This process plays Telegram and LEARNERS closed-loop clients:
each acts as soon as the answer to its previous action arrived, i.e. when a message with
buttons (or a question to type at) reached the chat; it taps the first button that is not a
hint, or types. Each
client takes turns among CHATS learners of its own, so one chat sees an action every few
seconds, as from a person (Telegram allows about one message a second per chat), while the
bot never waits for work.
After a warm-up, it measures for SECONDS: actions/s, latency p50/p99 (update handed over ->
answer seen), the bot process's CPU per action, Bot API calls per action (those carried in a
webhook's HTTP response counted too, getUpdates apart), and Redis round trips per action
(counted inside the bot process by bench/_counted.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import default_path, write_results
from _servers import free_port, private_redis

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:" + "B" * 35
SECRET = "bench-secret-0123456789"
BOT = {"id": 4242, "is_bot": True, "first_name": "Học Số", "username": "hocso_bench_bot"}
STALL = 5.0  # seconds without an answer before a learner starts over
HINTS = ("1:hint:", "1:hp:")  # payloads of a hint and of an answer a hint offers


@dataclass
class Learner:
    chat: int
    kind: str  # "tutor" (taps the first button, or types) or "echo"
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    next_action: tuple[str, Any] = ("command", "/start")
    stalls: int = 0
    started: bool = False


class FakeTelegram:
    """Enough of the Bot API for the bots measured here, plus the learners' side."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.in_response: Counter[str] = Counter()
        # What the learners do next, by the kind of button tapped (its payload's prefix) or
        # "typed": two checkouts compared on one bench should see the same mix of actions.
        self.mix: Counter[str] = Counter()
        self.learners: dict[int, Learner] = {}
        self.pending: list[dict[str, Any]] = []
        self.changed = asyncio.Condition()
        self.ids = itertools.count(1000)
        self.update_ids = itertools.count(1)
        self.webhook: tuple[str, str] | None = None
        self.client: ClientSession | None = None
        self.base = ""
        self.ready = asyncio.Event()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        app.router.add_get("/bot{token}/{method}", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
        self.base = f"http://127.0.0.1:{port}"
        self.client = ClientSession(
            connector=TCPConnector(limit=40), timeout=ClientTimeout(total=30)
        )  # Telegram opens up to 40 connections to a webhook

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = dict(await request.json())
        else:
            params = dict(await request.post())
        if method == "getUpdates":
            self.calls[method] += 1
            return await self.get_updates(float(params.get("timeout") or 0))
        self.calls[method] += 1
        return web.json_response({"ok": True, "result": self.perform(method, params)})

    def perform(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {**BOT, "can_join_groups": True, "can_read_all_group_messages": False}
        if method == "setWebhook":
            self.webhook = (str(params["url"]), str(params.get("secret_token", "")))
            self.ready.set()
            return True
        if not method.startswith(("send", "edit")):
            return True
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        chat = int(params["chat_id"]) if "chat_id" in params else 0
        message = {
            "message_id": int(params.get("message_id") or next(self.ids)),
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Lan"},
            "from": BOT,
            "text": str(params.get("text") or params.get("caption") or ""),
        }
        if markup:
            message["reply_markup"] = markup
        learner = self.learners.get(chat)
        if learner is not None:
            self.observe(learner, method, message)
        return message

    def observe(self, learner: Learner, method: str, message: dict[str, Any]) -> None:
        """Has the answer to the learner's last action arrived? Then decide the next one."""
        if learner.kind == "echo":
            if method == "sendMessage":
                learner.next_action = ("text", "xin chào")
                learner.answered.set()
            return
        buttons = [
            b
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        # The first button that moves on: a learner tapping "💡 Gợi ý" for ever measures only
        # the hint screen (and hints changed between checkouts), not a lesson.
        moving = [b for b in buttons if not str(b.get("callback_data", "")).startswith(HINTS)]
        buttons = moving or buttons
        if buttons and buttons[0].get("callback_data"):
            data = buttons[0]["callback_data"]
            learner.next_action = ("tap", (message, data))
            self.mix[data.split(":")[1] if data.count(":") else data] += 1
            learner.answered.set()
        elif method == "sendMessage" and message["text"].startswith("❓"):
            learner.next_action = ("text", "1")
            self.mix["typed"] += 1
            learner.answered.set()

    async def get_updates(self, timeout: float) -> web.Response:
        async with self.changed:
            self.ready.set()
            if not self.pending and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.changed.wait_for(lambda: self.pending), timeout)
            updates, self.pending = self.pending, []
        return web.json_response({"ok": True, "result": updates})

    async def deliver(self, update: dict[str, Any]) -> None:
        if self.webhook is None:
            async with self.changed:
                self.pending.append(update)
                self.changed.notify_all()
            return
        asyncio.ensure_future(self.post(update))

    async def post(self, update: dict[str, Any]) -> None:
        assert self.client is not None and self.webhook is not None
        url, secret = self.webhook
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        try:
            async with self.client.post(url, json=update, headers=headers) as response:
                if response.content_type == "application/json":
                    body = await response.json()
                    if isinstance(body, dict) and body.get("method"):
                        method = body.pop("method")
                        self.in_response[method] += 1
                        self.calls[method] += 1
                        self.perform(method, body)
        except Exception as exc:  # noqa: BLE001  (counted as a stall by the learner)
            print(f"webhook post failed: {exc!r}", file=sys.stderr)

    def update(self, learner: Learner, action: tuple[str, Any]) -> dict[str, Any]:
        kind, value = action
        user = {"id": learner.chat, "is_bot": False, "first_name": "Lan", "language_code": "vi"}
        update_id = next(self.update_ids)
        if kind == "tap":
            message, data = value
            query = {"id": str(update_id), "from": user, "chat_instance": "ci"}
            query |= {"message": message, "data": data}
            return {"update_id": update_id, "callback_query": query}
        chat = {"id": learner.chat, "type": "private", "first_name": "Lan"}
        message = {"message_id": next(self.ids), "date": int(time.time()), "chat": chat}
        message |= {"from": user, "text": value}
        if value.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(value)}]
        return {"update_id": update_id, "message": message}


async def learn(
    api: FakeTelegram,
    chats: list[Learner],
    latencies: list[float],
    stop: asyncio.Event,
    window: dict[str, bool],
) -> None:
    """One closed-loop client: acts as soon as its last action was answered, in turn for each
    of its learners, so each chat sees human pacing (Telegram allows about one message a
    second per chat) while the bot is kept busy."""
    for learner in itertools.cycle(chats):
        if stop.is_set():
            return
        if not learner.started:
            learner.started = True
            learner.next_action = (
                ("text", "xin chào") if learner.kind == "echo" else ("command", "/start")
            )
        learner.answered.clear()
        began = time.perf_counter()
        await api.deliver(api.update(learner, learner.next_action))
        try:
            await asyncio.wait_for(learner.answered.wait(), STALL)
        except TimeoutError:
            learner.stalls += 1
            learner.next_action = (
                ("text", "xin chào") if learner.kind == "echo" else ("command", "/continue")
            )
            continue
        if window["open"]:
            latencies.append(time.perf_counter() - began)


def bot_command(name: str, counts: Path) -> list[str]:
    counted = [sys.executable, str(ROOT / "bench" / "_counted.py"), str(counts)]
    if name.startswith("hocso"):
        return [*counted, "hocso", "run", "--only", "bot"]
    if name == "aiogram":
        return [*counted, str(ROOT / "bench" / "peers" / "aiogram_tutor.py")]
    return [*counted, str(ROOT / "bench" / "peers" / "echo_ptb.py")]


def read_counts(process: subprocess.Popen[bytes], counts: Path) -> int:
    counts.unlink(missing_ok=True)
    process.send_signal(signal.SIGUSR1)
    for _ in range(200):
        if counts.exists() and counts.stat().st_size:
            return int(json.loads(counts.read_text())["redis_round_trips"])
        time.sleep(0.01)
    return 0


async def measure(
    name: str,
    redis_url: str,
    learners: int,
    chats: int,
    seconds: float,
    warmup: float,
    root: Path,
    profile: Path | None = None,
) -> dict[str, Any]:
    import psutil  # here: bench/zalo_oa_path.py reuses this file's Telegram without it

    api = FakeTelegram()
    await api.start()
    folder = Path(tempfile.mkdtemp(prefix="hocso-bench-"))
    counts = folder / "counts.json"
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN, "BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": f"{api.base}/bot", "BASE_URL": f"{api.base}/bot", "API": api.base,
        "REDIS_URL": redis_url, "HOCSO_REDIS_PREFIX": f"bench-{name}",
        "HOCSO_DATA_DIR": str(folder), "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'r.db'}",
        "PYTHONPATH": str(root),
    }  # fmt: skip
    if name == "hocso-webhook":
        port = free_port()
        env |= {
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_LISTEN": "127.0.0.1",
            "TELEGRAM_PORT": str(port),
        }
    with (folder / "bot.log").open("wb") as log:
        process = subprocess.Popen(bot_command(name, counts), env=env, cwd=root, stderr=log)
    kind = "echo" if name == "ptb-echo" else "tutor"
    crowd = [Learner(10_000 + i, kind) for i in range(learners * chats)]
    api.learners = {learner.chat: learner for learner in crowd}
    latencies: list[float] = []
    stop = asyncio.Event()
    window = {"open": False}
    try:
        await asyncio.wait_for(api.ready.wait(), 30)
        tasks = [
            asyncio.create_task(learn(api, crowd[i::learners], latencies, stop, window))
            for i in range(learners)
        ]
        await asyncio.sleep(warmup)
        bot = psutil.Process(process.pid)
        cpu0, trips0, calls0 = (
            sum(bot.cpu_times()[:2]),
            read_counts(process, counts),
            Counter(api.calls),
        )
        inresp0 = Counter(api.in_response)
        mix0 = Counter(api.mix)
        me = psutil.Process()
        driver0 = sum(me.cpu_times()[:2])
        spy = None
        if profile is not None:
            profile.mkdir(parents=True, exist_ok=True)
            spy = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "py-spy"),
                    "record",
                    "-p",
                    str(process.pid),
                    "-d",
                    str(int(seconds)),
                    "-r",
                    "200",
                ]
                + ["-f", "raw", "-o", str(profile / f"{name}.txt"), "--nonblocking"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        window["open"] = True
        began = time.perf_counter()
        await asyncio.sleep(seconds)
        window["open"] = False
        elapsed = time.perf_counter() - began
        cpu1, trips1 = sum(bot.cpu_times()[:2]), read_counts(process, counts)
        driver = sum(me.cpu_times()[:2]) - driver0
        if spy is not None:
            spy.wait(60)
        calls = api.calls - calls0
        inresp = api.in_response - inresp0
        mix = api.mix - mix0
        stop.set()
        await asyncio.gather(*tasks)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        assert api.client is not None
        await api.client.close()
    actions = len(latencies)
    if not actions:
        raise SystemExit(f"{name}: no action answered; see {folder / 'bot.log'}")
    latencies.sort()
    polls = calls.pop("getUpdates", 0)
    return {
        "bot": name,
        "clients": learners,
        "learners": learners * chats,
        "seconds": round(elapsed, 1),
        "actions": actions,
        "actions_per_s": round(actions / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[min(actions - 1, int(actions * 0.99))] * 1000, 1),
        "cpu_ms_per_action": round((cpu1 - cpu0) * 1000 / actions, 2),
        "bot_api_calls_per_action": round(sum(calls.values()) / actions, 2),
        "of_which_in_webhook_response": round(sum(inresp.values()) / actions, 2),
        "calls_by_method": dict(calls),
        "get_updates_per_action": round(polls / actions, 2),
        "redis_round_trips_per_action": round((trips1 - trips0) / actions, 2),
        "stalls": sum(learner.stalls for learner in crowd),
        "mix": {k: round(v / max(1, sum(mix.values())), 3) for k, v in mix.most_common()},
        "driver_cpu_share": round(driver / elapsed, 2),  # this process: Telegram + learners
        "profile": summarize(profile / f"{name}.txt") if profile is not None else None,
    }


# py-spy names our own files without their folder
ENGINE = "engine turn router tutor onboarding menu review learner payloads lessons texts"
ADAPTER = "telegram telegram_send telegram_flow telegram_http dedupe ordering state"
GROUPS = {  # where a sample's time went: the group of the innermost frame that has one
    "importlib (sniffio's library check)": ("importlib", "sniffio"),
    "httpx/httpcore": ("httpx", "httpcore", "anyio", "h11"),
    "aiohttp": ("aiohttp", "multidict", "yarl"),
    "redis-py": ("redis/",),
    "bot/ (the engine)": tuple(f"({m}.py" for m in ENGINE.split()),
    "handlers/ and storage/ (hocso)": tuple(f"({m}.py" for m in ADAPTER.split()),
    "PTB objects from/to JSON": ("de_json", "to_dict", "_telegramobject", "json/"),
    "python-telegram-bot, other": ("telegram/",),
    "aiogram": ("aiogram/",),
    "asyncio": ("asyncio",),
}


def summarize(path: Path) -> dict[str, float]:
    """Share of the samples per group, from py-spy's collapsed stacks ("root;...;leaf n")."""
    shares: Counter[str] = Counter()
    total = 0
    if not path.exists():
        return {}
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        shares[_group(stack.split(";"))] += int(count)
    return {group: round(n / total, 3) for group, n in shares.most_common()} if total else {}


def _group(frames: list[str]) -> str:
    for frame in reversed(frames):
        for group, marks in GROUPS.items():
            if any(mark in frame for mark in marks):
                return group
    return "other"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--chats", type=int, default=40, help="learners per closed-loop client")
    parser.add_argument("--hocso-root", default=str(ROOT), help="run hocso from this checkout")
    parser.add_argument("--profile", help="record py-spy profiles of the bots into this folder")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--bots", default="hocso-polling,hocso-webhook,ptb-echo,aiogram")
    parser.add_argument("--json", default=default_path("telegram_path"))
    args = parser.parse_args()
    results = []
    with private_redis() as redis_url:
        for name in args.bots.split(","):
            result = await measure(
                name,
                redis_url,
                args.learners,
                args.chats,
                args.seconds,
                args.warmup,
                Path(args.hocso_root),
                Path(args.profile) if args.profile else None,
            )
            results.append(result)
            print(
                f"{name:14s} {result['actions_per_s']:7.1f} actions/s"
                f"  p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms"
                f"  CPU {result['cpu_ms_per_action']:5.2f} ms/action"
                f"  Bot API {result['bot_api_calls_per_action']:.2f}/action"
                f" ({result['of_which_in_webhook_response']:.2f} in the webhook reply)"
                f"  Redis {result['redis_round_trips_per_action']:.2f} trips/action"
                f"  stalls {result['stalls']}",
                flush=True,
            )
    write_results(args.json, args, results)


if __name__ == "__main__":
    asyncio.run(main())
