"""A Zalo Official Account on loopback: the outside world the OA tests run against.

It speaks the wire format of research/zalo-oa.md and follows its §9 checklist, on three hosts
(three ports), as Zalo has them:

- OAuth (`oauth_url`): POST /v4/oa/access_token, form in, `secret_key` header. Codes are
  single-use and live 10 minutes; PKCE is checked when a challenge was given; a refresh
  rotates the pair, and a refresh token used twice answers -14020 (the grant is lost).
  Success is the bare {"access_token", "refresh_token", "expires_in": "90000"}.
- OpenAPI (`api_url`): every route wants the `access_token` header (missing, unknown or
  expired: -216, or -220 with `expired_code`). /v3.0/oa/message/cs refuses an unknown user
  (-201), one silent for 7 days (-230, or `window_code`), text over 2,000 (-210), more than 5
  buttons or a bad button type (-201), an unknown attachment (-201) or an expired one (-100).
  /v2.0/oa/upload/image takes a multipart `file`: over 1 MB -210, not jpg/png -201.
  After `rate_limit` calls a minute: -32. Every answer is HTTP 200 {"error", "message",
  "data"}, with X-RateLimit-Limit/-Remain headers.
- business (`business_url`): POST /message/template (ZBS, for issue 23).

As Zalo, it posts signed events to the bot's webhook (`post`): X-ZEvent-Signature =
"mac=" + sha256(app_id + body + timestamp + OA secret key); an answer that is not 200 within
2 s is delivered again, identical, with `num_retry` (at a compressed schedule). Ids and
timestamps are strings. Test hooks simulate learners: text, taps (a text carrying the
button's payload), pictures, stickers, follow/unfollow, receipts.

UNKNOWNs of the research are settings: `expired_code`, `window_code`, `pkce_required`,
`expires_in_type`, `reuse_code`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import itertools
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web

APP_ID = "3608465248940903967"
APP_SECRET = "app-secret-for-oauth-0123"
OA_SECRET = "oa-secret-key-signs-webhooks-4567"
OA_ID = "1646843870823903717"
TEXT_MAX = 2000
IMAGE_MAX = 1024**2
WINDOW = 7 * 86400  # seconds after a user's last message that CS messages are accepted
BUTTON_TYPES = {"oa.query.show", "oa.query.hide", "oa.open.url", "oa.open.phone", "oa.open.sms"}


@dataclass
class Sent:
    """A consultation message the OA sent (accepted, or refused with `error`)."""

    user_id: str
    message: dict[str, Any]
    error: int = 0
    message_id: str = ""

    @property
    def text(self) -> str:
        return str(self.message.get("text") or "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        payload = (self.message.get("attachment") or {}).get("payload") or {}
        return list(payload.get("buttons") or [])

    @property
    def attachment_id(self) -> str:
        payload = (self.message.get("attachment") or {}).get("payload") or {}
        elements = payload.get("elements") or [{}]
        return str(elements[0].get("attachment_id") or "")


@dataclass
class Delivery:
    """One POST of an event to the webhook, and how the bot answered it."""

    body: bytes
    retry: int
    status: int = 0  # 0: no answer within 2 s
    seconds: float = 0.0


@dataclass
class Upload:
    attachment_id: str
    data: bytes = field(repr=False)
    expired: bool = False


class FakeZaloOA:
    def __init__(self) -> None:
        # UNKNOWNs, switchable
        self.expired_code = -216  # what an expired access token answers (-216 or -220)
        self.window_code = -230  # what a closed window answers (-230 or -232)
        self.reuse_code = -14020  # a refresh token used twice
        self.pkce_required = False
        self.expires_in_type: Literal["str", "int"] = "str"
        self.expires_in = 90000
        self.rate_limit = 0  # calls a minute before -32; 0: none
        self.refresh_delay = 0.0  # seconds a refresh takes (to let workers race)
        self.retry_after = [
            0.3,
            0.6,
            1.2,
        ]  # seconds before each re-delivery (Zalo: 30 s, 5 min...)
        # state
        self.access: dict[str, float] = {}  # access token -> expires at (Unix)
        self.refresh_tokens: dict[str, bool] = {}  # refresh token -> still valid
        self.codes: dict[str, tuple[float, str]] = {}  # code -> (expires at, challenge)
        self.users: dict[str, float] = {}  # user id -> last time they wrote (Unix)
        self.uploads: dict[str, Upload] = {}
        self.sent: list[Sent] = []
        self.refreshes = 0  # refresh calls received
        self.exchanges = 0
        self.calls: list[tuple[str, int]] = []  # (path, error) of every OpenAPI call
        self.deliveries: list[Delivery] = []
        self._minute: list[float] = []
        self._faults: dict[str, list[int]] = {}
        # Awaited at the next message sent (a test kills the worker there), which is not sent.
        self.crash: Callable[[], Awaitable[None]] | None = None
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runners: list[web.AppRunner] = []
        self.oauth_url = self.api_url = self.business_url = ""

    # -- serving -------------------------------------------------------------------------

    async def start(self) -> FakeZaloOA:
        oauth = web.Application()
        oauth.router.add_post("/v4/oa/access_token", self._access_token)
        api = web.Application(client_max_size=8 * 1024**2)
        api.router.add_route("*", "/{path:.*}", self._openapi)
        business = web.Application()
        business.router.add_route("*", "/{path:.*}", self._business)
        self.oauth_url = await self._serve(oauth)
        self.api_url = await self._serve(api)
        self.business_url = await self._serve(business)
        return self

    async def _serve(self, app: web.Application) -> str:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        for runner in self._runners:
            await runner.cleanup()

    # -- what tests use ------------------------------------------------------------------

    def grant(self, expires_in: float | None = None) -> tuple[str, str]:
        """An admin consented (as API Explorer gives it): a fresh (access, refresh) pair."""
        return self._issue(self.expires_in if expires_in is None else expires_in)

    def consent(self, code_challenge: str = "") -> str:
        """The admin consented in the browser: the code Zalo puts on the redirect."""
        code = secrets.token_urlsafe(24)
        self.codes[code] = (time.time() + 600, code_challenge)
        return code

    def expire_access_tokens(self) -> None:
        """Every access token given so far stops working (its 25 h are over)."""
        for token in self.access:
            self.access[token] = 0.0

    def fail(self, path: str, code: int, times: int = 1) -> None:
        """The next `times` calls of `path` (e.g. "/v3.0/oa/message/cs") answer `code`."""
        self._faults.setdefault(path, []).extend([code] * times)

    def expire_uploads(self) -> None:
        for upload in self.uploads.values():
            upload.expired = True

    def to(self, user_id: str) -> list[Sent]:
        """Messages delivered to one user, in order."""
        return [s for s in self.sent if s.user_id == user_id and not s.error]

    def refused(self, code: int) -> list[Sent]:
        return [s for s in self.sent if s.error == code]

    async def wait_for(self, check: Any, timeout: float = 10, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not (found := check()):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what or check}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)
        return found

    async def _note(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- as Zalo, posting to the bot's webhook -------------------------------------------

    def sign(self, body: bytes, timestamp: str, key: str = OA_SECRET) -> str:
        digest = hashlib.sha256(APP_ID.encode() + body + timestamp.encode() + key.encode())
        return "mac=" + digest.hexdigest()

    async def post(
        self,
        url: str,
        event: dict[str, Any],
        signature: str | None = None,
        redeliver: bool = True,
        retry: int = 0,
    ) -> Delivery:
        """POST one event as Zalo does; if the bot does not answer 200 within 2 s, the same
        bytes again, with num_retry, on the (compressed) schedule. Returns the first POST."""
        body = json.dumps(event, ensure_ascii=False).encode()
        if "sender" in event and event.get("event_name", "").startswith("user_send"):
            self.users[event["sender"]["id"]] = int(event["timestamp"]) / 1000
        if event.get("event_name") == "follow":
            self.users[event["follower"]["id"]] = int(event["timestamp"]) / 1000
        if signature is None:
            signature = self.sign(body, str(event.get("timestamp", "")))
        first = await self._post_once(url, body, signature, retry)
        delivery = first
        for wait in self.retry_after if redeliver else []:
            if delivery.status == 200:
                break
            await asyncio.sleep(wait)
            delivery = await self._post_once(url, body, signature, delivery.retry + 1)
        return first

    async def _post_once(self, url: str, body: bytes, signature: str, retry: int) -> Delivery:
        headers = {"Content-Type": "application/json"}
        if signature:
            headers["X-ZEvent-Signature"] = signature
        if retry:
            headers["num_retry"] = str(retry)
        delivery = Delivery(body, retry)
        started = time.monotonic()
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=2)
                ) as response,
            ):
                await response.read()
                delivery.status = response.status
        except (TimeoutError, aiohttp.ClientError):
            delivery.status = 0
        delivery.seconds = time.monotonic() - started
        self.deliveries.append(delivery)
        return delivery

    # -- OAuth ---------------------------------------------------------------------------

    def _issue(self, expires_in: float) -> tuple[str, str]:
        access = "AT-" + secrets.token_urlsafe(24)
        refresh = "RT-" + secrets.token_urlsafe(24)
        self.access[access] = time.time() + expires_in
        self.refresh_tokens[refresh] = True
        return access, refresh

    def _tokens_answer(self, access: str, refresh: str) -> web.Response:
        expires: Any = str(self.expires_in) if self.expires_in_type == "str" else self.expires_in
        body = {"access_token": access, "refresh_token": refresh, "expires_in": expires}
        return web.json_response(body)

    async def _access_token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if request.headers.get("secret_key") != APP_SECRET or form.get("app_id") != APP_ID:
            return _oauth_error(-14001, "Invalid app_id or secret_key")
        grant = form.get("grant_type")
        if grant == "refresh_token":
            self.refreshes += 1
            await self._note()
            if self.refresh_delay:
                await asyncio.sleep(self.refresh_delay)
            token = str(form.get("refresh_token") or "")
            if not self.refresh_tokens.get(token):
                return _oauth_error(self.reuse_code, "Invalid refresh token")
            self.refresh_tokens[token] = False  # single use
            return self._tokens_answer(*self._issue(self.expires_in))
        if grant == "authorization_code":
            self.exchanges += 1
            code = str(form.get("code") or "")
            expires_at, challenge = self.codes.pop(code, (0.0, ""))  # single use
            if expires_at < time.time():
                return _oauth_error(-14003, "Invalid or expired code")
            verifier = str(form.get("code_verifier") or "")
            checked = challenge or self.pkce_required
            if checked and (not verifier or _challenge(verifier) != challenge):
                return _oauth_error(-14005, "Invalid code_verifier")
            return self._tokens_answer(*self._issue(self.expires_in))
        return _oauth_error(-14000, "Invalid grant_type")

    # -- OpenAPI -------------------------------------------------------------------------

    async def _openapi(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        error, message, data = await self._api_call(request, path)
        self.calls.append((path, error))
        await self._note()
        return self._envelope(error, message, data)

    def _envelope(self, error: int, message: str, data: dict[str, Any] | None) -> web.Response:
        body: dict[str, Any] = {"error": error, "message": message}
        if data is not None and not error:
            body["data"] = data
        remain = max(0, self.rate_limit - len(self._minute)) if self.rate_limit else 4000
        headers = {
            "X-RateLimit-Limit": str(self.rate_limit or 4000),
            "X-RateLimit-Remain": str(remain),
        }
        return web.json_response(body, headers=headers)

    async def _api_call(
        self, request: web.Request, path: str
    ) -> tuple[int, str, dict[str, Any] | None]:
        token = request.headers.get("access_token", "")
        expires_at = self.access.get(token)
        if expires_at is None:
            return -216, "Access token is invalid", None
        if expires_at < time.time():
            return self.expired_code, "Access token is invalid", None
        now = time.time()
        self._minute = [t for t in self._minute if t > now - 60] + [now]
        if self.rate_limit and len(self._minute) > self.rate_limit:
            return -32, "Your application reached limit call api", None
        if faults := self._faults.get(path):
            return faults.pop(0), "Fault injected by the test", None
        if path == "/v3.0/oa/message/cs" and request.method == "POST" and self.crash:
            crash, self.crash = self.crash, None
            await crash()
            return -1, "The worker died", None
        if path == "/v3.0/oa/message/cs" and request.method == "POST":
            return await self._message_cs(await request.json())
        if path == "/v2.0/oa/upload/image" and request.method == "POST":
            return await self._upload(request)
        if path == "/v3.0/oa/quota/message":
            user = (await request.json()).get("user_id", "")
            seen = self.users.get(user)
            last = str(int(seen * 1000)) if seen else "0"
            return 0, "Success", {"last_interaction": last, "cs_reply": {"remain": 8, "total": 8}}
        if path == "/v2.0/oa/getoa":
            return 0, "Success", {"oa_id": OA_ID, "name": "Phường Ninh Kiều"}
        return -201, f"{path} is invalid!", None

    async def _message_cs(self, body: dict[str, Any]) -> tuple[int, str, dict[str, Any] | None]:
        user = str((body.get("recipient") or {}).get("user_id") or "")
        message = body.get("message") or {}
        sent = Sent(user, message)
        self.sent.append(sent)
        error, text = self._check_cs(user, message)
        sent.error = error
        if error:
            return error, text, None
        sent.message_id = f"{next(self._ids):020x}"
        data = {
            "message_id": sent.message_id,
            "user_id": user,
            "sent_time": str(int(time.time() * 1000)),
            "quota": {"quota_type": "reply", "remain": "8", "total": "8"},
        }
        return 0, "Success", data

    def _check_cs(self, user: str, message: dict[str, Any]) -> tuple[int, str]:
        if user not in self.users:
            return -201, "user_id is invalid!"
        if self.users[user] < time.time() - WINDOW:
            return self.window_code, "User has not interacted with the OA in the past 7 days"
        text = message.get("text")
        attachment = message.get("attachment")
        if text is None and attachment is None:
            return -201, "message is invalid!"
        if text is not None and (not isinstance(text, str) or len(text) > TEXT_MAX):
            return -210, "Parameter exceeds allowable limit"
        if attachment is None:
            return 0, ""
        payload = attachment.get("payload") or {}
        buttons = payload.get("buttons") or []
        if len(buttons) > 5:
            return -201, "buttons is invalid!"
        for button in buttons:
            if button.get("type") not in BUTTON_TYPES or not str(button.get("title") or ""):
                return -201, "button is invalid!"
            if len(str(button["title"])) > 100 or len(str(button.get("payload"))) > 1000:
                return -210, "Parameter exceeds allowable limit"
        for element in payload.get("elements") or []:
            if element.get("url") and element.get("attachment_id"):
                return -201, "elements is invalid!"
            attachment_id = element.get("attachment_id")
            if attachment_id:
                upload = self.uploads.get(attachment_id)
                if upload is None:
                    return -201, "attachment_id is invalid!"
                if upload.expired:
                    return -100, "attachment_id expired"
        return 0, ""

    async def _upload(self, request: web.Request) -> tuple[int, str, dict[str, Any] | None]:
        form = await request.post()
        file = form.get("file")
        if not isinstance(file, web.FileField):
            return -201, "file is invalid!", None
        data = file.file.read()
        if len(data) > IMAGE_MAX:
            return -210, "Parameter exceeds allowable limit", None
        if not data.startswith((b"\x89PNG", b"\xff\xd8")):
            return -201, "file is invalid!", None
        attachment_id = secrets.token_urlsafe(18)
        self.uploads[attachment_id] = Upload(attachment_id, data)
        return 0, "Success", {"attachment_id": attachment_id}

    # -- business host (ZBS) ---------------------------------------------------------------

    async def _business(self, request: web.Request) -> web.Response:
        token = request.headers.get("access_token", "")
        if self.access.get(token, 0.0) < time.time():
            return self._envelope(-124, "Access token invalid", None)
        body = await request.json() if request.can_read_body else {}
        if not str(body.get("phone") or "").startswith("84"):
            return self._envelope(-108, "Phone number is invalid", None)
        return self._envelope(0, "Success", {"msg_id": f"{next(self._ids):020x}"})


def _oauth_error(code: int, name: str) -> web.Response:
    return web.json_response({"error": code, "error_name": name, "error_description": name})


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


# -- events as Zalo posts them ---------------------------------------------------------------

_msg_ids = itertools.count(1)


def _now_ms() -> str:
    return str(int(time.time() * 1000))


def text_event(user_id: str, text: str) -> dict[str, Any]:
    """The learner typed `text` (or tapped a button whose payload is `text`: it looks the
    same)."""
    return {
        "event_name": "user_send_text",
        "app_id": APP_ID,
        "sender": {"id": user_id},
        "recipient": {"id": OA_ID},
        "message": {"text": text, "msg_id": f"{secrets.token_hex(6)}{next(_msg_ids):08x}"},
        "timestamp": _now_ms(),
        "user_id_by_app": "7300442764876318465",
    }


def media_event(user_id: str, kind: str = "sticker") -> dict[str, Any]:
    attachment: dict[str, Any] = {"type": kind, "payload": {"url": "https://zalo.me/x.png"}}
    return {
        "event_name": f"user_send_{kind}",
        "app_id": APP_ID,
        "sender": {"id": user_id},
        "recipient": {"id": OA_ID},
        "message": {"attachments": [attachment], "msg_id": f"{secrets.token_hex(10)}"},
        "timestamp": _now_ms(),
    }


def follow_event(user_id: str, name: str = "follow") -> dict[str, Any]:
    return {
        "oa_id": OA_ID,
        "follower": {"id": user_id},
        "user_id_by_app": "552177279717587730",
        "event_name": name,
        "source": "oa_profile",
        "app_id": APP_ID,
        "timestamp": _now_ms(),
    }


def seen_event(user_id: str, msg_ids: list[str]) -> dict[str, Any]:
    """A read receipt: which side is the user is UNKNOWN; here the OA is the sender."""
    return {
        "event_name": "user_seen_message",
        "app_id": APP_ID,
        "sender": {"id": OA_ID},
        "recipient": {"id": user_id},
        "message": {"msg_ids": msg_ids},
        "timestamp": _now_ms(),
    }
