"""The aiohttp request layer under python-telegram-bot: connections are kept alive, slow or
absent servers give PTB's own errors (so the retry rules in telegram_flow.py apply)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from handlers.telegram.http import AiohttpRequest


class Server:
    """A Bot API stand-in that notes which client connection each request came on."""

    def __init__(self) -> None:
        self.peers: list[tuple[str, int]] = []
        self.delay = 0.0
        self.url = ""
        self.garbage = b""  # answered instead of JSON, when set

    async def handle(self, request: web.Request) -> web.Response:
        self.peers.append(request.transport.get_extra_info("peername"))  # type: ignore[union-attr]
        await asyncio.sleep(self.delay)
        if self.garbage:
            return web.Response(body=self.garbage, content_type="text/html")
        if request.content_type == "application/json":  # what has no file to upload
            return web.json_response({"ok": True, "result": await request.json()})
        form = await request.post()
        sent = {k: (v.filename if isinstance(v, web.FileField) else v) for k, v in form.items()}
        return web.json_response({"ok": True, "result": sent})


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    fake = Server()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.url = f"http://127.0.0.1:{port}/bot1:x/sendMessage"
    yield fake
    await runner.cleanup()


def params(**values: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in values.items()])


async def test_requests_reuse_one_kept_alive_connection(server: Server) -> None:
    async with AiohttpRequest() as request:
        for i in range(10):
            result = await request.post(server.url, params(chat_id=1, text=f"xin chào {i}"))
            assert result == {"chat_id": 1, "text": f"xin chào {i}"}
    assert len(server.peers) == 10
    assert len(set(server.peers)) == 1  # no new TCP connection per message


async def test_a_file_goes_as_multipart(server: Server, tmp_path) -> None:
    from telegram import InputFile

    picture = tmp_path / "card.png"
    picture.write_bytes(b"\x89PNG fake")
    async with AiohttpRequest() as request:
        with picture.open("rb") as file:
            data = params(chat_id=1, photo=InputFile(file, filename="card.png", attach=True))
            result = await request.post(server.url, data)
    assert result["chat_id"] == "1"
    assert "card.png" in result.values()


async def test_a_slow_answer_is_timed_out_and_a_dead_server_is_a_network_error(
    server: Server,
) -> None:
    server.delay = 1.0
    async with AiohttpRequest(read_timeout=0.2) as request:
        with pytest.raises(TimedOut):
            await request.post(server.url, params(chat_id=1, text="hi"))
        with pytest.raises(NetworkError):
            await request.post("http://127.0.0.1:9/bot1:x/getMe")


async def test_an_answer_that_is_not_json_is_telegrams_error_not_a_crash(server: Server) -> None:
    """A broken proxy's page instead of the Bot API's JSON: PTB's own error, which the reply
    path logs and the learner never sees."""
    server.garbage = b"<html>502 Bad Gateway</html>"
    async with AiohttpRequest() as request:
        with pytest.raises(TelegramError, match="Invalid server response"):
            await request.post(server.url, params(chat_id=1, text="hi"))
