"""python-telegram-bot's HTTP layer on aiohttp: a keep-alive connection pool and timeouts.

PTB's default (httpx) spent most of the bot's CPU under load: a py-spy profile of `hocso run`
showed about 70% of samples in httpx/httpcore, a fifth of them in importlib, through sniffio
asking which async library runs on every request. aiohttp, already our webhook server, does
the same work for a fraction of that (docs/benchmarks.md). PTB lets the request layer be
replaced (`BaseRequest`): `do_request` gets the URL and the parameters and returns the status
code and the body; PTB turns them into results or errors.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

DefaultValue = type(BaseRequest.DEFAULT_NONE)
JSON_HEADERS = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """Requests to the Bot API over one aiohttp session.

    `connection_pool_size` connections at most (kept alive `keepalive` seconds between
    requests); `pool_timeout` seconds to wait for a free one. Timeouts are PTB's: connect,
    read (per request for long polling), write (`media_write_timeout` for uploads)."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        keepalive: float = 30.0,
    ) -> None:
        self.pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self.keepalive = keepalive
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """Telegram's answer (orjson: every request of a learner's action parses one)."""
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise TelegramError("Invalid server response") from exc

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.pool_size, keepalive_timeout=self.keepalive, ttl_dns_cache=300
            )
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None
        body: Any = None
        headers = None
        if files:
            assert request_data is not None
            form = aiohttp.FormData(request_data.json_parameters)
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            body = form
        elif request_data is not None:
            # One JSON body (the Bot API takes application/json except for uploads): cheaper
            # than encoding each parameter to JSON and then the lot as a form.
            body = orjson.dumps(request_data.parameters)
            headers = JSON_HEADERS
        read = _pick(read_timeout, self._read_timeout)
        write = _pick(write_timeout, self._media_write_timeout if files else self._write_timeout)
        connect = _pick(connect_timeout, self._connect_timeout)
        pool = _pick(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None if read is None or write is None else read + write + (connect or 0),
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut(f"no answer from Telegram in time ({type(exc).__name__})") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


def _pick(given: Any, default: float | None) -> float | None:
    return default if isinstance(given, DefaultValue) else given
