"""The interaction window: when the OA may write to a learner (research/zalo-oa.md §2.1).

A consultation message reaches a learner only within 7 days of their last interaction (a
message, a tap, a follow). The first 48 h are free; from 48 h to 7 days each message is billed,
so those go out only when the OA's owner turned `paid_window` on. Zalo answers -230 or -232
when the window has closed; the learner is then marked out of reach until they write again,
so nothing retries or waits on them.

    window = Window(redis, keys, paid=False)
    await window.saw(user_id, when_ms)            # each message the learner sends
    await window.state(user_id, now)              # FREE, PAID, CLOSED or AWAY
    await window.away(user_id)                    # Zalo said -230/-232
"""

from __future__ import annotations

import enum
import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from handlers.zalo_oa.keys import OAKeys

log = logging.getLogger(__name__)

FREE_FOR = 48 * 3600  # seconds after the learner's last message that sending is free
OPEN_FOR = 7 * 86400  # seconds after it that consultation messages are accepted at all


class Reach(enum.Enum):
    FREE = "free"  # within 48 h: send
    PAID = "paid"  # 48 h to 7 days: billed; only with `paid_window`
    CLOSED = "closed"  # over 7 days (or never wrote): a template message only (issue 23)
    AWAY = "away"  # Zalo refused the last message for the window: wait until they write


class Window:
    def __init__(self, redis: Redis, keys: OAKeys, paid: bool = False) -> None:
        self.redis = redis
        self.keys = keys
        self.paid = paid

    async def saw(self, user_id: str, when: float | None = None) -> None:
        """The learner wrote (or tapped, or followed) at `when` (Unix seconds): the window
        opens again. Kept for as long as it matters (7 days), then gone by itself."""
        when = time.time() if when is None else when
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.set(self.keys.seen(user_id), str(int(when * 1000)), ex=OPEN_FOR)
                pipe.delete(self.keys.away(user_id))
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("zalo oa window not recorded: %s", exc)

    async def last(self, user_id: str) -> float | None:
        """When the learner last wrote (Unix seconds), if within the last 7 days."""
        raw = await self.redis.get(self.keys.seen(user_id))
        return int(raw) / 1000 if raw else None

    async def state(self, user_id: str, now: float | None = None) -> Reach:
        now = time.time() if now is None else now
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.exists(self.keys.away(user_id))
            pipe.get(self.keys.seen(user_id))
            away, seen = await pipe.execute()
        if away:
            return Reach.AWAY
        if not seen:
            return Reach.CLOSED
        age = now - int(seen) / 1000
        if age < FREE_FOR:
            return Reach.FREE
        return Reach.PAID if age < OPEN_FOR else Reach.CLOSED

    async def may_send(self, user_id: str, now: float | None = None) -> bool:
        """A consultation message may go now (free, or paid and allowed)."""
        reach = await self.state(user_id, now)
        return reach is Reach.FREE or (reach is Reach.PAID and self.paid)

    async def away(self, user_id: str) -> None:
        """Zalo said the window is closed (-230/-232): no more tries until they write."""
        try:
            await self.redis.set(self.keys.away(user_id), "1", ex=OPEN_FOR)
        except (RedisError, OSError) as exc:
            log.warning("zalo oa: out-of-reach mark not kept: %s", exc)

    async def forget(self, user_id: str) -> None:
        """Nothing of an erased learner stays (/forget)."""
        await self.redis.delete(self.keys.seen(user_id), self.keys.away(user_id))
