"""Showing the engine's replies in Telegram.

Text goes out in HTML parse mode with every string escaped (engine text is plain and may
hold what a learner typed), split at line breaks under Telegram's limits. Buttons become
inline keyboards, row for row. `replace` edits the tapped message, so its buttons vanish;
when a tap brings a new keyboard, the tapped one is removed too: only the latest keyboard is
live. Lesson pictures and sounds are uploaded once; Telegram's file_id is kept in Redis.
A reply offering a `poll` is sent as a quiz poll where it fits Telegram's limits (group
lessons, handlers/telegram/group.py), else as its text and buttons.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import html
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram import MaybeInaccessibleMessage as Tapped
from telegram import Poll as TgPoll
from telegram.constants import MessageLimit, ParseMode, PollLimit
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, TimedOut

from bot.events import Button, Media, Poll, Reply
from handlers import render
from handlers.render import units
from handlers.telegram.capabilities import CAPABILITIES
from storage.redis.keys import Keys

log = logging.getLogger(__name__)

TEXT_MAX = CAPABILITIES.text_max
CAPTION_MAX = MessageLimit.CAPTION_LENGTH  # 1024
VOICE_SUFFIXES = {".ogg", ".oga", ".opus"}  # Telegram plays these as voice notes
Before = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    """No wait before sending."""


def quiz_fits(poll: Poll) -> bool:
    """Telegram's limits for a quiz poll: question 300 characters, options 100 (2 to 10 of
    them), explanation 200 with at most 2 line breaks. Else the question goes as buttons."""
    return (
        1 <= len(poll.question) <= PollLimit.MAX_QUESTION_LENGTH
        and 2 <= len(poll.options) <= 10
        and all(1 <= len(o) <= PollLimit.MAX_OPTION_LENGTH for o in poll.options)
        and 0 <= poll.correct < len(poll.options)
        and len(poll.explanation) <= PollLimit.MAX_EXPLANATION_LENGTH
        and poll.explanation.count("\n") <= PollLimit.MAX_EXPLANATION_LINE_FEEDS
    )


def split_text(text: str, limit: int = TEXT_MAX) -> list[str]:
    """Pieces of at most `limit` UTF-16 units: cut at line breaks, else spaces, else anywhere."""
    return render.split_text(text, limit)


def escape(text: str) -> str:
    return html.escape(text, quote=False)


Rows = Sequence[Sequence[Button]]


def keyboard(rows: Rows) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.payload) for b in row] for row in rows]
    )


# Offers one Bot API call (method, parameters) to ride in the webhook's HTTP response; True
# if taken (then it is not sent separately, and its result is never known).
Defer = Callable[[str, dict[str, object]], bool]


class Blocked(Exception):
    """The learner blocked the bot (Telegram answered 403): stop sending to them."""


class Sender:
    def __init__(
        self,
        bot: Bot,
        redis: Redis,
        keys: Keys,
        bot_id: str,
        media_roots: Sequence[Path] = (),
        send_options: Mapping[str, object] | None = None,
    ) -> None:
        """`send_options`: added to every message sent (`allow_paid_broadcast`, for pushes)."""
        self.bot = bot
        self.send_options = dict(send_options or {})
        self.redis = redis
        self.keys = keys
        self.bot_id = bot_id  # file_ids are valid for one bot only
        # Only files under these folders are ever uploaded (lessons, drawn certificates).
        self.media_roots = tuple(Path(r).resolve() for r in media_roots)

    async def show(
        self,
        chat_id: int,
        replies: Sequence[Reply],
        tapped: Tapped | None,
        defer: Defer | None = None,
    ) -> None:
        """Send (or, for `replace`, edit into the tapped message) each reply in order.

        `defer`: the very last message, when it is plain text, may ride in the webhook's
        answer instead of a request of its own. Raises Blocked on a 403. A group that became
        a supergroup gets the rest of the replies at its new id.
        """
        replies = render.joined(replies, TEXT_MAX)
        spent = tapped is None  # the tapped message's keyboard is used up
        new_keyboard = False
        try:
            for i, reply in enumerate(replies):
                last = defer if i == len(replies) - 1 and tapped is None else None
                try:
                    edited = await self._deliver(chat_id, reply, None if spent else tapped, last)
                except ChatMigrated as exc:
                    log.info("chat %s moved to %s", chat_id, exc.new_chat_id)
                    chat_id = exc.new_chat_id
                    edited = await self._deliver(chat_id, reply, None)
                spent = spent or edited
                new_keyboard = new_keyboard or bool(reply.buttons)
            if tapped is not None and not spent and new_keyboard:
                await self._drop_keyboard(tapped)
        except Forbidden as exc:
            raise Blocked(str(exc)) from exc

    async def _deliver(
        self, chat_id: int, reply: Reply, tapped: Tapped | None, defer: Defer | None = None
    ) -> bool:
        """Show one reply; True if the tapped message's keyboard is gone (edited or removed)."""
        if reply.replace and tapped is not None:
            if await self._edit(tapped, reply):
                return True
            await self._drop_keyboard(tapped)
            await self._deliver(chat_id, dataclasses.replace(reply, replace=False), None)
            return True
        await self.send(chat_id, reply, defer=defer)
        return False

    async def send(
        self,
        chat_id: int,
        reply: Reply,
        before: Before | None = None,
        defer: Defer | None = None,
    ) -> int | None:
        """Send one reply as new message(s); returns the id of the last one sent (what a
        later edit changes; None when it was deferred or not sent). `before` is awaited
        ahead of each message (a group's flood limit)."""
        before = before or _nothing
        pieces = split_text(reply.text)
        last_sent: int | None = None
        if reply.media is not None:
            caption = ""
            if reply.media.caption and len(pieces) == 1 and units(pieces[0]) <= CAPTION_MAX:
                caption, pieces = pieces[0], []
            media = reply.media
            await before()
            try:
                last_sent = await self._send_media(
                    chat_id,
                    Path(media.path),
                    media.kind,
                    caption,
                    reply.buttons,
                    not pieces,
                    media,
                )
            except TimedOut:
                raise  # it may have arrived: sending the words as well could show them twice
            except NetworkError as exc:  # refused (size, voice messages forbidden, ...)
                log.warning("%s not sent (%s): sending the words alone", media.path, exc)
                last_sent = None
            finally:
                await render.discard(media)  # uploaded (or refused): nobody keeps a copy
            if last_sent is None and caption:
                pieces = [caption]  # the file is missing: the words still go out
            elif last_sent is not None and not pieces:
                return last_sent
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            params = _message(chat_id, piece, reply.buttons if last else ())
            if last and defer is not None and defer("sendMessage", params):
                return None
            await before()
            sent = await self.call("sendMessage", {**params, **self.send_options})
            last_sent = sent["message_id"]
        return last_sent

    async def call(self, method: str, params: Mapping[str, object]) -> Any:
        """One Bot API call through PTB's request path (its rate limiter, its errors), its
        answer kept as JSON. PTB's own methods build a `Message` from every answer: 0.1 ms
        each, a sixth of a lesson step's CPU (docs/benchmarks.md), for an answer we only need
        the id of, if that. `_post` is the one method all of PTB's own calls go through."""
        return await self.bot._post(method, dict(params))

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, buttons: Rows = ()
    ) -> bool:
        """Change a message's words (and buttons); False when Telegram refused."""
        try:
            await self.call(
                "editMessageText",
                {**_message(chat_id, text, buttons), "message_id": message_id},
            )
        except BadRequest as exc:
            if "not modified" in exc.message:
                return True
            log.info("could not edit message %s: %s", message_id, exc.message)
            return False
        return True

    async def send_quiz(self, chat_id: int, poll: Poll) -> Message:
        """A non-anonymous quiz poll (check `quiz_fits` first): members answer natively and
        each vote comes back as a poll_answer update naming the member."""
        return await self.bot.send_poll(
            chat_id,
            poll.question,
            list(poll.options),
            is_anonymous=False,
            type=TgPoll.QUIZ,
            correct_option_ids=[poll.correct],  # type: ignore[list-item]
            allows_revoting=False,  # one answer each: the first one counts
            explanation=poll.explanation,
            reply_markup=keyboard(poll.buttons),
        )

    async def _edit(self, tapped: Tapped, reply: Reply) -> bool:
        pieces = split_text(reply.text)
        if not isinstance(tapped, Message) or tapped.text is None or len(pieces) != 1:
            return False  # a photo, a message we cannot see, or too long: send instead
        return await self.edit_text(tapped.chat.id, tapped.message_id, pieces[0], reply.buttons)

    async def _drop_keyboard(self, tapped: Tapped) -> None:
        try:
            params = {"chat_id": tapped.chat.id, "message_id": tapped.message_id}
            await self.call("editMessageReplyMarkup", params)
        except BadRequest as exc:  # already gone or too old: nothing to remove
            log.debug("keyboard of %s not removed: %s", tapped.message_id, exc.message)

    async def _send_media(
        self,
        chat_id: int,
        path: Path,
        kind: str,
        caption: str,
        buttons: Rows,
        with_markup: bool,
        media: Media,
    ) -> int | None:
        """Send a picture or a sound, by cached file_id when Telegram already has it."""
        resolved = path.resolve()
        if self.media_roots and not any(resolved.is_relative_to(r) for r in self.media_roots):
            log.error("refused to upload %s: outside the lessons and data folders", path)
            return None
        try:
            stamp = (await asyncio.to_thread(path.stat)).st_mtime_ns
        except OSError:
            log.warning("lesson file missing: %s", path)
            return None
        digest = hashlib.sha1(f"{path}:{stamp}".encode()).hexdigest()
        key = self.keys.telegram_file(self.bot_id, digest)
        send: Callable[..., Awaitable[Message]]
        if kind == "image":
            send = self.bot.send_photo
        elif path.suffix.lower() in VOICE_SUFFIXES:
            send = self.bot.send_voice
        else:
            send = self.bot.send_audio
        options: dict[str, Any] = {
            "caption": escape(caption) or None,
            "parse_mode": ParseMode.HTML,
            "reply_markup": keyboard(buttons) if with_markup else None,
            **self.send_options,
        }
        cached = None if media.temporary else await self.redis.get(key)
        if cached:
            file_id = cached.decode() if isinstance(cached, bytes) else cached
            try:
                return (await send(chat_id, file_id, **options)).message_id
            except BadRequest as exc:
                if "file" not in exc.message.lower():
                    raise  # refused for another reason: uploading again would not help
                log.info("cached file_id for %s refused: %s", path, exc.message)
        data = await asyncio.to_thread(path.read_bytes)  # never block the loop on the disk
        message = await send(chat_id, data, filename=path.name, **options)
        attachment = message.photo[-1] if message.photo else (message.voice or message.audio)
        if attachment is not None and not media.temporary:
            try:
                await self.redis.set(key, attachment.file_id)
            except Exception as exc:  # noqa: BLE001  (a lost cache entry costs one upload)
                log.warning("file_id not cached: %s", exc)
        return message.message_id


def _message(chat_id: int, text: str, buttons: Rows) -> dict[str, object]:
    """sendMessage's parameters as JSON (a request, or the webhook's answer)."""
    params: dict[str, object] = {"chat_id": chat_id, "text": escape(text), "parse_mode": "HTML"}
    if buttons:
        params["reply_markup"] = markup_json(buttons)
    return params


def markup_json(rows: Rows) -> dict[str, object]:
    """An inline keyboard as the Bot API takes it, without building PTB's objects for it."""
    keys = [[{"text": b.label, "callback_data": b.payload} for b in row] for row in rows]
    return {"inline_keyboard": keys}
