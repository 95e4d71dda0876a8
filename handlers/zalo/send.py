"""Showing the engine's replies on the Zalo Bot Platform.

Zalo Bot has no buttons (none in any copy of its documentation), cannot edit a message and
takes pictures only by URL, so (handlers/render.py) choices become numbered lines, text is cut
into messages of at most 2,000 characters at line breaks, a `replace` is sent as a new message,
and a picture goes as a signed link to our own server (handlers/media.py) or, where there is
none or Zalo refuses it, as its words. The numbered choices are kept in Redis for a while, so
the number a learner types picks the right one on whichever worker receives it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.events import Button, Reply
from handlers.media import MediaLinks
from handlers.numbered import Choices, choices_after
from handlers.render import Capabilities, as_text, discard, joined, split_text
from handlers.zalo.api import TEXT_MAX, ZaloApi, ZaloError, ZaloTimeout, ZaloUnreachable
from storage.redis.keys import Keys

log = logging.getLogger(__name__)

# What the Zalo Bot Platform shows. picture_max is a guess (no limit is documented; other
# clients cap pictures at 5 MB); may_send_first follows `zalo.reminders`.
ZALO_BOT = Capabilities(
    buttons=False,
    text_max=TEXT_MAX,
    can_edit=False,
    picture_max=5 * 1024**2,
    may_send_first=False,
)
# Seconds a drawn certificate stays for Zalo to fetch by its link, then it is deleted (it holds
# the learner's name; Telegram uploads it and deletes it at once).
FETCH_WITHIN = 120.0
CHOICES_FOR = 7 * 86400  # seconds a typed number still picks from the choices last shown


class ZaloSender:
    def __init__(
        self,
        api: ZaloApi,
        redis: Redis,
        keys: Keys,
        bot_id: str,
        capabilities: Capabilities = ZALO_BOT,
        media: MediaLinks | None = None,
    ) -> None:
        self.api = api
        self.redis = redis
        self.keys = keys
        self.bot_id = bot_id
        self.capabilities = capabilities
        self.media = media

    def _key(self, chat: str) -> str:
        return self.keys.numbered("zalo", self.bot_id, chat)

    async def choices(self, chat: str) -> Choices:
        """The choices last shown in this chat (none if unknown or Redis is down)."""
        try:
            raw = await self.redis.get(self._key(chat))
        except (RedisError, OSError) as exc:
            log.warning("choices of chat %s not read: %s", chat, exc)
            return Choices()
        if not raw:
            return Choices()
        try:
            stored = json.loads(raw)
            buttons = tuple(Button("", str(p)) for p in stored["p"])
            return Choices(buttons, bool(stored.get("f")))
        except (ValueError, KeyError, TypeError):
            return Choices()

    async def show(self, chat: str, replies: Sequence[Reply]) -> None:
        """Send each reply in order; the choices they leave on screen are remembered first, so
        a learner who answers at once is understood. Raises ZaloError or ZaloUnreachable when
        a message cannot be sent."""
        replies = joined(replies, self.capabilities.text_max)  # fewer messages, same words
        await self._remember(chat, replies)
        for reply in replies:
            await self._deliver(chat, reply)

    async def _remember(self, chat: str, replies: Sequence[Reply]) -> None:
        if all(r.notice for r in replies):
            return  # a note about the last action: the choices on screen stay
        choices = choices_after(replies, Choices())
        try:
            if choices.buttons:
                stored = {"p": [b.payload for b in choices.buttons], "f": int(choices.free_text)}
                await self.redis.set(self._key(chat), json.dumps(stored), ex=CHOICES_FOR)
            else:
                await self.redis.delete(self._key(chat))  # nothing to pick; nothing kept
        except (RedisError, OSError) as exc:  # numbers then go to the engine as text
            log.warning("choices of chat %s not kept: %s", chat, exc)

    async def _deliver(self, chat: str, reply: Reply) -> None:
        if not reply.text.strip() and not reply.buttons and reply.media is None:
            return  # only took a tapped message's buttons away: nothing to show here
        pieces = split_text(as_text(reply, self.capabilities), self.capabilities.text_max)
        media = reply.media
        url = None
        if media is not None and media.kind == "image" and self.media is not None:
            url = self.media.url(media.path, self.capabilities.picture_max)
        if media is not None and url is not None:
            caption = ""
            if media.caption and len(pieces) == 1:
                caption, pieces = pieces[0], []
            try:
                await self.api.send_photo(chat, url, caption)
            except ZaloTimeout as exc:  # it may have arrived: the words would show twice
                log.warning("picture %s to %s unanswered (%s)", media.path, chat, exc)
            except (ZaloError, ZaloUnreachable) as exc:
                log.warning("picture %s not sent (%s): sending the words alone", media.path, exc)
                pieces = [caption] if caption else pieces
            await discard(media, FETCH_WITHIN)  # gone once Zalo has fetched it
        for piece in pieces:
            try:
                await self.api.send_message(chat, piece)
            except ZaloTimeout as exc:  # likely delivered; go on with the rest
                log.warning("message to %s unanswered: %s", chat, exc)
