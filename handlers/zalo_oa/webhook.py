"""What Zalo POSTs to /zalo-oa: the signature checked, the event read (research/zalo-oa.md §3).

    X-ZEvent-Signature: mac=<hex sha256(app_id + raw body + timestamp + OA secret key)>

plain SHA-256, not HMAC, over the exact bytes received; the key is the OA secret key of the
app's Webhook page, not the app secret. Copies of the docs disagree on details, so the
parser is tolerant: ids and times may be strings or numbers, the `mac=` may be missing, and
one copy says some events put the oa_id where the app_id goes (accepted, and logged).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from handlers.zalo_oa.templates import phone_number

log = logging.getLogger(__name__)

SIGNATURE = "X-ZEvent-Signature"
RETRY = "num_retry"  # a re-delivery says which one it is

EventKind = Literal[
    "text", "other", "follow", "unfollow", "info", "receipt", "group_text", "ignore"
]
# Events that are not a learner talking to the tutor: receipts (no text, and which id is the
# user is unknown), the OA's own echoes, staff and template events, group traffic (issue 23).
IGNORED = ("user_received_message", "user_seen_message", "oa_send_", "user_reacted_message")


def signed(
    raw: bytes, body: object, header: str, app_id: str, oa_id: str, secret_key: str
) -> bool:
    """The signature over the exact bytes `raw` (parsed: `body`) holds, in constant time."""
    given = header.strip().lower().removeprefix("mac=").strip()
    if len(given) != 64:
        return False
    timestamp = _text(body.get("timestamp")) if isinstance(body, Mapping) else ""
    tail = raw + timestamp.encode() + secret_key.encode()
    for prefix, name in ((app_id, "app_id"), (oa_id, "oa_id")):
        mac = hashlib.sha256(prefix.encode() + tail).hexdigest()
        if hmac.compare_digest(mac.encode(), given.encode()):
            if name != "app_id":
                log.info("zalo oa event signed with the oa_id in front")
            return True
    return False


def probe(raw: bytes) -> bool:
    """The unsigned POST Zalo sends when the webhook URL is saved: an empty body or `{}`."""
    return raw.strip() in (b"", b"{}", b"[]")


@dataclass(frozen=True)
class OAEvent:
    kind: EventKind
    name: str  # Zalo's event_name
    user_id: str = ""  # the OA-scoped id to answer (sender.id; follower.id)
    msg_id: str = ""
    text: str = ""
    when: float = 0.0  # Unix seconds
    phone: str = ""  # user_submit_info: the number the learner gave (84...), "" if none
    tracking: str = ""  # a template's delivery receipt: our tracking_id
    group_id: str = ""  # a group message (GMF): the group it was written in

    @property
    def key(self) -> str:
        """What makes a re-delivery the same event: its msg_id, else its name, user and time."""
        return self.msg_id or f"{self.name}:{self.user_id}:{int(self.when * 1000)}"


def parse(body: object, oa_id: str) -> OAEvent:
    """One webhook body as an event; kind "ignore" for what the tutor does not answer."""
    if not isinstance(body, Mapping):
        return OAEvent("ignore", "")
    name = _text(body.get("event_name"))
    when = _millis(body.get("timestamp"))
    if name == "user_received_message":  # a template's receipt carries our tracking_id
        tracking = _text(_mapping(body.get("message")).get("tracking_id"))
        if tracking:
            return OAEvent("receipt", name, when=when, tracking=tracking)
    if name == "user_submit_info":  # the answer to request_user_info (all keys optional)
        user_id = _user(body, oa_id)
        phone = phone_number(_mapping(body.get("info")).get("phone"))
        key = f"{name}:{user_id}:{int(when * 1000)}"
        return (
            OAEvent("info", name, user_id, key, when=when, phone=phone)
            if user_id
            else (OAEvent("ignore", name))
        )
    if name == "user_send_group_text":  # a member wrote in one of the OA's groups (§4.4)
        return _group_text(body, name, when, oa_id)
    if not name or name.startswith(IGNORED) or "_group_" in name or name.endswith("_group"):
        return OAEvent("ignore", name, when=when)
    if name in ("follow", "unfollow"):
        follower = _text(_mapping(body.get("follower")).get("id"))
        if not follower:
            follower = _user(body, oa_id)
        kind: EventKind = "follow" if name == "follow" else "unfollow"
        return OAEvent(kind, name, follower, when=when) if follower else OAEvent("ignore", name)
    if not name.startswith("user_send_"):
        return OAEvent("ignore", name, when=when)  # submit_info, tags, calls... not a turn
    user_id = _user(body, oa_id)
    message = _mapping(body.get("message"))
    msg_id = _text(message.get("msg_id"))
    if not user_id:
        return OAEvent("ignore", name, when=when)
    text = message.get("text")
    if name == "user_send_text" and isinstance(text, str):
        return OAEvent("text", name, user_id, msg_id, text, when)
    return OAEvent("other", name, user_id, msg_id, when=when)  # a picture, a sticker, a voice


def _group_text(body: Mapping[str, Any], name: str, when: float, oa_id: str) -> OAEvent:
    """Where the group id is, is UNKNOWN: `recipient.id` (two implementations), else
    `recipient.group_id`, else `message.conversation_id`, tried in that order."""
    message = _mapping(body.get("message"))
    recipient = _mapping(body.get("recipient"))
    group_id = next(
        (
            found
            for found in (
                _text(recipient.get("id")),
                _text(recipient.get("group_id")),
                _text(message.get("conversation_id")),
            )
            if found and found != oa_id
        ),
        "",
    )
    user_id = _text(_mapping(body.get("sender")).get("id"))
    text = message.get("text")
    if not group_id or not user_id or user_id == oa_id or not isinstance(text, str):
        return OAEvent("ignore", name, when=when)
    msg_id = _text(message.get("msg_id"))
    return OAEvent("group_text", name, user_id, msg_id, text, when, group_id=group_id)


def _user(body: Mapping[str, Any], oa_id: str) -> str:
    """The learner: sender.id, or whichever side is not our OA."""
    sender = _text(_mapping(body.get("sender")).get("id"))
    recipient = _text(_mapping(body.get("recipient")).get("id"))
    if sender and sender != oa_id:
        return sender
    return recipient if recipient and recipient != oa_id else ""


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str:
    """An id or time as text: Zalo's are strings (and exceed 2^53); tolerate numbers."""
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip()


def _millis(value: object) -> float:
    text = _text(value)
    if not text.isdecimal():
        return 0.0
    number = int(text)
    return number / 1000 if number > 10**11 else float(number)  # ms, or seconds in old copies
