"""Clients that send a request's head and then trickle its body, on real loopback sockets:
they cannot fill the webhook server, /health and whole updates still get in, each dropped
connection is counted in one log line (no traceback), and a post without the platform's
secret is refused before its body is read."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
from test_webhook import echo, free_port, ok, server  # noqa: F401  (server: a fixture)

from handlers.webhook import Limits, Route, serve_webhooks

SECRET = ("X-Telegram-Bot-Api-Secret-Token", "s3cret-for-the-slow-body-tests")
LIMITS = Limits(connections=16, head_within=1.0, body_within=3.0, keepalive=2.0, log_every=60)


async def trickle(port: int, stop: asyncio.Event) -> None:
    """A client with the secret whose body comes a byte every 0.1 s (it would never finish
    in time), until the server drops it or `stop`."""
    with contextlib.suppress(OSError):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(
                b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n"
                + f"{SECRET[0]}: {SECRET[1]}\r\n\r\n".encode()
            )
            while not stop.is_set() and not reader.at_eof():
                writer.write(b"x")
                await writer.drain()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(reader.read(1024), 0.1)
        finally:
            writer.close()


async def tricklers(port: int, stop: asyncio.Event, per_second: float) -> None:
    """New trickling clients at a steady rate, as the attack in issue 24 (26 a second)."""
    started: list[asyncio.Task] = []
    while not stop.is_set():
        started.append(asyncio.create_task(trickle(port, stop)))
        await asyncio.sleep(1 / per_second)
    await asyncio.gather(*started)


async def test_trickled_bodies_cannot_starve_health_or_whole_updates(server, caplog) -> None:  # noqa: F811
    caplog.set_level(logging.WARNING)
    base = await server([Route("/telegram", echo("tg"), secret=SECRET)], {"redis": ok}, LIMITS)
    port = int(base.rsplit(":", 1)[1])
    stop = asyncio.Event()
    # 40 new trickling connections a second: 120 bodies on their way at any time, against
    # 16 connections, for the whole test.
    attack = asyncio.create_task(tricklers(port, stop, per_second=40))
    await asyncio.sleep(1.5)  # every slot is taken by a trickler by now
    answered = updates = 0
    # A new connection for each request, as a load balancer's probes and platforms come.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as session:
        for n in range(20):
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with asyncio.timeout(1), session.get(base + "/health") as response:
                    answered += response.status == 200
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                headers = {SECRET[0]: SECRET[1]}
                async with (
                    asyncio.timeout(1),
                    session.post(base + "/telegram", data=f"u{n}", headers=headers) as response,
                ):
                    updates += (response.status, await response.text()) == (200, f"tg:u{n}")
            await asyncio.sleep(0.1)
    stop.set()
    await attack
    assert answered == 20 and updates == 20
    records = [r for r in caplog.records if r.name == "handlers.webhook"]
    assert not [r for r in caplog.records if r.exc_info], "no traceback"
    assert len(records) == 1 and "slow request bodies dropped" in records[0].getMessage()


async def test_a_post_without_the_secret_is_refused_before_its_body(server) -> None:  # noqa: F811
    base = await server([Route("/telegram", echo("tg"), secret=SECRET)], {}, LIMITS)
    port = int(base.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    # A megabyte announced, none of it sent: the answer comes at once, not after the body.
    writer.write(b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n")
    async with asyncio.timeout(1):
        answer = await reader.readuntil(b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403")
    assert b"aiohttp" not in answer  # nor its version in the Server header
    writer.close()


async def test_a_taken_port_is_one_line_not_a_traceback() -> None:
    from handlers import CannotServe

    port = free_port()
    taken = await asyncio.start_server(lambda r, w: None, "127.0.0.1", port)
    try:
        try:
            await serve_webhooks([], {}, "127.0.0.1", port, asyncio.Event(), limits=LIMITS)
        except CannotServe as exc:
            assert f"127.0.0.1:{port}" in str(exc) and "\n" not in str(exc)
        else:
            raise AssertionError("served on a taken port")
    finally:
        taken.close()
