"""The webhook server every platform shares: each platform's path, /health built from the
health checks it is given, and slow or idle clients that cannot starve it."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from handlers import webhook
from handlers.webhook import HealthCheck, Limits, Route, serve_webhooks

ROOT = Path(__file__).resolve().parents[2]
FAST = Limits(connections=20, head_within=0.4, body_within=0.4, keepalive=0.6)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def ok() -> Mapping[str, object]:
    return {"ok": True, "lag": 3}


async def failing() -> Mapping[str, object]:
    raise ConnectionError("refused")


async def hanging() -> Mapping[str, object]:
    await asyncio.sleep(3600)
    return {"ok": True}


def echo(platform: str) -> webhook.Handler:
    async def receive(request: web.Request) -> web.Response:
        return web.Response(text=f"{platform}:{await request.text()}")

    return receive


@pytest.fixture
async def server(monkeypatch) -> AsyncIterator:
    """Starts a server with the given routes and checks; yields its base URL."""
    monkeypatch.setattr(webhook, "CHECK_WITHIN", 0.3)
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []

    async def start(
        routes: list[Route], checks: Mapping[str, HealthCheck], limits: Limits | None = None
    ) -> str:
        port = free_port()
        ready = asyncio.Event()

        async def on_ready() -> None:
            ready.set()

        tasks.append(
            asyncio.create_task(
                serve_webhooks(routes, checks, "127.0.0.1", port, stop, on_ready, limits)
            )
        )
        await asyncio.wait_for(ready.wait(), 5)
        return f"http://127.0.0.1:{port}"

    yield start
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)


async def get(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def test_each_platform_has_its_own_path_on_one_server(server) -> None:
    routes = [Route("/telegram", echo("tg")), Route("/zalo", echo("zalo"))]
    base = await server(routes, {})
    async with aiohttp.ClientSession() as session:
        for path, expected in (("/telegram", "tg:hi"), ("/zalo", "zalo:hi")):
            async with session.post(base + path, data="hi") as response:
                assert (response.status, await response.text()) == (200, expected)
        async with session.get(base + "/telegram") as response:
            assert response.status == 405  # updates are posted


async def test_health_is_ok_only_while_every_check_passes(server) -> None:
    base = await server([], {"redis": ok, "reporter": ok})
    assert await get(base + "/health") == (
        200,
        {"ok": True, "redis": {"ok": True, "lag": 3}, "reporter": {"ok": True, "lag": 3}},
    )
    broken = await server([], {"redis": ok, "reporter": failing})
    status, body = await get(broken + "/health")
    assert status == 503 and body["ok"] is False
    assert body["reporter"] == {"ok": False, "error": "ConnectionError"}


async def test_a_load_balancer_can_ask_only_whether_the_worker_answers(server) -> None:
    base = await server([], {"redis": ok, "reporter": failing})
    assert await get(base + "/health?check=redis") == (
        200,
        {"ok": True, "redis": {"ok": True, "lag": 3}},
    )
    status, _ = await get(base + "/health")  # monitoring still sees reporting is stuck
    assert status == 503


async def test_a_hanging_check_makes_health_answer_unhealthy_in_time(server) -> None:
    base = await server([], {"redis": hanging})
    async with asyncio.timeout(2):  # CHECK_WITHIN is 0.3 s here
        status, body = await get(base + "/health")
    assert status == 503 and body["redis"]["ok"] is False


async def closed_after(reader: asyncio.StreamReader, within: float) -> float:
    """Seconds until the server closed this connection (fails if it stays open)."""
    start = time.monotonic()
    async with asyncio.timeout(within):
        while await reader.read(1024):
            pass
    return time.monotonic() - start


async def test_slow_and_idle_connections_are_closed_and_health_keeps_answering(server) -> None:
    base = await server([Route("/telegram", echo("tg"))], {"redis": ok}, FAST)
    port = int(base.rsplit(":", 1)[1])
    opened = [
        await asyncio.open_connection("127.0.0.1", port) for _ in range(3 * FAST.connections)
    ]
    # Three times as many idle connections as allowed: the oldest make way, /health answers.
    async with asyncio.timeout(1):
        assert (await get(base + "/health"))[0] == 200

    slow_head = await asyncio.open_connection("127.0.0.1", port)
    slow_head[1].write(b"GET /health HTTP/1.1\r\nHost: x\r\n")

    async def dribble() -> None:  # a header line every 0.1 s, never the end of the head
        for i in range(50):
            await asyncio.sleep(0.1)
            slow_head[1].write(b"X-%d: y\r\n" % i)

    dribbling = asyncio.create_task(dribble())
    slow_body = await asyncio.open_connection("127.0.0.1", port)
    slow_body[1].write(b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc")
    idle = await asyncio.open_connection("127.0.0.1", port)

    assert await closed_after(idle[0], 2) < 1
    assert await closed_after(slow_head[0], 2) < 1  # bytes kept coming, but no complete head
    dribbling.cancel()
    answer = await asyncio.wait_for(slow_body[0].read(), 2)
    assert answer.startswith(b"HTTP/1.1 408")
    for reader, _ in opened[-FAST.connections :]:
        assert await closed_after(reader, 2) < 1.5
    async with asyncio.timeout(1):
        assert (await get(base + "/health"))[0] == 200
    for _, writer in [*opened, slow_head, slow_body, idle]:
        writer.close()


async def test_a_kept_alive_connection_is_closed_when_idle(server) -> None:
    base = await server([], {}, FAST)
    reader, writer = await asyncio.open_connection("127.0.0.1", int(base.rsplit(":", 1)[1]))
    for _ in range(2):  # keep-alive works: two requests on one connection
        writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 1)
        assert head.startswith(b"HTTP/1.1 200")
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
    assert await closed_after(reader, 2) < 1.2  # FAST.keepalive is 0.6 s
    writer.close()
