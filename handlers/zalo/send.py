"""Showing the engine's replies on the Zalo Bot Platform.

Zalo Bot has no buttons (none in any copy of its documentation), cannot edit a message and
takes pictures only by URL, so (handlers/render.py) choices become numbered lines, text is cut
into messages of at most 2,000 characters at line breaks, a `replace` is sent as a new message,
and a picture goes as a signed link to our own server (handlers/media.py) or, where there is
none or Zalo refuses it, as its words. A number the learner types back is read by the engine
against the buttons on their screen (bot/understand.py), on whichever worker receives it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.events import Reply
from handlers.media import MediaLinks
from handlers.render import Capabilities, as_text, discard, joined, split_text
from handlers.zalo.api import ZaloApi, ZaloError, ZaloTimeout, ZaloUnreachable
from handlers.zalo.capabilities import ZALO_BOT

log = logging.getLogger(__name__)

# Seconds a drawn certificate stays for Zalo to fetch by its link, then it is deleted (it holds
# the learner's name; Telegram uploads it and deletes it at once).
FETCH_WITHIN = 120.0


class ZaloSender:
    def __init__(
        self,
        api: ZaloApi,
        capabilities: Capabilities = ZALO_BOT,
        media: MediaLinks | None = None,
    ) -> None:
        self.api = api
        self.capabilities = capabilities
        self.media = media

    async def show(self, chat: str, replies: Sequence[Reply]) -> None:
        """Send each reply in order. Raises ZaloError or ZaloUnreachable when a message cannot
        be sent. (A number the learner types back is read by the engine, against the buttons
        on their screen: nothing is kept here.)"""
        replies = joined(replies, self.capabilities.text_max)  # fewer messages, same words
        for reply in replies:
            await self._deliver(chat, reply)

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
