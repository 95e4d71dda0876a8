"""Showing the engine's replies on a Zalo OA, as consultation messages (research/zalo-oa.md §2).

- No edits: a reply that would edit the tapped message goes as a new one (one that only took
  the old buttons away shows nothing).
- Choices become `oa.query.hide` buttons: at most 5, short titles. A tap comes back as the
  learner's text message carrying the payload, so each payload is PREFIX + the engine's own
  payload (bot/payloads.py: versioned, refused when forged or stale, safe to replay), and
  `tapped()` reads it back. More than 5 choices, or labels too long for a button, become
  numbered lines in the text (a typed number picks one, as on the Zalo Bot), with buttons for
  what fits: the first ones and the last ones (a page's "more" and "skip"). A typed number
  goes to the engine, which reads it against the choices on screen.
- Text is at most 2,000 characters (longer is refused with -210, not cut): split at line
  breaks, NFC first, as Zalo counts.
- Pictures are uploaded (jpg/png, at most 1 MB: shrunk with Pillow when bigger); the
  attachment_id is reused for 6 days (it expires after 7) and uploaded again when Zalo says
  it expired (-100).
- Zalo's -230/-232 mark the learner out of reach (push.Unreachable, no retries); -32 pauses
  every worker's sending for a moment (handlers/limits.py, as Telegram's 429), then the
  message goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.events import Button, Media, Reply
from handlers.limits import PushLimits
from handlers.numbered import flat, numbered
from handlers.push import Unreachable
from handlers.render import discard, joined, split_text
from handlers.zalo_oa.api import Kind, OAClient, OAError
from handlers.zalo_oa.capabilities import PICTURE_MAX, TEXT_MAX
from handlers.zalo_oa.keys import OAKeys, text
from handlers.zalo_oa.tokens import Tokens
from handlers.zalo_oa.window import Window

log = logging.getLogger(__name__)

PREFIX = "#hs:"  # what a button's payload starts with; nothing else a learner types does
PAYLOAD_MAX = 200  # characters of a payload we accept back (the engine's are under 64 bytes)
BUTTONS_MAX = 5
TITLE_MAX = 20  # characters of a button title that shows on one line
ATTACHMENT_FOR = 6 * 86400  # seconds an attachment_id is reused (Zalo keeps it 7 days)
RATE_PAUSE = 5.0  # seconds every worker waits after -32
RATE_TRIES = 3  # sends of one message through -32 pauses before giving up
PAUSE_SEEN_FOR = 0.1  # seconds a worker trusts its last look at the fleet's pause


def tapped(text: str) -> str | None:
    """The engine payload a tap (or a typed copy of one: they look the same) carries; None for
    ordinary text."""
    text = text.strip()
    if not text.startswith(PREFIX):
        return None
    payload = text[len(PREFIX) :]
    if not payload or len(payload) > PAYLOAD_MAX or not payload.isprintable() or " " in payload:
        return ""  # ours, but not a payload we could have made: the engine says so kindly
    return payload


def layout(buttons: Sequence[Button]) -> tuple[bool, list[dict[str, str]]]:
    """(numbered, the buttons to send): all as buttons when they fit, else numbered lines and
    buttons for the first and last choices, each titled with its number."""
    fits = len(buttons) <= BUTTONS_MAX and all(len(b.label) <= TITLE_MAX for b in buttons)
    if fits:
        return False, [_button(b.label, b.payload) for b in buttons]
    places = list(range(len(buttons)))
    if (
        len(places) > BUTTONS_MAX
    ):  # the first two, and the last three (a page's "more", "other", "skip")
        places = places[:2] + places[-3:]
    return True, [_button(_short(i + 1, buttons[i].label), buttons[i].payload) for i in places]


def _button(title: str, payload: str) -> dict[str, str]:
    return {"title": title, "type": "oa.query.hide", "payload": PREFIX + payload}


def _short(number: int, label: str) -> str:
    title = f"{number}. {' '.join(label.split())}"
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"


class FleetPause:
    """-32: every worker holds its sends for a moment (the pause key of handlers/limits.py),
    looked at no more than every PAUSE_SEEN_FOR seconds per worker."""

    def __init__(self, limits: PushLimits) -> None:
        self.limits = limits
        self._clear_until = 0.0

    async def wait(self) -> None:
        if time.monotonic() < self._clear_until:
            return
        while (left := await self.limits.paused_for()) > 0:
            await asyncio.sleep(left)
        self._clear_until = time.monotonic() + PAUSE_SEEN_FOR

    async def pause(self, seconds: float) -> None:
        self._clear_until = 0.0
        await self.limits.pause(seconds)


class OASender:
    def __init__(
        self,
        client: OAClient,
        tokens: Tokens,
        redis: Redis,
        keys: OAKeys,
        window: Window,
        pause: FleetPause,
        rate_pause: float = RATE_PAUSE,
    ) -> None:
        self.client = client
        self.tokens = tokens
        self.redis = redis
        self.keys = keys
        self.window = window
        self.pause = pause
        self.rate_pause = rate_pause

    # -- showing replies --------------------------------------------------------------------

    async def show(self, user_id: str, replies: Sequence[Reply]) -> None:
        """Send each reply in order. Raises push.Unreachable when Zalo says the learner is out
        of the window; OAError/OAUnreachable when a message could not go."""
        for reply in joined(replies, TEXT_MAX):
            await self._deliver(user_id, reply)

    async def _deliver(self, user_id: str, reply: Reply) -> None:
        if not reply.text.strip() and not reply.buttons and reply.media is None:
            return  # only took a tapped message's buttons away: nothing to show here
        as_numbers, buttons = layout(flat(reply))
        text = unicodedata.normalize("NFC", reply.text)
        if as_numbers:
            lines = "\n".join(numbered(flat(reply)))
            text = f"{text}\n\n{lines}" if text.strip() else lines
        pieces = split_text(text, TEXT_MAX)
        last = len(pieces) - 1
        media = reply.media
        if media is not None and media.kind == "image":
            caption = pieces.pop(0) if len(pieces) == 1 else ""
            sent = await self._picture(user_id, media, caption, buttons if caption else [])
            if not sent and caption:
                pieces = [caption]  # the picture could not go: its words still do
            last = len(pieces) - 1
        for i, piece in enumerate(pieces):
            message: dict[str, Any] = {"text": piece}
            if i == last and buttons:  # the choices under the last piece
                message["attachment"] = {"type": "template", "payload": {"buttons": buttons}}
            await self._send(user_id, message)

    async def _picture(
        self, user_id: str, media: Media, caption: str, buttons: list[dict[str, str]]
    ) -> bool:
        """Send a picture (with its caption and buttons); False when it could not be had or
        Zalo refused it, so its words go alone."""
        try:
            for attempt in range(2):
                attachment = await self._attachment(media, fresh=attempt > 0)
                if attachment is None:
                    return False
                payload: dict[str, Any] = {
                    "template_type": "media",
                    "elements": [{"media_type": "image", "attachment_id": attachment}],
                }
                if buttons:
                    payload["buttons"] = buttons
                message: dict[str, Any] = {"attachment": {"type": "template", "payload": payload}}
                if caption:
                    message["text"] = caption
                try:
                    await self._send(user_id, message)
                    return True
                except OAError as exc:
                    if exc.kind is not Kind.EXPIRED or attempt:
                        raise
                    log.info("zalo oa attachment expired (%s): uploading again", exc.code)
        except OAError as exc:
            if exc.kind in (Kind.WINDOW, Kind.TOKEN, Kind.GRANT):
                raise
            log.warning("zalo oa picture %s not sent (%s): its words go alone", media.path, exc)
        finally:
            await discard(media)  # a certificate is deleted once it is uploaded (or not)
        return False

    async def _attachment(self, media: Media, fresh: bool = False) -> str | None:
        """The attachment_id of the picture: the one kept, or a new upload."""
        try:
            data = await asyncio.to_thread(Path(media.path).read_bytes)
        except OSError as exc:
            log.warning("zalo oa picture %s not read: %s", media.path, exc)
            return None
        key = self.keys.attachment(hashlib.sha1(data).hexdigest())
        if not fresh and not media.temporary:
            try:
                kept = await self.redis.get(key)
            except (RedisError, OSError):
                kept = None
            if kept:
                return text(kept)
        fitted = await asyncio.to_thread(fit_picture, data, PICTURE_MAX)
        if fitted is None:
            log.warning("zalo oa picture %s cannot be made a jpg/png under 1 MB", media.path)
            return None
        body, mime = fitted
        name = Path(media.path).with_suffix(".jpg" if mime == "image/jpeg" else ".png").name
        attachment = await self.call(lambda t: self.client.upload_image(t, name, body, mime))
        if not media.temporary:  # a certificate holds a name: never kept
            with contextlib.suppress(RedisError, OSError):
                await self.redis.set(key, attachment, ex=ATTACHMENT_FOR)
        return attachment

    async def _send(self, user_id: str, message: dict[str, Any]) -> None:
        try:
            await self.call(lambda t: self.client.send_cs(t, user_id, message))
        except OAError as exc:
            if exc.kind is Kind.WINDOW:
                await self.window.away(user_id)
                raise Unreachable(f"zalo oa {exc.code}: {exc.message}") from exc
            raise

    async def call(self, request: Any) -> Any:
        """One call with a token (refreshed once if refused), through -32 pauses."""
        for attempt in range(RATE_TRIES):
            await self.pause.wait()
            try:
                return await self.tokens.call(request)
            except OAError as exc:
                if exc.kind is not Kind.RATE or attempt == RATE_TRIES - 1:
                    raise
                log.warning("zalo oa rate limit (-32): every worker waits %gs", self.rate_pause)
                await self.pause.pause(self.rate_pause)
        raise AssertionError("unreachable")


def fit_picture(data: bytes, limit: int) -> tuple[bytes, str] | None:
    """The picture as Zalo takes it: jpg or png of at most `limit` bytes, shrunk (and made a
    JPEG) when bigger; None when it is not a picture Pillow can read."""
    from PIL import Image, UnidentifiedImageError

    try:
        opened = Image.open(io.BytesIO(data))
        kind = opened.format
    except (UnidentifiedImageError, OSError):
        return None
    if kind in ("JPEG", "PNG") and len(data) <= limit:
        return data, "image/jpeg" if kind == "JPEG" else "image/png"
    image = opened.convert("RGB")  # a JPEG has no transparency; Zalo shows it on white
    quality, scale = 85, 1.0
    for _ in range(12):
        out = io.BytesIO()
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        image.resize(size).save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() <= limit:
            return out.getvalue(), "image/jpeg"
        if quality > 60:
            quality -= 10
        else:
            scale *= 0.75
    return None
