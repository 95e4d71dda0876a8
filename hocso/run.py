"""`hocso run`: the long-running services, side by side until SIGINT or SIGTERM.

A service is `async def service(app, stop)` that serves until `stop` is set, then cleans up.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from bot.config import Config
from handlers import CannotServe
from handlers.webhook import HealthCheck
from hocso.app import App, ServiceError, open_app
from storage.db import erase_key_problem
from storage.reporter import reporter_health

log = logging.getLogger(__name__)


Service = Callable[[App, asyncio.Event], Coroutine[Any, Any, None]]


def services(config: Config, only: str) -> dict[str, Service]:
    """The services to run; ServiceError when one of them cannot."""
    chosen: dict[str, Service] = {}
    if only in ("all", "bot"):
        if problem := _token_problem(config):
            raise ServiceError(problem)
        chosen["bot"] = bots
    if only in ("all", "reminders"):
        if only == "reminders":
            if not config.redis.url:
                raise ServiceError("reminders alone need REDIS_URL: the schedule they send from")
            from handlers.telegram import token_problem

            if problem := token_problem(config.telegram.token):
                raise ServiceError(problem)
        if config.telegram.token:  # the platform reminders go out on (docs/reminders.md)
            chosen["reminders"] = remind
    if only in ("all", "reporter"):
        if only == "reporter" and not config.redis.url:
            raise ServiceError("the reporter alone needs REDIS_URL: the outboxes it drains")
        if problem := erase_key_problem(config.database.url, config.privacy.erase_key):
            raise ServiceError(problem)
        chosen["reporter"] = report
    return chosen


def reporter_check(app: App) -> HealthCheck:
    """Healthy while the outboxes are drained into SQL (by any reporter of the fleet)."""

    async def check() -> Mapping[str, object]:
        healthy, details = await reporter_health(app.redis, app.keys, time.time())
        return {"ok": healthy, **details}

    return check


def _token_problem(config: Config) -> str | None:
    """Why the bots cannot run (one line), or None: each token given must look right, and
    there must be at least one."""
    # Imported here: the engine and `hocso chat` do not need Telegram's library.
    from handlers import telegram, zalo

    if not config.telegram.token and not config.zalo.token:
        return f"{telegram.token_problem('')}, or ZALO_BOT_TOKEN (from Zalo Bot Manager)"
    if config.telegram.token and (problem := telegram.token_problem(config.telegram.token)):
        return problem
    if config.zalo.token:
        return zalo.token_problem(config.zalo.token)
    return None


async def bots(app: App, stop: asyncio.Event) -> None:
    """Serve learners on every platform with a token, side by side (handlers/telegram.py,
    handlers/zalo.py): one engine, Redis and database, and one webhook server for all."""
    from handlers.limits import PushLimits
    from handlers.telegram import TelegramAdapter
    from handlers.webhook import redis_check, serve_webhooks
    from handlers.zalo import ZaloAdapter

    config = app.config
    # What the webhook's /health reports: a load balancer asks `/health?check=redis` (can this
    # worker answer learners?), monitoring asks `/health` (is reporting keeping up too?).
    checks = {"redis": redis_check(app.redis), "reporter": reporter_check(app)}
    roots = (config.lessons_dir, config.data_dir)  # the only files ever uploaded
    adapters: list[TelegramAdapter | ZaloAdapter] = []
    if config.telegram.token:
        adapters.append(
            TelegramAdapter(
                config.telegram,
                app.engine.handle,
                app.redis,
                app.keys,
                checks=checks,
                media_roots=roots,
                ticks=app.engine.tick,  # group lessons that move on by themselves
                # Flood limits shared by every worker: a group's messages wait their turn.
                limits=PushLimits.for_redis(app.redis, config.redis.url, app.keys.prefix),
            )
        )
    if config.zalo.token:
        pictures = [config.lessons_dir, config.data_dir / "certificates"]
        adapters.append(
            ZaloAdapter(config.zalo, app.engine.handle, app.redis, app.keys, pictures, checks)
        )
    routes = [route for adapter in adapters for route in adapter.routes()]
    listening = asyncio.Event()

    async def ready() -> None:
        listening.set()

    try:
        async with asyncio.TaskGroup() as tasks:
            if routes:
                where = (config.telegram.listen, config.telegram.port)
                tasks.create_task(serve_webhooks(routes, checks, *where, stop, ready=ready))
            for adapter in adapters:
                tasks.create_task(adapter.serve(stop, listening=listening if routes else None))
    except* CannotServe as failed:
        raise ServiceError(str(failed.exceptions[0])) from None


async def remind(app: App, stop: asyncio.Event) -> None:
    """Send due reminders (hocso/reminders.py), through the fleet-wide flood limits."""
    from telegram.error import InvalidToken, NetworkError

    from bot.features import build_engine
    from handlers.limits import PushLimits
    from handlers.telegram_push import TelegramPush
    from hocso.reminders import ReminderLoop
    from storage.schedule import Schedule
    from storage.state import StateStore

    config = app.config
    rate = config.telegram.broadcast_rate
    limits = PushLimits.for_redis(app.redis, config.redis.url, app.keys.prefix, rate=rate)
    try:
        async with TelegramPush(config.telegram, app.redis, app.keys) as telegram:
            engine = build_engine(StateStore(app.redis, app.keys), app.curriculum, config)
            loop = ReminderLoop(
                engine,
                Schedule(app.redis, app.keys),
                {telegram.platform: telegram},
                limits,
                config.reminders,
                timezone=config.timezone,
                rate=rate,
            )
            settle_heap()
            await loop.run(stop)
    except InvalidToken as exc:
        raise ServiceError("Telegram refused the bot token: check TELEGRAM_BOT_TOKEN") from exc
    except NetworkError as exc:  # at start-up (getMe); later failures are retried
        where = config.telegram.base_url or "api.telegram.org"
        raise ServiceError(f"cannot reach Telegram at {where}: {exc}") from exc


def settle_heap() -> None:
    """What is loaded by now (lessons, config, modules) lives as long as the process: frozen,
    the garbage collector stops walking it on every full collection, which a wave of
    reminders triggers often (about 7% of a reminder's CPU, bench/reminders.py)."""
    gc.collect()
    gc.freeze()


async def report(app: App, stop: asyncio.Event) -> None:
    """Drain the Redis outboxes into the reporting database (storage/reporter.py)."""
    from storage.reporter import run_reporter

    await run_reporter(app.redis, app.keys, app.database, stop)


def run_command(config: Config, only: str = "all") -> int:
    """Run until stopped; 2 with one line on stderr when a service cannot run."""
    try:
        chosen = services(config, only)
    except ServiceError as exc:
        return _fail(str(exc))
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
    if not config.redis.url:
        log.warning("no REDIS_URL: state is kept in memory, saved at exit; not for production")
    problems: list[str] = []
    try:
        asyncio.run(_run(config, chosen))
    except* ServiceError as failed:
        problems = [str(e) for e in failed.exceptions]
    return _fail(problems[0]) if problems else 0


async def _run(config: Config, chosen: dict[str, Service]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with open_app(config) as app, asyncio.TaskGroup() as tasks:
        for name, service in chosen.items():
            log.info("starting %s", name)
            tasks.create_task(service(app, stop), name=name)
    log.info("stopped")


def _fail(message: str) -> int:
    print(f"hocso: {message}", file=sys.stderr)
    return 2
