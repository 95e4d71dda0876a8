"""What the OA keeps to remind learners out of its window: the phone number a learner gave,
what each day's reminders cost, and the fleet-wide pause of templates (issue 23).

    contacts = Contacts(redis, keys)
    await contacts.keep(user_id, "84912345678")      # user_submit_info
    await contacts.phone(user_id)                    # "" when none was given
    await contacts.forget(user_id)                   # /forget: gone, with the window marks

    ledger = Ledger(redis, keys)
    await ledger.count(day, FREE)                    # one reminder, by how it went
    await ledger.track(tracking_id, day)             # a template, until its receipt
    await ledger.delivered(tracking_id)              # `user_received_message` with our id
    await ledger.days(["2026-12-07", ...])           # {kind: count} summed, for the status

Counters are kept 40 days: the status shows today and the last 30.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from handlers.zalo_oa.keys import OAKeys, text

log = logging.getLogger(__name__)

# How a reminder went (the ledger's fields).
FREE = "free"  # a consultation message within 48 h: free
PAID = "paid"  # a consultation message 48 h-7 days: billed
TEMPLATE = "template"  # a template message (billed when delivered)
DELIVERED = "delivered"  # of those, delivery receipts seen
UNREACHED = "unreached"  # out of the window, and no template or no phone number
NIGHT = "night"  # a template due outside its hours: not sent
PAUSED = "paused"  # templates paused fleet-wide (no money): not sent
REFUSED = "refused"  # the learner refused the OA's templates: reminders stop
KINDS = (FREE, PAID, TEMPLATE, DELIVERED, UNREACHED, NIGHT, PAUSED, REFUSED)

KEEP_DAYS = 40 * 86400
TRACK_FOR = 7 * 86400  # a receipt later than this is not counted
ASKED_FOR = 400 * 86400  # the phone number is asked once (a year, then perhaps again)


class Contacts:
    def __init__(self, redis: Redis, keys: OAKeys) -> None:
        self.redis = redis
        self.keys = keys

    async def keep(self, user_id: str, phone: str) -> None:
        await self.redis.set(self.keys.phone(user_id), phone)

    async def phone(self, user_id: str) -> str:
        return text(await self.redis.get(self.keys.phone(user_id)))

    async def ask_once(self, user_id: str) -> bool:
        """True the first time only: the number is asked for once."""
        return bool(await self.redis.set(self.keys.asked(user_id), "1", nx=True, ex=ASKED_FOR))

    async def forget(self, user_id: str) -> None:
        await self.redis.delete(
            self.keys.phone(user_id),
            self.keys.asked(user_id),
            self.keys.seen(user_id),
            self.keys.away(user_id),
        )


class Ledger:
    def __init__(self, redis: Redis, keys: OAKeys) -> None:
        self.redis = redis
        self.keys = keys

    async def count(self, day: str, kind: str) -> None:
        """Never in the way of a reminder: a counter lost is only an estimate off by one."""
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.hincrby(self.keys.sent(day), kind, 1)
                pipe.expire(self.keys.sent(day), KEEP_DAYS)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("zalo oa reminder not counted: %s", exc)

    async def track(self, tracking_id: str, day: str) -> None:
        try:
            await self.redis.set(self.keys.track(tracking_id), day, ex=TRACK_FOR)
        except (RedisError, OSError) as exc:
            log.warning("zalo oa template not tracked: %s", exc)

    async def untrack(self, tracking_id: str) -> None:
        """Refused: no receipt will come."""
        try:
            await self.redis.delete(self.keys.track(tracking_id))
        except (RedisError, OSError) as exc:
            log.warning("zalo oa template not untracked: %s", exc)

    async def delivered(self, tracking_id: str) -> bool:
        """A delivery receipt for one of our templates: counted once (Zalo may re-deliver
        the receipt); False when it is not ours, or counted already."""
        day = text(await self.redis.getdel(self.keys.track(tracking_id)))
        if not day:
            return False
        await self.count(day, DELIVERED)
        return True

    async def days(self, days: Iterable[str]) -> dict[str, int]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for day in days:
                pipe.hgetall(self.keys.sent(day))
            found = await pipe.execute()
        total = dict.fromkeys(KINDS, 0)
        for counts in found:
            for kind, n in counts.items():
                name = text(kind)
                total[name] = total.get(name, 0) + int(n)
        return total


class TemplatePause:
    """-115/-136/-137: templates cannot be paid for. Every worker stops sending them for
    `seconds` (then one tries again); the worker that saw it first says so in one line."""

    def __init__(self, redis: Redis, keys: OAKeys, seconds: int = 3600) -> None:
        self.redis = redis
        self.keys = keys
        self.seconds = seconds

    async def why(self) -> str:
        """Why templates are paused now; "" when they are not."""
        return text(await self.redis.get(self.keys.templates_paused))

    async def pause(self, why: str) -> None:
        if await self.redis.set(self.keys.templates_paused, why, nx=True, ex=self.seconds):
            log.error(
                "zalo oa: template messages PAUSED for every worker (%s): top up or link the "
                "Zalo Cloud Account at oa.zalo.me, then they resume within %d min by themselves",
                why,
                self.seconds // 60,
            )
