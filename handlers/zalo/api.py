"""The Zalo Bot Platform's HTTP API, by hand over aiohttp: six methods, so no SDK.

    POST {base_url}/bot{token}/{method}   JSON in, {"ok": true, "result": ...} out,
                                          or {"ok": false, "error_code": n, "description": ...}

The copies of Zalo's documentation we could read (docs/zalo.md) disagree in places; what is
tolerated here: `getUpdates` answering one update object or a list of them, an empty long
poll answered as the error 408 (which means "no updates"), and an HTTP error status carrying
the same JSON envelope. Network failures, 5xx and 429 are retried with back-off; a send that
timed out is not, because it may have arrived (a second one would show twice).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp

from storage import metrics

log = logging.getLogger(__name__)

NO_UPDATES = 408  # the error code of a long poll that found nothing
SENDS = {"sendMessage", "sendPhoto", "sendSticker"}  # a repeat would show the learner twice


class ZaloError(Exception):
    """Zalo answered with ok: false (or something that is not its envelope at all)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description


class ZaloUnreachable(Exception):
    """No answer from Zalo after the retries (network down, Zalo failing)."""


class ZaloTimeout(Exception):
    """A send got no answer in time: it may have been delivered."""


class ZaloApi:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        token: str,
        base_url: str,
        retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        timeout: float = 15.0,
    ) -> None:
        self.session = session
        self.endpoint = f"{base_url.rstrip('/')}/bot{token}/"
        self.where = base_url
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout

    async def call(self, method: str, params: dict[str, Any] | None = None, **options: Any) -> Any:
        """The result of one method; ZaloError when Zalo refuses, ZaloUnreachable when it does
        not answer after the retries, ZaloTimeout when a send was not answered in time. A
        message sent or not is counted (storage/metrics.py)."""
        try:
            result = await self._call(method, params, **options)
        except (ZaloError, ZaloUnreachable, ZaloTimeout) as exc:
            if method in SENDS:
                error = f"{exc.code}" if isinstance(exc, ZaloError) else type(exc).__name__
                metrics.REPLY_FAILURES.labels("zalo", error).inc()
            raise
        if method in SENDS:
            metrics.REPLIES.labels("zalo").inc()
        return result

    async def _call(self, method: str, params: dict[str, Any] | None, **options: Any) -> Any:
        timeout = options.get("timeout", self.timeout)
        retries = options.get("retries", self.retries)
        delay = self.backoff
        for attempt in range(retries + 1):
            try:
                return await self._once(method, params or {}, timeout)
            except ZaloError as exc:
                again = exc.code == 429 or exc.code >= 500
                if exc.code == 429:
                    metrics.RATE_LIMITED.labels("zalo").inc()
                if not again or attempt == retries:
                    raise
                log.warning("zalo %s refused (%s); retrying in %.1fs", method, exc, delay)
            except TimeoutError as exc:
                if method in SENDS:
                    raise ZaloTimeout(f"{method}: no answer within {timeout:g}s") from exc
                if attempt == retries:
                    raise ZaloUnreachable(f"{method}: no answer within {timeout:g}s") from exc
            except aiohttp.ClientError as exc:
                if attempt == retries:
                    raise ZaloUnreachable(f"{method}: {exc}") from exc
                log.warning("zalo %s failed (%s); retrying in %.1fs", method, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_backoff)
        raise AssertionError("unreachable")

    async def _once(self, method: str, params: dict[str, Any], timeout: float) -> Any:
        async with self.session.post(
            self.endpoint + method,
            json=params,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            raw = await response.read()
            status = response.status
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict) or "ok" not in body:
            # A proxy's error page, or nothing: Zalo's envelope is missing.
            raise ZaloError(status if status >= 400 else 502, f"not a Bot API answer ({status})")
        if body["ok"] is not True:
            code = _int(body.get("error_code"), status if status >= 400 else 400)
            raise ZaloError(code, str(body.get("description") or body.get("message") or ""))
        return body.get("result")

    async def get_me(self) -> dict[str, Any]:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, timeout: int) -> list[dict[str, Any]]:
        """New updates, after waiting up to `timeout` seconds for one; [] when none came."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, timeout=timeout + 10, retries=0
            )
        except ZaloError as exc:
            if exc.code == NO_UPDATES:
                return []
            raise
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict)]
        return [result] if isinstance(result, dict) and result else []

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.call("setWebhook", {"url": url, "secret_token": secret})

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    async def send_message(self, chat_id: str, text: str) -> None:
        await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, url: str, caption: str = "") -> None:
        params = {"chat_id": chat_id, "photo": url}
        if caption:
            params["caption"] = caption
        await self.call("sendPhoto", params)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        # A nicety: never worth holding the answer up for more than a moment.
        params = {"chat_id": chat_id, "action": action}
        await self.call("sendChatAction", params, retries=0, timeout=2.0)


def _int(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
