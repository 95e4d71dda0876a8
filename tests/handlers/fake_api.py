"""What the fake Bot API (fake_bot_api.py) and the fake Zalo API (fake_zalo_api.py) share: a
server on loopback that records every call, queues updates for the bot's getUpdates, and
lets a test wait for what it expects to see."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web


class FakeApi:
    """`calls` holds each platform's own `Call` records (each has `method`, `status`,
    `text`); a subclass serves them in `_handle`."""

    route_method = "*"  # the HTTP methods served on /bot<token>/<method>
    base_path = ""  # what follows host:port in the bot's base URL

    def __init__(self) -> None:
        self.calls: list[Any] = []
        self.polls = 0  # getUpdates requests received
        self.delivered_at = 0  # the poll that carried the latest updates
        self.closing = False
        self._pending: list[dict[str, Any]] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self._crash: tuple[Callable[[str], bool], Callable[[], Awaitable[None]]] | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route(self.route_method, "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}{self.base_path}"
        return self.base_url

    async def close(self) -> None:
        await self.release_polls()  # a bot that went away may have left a long poll open
        if self._runner:
            await self._runner.cleanup()

    async def release_polls(self) -> None:
        """Answer waiting getUpdates at once (before the bot stops)."""
        self.closing = True
        async with self._changed:
            self._changed.notify_all()

    # -- what tests use ------------------------------------------------------------------

    def crash_at(
        self, methods: Callable[[str], bool], crash: Callable[[], Awaitable[None]]
    ) -> None:
        """At the next call of a method `methods` accepts, await `crash` (a test kills the
        bot there): that call is recorded as never delivered (status 599), and not answered."""
        self._crash = (methods, crash)

    async def _crashed(self, call: Any) -> bool:
        """For a subclass's `_handle`: True when `call` is the one `crash_at` waits for."""
        if self._crash is None or not self._crash[0](call.method):
            return False
        crash, self._crash, call.status = self._crash[1], None, 599
        self.calls.append(call)
        await crash()
        return True

    async def push(self, *updates: dict[str, Any]) -> None:
        """Queue updates as the platform would; the next getUpdates returns them."""
        async with self._changed:
            self._pending.extend(updates)
            self._changed.notify_all()

    async def delivered(self, timeout: float = 10) -> None:
        """Every queued update was fetched, and the bot polled again after (so it has taken
        them in hand)."""
        await self.wait_for(
            lambda _: not self._pending and self.polls > self.delivered_at,
            timeout,
            "the bot to fetch its updates",
        )

    def of(self, method: str) -> list[Any]:
        """The accepted calls of `method`, in order."""
        return [c for c in self.calls if c.method == method and c.status == 200]

    async def wait_for(
        self, check: Callable[[list[Any]], Any], timeout: float = 10, what: str = ""
    ) -> Any:
        """Wait until `check(calls)` is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not (found := check(self.calls)):
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.text[:60]) for c in self.calls[-12:]]
                    raise AssertionError(f"timed out waiting for {what or check}; last: {seen}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)
        return found

    async def _handle(self, request: web.Request) -> web.Response:
        raise NotImplementedError

    async def _next_updates(self, timeout: float, one: bool = False) -> list[dict[str, Any]]:
        """One getUpdates: counted, held up to `timeout` seconds until updates are queued (or
        the server closes), then answered with them (`one`: only the first)."""
        async with self._changed:
            self.polls += 1
            self._changed.notify_all()
            if not self._pending and timeout and not self.closing:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: self._pending or self.closing), timeout
                    )
            taken = self._pending[:1] if one else self._pending
            self._pending = self._pending[len(taken) :]
            if taken:
                self.delivered_at = self.polls
            return taken
