"""Reminders to Zalo OA learners: the `PushSender` (handlers/push.py) of the OA (issue 23).

The reminder loop (hocso/reminders.py) decides what to say, with the same quiet hours,
back-off, stop and exactly-once claims as on Telegram; this decides HOW it can go, by the
learner's interaction window (window.py, research/zalo-oa.md §2.1, §5):

| since the learner last wrote | the reminder goes as                                  | cost  |
|------------------------------|-------------------------------------------------------|-------|
| under 48 h                   | a consultation message, with its buttons               | free  |
| 48 h to 7 days               | the same, only with ZALO_OA_PAID_WINDOW on             | paid  |
| longer (or Zalo said -230)   | an approved template (templates.py): by user id where  | paid  |
|                              | it allows it, else to the phone number they gave;      |       |
|                              | only within the template hours (07:00-21:30 or less)   |       |

Otherwise nothing is sent (`Skipped`), and the ledger counts it: the status command shows
how many learners could not be reached. Zalo's answers:
- -141/-139: the learner refused this OA's templates: `Unreachable`, their reminders stop;
- -115/-136/-137: no money for templates: paused for the whole fleet (reach.py), /health
  says "degraded", one log line;
- a template's `tracking_id` comes back on `user_received_message`: counted delivered.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import aiohttp
from redis.asyncio import Redis

from bot.events import Reply
from handlers.limits import PushLimits
from handlers.push import Skipped, SlowDown, TryLater, Unreachable
from handlers.zalo_oa.api import Kind, OAClient, OAError, OATimeout, OAUnreachable
from handlers.zalo_oa.keys import PLATFORM, OAKeys
from handlers.zalo_oa.reach import (
    FREE,
    NIGHT,
    PAID,
    PAUSED,
    REFUSED,
    TEMPLATE,
    UNREACHED,
    Contacts,
    Ledger,
    TemplatePause,
)
from handlers.zalo_oa.send import RATE_PAUSE, FleetPause, OASender
from handlers.zalo_oa.settings import ZaloOASettings
from handlers.zalo_oa.templates import choose, daytime, fill, hours, tracking_id
from handlers.zalo_oa.tokens import GrantLost, Tokens
from handlers.zalo_oa.window import Reach, Window
from storage.redis.keys import Keys

log = logging.getLogger(__name__)


class OAPush:
    platform = PLATFORM

    def __init__(
        self,
        settings: ZaloOASettings,
        sender: OASender,
        window: Window,
        contacts: Contacts,
        ledger: Ledger,
        pause: TemplatePause,
        timezone: str = "Asia/Ho_Chi_Minh",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.sender = sender
        self.window = window
        self.contacts = contacts
        self.ledger = ledger
        self.pause = pause
        self.zone = ZoneInfo(timezone)
        self.hours = hours(settings.template_hours)
        self.clock = clock

    async def push(self, chat: str, replies: Sequence[Reply]) -> None:
        try:
            await self._push(chat, replies)
        except OAError as exc:
            if exc.kind is Kind.RATE:  # -32 through every pause: the fleet waits longer
                raise SlowDown(RATE_PAUSE) from exc
            raise
        except OATimeout:
            raise  # it may have arrived: not sent again
        except (OAUnreachable, GrantLost) as exc:
            raise TryLater(str(exc)) from exc

    async def _push(self, chat: str, replies: Sequence[Reply]) -> None:
        now = self.clock()
        local = datetime.fromtimestamp(now, self.zone)
        day = local.date().isoformat()
        reach = await self.window.state(chat, now)
        if reach is Reach.FREE or (reach is Reach.PAID and self.window.paid):
            try:
                await self.sender.show(chat, replies)
            except Unreachable:
                pass  # Zalo says the window closed after all (-230/-232): a template, then
            else:
                await self.ledger.count(day, FREE if reach is Reach.FREE else PAID)
                return
        meta = next((dict(r.meta) for r in replies if r.meta), {})
        await self._template(chat, meta, day, local.hour * 60 + local.minute)

    async def _template(self, chat: str, meta: dict[str, object], day: str, minute: int) -> None:
        template = choose(self.settings.templates, meta)
        if template is None:
            await self.ledger.count(day, UNREACHED)
            raise Skipped("out of the window, and no template for this reminder")
        if not daytime(self.hours, minute):
            await self.ledger.count(day, NIGHT)
            raise Skipped("a template, but not at night")
        if why := await self.pause.why():
            await self.ledger.count(day, PAUSED)
            raise Skipped(f"templates are paused: {why}")
        phone = "" if template.uid else await self.contacts.phone(chat)
        if not template.uid and not phone:
            await self.ledger.count(day, UNREACHED)
            raise Skipped("out of the window, and no phone number")
        kind = str(meta.get("reminder") or "")
        tracking = tracking_id(chat, day, kind)
        body = {"template_id": template.id, "template_data": fill(template, meta)}
        client = self.sender.client
        try:
            if template.uid:
                await self.sender.call(lambda t: client.send_template_uid(t, chat, body))
            else:
                # Tracked before it goes: the receipt may come back before the answer does.
                await self.ledger.track(tracking, day)
                full = {**body, "phone": phone, "tracking_id": tracking}
                await self.sender.call(lambda t: client.send_template(t, full))
        except OAError as exc:
            await self.ledger.untrack(tracking)
            await self._refused(exc, chat, day)
            raise  # anything else: refused for good (or it may have arrived)
        await self.ledger.count(day, TEMPLATE)

    async def _refused(self, exc: OAError, chat: str, day: str) -> None:
        kind = exc.kind
        if kind is Kind.REFUSED:
            await self.ledger.count(day, REFUSED)
            raise Unreachable(f"zalo oa template {exc.code}: {exc.message}") from exc
        if kind is Kind.MONEY:
            await self.pause.pause(f"{exc.code} {exc.message}".strip())
            await self.ledger.count(day, PAUSED)
            raise Skipped(f"templates paused: {exc.code}") from exc
        if kind is Kind.NIGHT:
            await self.ledger.count(day, NIGHT)
            raise Skipped(f"zalo says night ({exc.code})") from exc
        if kind is Kind.CANNOT:
            await self.ledger.count(day, UNREACHED)
            raise Skipped(f"zalo oa template {exc.code}: {exc.message}") from exc
        log.warning("zalo oa template for %s refused: %s", chat[-4:], exc)


@contextlib.asynccontextmanager
async def open_push(
    settings: ZaloOASettings,
    redis: Redis,
    keys: Keys,
    limits: PushLimits,
    timezone: str,
    clock: Callable[[], float] = time.time,
) -> AsyncIterator[OAPush]:
    """The OA's reminder sender, with its own HTTP session, sharing the token pair, the -32
    pause and the learners' windows with every worker through Redis."""
    async with aiohttp.ClientSession() as session:
        client = OAClient.of(session, settings)
        oa_keys = OAKeys(keys, settings.oa_id)
        tokens = Tokens(client, redis, oa_keys, settings.refresh_token)
        window = Window(redis, oa_keys, settings.paid_window)
        sender = OASender(client, tokens, redis, oa_keys, window, FleetPause(limits))
        yield OAPush(
            settings,
            sender,
            window,
            Contacts(redis, oa_keys),
            Ledger(redis, oa_keys),
            TemplatePause(redis, oa_keys),
            timezone,
            clock,
        )
