"""The Zalo Official Account adapter: webhook events in, engine events out, replies shown back.

Usage (see docs/zalo-oa.md):
    ZALO_OA_APP_ID=... ZALO_OA_APP_SECRET=... ZALO_OA_SECRET_KEY=... ZALO_OA_ID=... hocso run
    (Zalo posts to https://<host>/zalo-oa; tokens come from `hocso zalo-oa connect`)

Only translation lives here. A Zalo OA learner is "zoa:<the OA-scoped user id>", a different
learner from any "zalo:" (Zalo Bot) or "tg:" one. A tap arrives as a text carrying the
button's payload (send.py `tapped`); a typed number picks a numbered choice; any other text
goes to the engine as it is. `follow` greets, `unfollow` stops all messages, receipts and
the OA's own echoes are ignored.

The webhook answers Zalo at once: it checks the signature, keeps the event in Redis
(inbox.py), answers 200 and processes it; if this worker dies, another one's sweep takes
the event when its lease runs out. Each event is processed once (handlers/dedupe.py, by
msg_id), however often Zalo re-delivers it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

import aiohttp
import orjson
from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.events import DoneMark, Event, Reply
from handlers import Handle
from handlers.dedupe import BUSY, DONE, Dedupe
from handlers.limits import PushLimits
from handlers.numbered import Choices, to_event
from handlers.ordering import Ordering
from handlers.push import Unreachable
from handlers.render import Capabilities
from handlers.webhook import HealthCheck, Route, redis_check, serve_webhooks
from handlers.zalo_oa.api import OAClient, OAError, OAUnreachable
from handlers.zalo_oa.capabilities import OA
from handlers.zalo_oa.inbox import LEASE, Inbox
from handlers.zalo_oa.keys import PLATFORM, OAKeys
from handlers.zalo_oa.send import RATE_PAUSE, FleetPause, OASender, tapped
from handlers.zalo_oa.settings import PATH, ZaloOASettings
from handlers.zalo_oa.tokens import CONNECT, LOST_RECHECK, GrantLost, Tokens
from handlers.zalo_oa.webhook import RETRY, SIGNATURE, OAEvent, parse, probe, signed
from handlers.zalo_oa.window import Window
from storage.redis.keys import Keys

log = logging.getLogger(__name__)

SWEEP_EVERY = 1.0  # seconds between looks for events a dead worker left
IN_FLIGHT = 256  # events processed at once by one worker


class ZaloOAAdapter:
    platform = PLATFORM
    capabilities: Capabilities = OA

    def __init__(
        self,
        settings: ZaloOASettings,
        handle: Handle,
        redis: Redis,
        keys: Keys,
        limits: PushLimits | None = None,
        checks: Mapping[str, HealthCheck] | None = None,
        listen: str = "127.0.0.1",
        port: int = 8080,
        lease: float = LEASE,
        sweep_every: float = SWEEP_EVERY,
        rate_pause: float = RATE_PAUSE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`limits`: the fleet's shared pause (-32 waits like Telegram's 429); `listen`/
        `port`: where the webhook server binds when this adapter runs its own (the OA is
        the only platform); `lease`: seconds before an event a worker took is taken again."""
        self.settings = settings
        self.handle = handle  # the engine
        self.redis = redis
        self.oa_keys = OAKeys(keys, settings.oa_id)
        self.limits = limits or PushLimits.for_redis(redis, "", keys.prefix)
        self.listen, self.port = listen, port
        self.sweep_every = sweep_every
        self.lost_recheck = LOST_RECHECK  # seconds an event waits while the grant is lost
        self.rate_pause = rate_pause
        self.clock = clock
        self.inbox = Inbox(redis, self.oa_keys, lease)
        self.window = Window(redis, self.oa_keys, settings.paid_window)
        self.dedupe = Dedupe(redis, self.oa_keys.update, False, busy_for=max(1, int(lease)))
        self.checks = dict(checks) if checks is not None else {"redis": redis_check(redis)}
        self.checks.setdefault("zalo_oa", self.health)
        self.order = Ordering()
        self.running: set[asyncio.Task[None]] = set()
        self.slots = asyncio.Semaphore(IN_FLIGHT)
        self.tokens: Tokens | None = None  # once serving
        self.sender: OASender | None = None

    def routes(self) -> list[Route]:
        return [Route(PATH, self.receive), Route(PATH, self.answer_get, "GET")]

    async def health(self) -> Mapping[str, object]:
        """Unhealthy while the OA's grant is lost: no learner can be answered."""
        if await self.redis.get(self.oa_keys.lost):
            return {"ok": False, "grant": "lost", "fix": CONNECT}
        return {"ok": True}

    async def answer_get(self, _: web.Request) -> web.Response:
        return web.Response(text="ok")  # some consoles check the URL with a GET

    async def receive(self, request: web.Request) -> web.Response:
        """Zalo POSTs an event. The unsigned probe gets 200 and nothing else; a missing or
        wrong signature 401 and nothing else; an event is kept in Redis, then answered 200
        (503 when it cannot be kept: Zalo delivers it again later)."""
        raw = await request.read()
        header = request.headers.get(SIGNATURE, "")
        if not header and probe(raw):
            return web.Response(text="ok")
        settings = self.settings
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = None
        if not signed(raw, body, header, settings.app_id, settings.oa_id, settings.secret_key):
            return web.Response(status=401)
        if self.sender is None:
            return web.Response(status=503, text="starting; try again later")
        event = parse(body, settings.oa_id)
        if event.kind == "ignore":
            return web.Response(text="ok")
        if retry := request.headers.get(RETRY):
            log.info("zalo oa re-delivered %s (num_retry %s)", event.name, retry)
        now = self.clock()
        wrote = event.kind != "unfollow"  # anything else opens the interaction window again
        try:
            new, lost = await self.inbox.put(
                event.key,
                raw,
                now,
                event.user_id if wrote else "",
                event.when or now,
                self.lost_recheck,
            )
        except (RedisError, OSError) as exc:
            log.warning("zalo oa event not kept (%s): Zalo will deliver it again", exc)
            return web.Response(status=503, text="try again later")
        if new and not lost:  # while the grant is lost it waits in the inbox
            self._start(event.key, event)
        return web.Response(text="ok")

    def _start(self, key: str, event: OAEvent | str) -> None:
        """Process a kept event (as parsed at once, or its body as a sweep took it)."""
        task = asyncio.create_task(self._process(key, event))
        self.running.add(task)
        task.add_done_callback(self.running.discard)

    async def _process(self, key: str, event: OAEvent | str) -> None:
        """One kept event, in order per learner, once."""
        async with self.slots:
            if isinstance(event, str):
                try:
                    event = parse(orjson.loads(event), self.settings.oa_id)
                except orjson.JSONDecodeError:
                    event = OAEvent("ignore", "")
            if event.kind == "ignore":
                await self.inbox.done(key)
                return
            user = f"{PLATFORM}:{event.user_id}"
            async with self.order.turn((PLATFORM, event.user_id)):
                await self._once(key, event, user)

    async def _once(self, key: str, event: OAEvent, user: str) -> None:
        try:
            seen = await self.dedupe.seen(event.key, user)
            if seen is not None and seen.state == BUSY:
                await self.inbox.later(key, self.clock(), self.inbox.lease)
        except (RedisError, OSError) as exc:
            log.warning("zalo oa event left for later: %s", exc)
            return  # its lease runs out; a sweep takes it again
        if seen is not None and seen.state == DONE:
            if seen.replies:  # stored, but the worker may have died before showing them
                await self._show_again(event.user_id, seen.replies)
                self.dedupe.showed(event.key, user)
            with contextlib.suppress(RedisError, OSError):  # else its lease ends: taken again
                await self.inbox.done(key)
        if seen is not None:
            return
        mark = self.dedupe.ride(event.key, user)  # done with the learner's save
        try:
            await self._answer(event, user, mark)
        except Unreachable as exc:
            log.info("zalo oa learner out of reach: %s", exc)
        except GrantLost:
            pass  # said once, in tokens.py
        except (OAError, OAUnreachable) as exc:
            log.warning("zalo oa could not answer: %s", exc)
        except Exception:
            log.exception("zalo oa event %s failed", event.name)
        # Not when cancelled (the worker is going away mid-answer): the event stays busy a
        # lease, then another worker takes it from the inbox.
        await self.dedupe.finish(event.key, user, mark)
        with contextlib.suppress(RedisError, OSError):  # else its lease ends: taken again
            await self.inbox.done(key)

    async def _show_again(self, user_id: str, replies: list[Reply]) -> None:
        """The replies kept with an event's done mark, for the event taken again."""
        assert self.sender is not None
        try:
            await self.sender.show(user_id, [r for r in replies if not r.to])
        except (Unreachable, GrantLost, OAError, OAUnreachable) as exc:
            log.info("zalo oa replies of an event taken again not shown: %s", exc)

    async def _answer(self, event: OAEvent, user: str, mark: DoneMark | None) -> None:
        assert self.sender is not None
        user_id = event.user_id
        if event.kind == "unfollow":
            await self.window.away(user_id)  # no more messages until they write again
            await self.handle(Event(user, "blocked", chat=user_id, done=mark))
            return
        if event.kind == "follow":
            engine_event = Event(user, "command", command="start", chat=user_id)
        elif event.kind == "other":  # a picture, a sticker, a voice note
            engine_event = Event(user, "other", chat=user_id)
        elif (payload := tapped(event.text)) is not None:
            engine_event = Event(user, "button", payload=payload, chat=user_id)
        else:
            # A typed number stays text: the engine reads it against the choices on screen,
            # and where they were numbered lines that number counts as the tap.
            typed = to_event(event.text, user, Choices(), user_id)
            engine_event = replace(typed, numbered=event.text.strip().isdecimal())
        replies = await self.handle(replace(engine_event, done=mark))
        # A reply for someone else's chat (pair mode's note to a helper) is not shown here.
        await self.sender.show(user_id, [r for r in replies if not r.to])

    async def serve(self, stop: asyncio.Event, listening: asyncio.Event | None = None) -> None:
        """Receive events until `stop` is set. `listening`: the process's shared web server
        serves `routes()` and sets it once it listens; without it, this adapter runs one."""
        async with aiohttp.ClientSession() as session:
            settings = self.settings
            client = OAClient(
                session,
                settings.app_id,
                settings.app_secret,
                settings.api_url,
                settings.oauth_url,
                settings.business_url,
            )
            self.tokens = Tokens(client, self.redis, self.oa_keys, settings.refresh_token)
            pause = FleetPause(self.limits)
            self.sender = OASender(
                client, self.tokens, self.redis, self.oa_keys, self.window, pause, self.rate_pause
            )
            await self._check_grant()
            sweeping = asyncio.create_task(self._sweep(stop))
            try:
                if listening is None:
                    await serve_webhooks(self.routes(), self.checks, self.listen, self.port, stop)
                else:
                    await stop.wait()
            finally:
                sweeping.cancel()
                if self.running:
                    await asyncio.wait(set(self.running), timeout=10)

    async def _check_grant(self) -> None:
        """At start-up: a token to work with, or one clear line (and /health 503)."""
        assert self.tokens is not None
        try:
            await self.tokens.access()
            log.info("zalo oa %s: webhook at %s", self.settings.oa_id, PATH)
        except GrantLost:
            pass  # said in tokens.py; /health says it too
        except (OAError, OAUnreachable) as exc:
            log.warning("zalo oa: no token yet (%s); trying again when a learner writes", exc)

    async def _sweep(self, stop: asyncio.Event) -> None:
        """Take the events whose worker died (their lease ran out) and process them."""
        while not stop.is_set():
            try:
                for key, raw in await self.inbox.due(self.clock()):
                    self._start(key, raw)
            except (RedisError, OSError) as exc:
                log.warning("zalo oa sweep failed: %s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.sweep_every)
