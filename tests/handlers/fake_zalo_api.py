"""A Zalo Bot Platform on loopback: the outside world the Zalo tests run against.

It speaks the wire format of the copies of Zalo's docs we could read (docs/zalo.md):
POST /bot<token>/<method> with JSON, answers {"ok": true, "result": ...} or {"ok": false,
"error_code": n, "description": ...}. getUpdates hands out queued updates, one update object
per poll as the docs sample shows (`envelope="one"`) or all of them as a list
(`envelope="list"`), and answers an empty poll with the error 408, as working clients see it.
Ids are strings, dates milliseconds. It refuses what Zalo documents as refused (text over
2,000 characters, a secret_token under 8), fetches a sendPhoto URL as Zalo would (a picture
it cannot fetch is an error), records every call, and can be told to fail a method.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web
from fake_api import FakeApi

TOKEN = "1459232241454765289:" + "Zq" * 20
BOT = {"id": "1459232241454765289", "account_name": "bot.HocSo", "account_type": "BASIC"}
TEXT_MAX = 2000


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200  # 200: accepted; else the error code answered
    fetched: bytes = field(default=b"", repr=False)  # sendPhoto: the picture Zalo got

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")


class FakeZaloApi(FakeApi):
    def __init__(self, envelope: Literal["one", "list"] = "one") -> None:
        super().__init__()
        self.envelope = envelope
        self.calls: list[Call] = []
        self._faults: dict[str, list[tuple[int, str]]] = {}
        self._ids = itertools.count(1)

    # -- what tests use ------------------------------------------------------------------

    def fail(self, method: str, code: int, description: str = "Error", times: int = 1) -> None:
        self._faults.setdefault(method, []).extend([(code, description)] * times)

    def sent_to(self, chat: str) -> list[Call]:
        """Messages and pictures delivered in one chat, in order."""
        return [
            c
            for c in self.calls
            if c.status == 200
            and c.method in ("sendMessage", "sendPhoto")
            and c.params.get("chat_id") == chat
        ]

    # -- the server ----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized", http=401)
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        if request.can_read_body:
            params = await request.json()
        call = Call(method, params)
        if await self._crashed(call):
            return web.Response(status=502)
        faults = self._faults.get(method)
        if method == "getUpdates" and not faults:
            return await self._get_updates(params)
        if faults:
            call.status, description = faults.pop(0)
            await self._record(call)
            return _error(call.status, description)
        problem = await self._check(call)
        if problem:
            call.status = 400
            await self._record(call)
            return _error(400, problem)
        await self._record(call)
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _check(self, call: Call) -> str:
        """What Zalo would refuse in this call ("" when nothing)."""
        params = call.params
        if call.method == "sendMessage":
            text = params.get("text")
            if not isinstance(text, str) or not 1 <= len(text) <= TEXT_MAX:
                return "text must be 1 to 2000 characters"
        if call.method == "sendPhoto":
            if len(params.get("caption") or "") > TEXT_MAX:
                return "caption must be 1 to 2000 characters"
            try:
                async with (
                    aiohttp.ClientSession() as session,
                    session.get(params.get("photo", ""), timeout=aiohttp.ClientTimeout(5)) as got,
                ):
                    call.fetched = await got.read()
                    if got.status != 200:
                        return f"photo url answered {got.status}"
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                return f"photo url unreachable: {exc}"
        if call.method == "setWebhook":
            secret = params.get("secret_token") or ""
            if not params.get("url") or not 8 <= len(secret) <= 256:
                return "url and a secret_token of 8 to 256 characters are required"
        return ""

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        one = self.envelope == "one"
        updates = await self._next_updates(float(params.get("timeout") or 0), one)
        if not updates:
            return _error(408, "Request timeout")
        result: Any = updates[0] if one else updates
        return web.json_response({"ok": True, "result": result})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        now = int(time.time() * 1000)
        if method == "getMe":
            return {**BOT, "can_join_groups": False}
        if method in ("sendMessage", "sendPhoto", "sendSticker"):
            return {"message_id": f"{next(self._ids):020x}", "date": now}
        if method in ("setWebhook", "getWebhookInfo"):
            return {"url": params.get("url", ""), "updated_at": now}
        if method == "deleteWebhook":
            return {"url": "", "updated_at": now}
        return None  # sendChatAction answers {"ok": true}


def _error(code: int, description: str, http: int = 200) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=http)


# -- updates as Zalo sends them ------------------------------------------------------------

_message_ids = itertools.count(1)


def text_update(
    user_id: str,
    text: str,
    name: str = "Lan",
    name_field: str = "display_name",
    chat_id: str | None = None,
    group: bool = False,
) -> dict[str, Any]:
    """A user's text message: string ids, a millisecond date."""
    return {
        "event_name": "message.text.received",
        "message": {
            "message_id": f"{next(_message_ids):020x}",
            "date": int(time.time() * 1000),
            "from": {"id": user_id, name_field: name, "is_bot": False},
            "chat": {"id": chat_id or user_id, "chat_type": "GROUP" if group else "PRIVATE"},
            "text": text,
        },
    }


def sticker_update(user_id: str) -> dict[str, Any]:
    return {
        "event_name": "message.sticker.received",
        "message": {
            "message_id": f"{next(_message_ids):020x}",
            "date": int(time.time() * 1000),
            "from": {"id": user_id, "display_name": "Lan"},
            "chat": {"id": user_id, "chat_type": "PRIVATE"},
            "sticker": "0e078a2fb66a5f34067b",
        },
    }
