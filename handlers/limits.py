"""Flood limits for messages the tutor pushes (reminders, class announcements), shared by every
process of the fleet through Redis.

Telegram asks bots to keep *bulk* notifications to about 30 messages a second for the whole
bot, 1 a second to one chat and 20 a minute to one group, and answers 429 with `retry_after`
when they do not. Replies to what a learner just did are not bulk and never wait here (a
learner would feel every reminder queued ahead of their answer); only pushed messages do.

    limits = PushLimits.for_redis(url, prefix, rate=30)
    await limits.wait(chat="tg:123", group=False)   # returns when this message may go
    ...send...
    await limits.pause(retry_after)                 # after a 429: every process waits

A learner's reminder is the only message to their chat in a long while, so it counts against
the fleet's budget only (`once=True`). In a group chat everything counts: the 20 a minute is
Telegram's hard limit there, so group lessons send every message and edit through
`wait(chat, group=True)`, and live counts use `take_now`, which never waits and leaves the
budget to real messages.

The counting is the `limits` library's moving window (a Lua script on Redis, so all processes
share one budget; in memory for the embedded single-process mode); the fleet-wide pause is one
Redis key that expires by itself.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisClusterStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from storage import metrics

PER_CHAT = RateLimitItemPerSecond(1)
PER_GROUP = RateLimitItemPerMinute(20)
SHORTEST_WAIT = 0.005  # seconds: never spin
# How long a process trusts its last look at the fleet's pause key: one read a message was a
# third of the round trips of a wave of reminders; another process's 429 is seen this late.
PAUSE_SEEN_FOR = 0.1  # seconds


class PushLimits:
    def __init__(
        self,
        storage: Storage,
        redis: Redis,
        prefix: str,
        rate: int = 30,
        clock: Callable[[], float] = time.time,
        per_group: RateLimitItem = PER_GROUP,
    ) -> None:
        self.limiter = MovingWindowRateLimiter(storage)
        self.redis = redis
        self.fleet: RateLimitItem = RateLimitItemPerSecond(rate)
        self.per_group = per_group  # tests shrink the minute to see a whole lesson quickly
        self.prefix = prefix
        self.paused_key = f"{prefix}:push:paused"  # see storage/redis/keys.py
        self.clock = clock
        self._unpaused_until = 0.0  # (monotonic) not paused, as last seen, until then
        self._own_pause_until = 0.0  # (monotonic) this process's own 429: held at once

    @classmethod
    def for_redis(
        cls,
        redis: Redis,
        url: str,
        prefix: str,
        rate: int = 30,
        per_group: RateLimitItem = PER_GROUP,
    ) -> PushLimits:
        """Limits shared through the Redis at `url` (`redis+cluster://` for a cluster); in
        process memory when there is no URL (the embedded, single-process mode)."""
        storage: Storage
        key_prefix = f"{prefix}:push:lim"
        if not url:
            storage = MemoryStorage()
        elif url.startswith("redis+cluster://"):
            storage = RedisClusterStorage(
                f"async+{url}", implementation="redispy", key_prefix=key_prefix
            )
        else:
            storage = RedisStorage(f"async+{url}", implementation="redispy", key_prefix=key_prefix)
        return cls(storage, redis, prefix, rate, per_group=per_group)

    async def wait(self, chat: str, group: bool = False, once: bool = False) -> None:
        """Wait until one more pushed message to `chat` keeps every limit. `once`: the only
        message to this private chat in a long while (a learner's reminder: one per claim,
        a claim per learner at a time), so its second cannot fill: only the fleet counts."""
        await self._wait_unpaused()
        if group or not once:
            await self._take(self.per_group if group else PER_CHAT, chat)
        await self._take(self.fleet, "fleet")

    async def take_now(self, chat: str, group: bool = False) -> bool:
        """One more message to `chat` if the budget allows it right now; never waits."""
        if await self.paused_for() > 0:
            return False
        item = self.per_group if group else PER_CHAT
        if not await self.limiter.hit(item, chat):
            return False
        return await self.limiter.hit(self.fleet, "fleet")

    async def pause(self, seconds: float) -> None:
        """Telegram said 429: no process pushes anything for `seconds`."""
        until = self.clock() + seconds
        metrics.PAUSE_SECONDS.labels("tg").inc(seconds)
        self._own_pause_until = max(self._own_pause_until, time.monotonic() + seconds)
        await self.redis.set(self.paused_key, f"{until:.3f}", px=max(1, int(seconds * 1000)))

    async def paused_for(self) -> float:
        raw = await self.redis.get(self.paused_key)
        return max(0.0, float(raw) - self.clock()) if raw else 0.0

    async def _wait_unpaused(self) -> None:
        # Our own 429 first: a read of the key that was on its way when it came would say
        # "not paused" (and be trusted for a while).
        while (left := self._own_pause_until - time.monotonic()) > 0:
            await asyncio.sleep(left)
        if time.monotonic() < self._unpaused_until:
            return
        while (left := await self.paused_for()) > 0:
            await asyncio.sleep(left)
        self._unpaused_until = time.monotonic() + PAUSE_SEEN_FOR

    async def _take(self, item: RateLimitItem, who: str) -> None:
        while not await self.limiter.hit(item, who):
            stats = await self.limiter.get_window_stats(item, who)
            await asyncio.sleep(max(SHORTEST_WAIT, stats.reset_time - time.time()))
