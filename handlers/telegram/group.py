"""Showing group lessons in Telegram group chats, within Telegram's 20 messages a minute.

Every message and edit to a group waits its turn under the fleet's per-group limit
(handlers/limits.py, shared through Redis), so a whole lesson never goes over it, however fast
the facilitator taps. What the engine asks for:
- `key`: the message is remembered under that name (its id, and whether it is a poll), in
  Redis, so any worker can edit it later, after a restart too;
- `edit`: that message is edited in place; a poll there is closed (its voting ends and
  Telegram shows the answer) and the reply's text follows as a new message;
- `live`: a count that changes with each tap. Edits are coalesced (at most one per message
  every `live_every` seconds, the newest text wins) and only use spare budget: when the group's
  budget is spent the count waits for the next tap or for the reveal, which shows it anyway;
- `poll`: a non-anonymous quiz poll where the question fits Telegram's limits, else the same
  question as text and buttons; the poll's id is remembered with the chat and the engine's
  tag, because a poll_answer update names neither;
- `to`: sent to that member's private chat instead (a report, a helper's note).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from collections.abc import Callable, Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError
from telegram import Bot, ChatMember, Message
from telegram import MaybeInaccessibleMessage as Tapped
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.events import Reply
from handlers.limits import PushLimits
from handlers.telegram.send import Blocked, Sender, quiz_fits, split_text
from storage.redis.keys import Keys

log = logging.getLogger(__name__)

REMEMBER = 2 * 86400  # seconds a group's named messages and polls are remembered
ADMINS_FOR = 300.0  # seconds a group's list of admins is trusted
POLL, TEXT = "p", "t"


class GroupAdmins:
    """Who administers a group, asked of Telegram once per group every few minutes (one
    getChatAdministrators call, rather than one getChatMember per tap)."""

    def __init__(
        self, bot: Bot, ttl: float = ADMINS_FOR, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.bot = bot
        self.ttl = ttl
        self.clock = clock
        self._known: dict[int, tuple[float, frozenset[int]]] = {}

    async def is_admin(self, chat_id: int, user_id: int) -> bool:
        known = self._known.get(chat_id)
        # Never read yet is not "read at 0": the monotonic clock starts near 0 when the server
        # boots, so a default of 0.0 trusted an empty list for the first five minutes.
        if known is not None and self.clock() - known[0] <= self.ttl:
            admins = known[1]
        else:
            try:
                members = await self.bot.get_chat_administrators(chat_id)
            except TelegramError as exc:  # not a member any more, or Telegram is slow
                log.info("admins of %s not read: %s", chat_id, exc)
                return False
            leading = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
            admins = frozenset(m.user.id for m in members if _status(m) in leading)
            self._known[chat_id] = (self.clock(), admins)
        return user_id in admins


def _status(member: ChatMember) -> str:
    return str(member.status)


class GroupSender:
    def __init__(
        self,
        sender: Sender,
        limits: PushLimits,
        redis: Redis,
        keys: Keys,
        bot_id: str,
        live_every: float = 3.0,
    ) -> None:
        self.sender = sender
        self.bot = sender.bot
        self.limits = limits
        self.redis = redis
        self.keys = keys
        self.bot_id = bot_id
        self.live_every = live_every
        self._pending: dict[tuple[int, str], Reply] = {}
        self._flushing: dict[tuple[int, str], asyncio.Task[None]] = {}
        self._edited_at: dict[tuple[int, str], float] = {}
        self._locks: dict[tuple[int, str], asyncio.Lock] = {}
        self._final: set[tuple[int, str]] = set()  # answered for good: no count comes back

    async def show(self, chat_id: int, replies: Sequence[Reply], tapped: Tapped | None) -> None:
        """Raises Blocked when the bot can no longer post in the group. A group that became a
        supergroup gets the rest at its new id."""
        for reply in replies:
            if reply.notice:
                continue  # toasts ride on the tap's answer
            if reply.to:
                await self.deliver_to(reply)
            elif reply.live and reply.edit:
                self._coalesce(chat_id, reply)
            else:
                try:
                    await self._show(chat_id, reply, tapped)
                except ChatMigrated as exc:
                    log.info("group %s moved to %s", chat_id, exc.new_chat_id)
                    chat_id, tapped = exc.new_chat_id, None
                    await self._show(chat_id, reply, None)
                except Forbidden as exc:
                    raise Blocked(str(exc)) from exc

    async def _show(self, chat_id: int, reply: Reply, tapped: Tapped | None) -> None:
        if reply.edit:
            named = (chat_id, reply.edit)
            self._pending.pop(named, None)  # an older count must not land after this
            self._final.add(named)
            async with self._lock(named):
                if await self._edit_named(chat_id, reply):
                    return
        elif reply.replace and await self._edit_tapped(chat_id, tapped, reply):
            return
        await self._send(chat_id, reply)

    async def _edit_tapped(self, chat_id: int, tapped: Tapped | None, reply: Reply) -> bool:
        """The tapped message becomes the reply (a menu that turns into the next screen)."""
        if not isinstance(tapped, Message) or tapped.text is None:
            return False
        if not await self._edit(chat_id, tapped.message_id, reply):
            return False
        await self._remember(chat_id, reply.key, tapped.message_id, TEXT)
        return True

    async def _send(self, chat_id: int, reply: Reply) -> None:
        if reply.key:
            self._final.discard((chat_id, reply.key))  # a new message of that name
        if reply.poll is not None and quiz_fits(reply.poll):
            await self._budget(chat_id)
            message = await self.sender.send_quiz(chat_id, reply.poll)
            await self._remember(chat_id, reply.key, message.message_id, POLL)
            if message.poll is not None:
                where = json.dumps({"chat": chat_id, "tag": reply.poll.tag})
                await self._set(self.keys.telegram_poll(self.bot_id, message.poll.id), where)
            return
        sent = await self.sender.send(chat_id, reply, before=lambda: self._budget(chat_id))
        if sent is not None:
            await self._remember(chat_id, reply.key, sent, TEXT)

    async def _edit_named(self, chat_id: int, reply: Reply) -> bool:
        """Edit the message named `reply.edit`; False when the reply must be sent instead."""
        found = await self._named(chat_id, reply.edit)
        if found is None:
            return False
        message_id, kind = found
        if kind == POLL:
            await self._budget(chat_id)
            try:
                await self.bot.stop_poll(chat_id, message_id)
            except BadRequest as exc:  # closed already, or deleted
                log.info("poll %s not stopped: %s", message_id, exc.message)
            return False
        if not await self._edit(chat_id, message_id, reply):
            return False
        await self._remember(chat_id, reply.key, message_id, TEXT)
        return True

    async def _edit(self, chat_id: int, message_id: int, reply: Reply, wait: bool = True) -> bool:
        pieces = split_text(reply.text)
        if len(pieces) != 1 or reply.media is not None:
            return False
        if wait:
            await self._budget(chat_id)
        return await self.sender.edit_text(chat_id, message_id, pieces[0], reply.buttons)

    # --- live counts -----------------------------------------------------------------------

    def _coalesce(self, chat_id: int, reply: Reply) -> None:
        named = (chat_id, reply.edit)
        if named in self._final:
            return
        self._pending[named] = reply
        if named not in self._flushing:
            self._flushing[named] = asyncio.create_task(self._flush(named))

    async def _flush(self, named: tuple[int, str]) -> None:
        chat_id, _ = named
        try:
            wait = self._edited_at.get(named, 0.0) + self.live_every - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            async with self._lock(named):
                reply = self._pending.pop(named, None)
                if reply is None or named in self._final:
                    return
                if not await self.limits.take_now(_chat(chat_id), group=True):
                    return  # no spare budget: the next count, or the reveal, shows it
                self._edited_at[named] = time.monotonic()
                found = await self._named(chat_id, reply.edit)
                if found is not None and found[1] == TEXT:
                    await self._edit(chat_id, found[0], reply, wait=False)
        except Exception:  # a count is best effort; never let it break anything
            log.exception("live count in %s not shown", chat_id)
        finally:
            self._flushing.pop(named, None)

    async def settle(self) -> None:
        """Wait for the counts being edited (tests; shutting down)."""
        while self._flushing:
            await asyncio.gather(*self._flushing.values(), return_exceptions=True)

    def _lock(self, named: tuple[int, str]) -> asyncio.Lock:
        return self._locks.setdefault(named, asyncio.Lock())

    # --- elsewhere -------------------------------------------------------------------------

    async def deliver_to(self, reply: Reply) -> None:
        """A reply for someone's private chat: a report, a helper's note."""
        platform, _, user = reply.to.partition(":")
        if platform != "tg" or not user.lstrip("-").isdigit():
            return
        await self.limits.wait(reply.to)
        try:
            await self.sender.show(int(user), [dataclasses.replace(reply, to="")], None)
        except (Blocked, Forbidden) as exc:  # never opened the bot, or blocked it
            log.info("private message to %s not delivered: %s", reply.to, exc)

    async def _budget(self, chat_id: int) -> None:
        await self.limits.wait(_chat(chat_id), group=True)

    # --- names -----------------------------------------------------------------------------

    async def _remember(self, chat_id: int, name: str, message_id: int, kind: str) -> None:
        if not name:
            return
        key = self.keys.telegram_messages(self.bot_id, chat_id)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:  # one key: no MULTI
                pipe.hset(key, name, f"{message_id}:{kind}")
                pipe.expire(key, REMEMBER)
                await pipe.execute()
        except RedisError as exc:  # a lost name costs a new message instead of an edit
            log.warning("message name %s not kept: %s", name, exc)

    async def _named(self, chat_id: int, name: str) -> tuple[int, str] | None:
        try:
            key = self.keys.telegram_messages(self.bot_id, chat_id)
            raw = await self.redis.hget(key, name)  # type: ignore[misc]  # redis-py's stub
        except RedisError as exc:
            log.warning("message name %s not read: %s", name, exc)
            return None
        if not raw:
            return None
        text = raw.decode() if isinstance(raw, bytes) else raw
        message_id, _, kind = text.partition(":")
        return int(message_id), kind

    async def _set(self, key: str, value: str) -> None:
        try:
            await self.redis.set(key, value, ex=REMEMBER)
        except RedisError as exc:
            log.warning("poll not remembered (its answers will be missed): %s", exc)

    async def poll_place(self, poll_id: str) -> tuple[int, str] | None:
        """The chat and tag of a quiz poll we sent, from its id."""
        try:
            raw = await self.redis.get(self.keys.telegram_poll(self.bot_id, poll_id))
        except RedisError as exc:
            log.warning("poll %s not looked up: %s", poll_id, exc)
            return None
        if not raw:
            return None
        found = json.loads(raw)
        return int(found["chat"]), str(found["tag"])


def _chat(chat_id: int) -> str:
    return f"tg:{chat_id}"
