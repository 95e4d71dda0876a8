"""The Zalo Bot Platform adapter: updates in, engine events out, replies shown back.

Usage (see docs/zalo.md):
    ZALO_BOT_TOKEN=123:abc hocso run         long polling (pictures go as their words)
    ... ZALO_WEBHOOK_URL=https://host/zalo ZALO_WEBHOOK_SECRET=... hocso run

Only translation lives here: which update becomes which `Event` (a Zalo learner is
"zalo:<id>", a different learner from any "tg:<id>"), and how replies are shown
(send.py). A bare number typed after numbered choices picks that choice, as in the
console; any other text goes to the engine as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.config import ZaloSettings
from bot.events import DoneMark, Event, Reply
from handlers import CannotServe, Handle
from handlers.dedupe import Dedupe
from handlers.media import MediaLinks, media_key
from handlers.numbered import Choices, to_event
from handlers.ordering import Ordering
from handlers.render import Capabilities
from handlers.webhook import HealthCheck, Route, redis_check, serve_webhooks
from handlers.zalo.api import ZaloApi, ZaloError, ZaloTimeout, ZaloUnreachable
from handlers.zalo.send import ZALO_BOT, ZaloSender
from storage import metrics
from storage.redis.keys import Keys

log = logging.getLogger(__name__)

PLATFORM = "zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
POLL_TIMEOUT = 30  # seconds a long poll waits for an update (Zalo's default)
BACKOFF = 1.0  # seconds before polling again after a failure; doubles, up to a minute
TYPING_AFTER = 0.5  # seconds of deciding before the learner sees "typing..."
IN_FLIGHT = 256  # updates processed at once by one polling process
# Zalo hides what "protected" users send (its list includes people who cannot read): the bot
# gets this event with no content. They are told once a day where they can learn instead.
UNSUPPORTED = "message.unsupported.received"
UNSUPPORTED_TOLD_FOR = 86400  # seconds
HIDDEN = "🙏 Zalo ẩn tin nhắn của {you} với trợ lý tự động này, nên mình chưa đọc được.\n{where}"
HIDDEN_OA = "Mời {you} nhắn cho Zalo OA của phường để học tiếp nhé: {link}"
HIDDEN_HELPER = "Mời {you} nhờ cán bộ phường hoặc người hướng dẫn lớp giúp học tiếp nhé."


@dataclass(frozen=True)
class Incoming:
    """One message a Zalo user sent, as far as the tutor needs it."""

    id: str  # for de-duplication; "" when Zalo gave none
    user: str  # "zalo:<sender id>"
    chat: str  # where to answer
    name: str
    group: bool
    text: str | None  # None: a picture, a sticker, anything but text
    hidden: bool = False  # a protected user's message, whose content Zalo withholds


def parse_update(update: Mapping[str, Any]) -> Incoming | None:
    """The message in an update, or None for what is not a user's message. Copies of Zalo's
    docs disagree, so ids may be numbers or strings, the sender's name is `display_name`,
    `first_name` or `name`, and `date` is in milliseconds (or seconds)."""
    message = update.get("message")
    if not isinstance(message, Mapping):
        return None
    sender: Mapping[str, Any] = _mapping(message.get("from"))
    sender_id = _id(sender.get("id"))
    if not sender_id or sender.get("is_bot") is True:
        return None
    chat: Mapping[str, Any] = _mapping(message.get("chat"))
    chat_id = _id(chat.get("id")) or sender_id
    name = next(
        (str(sender[f]).strip() for f in ("display_name", "first_name", "name") if sender.get(f)),
        "",
    )
    event_name = str(update.get("event_name") or "")
    text = message.get("text")
    is_text = isinstance(text, str) and event_name in ("", "message.text.received")
    date = _id(message.get("date"))
    return Incoming(
        id=_id(message.get("message_id")) or (f"{chat_id}:{date}" if date else ""),
        user=f"{PLATFORM}:{sender_id}",
        chat=chat_id,
        name=name,
        group=str(chat.get("chat_type") or "").upper() == "GROUP",
        text=text if is_text else None,
        hidden=event_name == UNSUPPORTED,
    )


def updates_in(body: object) -> list[Mapping[str, Any]]:
    """The updates a webhook body holds: usually one bare update, but tolerate the getUpdates
    envelope ({"ok": true, "result": ...}) and a list."""
    if isinstance(body, Mapping) and body.get("ok") is True and "result" in body:
        body = body["result"]
    items = body if isinstance(body, list) else [body]
    return [u for u in items if isinstance(u, Mapping) and u]


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _id(value: object) -> str:
    """An id as text: Zalo's are strings, some copies show numbers."""
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip()


class ZaloAdapter:
    def __init__(
        self,
        settings: ZaloSettings,
        handle: Handle,
        redis: Redis,
        keys: Keys,
        media_folders: Sequence[Path] = (),
        checks: Mapping[str, HealthCheck] | None = None,
        backoff: float | None = None,
        listen: str = "127.0.0.1",
        port: int = 8080,
        oa_link: str = "",
    ) -> None:
        """`media_folders`: where pictures may be served from (lessons, certificates), at
        the origin of the webhook URL; `oa_link`: the Zalo OA learners may use instead
        (https://zalo.me/<OA id>), told to those whose messages Zalo hides from bots;
        `listen`/`port`: where the webhook server binds when this adapter runs its own."""
        self.settings = settings
        self.handle = handle  # the engine
        self.redis = redis
        self.keys = keys
        self.checks = {"redis": redis_check(redis)} if checks is None else checks
        self.backoff = BACKOFF if backoff is None else backoff
        self.listen, self.port = listen, port
        self.oa_link = oa_link
        self.bot_id = settings.token.partition(":")[0]
        self.capabilities: Capabilities = replace(ZALO_BOT, may_send_first=settings.reminders)
        self.polling = not settings.webhook_url
        self.media: MediaLinks | None = None
        if settings.webhook_url and media_folders:
            parts = urlsplit(settings.webhook_url)
            origin = f"{parts.scheme}://{parts.netloc}"
            self.media = MediaLinks(media_key(settings.token), origin, media_folders)
        self.dedupe = Dedupe(
            redis, partial(keys.update, PLATFORM, self.bot_id), single_consumer=self.polling
        )
        self.order = Ordering()
        self.running: set[asyncio.Task[None]] = set()  # updates being processed (polling)
        self.api: ZaloApi | None = None  # once serving
        self.sender: ZaloSender | None = None

    def routes(self) -> list[Route]:
        """What the webhook server must serve for this bot (nothing when polling)."""
        if self.polling:
            return []
        path = urlsplit(self.settings.webhook_url).path or "/zalo"
        webhook = Route(path, self.receive, secret=(SECRET_HEADER, self.settings.webhook_secret))
        return [webhook, *([self.media.route()] if self.media else [])]

    async def receive(self, request: web.Request) -> web.Response:
        """Webhook mode: Zalo POSTs an update. Refused (403) without the secret token;
        processed before Zalo gets its 200. One held busy by a worker that may have died gets
        503, so a platform that re-delivers tries again later."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secrets.compare_digest(given, self.settings.webhook_secret.encode()):
            return web.Response(status=403, text="forbidden")
        if self.sender is None:
            return web.Response(status=503, text="starting; try again later")
        try:
            updates = updates_in(await request.json())
        except (ValueError, RecursionError) as exc:  # nested past the reader's depth: not ours
            log.warning("zalo webhook: a body that is not JSON (%s)", type(exc).__name__)
            return web.Response(status=400, text="not JSON")
        if not updates:
            return web.Response(status=400, text="not an update")
        for update in updates:
            incoming = parse_update(update)
            if (
                incoming
                and incoming.id
                and await self.dedupe.in_progress(incoming.id, incoming.user)
            ):
                return web.Response(status=503, text="in progress elsewhere; try again later")
        for update in updates:
            await self.process(update)
        return web.Response(text="ok")

    async def process(self, update: Mapping[str, Any]) -> None:
        """One update: each conversation's in order, each message once."""
        incoming = parse_update(update)
        if incoming is None:
            log.debug("zalo update ignored: %s", update.get("event_name"))
            return
        async with self.order.turn((PLATFORM, incoming.chat)):
            seen = await self.dedupe.seen(incoming.id, incoming.user) if incoming.id else None
            if seen is not None:  # done before: what it answered then may never have gone out
                if seen.replies:
                    await self._show_again(incoming.chat, seen.replies)
                    self.dedupe.showed(incoming.id, incoming.user)
                return
            # done with the learner's save: the mark travels in the event
            mark = self.dedupe.ride(incoming.id, incoming.user) if incoming.id else None
            metrics.UPDATES.labels(PLATFORM).inc()
            try:
                with metrics.UPDATE_SECONDS.labels(PLATFORM).time():
                    await self._answer(incoming, mark)
            except (ZaloError, ZaloUnreachable) as exc:
                log.warning("could not answer %s: %s", incoming.user, exc)
            except Exception:
                log.exception("zalo update %s failed", incoming.id)
            finally:
                if incoming.id:
                    await self.dedupe.finish(incoming.id, incoming.user, mark)

    async def _show_again(self, chat: str, replies: list[Reply]) -> None:
        """The replies kept with an update's done mark, for the update delivered again."""
        assert self.sender is not None
        try:
            await self.sender.show(chat, [r for r in replies if not r.to])
        except (ZaloError, ZaloUnreachable) as exc:
            log.warning("replies of an update delivered again not shown: %s", exc)

    async def _answer(self, incoming: Incoming, mark: DoneMark | None = None) -> None:
        assert self.sender is not None
        chat, name, group = incoming.chat, incoming.name, incoming.group
        if incoming.hidden:
            return await self._hidden(incoming)
        if incoming.text is None:  # a picture, a sticker...
            event = Event(incoming.user, "other", chat=chat, name=name, group=group, numbered=True)
        else:
            # A typed number stays text: the engine reads it against the buttons on screen.
            event = to_event(incoming.text, incoming.user, Choices(), chat, name, group)
        replies = await self._decide(replace(event, done=mark), incoming.chat)
        # A reply for someone else's private chat (pair mode's note to a helper) is not shown
        # here: this adapter answers in the chat that wrote.
        await self.sender.show(incoming.chat, [r for r in replies if not r.to])

    async def _hidden(self, incoming: Incoming) -> None:
        """A protected user wrote and Zalo withholds what: say once a day where to learn."""
        assert self.sender is not None
        told = self.keys.update(PLATFORM, self.bot_id, "hidden", incoming.user)
        try:
            if not await self.redis.set(told, "1", nx=True, ex=UNSUPPORTED_TOLD_FOR):
                return  # told today already: the same words again would not help
        except (RedisError, OSError):
            pass  # better told twice than never
        where = HIDDEN_OA.format(you="bác", link=self.oa_link) if self.oa_link else ""
        text = HIDDEN.format(you="bác", where=where or HIDDEN_HELPER.format(you="bác"))
        await self.sender.show(incoming.chat, [Reply(text)])

    async def _decide(self, event: Event, chat: str) -> list[Reply]:
        """The engine's answer; "typing..." shows meanwhile if it is slow (storage lagging)."""
        deciding = asyncio.ensure_future(self.handle(event))
        done, _ = await asyncio.wait({deciding}, timeout=TYPING_AFTER)
        if not done and self.api is not None:
            with contextlib.suppress(ZaloError, ZaloUnreachable, ZaloTimeout):
                await self.api.send_chat_action(chat)
        return await deciding

    async def serve(self, stop: asyncio.Event, listening: asyncio.Event | None = None) -> None:
        """Receive updates until `stop` is set: long polling, or the webhook if configured.
        `listening`: the process's shared webhook server serves `routes()` and sets it once it
        listens; without it, this adapter runs a server of its own.

        Raises CannotServe when Zalo refuses the token or cannot be reached at start-up."""
        async with aiohttp.ClientSession() as session:
            settings = self.settings
            api = ZaloApi(session, settings.token, settings.base_url, backoff=self.backoff)
            me = await self._check_token(api)
            self.api = api
            self.sender = ZaloSender(api, self.capabilities, self.media)
            name = me.get("account_name") or me.get("id") or self.bot_id
            if self.polling:
                # getUpdates does not work while a webhook is set
                await self._start("deleteWebhook", api.delete_webhook())
                log.info("zalo %s: long polling", name)
                await self._poll(api, stop)
                return
            log.info("zalo %s: webhook %s", name, self.settings.webhook_url)
            if listening is None:
                await serve_webhooks(
                    self.routes(), self.checks, self.listen, self.port, stop, self._set_webhook
                )
                return
            await listening.wait()
            await self._set_webhook()
            await stop.wait()

    async def _check_token(self, api: ZaloApi) -> dict[str, Any]:
        try:
            return await api.get_me()
        except ZaloError as exc:
            if exc.code in (401, 403, 404):
                raise CannotServe("Zalo refused the bot token: check ZALO_BOT_TOKEN") from exc
            raise CannotServe(f"Zalo answered getMe with {exc}") from exc
        except ZaloUnreachable as exc:
            raise CannotServe(f"cannot reach Zalo at {self.settings.base_url}: {exc}") from exc

    async def _start(self, method: str, call: Awaitable[None]) -> None:
        """A start-up call: one clear line, not a traceback, when Zalo says no."""
        try:
            await call
        except (ZaloError, ZaloUnreachable) as exc:
            raise CannotServe(f"Zalo refused {method}: {exc}") from exc

    async def _set_webhook(self) -> None:
        """Tell Zalo where to post, once our server listens."""
        assert self.api is not None
        api, settings = self.api, self.settings
        await self._start(
            "setWebhook", api.set_webhook(settings.webhook_url, settings.webhook_secret)
        )

    async def _poll(self, api: ZaloApi, stop: asyncio.Event, timeout: int = POLL_TIMEOUT) -> None:
        """Long polling until `stop`; updates run as tasks (in order per chat), at most
        IN_FLIGHT at once. Failures are waited out with back-off; in-flight updates finish."""
        slots = asyncio.Semaphore(IN_FLIGHT)
        running = self.running
        stopping = asyncio.ensure_future(stop.wait())
        delay = self.backoff
        try:
            while not stop.is_set():
                poll = asyncio.ensure_future(api.get_updates(timeout))
                await asyncio.wait({poll, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not poll.done():
                    poll.cancel()  # stopping: an update in this poll, if any, is lost
                    break
                try:
                    updates = poll.result()
                except (ZaloError, ZaloUnreachable) as exc:
                    log.warning("zalo getUpdates failed (%s); again in %.1fs", exc, delay)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(asyncio.shield(stopping), delay)
                    delay = min(delay * 2, 60.0)
                    continue
                delay = self.backoff
                for update in updates:
                    await slots.acquire()
                    task = asyncio.create_task(self.process(update))
                    running.add(task)
                    task.add_done_callback(partial(_done, running, slots))
        finally:
            stopping.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)


def _done(
    running: set[asyncio.Task[None]], slots: asyncio.Semaphore, task: asyncio.Task[None]
) -> None:
    running.discard(task)
    slots.release()
