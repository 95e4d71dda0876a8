"""The webhook server every platform shares: platforms POST updates to their own path, load
balancers GET /health.

GET /health  200 {"ok": true, "<check>": {...}} while every health check passes, else 503.

A platform adapter brings its routes (Telegram: the path of its webhook URL) and the wiring
brings the health checks: each is `async def check() -> {"ok": bool, ...}` (anything else
in the mapping is shown too, e.g. a lag). A check that raises or takes longer than
CHECK_WITHIN seconds counts as failed, so /health answers even when Redis hangs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from aiohttp import web
from redis.asyncio import Redis

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthCheck = Callable[[], Awaitable[Mapping[str, object]]]
CHECK_WITHIN = 2.0  # seconds a health check may take
BODY_MAX = 1024**2  # bytes: an update is a few kilobytes


@dataclass(frozen=True)
class Route:
    path: str
    handler: Handler
    method: str = "POST"


def redis_check(redis: Redis) -> HealthCheck:
    """Healthy while Redis answers a PING."""

    async def check() -> Mapping[str, object]:
        return {"ok": bool(await redis.ping())}

    return check


def web_app(routes: Sequence[Route], checks: Mapping[str, HealthCheck]) -> web.Application:
    async def health(_: web.Request) -> web.Response:
        results = await asyncio.gather(*(_run(check) for check in checks.values()))
        body: dict[str, object] = dict(zip(checks, results, strict=True))
        ok = all(result.get("ok") is True for result in results)
        return web.json_response({"ok": ok, **body}, status=200 if ok else 503)

    app = web.Application(client_max_size=BODY_MAX)
    for route in routes:
        app.router.add_route(route.method, route.path, route.handler)
    app.router.add_get("/health", health)
    return app


async def _run(check: HealthCheck) -> Mapping[str, object]:
    try:
        async with asyncio.timeout(CHECK_WITHIN):
            return dict(await check())
    except TimeoutError:
        return {"ok": False, "error": f"no answer within {CHECK_WITHIN:g}s"}
    except Exception as exc:  # noqa: BLE001  (any failure of a check is "unhealthy")
        return {"ok": False, "error": type(exc).__name__}


async def serve_webhooks(
    routes: Sequence[Route],
    checks: Mapping[str, HealthCheck],
    listen: str,
    port: int,
    stop: asyncio.Event,
    ready: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Listen on listen:port, call `ready` (e.g. to register the webhook with the platform),
    and serve until `stop` is set; requests in progress are finished first."""
    runner = web.AppRunner(web_app(routes, checks), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, listen, port)
    await site.start()
    try:
        if ready is not None:
            await ready()
        await stop.wait()
    finally:
        await runner.cleanup()
