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
from contextlib import AsyncExitStack
from typing import Any

from handlers import CannotServe, platforms
from handlers.platform import Platform, Wiring
from handlers.webhook import HealthCheck
from hocso.app import App, ServiceError, open_app
from hocso.settings import Deployment
from storage.sql.db import erase_key_problem
from storage.sql.reporter import reporter_health

log = logging.getLogger(__name__)


Service = Callable[[App, asyncio.Event], Coroutine[Any, Any, None]]


def services(config: Deployment, only: str) -> dict[str, Service]:
    """The services to run; ServiceError when one of them cannot."""
    chosen: dict[str, Service] = {}
    if only in ("all", "bot"):
        if problem := platforms.token_problem(config):
            raise ServiceError(problem)
        chosen["bot"] = bots
    if only in ("all", "reminders"):
        pushing = pushers(config)
        if only == "reminders":
            if not config.redis.url:
                raise ServiceError("reminders alone need REDIS_URL: the schedule they send from")
            if not pushing:  # name what is missing: the first platform that can push
                first = next(p for p in platforms.PLATFORMS if p.push)
                raise ServiceError(first.token_problem(first.token(config)) or first.token_hint)
            for platform in pushing:
                if problem := platform.token_problem(platform.token(config)):
                    raise ServiceError(problem)
        if pushing:  # the platforms reminders go out on (docs/reminders.md)
            chosen["reminders"] = remind
    if only in ("all", "reporter"):
        if only == "reporter" and not config.redis.url:
            raise ServiceError("the reporter alone needs REDIS_URL: the outboxes it drains")
        if problem := erase_key_problem(config.database.url, config.privacy.erase_key):
            raise ServiceError(problem)
        chosen["reporter"] = report
    return chosen


def pushers(config: Deployment) -> list[Platform]:
    """The platforms reminders can be sent on: those on (a token) with a push sender. Which
    learners get them is reminders.platforms (the loop warns about one with no sender)."""
    return [p for p in platforms.enabled(config) if p.push]


def reporter_check(app: App) -> HealthCheck:
    """Healthy while the outboxes are drained into SQL (by any reporter of the fleet)."""

    async def check() -> Mapping[str, object]:
        healthy, details = await reporter_health(app.redis, app.keys, time.time())
        return {"ok": healthy, **details}

    return check


def wiring(app: App, checks: Mapping[str, HealthCheck]) -> Wiring:
    """What every platform's adapter and push sender is built from."""
    return Wiring(app.config, app.engine.handle, app.redis, app.keys, checks, app.engine.tick)


async def bots(app: App, stop: asyncio.Event) -> None:
    """Serve learners on every platform with a token, side by side (handlers/platforms.py):
    one engine, Redis and database, and one webhook server for all."""
    from handlers.webhook import redis_check, serve_webhooks

    config = app.config
    # What the webhook's /health reports: a load balancer asks `/health?check=redis` (can this
    # worker answer learners?), monitoring asks `/health` (is reporting keeping up too?).
    checks = {"redis": redis_check(app.redis), "reporter": reporter_check(app)}
    adapters = [p.adapter(wiring(app, checks)) for p in platforms.enabled(config)]
    routes = [route for adapter in adapters for route in adapter.routes()]
    listening = asyncio.Event()

    async def ready() -> None:
        listening.set()

    try:
        async with asyncio.TaskGroup() as tasks:
            if routes:
                where = (config.server.listen, config.server.port)
                tasks.create_task(serve_webhooks(routes, checks, *where, stop, ready=ready))
            for adapter in adapters:
                tasks.create_task(adapter.serve(stop, listening=listening if routes else None))
    except* CannotServe as failed:
        raise ServiceError(str(failed.exceptions[0])) from None


async def remind(app: App, stop: asyncio.Event) -> None:
    """Send due reminders (hocso/reminders.py) on every platform that takes them, through
    the fleet-wide flood limits."""
    from bot.features import build_engine
    from handlers.limits import PushLimits
    from hocso.reminders import ReminderLoop
    from storage.redis.schedule import Schedule
    from storage.redis.state import StateStore

    config = app.config
    chosen = pushers(config)
    rate = min(p.push_rate(config) for p in chosen)
    limits = PushLimits.for_redis(app.redis, config.redis.url, app.keys.prefix, rate=rate)
    try:
        async with AsyncExitStack() as opened:
            senders = {
                p.id: await opened.enter_async_context(p.push(wiring(app, {})))
                for p in chosen
                if p.push
            }
            engine = build_engine(StateStore(app.redis, app.keys), app.curriculum, config)
            loop = ReminderLoop(
                engine,
                Schedule(app.redis, app.keys),
                senders,
                limits,
                config.reminders,
                timezone=config.timezone,
                rate=rate,
            )
            settle_heap()
            await loop.run(stop)
    except CannotServe as exc:
        raise ServiceError(str(exc)) from exc


def settle_heap() -> None:
    """What is loaded by now (lessons, config, modules) lives as long as the process: frozen,
    the garbage collector stops walking it on every full collection, which a wave of
    reminders triggers often (about 7% of a reminder's CPU, bench/reminders.py)."""
    gc.collect()
    gc.freeze()


async def report(app: App, stop: asyncio.Event) -> None:
    """Drain the Redis outboxes into the reporting database (storage/sql/reporter.py)."""
    from storage.sql.reporter import run_reporter

    await run_reporter(app.redis, app.keys, app.database, stop)


def run_command(config: Deployment, only: str = "all") -> int:
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


async def _run(config: Deployment, chosen: dict[str, Service]) -> None:
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
