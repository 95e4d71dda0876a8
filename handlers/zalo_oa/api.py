"""The Zalo OA's HTTP APIs, by hand over aiohttp: three hosts, one method per endpoint.

    OAuth     POST {oauth}/v4/oa/access_token          form in, bare {"access_token": ...} out
    OpenAPI   {api}/v3.0/oa/message/cs, /v2.0/oa/upload/image, ...   header `access_token`
    business  {business}/message/template (ZBS template messages, issue 23)

Every OpenAPI answer is HTTP 200 with {"error": n, "message": ..., "data": {...}}: success is
error 0, so the code decides, never the HTTP status (research/zalo-oa.md §0). Ids and times
are strings and stay strings. What each error code means for us is in ERRORS, one table.

A call here sends once: the caller decides what a failure means (tokens.py refreshes on a
token error, send.py pauses on -32). Only a network failure of a call that changes nothing
(an upload, a lookup) is retried; a send that timed out is not, as it may have arrived.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
import orjson

log = logging.getLogger(__name__)


class Kind(enum.Enum):
    """What an error code asks of us."""

    TOKEN = "token"  # refresh the access token once, then try once more
    RATE = "rate"  # the app's 4,000 calls a minute are spent: every worker pauses
    WINDOW = "window"  # the learner is out of reach of consultation messages: no retries
    TOO_LONG = "too_long"  # a field over its limit (text over 2,000): split or fix
    EXPIRED = "expired"  # an attachment_id expired (or Zalo failed): upload again
    INVALID = "invalid"  # the request is wrong: permanent, log it
    HUMAN = "human"  # the OA or app needs its owner (verification, package, consent, money)
    GRANT = "grant"  # OAuth refused: the refresh token is used or gone
    REFUSED = "refused"  # the learner refused this OA's template messages: remind no more
    MONEY = "money"  # templates cannot be paid for: paused for the whole fleet
    NIGHT = "night"  # a template at night: refused, try in the day
    CANNOT = "cannot"  # this learner cannot get templates (no Zalo account, ineligible)
    OTHER = "other"


# research/zalo-oa.md §8 (OpenAPI), §5.2 (ZBS) and §1.4 (OAuth).
ERRORS: dict[int, tuple[Kind, str]] = {
    -32: (Kind.RATE, "the app reached its limit of API calls"),
    -100: (Kind.EXPIRED, "unknown error, or attachment_id expired"),
    -108: (Kind.INVALID, "the phone number is invalid"),
    -109: (Kind.HUMAN, "the template id is invalid"),
    -114: (Kind.CANNOT, "the user cannot receive template messages"),
    -115: (Kind.MONEY, "out of quota or balance for template messages"),
    -118: (Kind.CANNOT, "no Zalo account for this number, or it is disabled"),
    -119: (Kind.CANNOT, "the account cannot receive template messages"),
    -124: (Kind.TOKEN, "access token invalid (business host)"),
    -131: (Kind.HUMAN, "the template is not approved"),
    -133: (Kind.NIGHT, "template messages cannot be sent at night"),
    -135: (Kind.HUMAN, "the OA may not send template messages"),
    -136: (Kind.MONEY, "no Zalo Cloud Account is linked to pay for templates"),
    -137: (Kind.MONEY, "the Zalo Cloud Account cannot be charged"),
    -139: (Kind.REFUSED, "the user refused this type of template message"),
    -140: (Kind.CANNOT, "the user is not eligible for this template"),
    -141: (Kind.REFUSED, "the user refused template messages from this OA"),
    -144: (Kind.HUMAN, "the OA's daily template limit is reached"),
    -147: (Kind.HUMAN, "the template's daily limit is reached"),
    -1121: (Kind.INVALID, "a template parameter is too long"),
    -1122: (Kind.INVALID, "a template parameter is missing"),
    -1124: (Kind.INVALID, "a template parameter is malformed"),
    -201: (Kind.INVALID, "a parameter is invalid"),
    -209: (Kind.HUMAN, "the app is not activated"),
    -210: (Kind.TOO_LONG, "a parameter exceeds its limit"),
    -211: (Kind.HUMAN, "out of quota"),
    -212: (Kind.HUMAN, "the app has not registered the Official Account API"),
    -213: (Kind.WINDOW, "the user has not followed the OA"),
    -216: (Kind.TOKEN, "access token is invalid"),
    -217: (Kind.WINDOW, "the user blocked invitations from the OA"),
    -218: (Kind.HUMAN, "out of quota to receive"),
    -220: (Kind.TOKEN, "access token is expired or removed"),
    -221: (Kind.HUMAN, "the OA needs verification"),
    -223: (Kind.HUMAN, "the OA has not authorised this API: consent again"),
    -224: (Kind.HUMAN, "the OA needs a higher OA package"),
    -227: (Kind.WINDOW, "the user is banned or inactive for over 45 days"),
    -230: (Kind.WINDOW, "the user has not interacted with the OA in the past 7 days"),
    -232: (Kind.WINDOW, "the user has not interacted, or the last interaction expired"),
    -233: (Kind.INVALID, "message type invalid or not supported"),
    -234: (Kind.WINDOW, "cannot be sent at night (promotion)"),
    -237: (Kind.HUMAN, "the group is disabled"),
    -240: (Kind.INVALID, "the v2 message API is shut down"),
    -244: (Kind.WINDOW, "the user restricted this message type from the OA"),
    -249: (Kind.INVALID, "the template cannot be sent by user id"),
    -320: (Kind.HUMAN, "the app needs a Zalo Cloud Account"),
    -321: (Kind.HUMAN, "the Zalo Cloud Account is out of money"),
    -14020: (Kind.GRANT, "refresh token already used or expired: consent again"),
}
# OAuth errors not in the table (the -14xxx family) all mean the grant cannot be renewed.
OAUTH_FAMILY = range(-14999, -13999)


class OAError(Exception):
    """Zalo answered with a non-zero `error` (or something that is not its answer at all)."""

    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(f"{code} {message}".strip())
        self.code = code
        self.message = message

    @property
    def kind(self) -> Kind:
        known = ERRORS.get(self.code)
        if known:
            return known[0]
        return Kind.GRANT if self.code in OAUTH_FAMILY else Kind.OTHER


class OAUnreachable(Exception):
    """No answer from Zalo (network down, Zalo failing, a proxy's error page)."""


class OATimeout(OAUnreachable):
    """A send got no answer in time: it may have been delivered."""


class Hosts(Protocol):
    """What a client needs of the settings: the app and the three hosts."""

    @property
    def app_id(self) -> str: ...
    @property
    def app_secret(self) -> str: ...
    @property
    def api_url(self) -> str: ...
    @property
    def oauth_url(self) -> str: ...
    @property
    def business_url(self) -> str: ...


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    expires_at: float  # Unix time the access token stops working


class OAClient:
    """One method per endpoint. `token` calls take the access token as an argument: which
    token, and what to do when it is refused, is tokens.py's business."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        app_id: str,
        app_secret: str,
        api_url: str,
        oauth_url: str,
        business_url: str,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        self.session = session
        self.app_id = app_id
        self.app_secret = app_secret
        self.api_url = api_url.rstrip("/")
        self.oauth_url = oauth_url.rstrip("/")
        self.business_url = business_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.rate: dict[str, int] = {}  # the latest X-RateLimit-Limit/-Remain seen

    @classmethod
    def of(cls, session: aiohttp.ClientSession, settings: Hosts) -> OAClient:
        """The client of an OA's settings (settings.py `ZaloOASettings`)."""
        return cls(
            session,
            settings.app_id,
            settings.app_secret,
            settings.api_url,
            settings.oauth_url,
            settings.business_url,
        )

    # -- OAuth v4 (§1) -------------------------------------------------------------------

    def consent_url(self, redirect_uri: str, code_challenge: str, state: str) -> str:
        from urllib.parse import urlencode

        query = urlencode(
            {
                "app_id": self.app_id,
                "redirect_uri": redirect_uri,
                "code_challenge": code_challenge,
                "state": state,
            }
        )
        return f"{self.oauth_url}/v4/oa/permission?{query}"

    async def exchange_code(self, code: str, code_verifier: str, now: float) -> TokenPair:
        form = {"app_id": self.app_id, "code": code, "grant_type": "authorization_code"}
        if code_verifier:
            form["code_verifier"] = code_verifier
        return await self._oauth(form, now)

    async def refresh(self, refresh_token: str, now: float) -> TokenPair:
        """Sent once, never retried: a refresh token works once, and a retry of one that did
        arrive would lose the grant."""
        form = {
            "app_id": self.app_id,
            "refresh_token": refresh_token,
            "grant_type": "refresh_token",
        }
        return await self._oauth(form, now)

    async def _oauth(self, form: Mapping[str, str], now: float) -> TokenPair:
        url = f"{self.oauth_url}/v4/oa/access_token"
        headers = {"secret_key": self.app_secret}
        body = await self._request("POST", url, headers=headers, data=dict(form), retries=0)
        access, refresh = body.get("access_token"), body.get("refresh_token")
        # Success has no envelope; failure has no access_token (§1.2).
        if not isinstance(access, str) or not access or not isinstance(refresh, str):
            data = body.get("data")
            data = data if isinstance(data, Mapping) else {}
            code = _int(body.get("error", data.get("error")), -14000)
            said = ("error_name", "error_description", "message", "error_reason")
            words = next((str(body[k]) for k in said if body.get(k)), "no access_token")
            raise OAError(code if code else -14000, words)
        expires_in = _int(body.get("expires_in"), 3600)  # a string ("90000") or a number
        return TokenPair(access, refresh, now + expires_in)

    # -- OpenAPI (§2) --------------------------------------------------------------------

    async def send_cs(
        self, token: str, user_id: str, message: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A consultation message; its `data` (message_id, sent_time, quota)."""
        body = {"recipient": {"user_id": user_id}, "message": dict(message)}
        return await self._api("POST", "/v3.0/oa/message/cs", token, json_body=body, retries=0)

    async def send_group(
        self, token: str, group_id: str, message: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A message to one of the OA's groups (GMF, §4): text only here, no buttons."""
        body = {"recipient": {"group_id": group_id}, "message": dict(message)}
        return await self._api("POST", "/v3.0/oa/group/message", token, json_body=body, retries=0)

    async def create_group(
        self, token: str, name: str, asset_id: str, description: str = ""
    ) -> dict[str, Any]:
        """A new group owned by the OA (backed by a GMF asset): `group_id`, `group_link`."""
        body = {"group_name": name, "asset_id": asset_id, "member_user_ids": []}
        if description:
            body["group_description"] = description
        return await self._api(
            "POST", "/v3.0/oa/group/creategroupwithoa", token, json_body=body, retries=0
        )

    async def groups(self, token: str, offset: int = 0, count: int = 50) -> list[dict[str, Any]]:
        """The OA's groups (`group_id`, `name`, `group_link`... as Zalo gives them)."""
        params = {"offset": str(offset), "count": str(count)}
        answer = await self._api("GET", "/v3.0/oa/group/getgroupsofoa", token, params=params)
        found = answer.get("groups")
        return (
            [dict(g) for g in found if isinstance(g, Mapping)] if isinstance(found, list) else []
        )

    async def upload_image(self, token: str, name: str, data: bytes, mime: str) -> str:
        """The attachment_id of an uploaded picture (jpg/png, at most 1 MB)."""
        form = aiohttp.FormData()
        form.add_field("file", data, filename=name, content_type=mime)
        answer = await self._api("POST", "/v2.0/oa/upload/image", token, form=form)
        attachment = answer.get("attachment_id")
        if not isinstance(attachment, str) or not attachment:
            raise OAError(-100, "upload answered no attachment_id")
        return attachment

    async def quota(self, token: str, user_id: str) -> dict[str, Any]:
        """The learner's interaction window as Zalo sees it (`last_interaction`, INFERRED)."""
        return await self._api(
            "POST", "/v3.0/oa/quota/message", token, json_body={"user_id": user_id}
        )

    async def user_detail(self, token: str, user_id: str) -> dict[str, Any]:
        return await self._api(
            "GET", "/v3.0/oa/user/detail", token, params={"data": json.dumps({"user_id": user_id})}
        )

    async def get_oa(self, token: str) -> dict[str, Any]:
        """The OA the token speaks for (a cheap check at start-up and after consent)."""
        return await self._api("GET", "/v2.0/oa/getoa", token)

    # -- business host (§5), for issue 23 --------------------------------------------------

    async def send_template(self, token: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """A ZBS template message by phone; its `data` (msg_id, sent_time, quota)."""
        url = f"{self.business_url}/message/template"
        answer = await self._request(
            "POST", url, headers={"access_token": token}, json_body=dict(body), retries=0
        )
        return _data(answer)

    async def send_template_uid(
        self, token: str, user_id: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A ZBS template message by user id (§5.3); its `data` (message_id). Where the
        recipient goes is UNKNOWN (top-level `user_id`, or `recipient.user_id`): both are
        sent, the same id."""
        full = {**body, "user_id": user_id, "recipient": {"user_id": user_id}}
        return await self._api(
            "POST", "/v3.0/oa/message/template", token, json_body=full, retries=0
        )

    # -- transport -----------------------------------------------------------------------

    async def _api(
        self,
        method: str,
        path: str,
        token: str,
        json_body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        form: aiohttp.FormData | None = None,
        retries: int | None = None,
    ) -> dict[str, Any]:
        headers = {"access_token": token}
        data: Any = form
        if json_body is not None:  # orjson: every message a learner gets is one of these
            data = orjson.dumps(json_body)
            headers["Content-Type"] = "application/json"
        answer = await self._request(
            method,
            self.api_url + path,
            headers=headers,
            params=params,
            data=data,
            retries=self.retries if retries is None else retries,
        )
        return _data(answer)

    async def _request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        json_body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        data: Any = None,
        retries: int = 0,
    ) -> dict[str, Any]:
        delay = self.backoff
        for attempt in range(retries + 1):
            try:
                async with self.session.request(
                    method,
                    url,
                    headers=dict(headers),
                    json=json_body,
                    params=params,
                    data=data,
                    timeout=aiohttp.ClientTimeout(total=self.timeout),
                ) as response:
                    raw = await response.read()
                    status = response.status
                    for name in ("X-RateLimit-Limit", "X-RateLimit-Remain"):
                        if (value := response.headers.get(name)) and value.isdecimal():
                            self.rate[name] = int(value)
            except TimeoutError as exc:
                if retries == 0:
                    raise OATimeout(f"no answer within {self.timeout:g}s") from exc
                if attempt == retries:
                    raise OAUnreachable(f"no answer within {self.timeout:g}s") from exc
            except aiohttp.ClientError as exc:
                if attempt == retries:
                    raise OAUnreachable(str(exc) or type(exc).__name__) from exc
            else:
                try:
                    body = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    body = None
                if isinstance(body, dict):
                    return body
                if status < 500 or attempt == retries:  # a proxy's page, or nothing
                    raise OAUnreachable(f"not a Zalo answer (HTTP {status})")
            log.warning("zalo oa %s failed; again in %.1fs", url.rsplit("/", 1)[-1], delay)
            await asyncio.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")


def _data(answer: Mapping[str, Any]) -> dict[str, Any]:
    """The `data` of a successful answer; OAError for any other."""
    code = _int(answer.get("error"), -1)
    if code != 0:
        raise OAError(code, str(answer.get("message") or ""))
    data = answer.get("data")
    return dict(data) if isinstance(data, Mapping) else {}


def _int(value: object, default: int) -> int:
    if isinstance(value, bool):
        return default
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
