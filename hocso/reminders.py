"""The reminder loop: claims due reminders from the Redis schedule and sends them, exactly once
across however many `hocso run` processes run it.

For each shard in turn: claim a batch with its learners' state (storage/redis/schedule.py), let the
engine decide what to say to each learner as one wave (`Engine.push_wave`, which also plans
their next reminders and saves them all in one script call), wait for the fleet-wide flood
limits (handlers/limits.py), hand the replies to the platform's `PushSender`
(handlers/push.py), then acknowledge the batch.

Exactly once: a claim is this worker's until its lease ends. A worker that dies leaves its
claims to be retaken; the retaking worker's pushed turn says the same words again if the first
one had decided but not sent (bot/reminders/routes.py, RETAKEN), or decides afresh. A worker whose
lease ran out (a long 429 pause) sends nothing more of it. The one window left is between
Telegram accepting a message and the acknowledgement (one Redis round trip): a crash exactly
there sends that reminder again after the lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from redis import exceptions as redis_errors

from bot.config import ReminderSettings
from bot.engine import Engine, Push
from bot.events import Event, Reply
from bot.reminders.routes import ASKED, ASKED_AGAIN, FRESH, RETAKEN
from bot.store import StorageUnavailable
from handlers.push import PushSender, Skipped, SlowDown, TryLater, Unreachable
from storage import metrics
from storage.redis.schedule import Claim, Schedule

log = logging.getLogger(__name__)

REDIS_DOWN = (redis_errors.ConnectionError, redis_errors.TimeoutError, StorageUnavailable)


class Limits(Protocol):
    """What the loop needs of handlers/limits.py `PushLimits`."""

    async def wait(self, chat: str, group: bool = False, once: bool = False) -> None: ...

    async def pause(self, seconds: float) -> None: ...


class ReminderLoop:
    def __init__(
        self,
        engine: Engine,
        schedule: Schedule,
        senders: Mapping[str, PushSender],
        limits: Limits,
        settings: ReminderSettings,
        timezone: str = "Asia/Ho_Chi_Minh",
        rate: int = 30,
        clock: Callable[[], float] = time.time,
        batch: int = 100,
        idle: float = 1.0,
    ) -> None:
        """`rate`: the fleet's messages a second; this worker keeps enough in hand to fill it
        (about a fifth of a second's worth being decided or sent at once)."""
        self.engine = engine
        self.schedule = schedule
        self.senders = dict(senders)
        self.limits = limits
        self.settings = settings
        self.zone = ZoneInfo(timezone)
        self.clock = clock
        self.batch = batch
        self.idle = idle
        self.at_once = max(4, min(256, rate // 5))  # messages being sent side by side
        # One message of this process at a time asks the shared limiter: many waiters would
        # all wake to each freed slot and poll Redis together.
        self.turnstile = asyncio.Lock()
        self.sent = 0  # by this worker, since it started
        self._warned: set[str] = set()

    async def run(self, stop: asyncio.Event) -> None:
        """Claim and send until `stop` is set; rest `idle` seconds when nothing is due."""
        while not stop.is_set():
            sent = self.sent
            try:
                claimed = await self.pass_once(stop)
            except REDIS_DOWN as exc:
                log.warning("reminders: Redis unavailable (%s); trying again", exc)
                claimed = 0
            except Exception:  # a bug must not stop the bot that runs beside the loop
                log.exception("reminders: pass failed; trying again")
                claimed = 0
            if claimed:
                log.info("reminders: %d due, %d sent", claimed, self.sent - sent)
            if not claimed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.idle)

    async def pass_once(self, stop: asyncio.Event | None = None) -> int:
        """One pass over every shard (from a random one, so workers spread out); returns how
        many reminders were claimed."""
        shards = self.schedule.keys.shards
        first = random.randrange(shards)
        claimed = 0
        for i in range(shards):
            shard = (first + i) % shards
            while stop is None or not stop.is_set():
                now = self.clock()
                claims = await self.schedule.claim(shard, now, self.settings.lease, self.batch)
                if not claims:
                    break
                claimed += len(claims)
                metrics.REMINDERS_CLAIMED.inc(len(claims))
                await self._send_batch(shard, claims)
                if len(claims) < self.batch:
                    break
        return claimed

    async def _send_batch(self, shard: int, claims: list[Claim]) -> None:
        # Decided together (one round trip saves them all), then sent side by side.
        ours = [
            (n, Push(c.user, _reason(c), c.state))
            for n, c in enumerate(claims)
            if c.state is not None and self._sender(c) is not None
        ]
        decided: list[list[Reply] | None] = [None] * len(claims)
        wave = await self.engine.push_wave([push for _, push in ours])
        for (n, _), replies in zip(ours, wave, strict=True):
            decided[n] = replies
        results = await self._send_all(claims, decided)
        done = [(c, sent) for c, sent in zip(claims, results, strict=True) if sent is not None]
        day = datetime.fromtimestamp(self.clock(), self.zone).date().isoformat()
        await self.schedule.ack(shard, done, day)
        self.sent += sum(sent for _, sent in done)

    async def _send_all(
        self, claims: list[Claim], decided: list[list[Reply] | None]
    ) -> list[bool | None]:
        """Each claim's replies sent, `at_once` side by side: a few senders each take the next
        claim in turn (a task per reminder cost more than deciding it, when sends are quick)."""
        results: list[bool | None] = [None] * len(claims)
        turns = iter(range(len(claims)))

        async def sender() -> None:
            for n in turns:
                try:
                    results[n] = await self._send(claims[n], decided[n])
                except Exception:  # (the limiter's Redis): this one after the lease
                    log.exception("reminders: %s not sent", claims[n].user)

        await asyncio.gather(*(sender() for _ in range(min(self.at_once, len(claims)))))
        return results

    def _sender(self, claim: Claim) -> PushSender | None:
        platform = claim.user.partition(":")[0]
        sender = self.senders.get(platform)
        if sender is None and platform not in self._warned:
            self._warned.add(platform)
            log.warning("reminders: no sender for %r learners in this process", platform)
        return sender

    async def _send(self, claim: Claim, replies: list[Reply] | None) -> bool | None:
        """True: sent; False: nothing to send (or never will be); None: leave it claimed, to be
        retaken after the lease."""
        if claim.state is None:
            metrics.REMINDERS_SKIPPED.labels("damaged").inc()
            return False  # its state is damaged (the claim logged it): not tried again
        sender = self.senders.get(claim.user.partition(":")[0])
        if sender is None or replies is None:
            metrics.REMINDERS_SKIPPED.labels("no_sender" if sender is None else "storage").inc()
            return None  # no sender here, or storage could not be reached
        replies = [r for r in replies if not r.notice]
        if not replies:
            metrics.REMINDERS_SKIPPED.labels("nothing_due").inc()
            return False
        chat = claim.user.partition(":")[2]
        while self._still_mine(claim):
            async with self.turnstile:
                await self.limits.wait(chat, once=True)  # one reminder per learner per claim
            if not self._still_mine(claim):
                break
            try:
                await sender.push(chat, replies)
                metrics.REMINDERS_SENT.labels(sender.platform).inc()
                return True
            except SlowDown as exc:
                log.warning("reminders: %s asks to slow down: %s", sender.platform, exc)
                metrics.RATE_LIMITED.labels(sender.platform).inc()
                await self.limits.pause(exc.retry_after)
            except Unreachable:
                metrics.REMINDERS_SKIPPED.labels("blocked").inc()
                await self.engine.handle(Event(claim.user, "blocked"))
                return False
            except Skipped as exc:
                log.debug("reminders: %s skipped: %s", claim.user, exc)
                metrics.REMINDERS_SKIPPED.labels("out_of_reach").inc()
                return False
            except TryLater as exc:
                log.info("reminders: %s not reached (%s); after the lease", claim.user, exc)
                metrics.REMINDERS_SKIPPED.labels("unreachable").inc()
                return None
            except Exception as exc:  # noqa: BLE001  (refused, or may have arrived)
                log.warning("reminders: %s not sent: %s", claim.user, exc)
                metrics.REMINDERS_SKIPPED.labels("refused").inc()
                return False
        metrics.REMINDERS_SKIPPED.labels("lease_ran_out").inc()
        return None  # the lease ran out while waiting: whoever retakes it sends it

    def _still_mine(self, claim: Claim) -> bool:
        return self.clock() * 1000 < claim.lease_until


def _reason(claim: Claim) -> str:
    """Why the engine's pushed turn runs: a reminder due, or one a facilitator asked for
    (storage/redis/asks.py); each either fresh or retaken from a worker that died."""
    if claim.asked:
        return ASKED_AGAIN if claim.retaken else ASKED
    return RETAKEN if claim.retaken else FRESH


async def print_status(schedule: Schedule, now: float, timezone: str) -> list[str]:
    """`hocso reminders status`: one line per shard that holds anything, and the total."""
    day = datetime.fromtimestamp(now, ZoneInfo(timezone)).date().isoformat()
    rows = await schedule.status(now, day)
    head = f"{'shard':>5} {'scheduled':>10} {'due':>8} {'in flight':>10} {'sent today':>11} "
    lines = [head + f"{'opted out':>10}"]
    total = [0, 0, 0, 0, 0]
    for row in rows:
        counts = [row.scheduled, row.due, row.in_flight, row.sent_today, row.opted_out]
        total = [a + b for a, b in zip(total, counts, strict=True)]
        if any(counts):
            lines.append(_line(f"{row.shard:02d}", counts))
    lines.append(_line("all", total))
    lines.append(f"(sent today: {day}, {timezone})")
    return lines


def _line(name: str, c: list[int]) -> str:
    return f"{name:>5} {c[0]:>10,} {c[1]:>8,} {c[2]:>10,} {c[3]:>11,} {c[4]:>10,}"
