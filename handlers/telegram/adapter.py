"""The Telegram adapter: updates in, engine events out, replies rendered back.

Usage (see docs/telegram.md):
    TELEGRAM_BOT_TOKEN=123:abc hocso run      long polling
    ... TELEGRAM_WEBHOOK_URL=https://host/telegram TELEGRAM_WEBHOOK_SECRET=... hocso run

Only translation lives here: which update becomes which `Event`, and how replies are shown
(send.py). What to teach is the engine's business. Learner state is in Redis, not in
python-telegram-bot's persistence, conversations or job queue, which live in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import replace
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from limits.aio.storage import MemoryStorage
from redis.asyncio import Redis
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    CallbackQuery,
    ChatMember,
    Message,
    Update,
)
from telegram import MaybeInaccessibleMessage as Tapped
from telegram.constants import ChatType
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)

from bot.config import TelegramSettings
from bot.events import DoneMark, Event, Reply
from bot.texts import t
from handlers import CannotServe, Handle
from handlers.dedupe import BUSY, Dedupe
from handlers.limits import PushLimits
from handlers.platform import Ticks
from handlers.telegram.capabilities import CAPABILITIES
from handlers.telegram.flow import LearnerOrder, ReplyLimiter
from handlers.telegram.group import GroupAdmins, GroupSender
from handlers.telegram.http import AiohttpRequest
from handlers.telegram.send import Blocked, Defer, Sender
from handlers.webhook import HealthCheck, Route, redis_check, serve_webhooks
from storage import metrics
from storage.redis.keys import Keys

log = logging.getLogger(__name__)

COMMANDS = (
    "start", "continue", "progress", "review", "settings", "remind", "certificate", "helper",
    "help", "stop",
)  # fmt: skip
GROUP_COMMANDS = {"lesson": "cmd_lesson", "class_report": "cmd_class_report",
                  "schedule": "cmd_group_schedule", "stop": "cmd_group_stop",
                  "help": "cmd_help"}  # fmt: skip
TICK_EVERY = 1.0  # seconds between looks for group lessons whose time is up
STOP_GRACE = 5.0  # seconds a stop waits for group messages being shown
TICK_CHATS = 16  # group chats shown their next step at once (each waits for its own budget)
BACKOFF = 1.0  # seconds before the first retry of a failed request; doubles each time
ANSWER_WITHIN = 2.0  # seconds to wait for the engine's toast before stopping the spinner bare
TOAST_MAX = 200
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = [
    Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER, Update.POLL_ANSWER
]  # fmt: skip
GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


class WebhookAnswer:
    """The Bot API lets a webhook's HTTP response carry one method call ("Making requests
    when getting updates"): a request saved, whose result we never see. So only calls whose
    result we do not need ride there: stopping a tap's spinner (answerCallbackQuery), or the
    last plain message of a reply."""

    def __init__(self) -> None:
        self.call: dict[str, object] | None = None

    def offer(self, method: str, params: dict[str, object]) -> bool:
        if self.call is not None:
            return False
        self.call = {"method": method, **params}
        return True


# Set while a webhook request is being processed (the update's handlers run in its task).
_answer: ContextVar[WebhookAnswer | None] = ContextVar("webhook_answer", default=None)


def message_event(message: Message, bot_username: str) -> Event | None:
    """The event a learner's message means; None for what is not for us."""
    user = message.from_user
    if user is None or user.is_bot:
        return None  # an anonymous group admin, a channel, another bot
    other = Event(
        user=f"tg:{user.id}",
        kind="other",
        chat=str(message.chat.id),
        group=message.chat.type in GROUPS,
        name=user.first_name or "",
        lang=user.language_code or "",
        username=user.username or "",
    )
    text = message.text
    if message.forward_origin is not None or not text:
        return other  # stickers, photos, voice, forwards...
    if text.startswith("/"):
        head, *rest = text.split(maxsplit=1)
        command, _, addressee = head[1:].partition("@")
        if addressee and addressee.lower() != bot_username.lower():
            return None  # "/start@another_bot" in a group
        argument = rest[0].strip() if rest else ""
        return replace(other, kind="command", command=command.lower(), text=argument)
    return replace(other, kind="text", text=text)


def _tap_answer(query: CallbackQuery, replies: list[Reply]) -> dict[str, object]:
    """answerCallbackQuery's parameters: the engine's notices as the tap's toast."""
    notes = "\n".join(r.text for r in replies if r.notice)[:TOAST_MAX]
    return {"callback_query_id": query.id, **({"text": notes} if notes else {})}


class TelegramAdapter:
    capabilities = CAPABILITIES

    def __init__(
        self,
        settings: TelegramSettings,
        handle: Handle,
        redis: Redis,
        keys: Keys,
        backoff: float | None = None,
        read_timeout: float = 5.0,
        checks: Mapping[str, HealthCheck] | None = None,
        media_roots: Sequence[Path] = (),
        ticks: Ticks | None = None,
        limits: PushLimits | None = None,
        tick_every: float = TICK_EVERY,
        live_every: float = 3.0,
        group_period: float = 60.0,
    ) -> None:
        """`ticks`: the engine's group timer (Engine.tick); `limits`: the fleet's flood
        limits (in this process only, when not given); `group_period`: the time in which 20
        messages may go to one group (tests shrink it to run a whole lesson quickly)."""
        self.settings = settings
        self.handle = handle  # the engine
        self.redis = redis
        self.keys = keys
        self.checks = {"redis": redis_check(redis)} if checks is None else checks
        backoff = BACKOFF if backoff is None else backoff
        builder = (
            Application.builder()
            .token(settings.token)
            .request(AiohttpRequest(read_timeout=read_timeout))
            .get_updates_request(AiohttpRequest(connection_pool_size=2, read_timeout=read_timeout))
            .concurrent_updates(LearnerOrder(256))
            .rate_limiter(ReplyLimiter(backoff=backoff, per_group=(20, group_period)))
        )
        if settings.base_url:
            builder = builder.base_url(settings.base_url)
        if settings.webhook_url:
            builder = builder.updater(None)  # our aiohttp server receives the updates
        self.application = builder.build()
        # The token starts with the bot's id: known before Telegram is asked anything.
        self.bot_id = settings.token.partition(":")[0]
        self.sender = Sender(self.application.bot, redis, keys, self.bot_id, media_roots)
        # Group lessons (handlers/telegram/group.py): every group message under the limits.
        limits = limits or PushLimits(MemoryStorage(), redis, keys.prefix)
        self.groups = GroupSender(self.sender, limits, redis, keys, self.bot_id, live_every)
        self.admins = GroupAdmins(self.application.bot)
        self.ticks = ticks
        self.tick_every = tick_every
        self.tick_gate = asyncio.Semaphore(TICK_CHATS)
        self.polling = not settings.webhook_url
        # Long polling has one consumer; with a webhook, other workers may hold an update.
        self.dedupe = Dedupe(
            redis, partial(keys.update, "tg", self.bot_id), single_consumer=self.polling
        )
        # update_id -> its done mark, from `skip_repeats` to the event and to `mark_done`
        self.marks: dict[int, DoneMark] = {}
        # update_id -> the replies kept with its done mark, for an update delivered again:
        # shown again as they were, the engine not asked (handlers/dedupe.py `seen`)
        self.replays: dict[int, list[Reply]] = {}
        add = self.application.add_handler
        add(TypeHandler(Update, self.skip_repeats), group=-1)
        add(TypeHandler(Update, self.mark_done), group=1)
        add(CallbackQueryHandler(self.on_tap))
        add(ChatMemberHandler(self.on_member_change, ChatMemberHandler.MY_CHAT_MEMBER))
        add(PollAnswerHandler(self.on_poll_answer))
        add(MessageHandler(filters.StatusUpdate.MIGRATE, self.on_migrate))
        add(
            MessageHandler(filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, self.on_message)
        )
        self.application.add_error_handler(self.on_error)

    async def skip_repeats(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Telegram re-delivers after failures: each update_id is processed once. (A webhook
        update was claimed already, by `receive`.) Its done mark rides in the learner's save."""
        user = _sender(update)
        if self.polling:
            seen = await self.dedupe.seen(update.update_id, user)
            if seen is not None and not seen.replies:
                raise ApplicationHandlerStop
            if seen is not None:
                self.replays[update.update_id] = seen.replies
        metrics.UPDATES.labels("tg").inc()
        if update.update_id in self.replays:
            return  # done before: its mark is written already
        if mark := self.dedupe.ride(update.update_id, user):
            self.marks[update.update_id] = mark  # for the event the handlers make of it

    async def mark_done(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs after the handlers: this update_id is finished."""
        if self.replays.pop(update.update_id, None) is not None:
            # a replay: its mark (with the replies, should it come again) stays
            self.dedupe.showed(update.update_id, _sender(update))
            return
        mark = self.marks.pop(update.update_id, None)
        await self.dedupe.finish(update.update_id, _sender(update), mark)

    async def receive(self, request: web.Request) -> web.Response:
        """Webhook mode: Telegram POSTs an update. Refused (403) without the secret token;
        processed before Telegram gets its 200, so a crash mid-way means it is sent again.
        One held busy by a worker that may have died gets 503: Telegram tries again later."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secrets.compare_digest(given, self.settings.webhook_secret.encode()):
            return web.Response(status=403, text="forbidden")
        if not self.application.running:  # a shared server may listen before we are ready
            return web.Response(status=503, text="starting; try again later")
        try:
            update = Update.de_json(await request.json(), self.application.bot)
        except Exception:  # noqa: BLE001  (not JSON, too big, or not an update)
            return web.Response(status=400, text="not an update")
        seen = await self.dedupe.seen(update.update_id, _sender(update))
        if seen is not None and seen.state == BUSY:
            return web.Response(status=503, text="in progress elsewhere; try again later")
        if seen is not None and not seen.replies:
            return web.Response(text="ok")  # done before: Telegram may forget it
        if seen is not None:  # done, but perhaps never shown: its replies go out again
            self.replays[update.update_id] = seen.replies
        answer = WebhookAnswer()
        token = _answer.set(answer)
        try:
            processor = self.application.update_processor
            with metrics.UPDATE_SECONDS.labels("tg").time():
                await processor.process_update(update, self.application.process_update(update))
        finally:
            _answer.reset(token)
            self.replays.pop(update.update_id, None)
        if answer.call is not None:
            return web.json_response(answer.call)
        return web.Response(text="ok")

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A learner wrote something: text, a /command, or anything else."""
        message = update.message
        assert message is not None
        event = message_event(message, context.bot.username)
        if event is not None:
            event = replace(event, done=self.marks.get(update.update_id))
        if event is not None and event.group and event.kind == "command" and message.from_user:
            admin = await self.admins.is_admin(message.chat.id, message.from_user.id)
            event = replace(event, admin=admin)  # may they lead a group lesson?
        if event is not None:
            answer = _answer.get()
            # In a group a 403 or a migration must be seen: the reply goes as a request.
            defer = answer.offer if answer is not None and not event.group else None
            replies = await self.decide(update, event)
            await self.show(event, replies, message.chat.id, defer=defer)

    async def on_tap(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A learner tapped a button: stop the spinner first, then show what follows."""
        query = update.callback_query
        assert query is not None
        if query.data is None or query.message is None:
            await self._answer(query, None)  # a game or inline button: not ours
            return
        chat = query.message.chat
        event = Event(
            user=f"tg:{query.from_user.id}",
            kind="button",
            payload=query.data,
            chat=str(chat.id),
            group=chat.type in GROUPS,
            name=query.from_user.first_name or "",
            lang=query.from_user.language_code or "",
            username=query.from_user.username or "",
            done=self.marks.get(update.update_id),
        )

        async def decide() -> list[Reply]:
            tap = event
            if tap.group:  # may this member lead the group's lesson? (admins are cached)
                tap = replace(tap, admin=await self.admins.is_admin(chat.id, query.from_user.id))
            return await self.decide(update, tap)

        # The engine decides in milliseconds; its toast (a notice) rides on the answer. If
        # storage is slow, the spinner stops anyway and the decision is shown when ready.
        deciding = asyncio.ensure_future(decide())
        done, _pending = await asyncio.wait({deciding}, timeout=ANSWER_WITHIN)
        replies = deciding.result() if done else None
        answer = _answer.get()
        if answer is not None and replies is not None:
            # Webhook: the answer rides in the HTTP response, after what is shown.
            try:
                await self.show(
                    event, [r for r in replies if not r.notice], chat.id, query.message
                )
            finally:
                answer.offer("answerCallbackQuery", _tap_answer(query, replies))
            return
        await self._answer(query, replies)
        if replies is None:
            replies = await deciding
        shown = [r for r in replies if not r.notice]
        await self.show(event, shown, chat.id, tapped=query.message)

    async def _answer(self, query: CallbackQuery, replies: list[Reply] | None) -> None:
        try:  # (answered as JSON, like every reply: see Sender.call)
            await self.sender.call("answerCallbackQuery", _tap_answer(query, replies or []))
        except BadRequest as exc:  # too old to answer: the learner moved on
            log.info("callback query not answered: %s", exc.message)

    async def on_member_change(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A learner blocked the bot in their private chat: send them nothing more. The bot
        was taken out of a group: its lesson ends, keeping every answer given."""
        change = update.my_chat_member
        assert change is not None
        private = change.chat.type == ChatType.PRIVATE
        if private and change.new_chat_member.status == ChatMember.BANNED:
            await self.handle(Event(f"tg:{change.from_user.id}", "blocked"))
        gone = (ChatMember.BANNED, ChatMember.LEFT)
        if change.chat.type in GROUPS and change.new_chat_member.status in gone:
            chat = str(change.chat.id)
            await self.handle(Event(f"tg:{change.from_user.id}", "blocked", chat=chat, group=True))

    async def on_migrate(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup: Telegram names it anew and says so in both chats.
        Its lesson and class time go with it (the second notice finds nothing to move)."""
        message = update.effective_message
        if message is None or message.from_user is None:
            return
        old, new = message.migrate_from_chat_id, message.chat.id
        if message.migrate_to_chat_id:
            old, new = message.chat.id, message.migrate_to_chat_id
        if old:
            user = f"tg:{message.from_user.id}"
            await self.handle(Event(user, "moved", chat=str(old), payload=str(new), group=True))

    async def on_poll_answer(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A member voted in a group lesson's quiz poll: the update names the poll and the
        member, not the chat, which we remembered when sending it."""
        answer = update.poll_answer
        assert answer is not None
        if answer.user is None:
            return  # voted as a chat (an anonymous admin): no member to count
        place = await self.groups.poll_place(answer.poll_id)
        if place is None:
            return  # not ours, or too old
        chat_id, tag = place
        event = Event(
            user=f"tg:{answer.user.id}",
            kind="poll",
            payload=tag,
            chat=str(chat_id),
            group=True,
            name=answer.user.first_name or "",
            poll=answer.poll_id,
            options=tuple(answer.option_ids),
            done=self.marks.get(update.update_id),
        )
        await self.show(event, await self.decide(update, event), chat_id)

    async def decide(self, update: Update, event: Event) -> list[Reply]:
        """The engine's replies to `event`; for an update done before, those it gave then."""
        replayed = self.replays.get(update.update_id)
        return list(replayed) if replayed is not None else await self.handle(event)

    async def show(
        self,
        event: Event,
        replies: list[Reply],
        chat_id: int,
        tapped: Tapped | None = None,
        defer: Defer | None = None,
    ) -> None:
        try:
            if event.group:
                await self.groups.show(chat_id, replies, tapped)
                return
            await self.sender.show(chat_id, [r for r in replies if not r.to], tapped, defer)
            for reply in replies:
                if reply.to:  # a helper's note (pair mode)
                    await self.groups.deliver_to(reply)
        except Blocked:
            if not event.group:
                log.info("%s blocked the bot: marked inactive", event.user)
                await self.handle(Event(event.user, "blocked"))
            else:  # taken out of the group while we did not hear it: nothing more goes there
                log.info("group %s is closed to the bot", chat_id)
                await self.handle(Event("", "blocked", chat=f"tg:{chat_id}", group=True))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log what went wrong; the learner's next message starts afresh."""
        log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)

    async def _set_webhook(self) -> None:
        """Tell Telegram where to post, once our server listens."""
        await self.application.bot.set_webhook(
            self.settings.webhook_url,
            secret_token=self.settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
            # Telegram's default 40 connections cap a busy bot at 40 / (time per update);
            # 100 is the most it allows (docs/deploy.md).
            max_connections=100,
        )

    async def set_commands(self) -> None:
        """The "/" menu, in Vietnamese (the default) and English; groups get their own."""
        groups = BotCommandScopeAllGroupChats()
        for lang, code in (("vi", None), ("vi", "vi"), ("en", "en")):
            commands = [BotCommand(c, t(lang, f"cmd_{c}")) for c in COMMANDS]
            in_groups = [BotCommand(c, t(lang, key)) for c, key in GROUP_COMMANDS.items()]
            try:
                await self.application.bot.set_my_commands(commands, language_code=code)
                await self.application.bot.set_my_commands(
                    in_groups, scope=groups, language_code=code
                )
            except TelegramError as exc:  # the menu is a convenience; the bot works without
                log.warning("command menu (%s) not set: %s", code or "default", exc)

    async def tick(self) -> None:
        """Once: group lessons whose time is up move on, and class reminders go out, shown in
        their chats side by side: each chat waits for its own budget (20 messages a minute),
        so a busy group never holds back another group's lesson."""
        if self.ticks is None:
            return
        due: list[tuple[int, list[Reply]]] = []
        for chat, replies in await self.ticks("tg"):
            platform, _, chat_id = chat.partition(":")
            if platform == "tg" and replies:
                due.append((int(chat_id), replies))
        shown = await asyncio.gather(*(self._show_due(*d) for d in due), return_exceptions=True)
        for (group, _), result in zip(due, shown, strict=True):
            if isinstance(result, Exception):
                log.error("group %s not shown its next step", group, exc_info=result)

    async def _show_due(self, chat_id: int, replies: list[Reply]) -> None:
        async with self.tick_gate:
            await self.show(Event("", "push", chat=str(chat_id), group=True), replies, chat_id)

    async def _ticking(self, stop: asyncio.Event) -> None:
        """The timer of group lessons, in every worker: the chat's stored state decides, so
        two workers looking at once move a lesson on once."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:  # the next look tries again
                log.exception("group lessons not moved on")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.tick_every)

    def routes(self) -> list[Route]:
        """What the webhook server must serve for this bot (nothing when polling)."""
        if not self.settings.webhook_url:
            return []
        path = urlsplit(self.settings.webhook_url).path or "/telegram"
        return [Route(path, self.receive, secret=(SECRET_HEADER, self.settings.webhook_secret))]

    async def serve(
        self,
        stop: asyncio.Event,
        poll_timeout: float = 10,
        listening: asyncio.Event | None = None,
    ) -> None:
        """Receive updates until `stop` is set: long polling, or the webhook if configured.
        `listening`: the process's shared webhook server serves `routes()` and sets it once it
        listens; without it, the adapter runs a server of its own.

        Raises CannotServe when Telegram refuses the token or cannot be reached at start-up."""
        try:
            await self._serve(stop, poll_timeout, listening)
        except InvalidToken as exc:
            raise CannotServe("Telegram refused the bot token: check TELEGRAM_BOT_TOKEN") from exc
        except NetworkError as exc:  # at start-up (getMe, setWebhook); later ones are retried
            where = self.settings.base_url or "api.telegram.org"
            raise CannotServe(f"cannot reach Telegram at {where}: {exc}") from exc

    async def _serve(
        self, stop: asyncio.Event, poll_timeout: float, listening: asyncio.Event | None
    ) -> None:
        settings = self.settings
        async with self.application:
            await self.set_commands()
            ticking = asyncio.create_task(self._ticking(stop))
            username = self.application.bot.username
            if settings.webhook_url and listening is not None:
                await self.application.start()
                log.info("@%s: webhook %s", username, settings.webhook_url)
                await listening.wait()
                await self._set_webhook()
                await stop.wait()
            elif settings.webhook_url:
                await self.application.start()
                log.info("@%s: webhook %s", username, settings.webhook_url)
                await serve_webhooks(
                    self.routes(),
                    self.checks,
                    settings.listen,
                    settings.port,
                    stop,
                    ready=self._set_webhook,
                )
            else:
                assert self.application.updater is not None
                await self.application.updater.start_polling(
                    timeout=int(poll_timeout), allowed_updates=ALLOWED_UPDATES
                )
                await self.application.start()
                log.info("@%s: long polling", username)
                await stop.wait()
                await self.application.updater.stop()
            # A group out of budget may wait most of a minute for its turn: stopping waits
            # a few seconds for it, then leaves it (as a crash would; the lesson resumes).
            try:
                await asyncio.wait_for(ticking, STOP_GRACE)
            except TimeoutError:
                log.warning("stopped while group messages waited for their budget")
            await self.groups.settle()
            await self.application.stop()


def _sender(update: Update) -> str:
    """The learner an update came from, as the engine names them ("" if from nobody)."""
    user = update.effective_user
    return f"tg:{user.id}" if user is not None else ""
