"""`hocso run`: the long-running services, side by side until SIGINT or SIGTERM.

A service is `async def service(app, stop)` that serves until `stop` is set, then cleans up.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

from bot.config import Config
from handlers import CannotServe
from hocso.app import App, open_app

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A service cannot run, for a reason the operator can fix (said in one line)."""


Service = Callable[[App, asyncio.Event], Awaitable[None]]


def services(config: Config, only: str) -> dict[str, Service]:
    """The services to run; ServiceError when one of them cannot."""
    chosen: dict[str, Service] = {}
    if only in ("all", "bot"):
        # Imported here: the engine and `hocso chat` do not need Telegram's library.
        from handlers.telegram import token_problem

        if problem := token_problem(config.telegram.token):
            raise ServiceError(problem)
        chosen["bot"] = telegram
    if only in ("all", "reporter"):
        if only == "reporter" and not config.redis.url:
            raise ServiceError("the reporter alone needs REDIS_URL: the outboxes it drains")
        chosen["reporter"] = report
    return chosen


async def telegram(app: App, stop: asyncio.Event) -> None:
    """Serve Telegram learners (handlers/telegram.py): long polling, or a webhook."""
    from handlers.limits import PushLimits
    from handlers.telegram import TelegramAdapter
    from handlers.webhook import redis_check

    checks = {"redis": redis_check(app.redis)}  # what the webhook's /health reports
    # Flood limits shared by every worker: a group lesson's messages wait their turn here.
    limits = PushLimits.for_redis(app.redis, app.config.redis.url, app.keys.prefix)
    adapter = TelegramAdapter(
        app.config.telegram,
        app.engine.handle,
        app.redis,
        app.keys,
        checks=checks,
        ticks=app.engine.tick,  # group lessons that move on by themselves
        limits=limits,
    )
    try:
        await adapter.serve(stop)
    except CannotServe as exc:
        raise ServiceError(str(exc)) from exc


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
