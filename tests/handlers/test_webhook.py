"""The webhook server every platform shares: each platform's path, and /health built from the
health checks it is given, answering even when a check hangs."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Mapping

import aiohttp
import pytest
from aiohttp import web

from handlers import webhook
from handlers.webhook import HealthCheck, Route, serve_webhooks


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
async def server(monkeypatch) -> AsyncIterator:  # noqa: ANN001
    """Starts a server with the given routes and checks; yields its base URL."""
    monkeypatch.setattr(webhook, "CHECK_WITHIN", 0.3)
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []

    async def start(routes: list[Route], checks: Mapping[str, HealthCheck]) -> str:
        port = free_port()
        ready = asyncio.Event()

        async def on_ready() -> None:
            ready.set()

        tasks.append(
            asyncio.create_task(
                serve_webhooks(routes, checks, "127.0.0.1", port, stop, ready=on_ready)
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


async def test_a_hanging_check_makes_health_answer_unhealthy_in_time(server) -> None:
    base = await server([], {"redis": hanging})
    async with asyncio.timeout(2):  # CHECK_WITHIN is 0.3 s here
        status, body = await get(base + "/health")
    assert status == 503 and body["redis"]["ok"] is False
