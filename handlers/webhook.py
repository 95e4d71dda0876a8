"""The webhook server every platform shares: platforms POST updates to their own path, load
balancers GET /health.

GET /health  200 {"ok": true, "<check>": {...}} while every health check passes, else 503
             ("status": "degraded" while a check says a part is off but learners are served).

A platform adapter brings its routes (Telegram: the path of its webhook URL) and the wiring
brings the health checks: each is `async def check() -> {"ok": bool, ...}` (anything else
in the mapping is shown too, e.g. a lag). A check that raises or takes longer than
CHECK_WITHIN seconds counts as failed, so /health answers even when Redis hangs.

Slow and idle clients cannot starve it (see Limits): a connection must send a complete
request head soon after it opens (or after its last answer) and its body soon after that, or
it is closed; at most `Limits.connections` are open at once, and a newcomer takes the place
of the oldest one not handling a request (one still trickling its body too), so /health and
updates that arrive whole always get in; a route's secret header is checked before its body
is read; dropped bodies and running out of file descriptors are logged once a minute, not
once per connection. A port already taken is one line (CannotServe). It is meant to sit
behind a reverse proxy (docs/telegram.md).
"""

from __future__ import annotations

import asyncio
import errno
import hmac
import logging
import resource
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import aiohttp
from aiohttp import web
from redis.asyncio import Redis

from handlers import CannotServe
from storage import metrics

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthCheck = Callable[[], Awaitable[Mapping[str, object]]]
CHECK_WITHIN = 2.0  # seconds a health check may take
BODY_MAX = 1024**2  # bytes: an update is a few kilobytes
OUT_OF_FILES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


@dataclass(frozen=True)
class Route:
    path: str
    handler: Handler
    method: str = "POST"
    # (header, value) the platform sends with every update: checked before the body is read,
    # so a client without it holds no memory and no slot (the handler may check it again).
    secret: tuple[str, str] | None = None


@dataclass(frozen=True)
class Limits:
    connections: int = 256  # open at once (Telegram opens at most 40 per bot; a proxy fewer)
    head_within: float = 10.0  # seconds from connecting to a complete request head
    body_within: float = 10.0  # seconds to receive the body once the head is in
    keepalive: float = 30.0  # seconds an idle connection is kept for its next request
    log_every: float = 60.0  # seconds between two log lines about failing accepts


def redis_check(redis: Redis) -> HealthCheck:
    """Healthy while Redis answers a PING."""

    async def check() -> Mapping[str, object]:
        return {"ok": bool(await redis.ping())}

    return check


def web_app(
    routes: Sequence[Route],
    checks: Mapping[str, HealthCheck],
    middlewares: Sequence[Any] = (),
) -> web.Application:
    async def health(request: web.Request) -> web.Response:
        # `?check=redis` asks only some checks (a load balancer needs "can this worker
        # answer?", not "is the reporter keeping up?").
        chosen = {n: c for n, c in checks.items() if n in request.query.getall("check", checks)}
        results = await asyncio.gather(*(_run(check) for check in chosen.values()))
        body: dict[str, object] = dict(zip(chosen, results, strict=True))
        ok = all(result.get("ok") is True for result in results)
        # Degraded: learners are answered, but a part is off (the OA's template messages
        # paused for want of money): 200, and said, for an operator's dashboard.
        said: dict[str, object] = {"ok": ok}
        if ok and any(result.get("degraded") is True for result in results):
            said["status"] = "degraded"
        return web.json_response(said | body, status=200 if ok else 503)

    async def metrics_page(request: web.Request) -> web.Response:
        """Prometheus' scrape (storage/metrics.py says who may); the checks run first, so the
        reporter's backlog and lag are current."""
        if not metrics.may_scrape(request.remote or "", request.headers):
            raise web.HTTPNotFound
        await asyncio.gather(*(_run(check) for check in checks.values()))
        body, content_type = metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application(client_max_size=BODY_MAX, middlewares=list(middlewares))
    app.on_response_prepare.append(_no_version)
    for route in routes:
        app.router.add_route(route.method, route.path, route.handler)
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics_page)
    return app


async def _no_version(request: web.Request, response: web.StreamResponse) -> None:
    response.headers["Server"] = "hocso"  # not aiohttp's version, to look up known holes by


async def _run(check: HealthCheck) -> Mapping[str, object]:
    try:
        async with asyncio.timeout(CHECK_WITHIN):
            return dict(await check())
    except TimeoutError:
        return {"ok": False, "error": f"no answer within {CHECK_WITHIN:g}s"}
    except Exception as exc:  # noqa: BLE001  (any failure of a check is "unhealthy")
        return {"ok": False, "error": type(exc).__name__}


class _Connection:
    """One client connection: closed when its deadline passes while no request runs.
    `reading`: its request's head is in, its body is still coming (it may be evicted);
    `busy`: a request is being read or handled."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.busy = False
        self.reading = False
        self.served = False  # it has had a request answered
        self.timer: asyncio.TimerHandle | None = None

    def close_in(self, seconds: float) -> None:
        self.cancel_timer()
        self.timer = asyncio.get_running_loop().call_later(seconds, self.expire)

    def cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def expire(self) -> None:
        self.timer = None
        if not self.busy:
            self.transport.abort()


class _Guarded(asyncio.Protocol):
    """aiohttp's protocol for one connection, with the server's limits around it."""

    def __init__(self, guard: _Guard, inner: asyncio.Protocol) -> None:
        self.guard = guard
        self.inner = inner
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.inner.connection_made(transport)
        self.guard.opened(cast(asyncio.Transport, transport))  # a TCP server's

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.guard.closed(self.transport)
        self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


class _Guard:
    """The server's connections: counted, capped, and closed when they dawdle.

    When all `connections` are open, a newcomer takes the place of an idle one or of the
    oldest still sending its body: only requests being handled keep their place. So clients
    trickling bodies cannot fill the server; /health and updates that arrive whole (the
    platforms send them in one go) still get in."""

    def __init__(self, limits: Limits, routes: Sequence[Route] = ()) -> None:
        self.limits = limits
        self.open: dict[asyncio.BaseTransport, _Connection] = {}  # oldest first
        self.refused = 0
        self.secrets = {route.handler: route.secret for route in routes if route.secret}
        self.dropped = _Quiet("slow request bodies dropped", limits.log_every)

    def opened(self, transport: asyncio.Transport) -> None:
        if len(self.open) >= self.limits.connections and not self._evict():
            self.refused += 1
            transport.abort()  # every connection is mid-request: the newcomer waits its turn
            return
        connection = _Connection(transport)
        self.open[transport] = connection
        connection.close_in(self.limits.head_within)

    def _evict(self) -> bool:
        """Close the oldest connection kept alive after a request, else the oldest yet to
        send its head or its body; False if every one is handling a request."""
        for wanted in (
            lambda c: not c.busy and c.served,  # kept alive after a request: cheap to reopen
            lambda c: not c.busy or c.reading,  # the newest may be a probe on its way
        ):
            for connection in self.open.values():
                if wanted(connection):
                    connection.cancel_timer()
                    connection.transport.abort()
                    del self.open[connection.transport]  # a body cut short is counted there
                    return True
        return False

    def closed(self, transport: asyncio.BaseTransport) -> None:
        connection = self.open.pop(transport, None)
        if connection is not None:
            connection.cancel_timer()

    @web.middleware
    async def requests(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """The head is in: the secret is checked, then the body must follow in time; then
        the connection may idle."""
        secret = self.secrets.get(request.match_info.handler)
        if secret is not None:
            given = request.headers.get(secret[0], "").encode()
            if not hmac.compare_digest(given, secret[1].encode()):
                refused = web.Response(status=403, text="forbidden")
                refused.force_close()  # its body is never read
                return refused
        connection = self.open.get(request.transport) if request.transport else None
        if connection is not None:
            connection.busy = True
            connection.reading = not request.content.is_eof()
            connection.cancel_timer()
        try:
            try:
                async with asyncio.timeout(self.limits.body_within):
                    await request.read()
            except TimeoutError:
                self.dropped.count()
                response = web.Response(status=408, text="request body too slow")
                response.force_close()
                return response
            except (ConnectionError, web.HTTPException, aiohttp.ClientPayloadError):
                # Closed mid-body (made way for a newcomer, or the client left): one count
                # in a line a minute, not a traceback per connection.
                self.dropped.count()
                response = web.Response(status=400, text="request body incomplete")
                response.force_close()
                return response
            if connection is not None:
                connection.reading = False
            return await handler(request)
        finally:
            if connection is not None:
                connection.busy = connection.reading = False
                connection.served = True
                if connection.transport in self.open:
                    connection.close_in(self.limits.keepalive)


class _Quiet:
    """Counts something that happens in floods; logs it at most once per `every` seconds."""

    def __init__(self, what: str, every: float) -> None:
        self.what, self.every = what, every
        self.last = -float("inf")
        self.counted = 0

    def count(self) -> None:
        self.counted += 1
        now = time.monotonic()
        if now - self.last >= self.every:
            log.warning("%s: %d since the last report", self.what, self.counted)
            self.last, self.counted = now, 0


class _AcceptErrors:
    """An event loop exception handler: out of file descriptors, asyncio logs a traceback
    for every failed accept (hundreds of thousands a minute). Say it once per interval."""

    def __init__(self, every: float, previous: Any) -> None:
        self.every = every
        self.previous = previous
        self.last = -float("inf")
        self.count = 0

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if not (isinstance(exc, OSError) and exc.errno in OUT_OF_FILES):
            if self.previous is not None:
                self.previous(loop, context)
            else:
                loop.default_exception_handler(context)
            return
        self.count += 1
        now = time.monotonic()
        if now - self.last >= self.every:
            log.error(
                "cannot accept connections: %s (%d time(s) since the last report); raise the "
                "file limit (LimitNOFILE) or lower the connection limit",
                exc.strerror or exc,
                self.count,
            )
            self.last, self.count = now, 0


async def serve_webhooks(
    routes: Sequence[Route],
    checks: Mapping[str, HealthCheck],
    listen: str,
    port: int,
    stop: asyncio.Event,
    ready: Callable[[], Awaitable[None]] | None = None,
    limits: Limits | None = None,
) -> None:
    """Listen on listen:port, call `ready` (e.g. to register the webhook with the platform),
    and serve until `stop` is set; requests in progress are finished first."""
    limits = limits or Limits()
    guard = _Guard(limits, routes)
    app = web_app(routes, checks, middlewares=[guard.requests])
    runner = web.AppRunner(app, access_log=None, keepalive_timeout=limits.keepalive)
    await runner.setup()
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    quieter = (
        None if isinstance(previous, _AcceptErrors) else _AcceptErrors(limits.log_every, previous)
    )
    if quieter is not None:
        loop.set_exception_handler(quieter)
    _warn_if_few_files(limits)
    factory = runner.server
    assert factory is not None
    try:
        server = await loop.create_server(
            lambda: _Guarded(guard, factory()), listen, port, reuse_address=True, backlog=128
        )
    except OSError as exc:  # the port is taken, or the address is not this machine's
        await runner.cleanup()
        if quieter is not None and loop.get_exception_handler() is quieter:
            loop.set_exception_handler(previous)
        raise CannotServe(
            f"cannot listen for webhooks on {listen}:{port}: {exc.strerror or exc}"
        ) from None
    try:
        if ready is not None:
            await ready()
        await stop.wait()
    finally:
        server.close()  # no new connections; those open finish their requests
        await runner.cleanup()
        await server.wait_closed()
        if quieter is not None and loop.get_exception_handler() is quieter:
            loop.set_exception_handler(previous)


def _warn_if_few_files(limits: Limits) -> None:
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < limits.connections + 256:
        log.warning(
            "the file limit (%d) leaves little room beside %d connections: raise LimitNOFILE",
            soft,
            limits.connections,
        )
