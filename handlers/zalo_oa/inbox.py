"""Events answered 200 and not yet processed, kept in Redis so none is lost.

Zalo wants its 200 within 2 s and re-delivers otherwise; an event that was answered must be
dealt with even if this worker dies right after. So the webhook stores the raw event before
answering (`put`, which also notes the learner's interaction window in the same step),
processes it at once, and removes it when done (`done`). An event whose worker died stays,
and when its lease runs out any worker's sweep takes it (`due`, one Lua step, so two workers
never take the same one at once). While the OA's grant is lost, events are kept and none is
taken: they are answered once `hocso zalo-oa connect` brings the grant back.

A re-delivery of an event still waiting is stored once (`put` answers False).
"""

from __future__ import annotations

from redis.asyncio import Redis

from handlers.zalo_oa.keys import OAKeys, text
from handlers.zalo_oa.window import OPEN_FOR

LEASE = 30.0  # seconds an event is left to the worker that took it
KEEP_FOR = 3 * 86400  # seconds an event never processed is kept at most

# KEYS: the zset (key -> retry at, ms), the hash (key -> body), the lost mark. ARGV: now ms,
# lease ms, count. Nothing is taken while the grant is lost: nothing could be answered.
_DUE = """
if redis.call('EXISTS', KEYS[3]) == 1 then return {} end
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {}
for _, key in ipairs(keys) do
  local body = redis.call('HGET', KEYS[2], key)
  if body then
    redis.call('ZADD', KEYS[1], 'XX', tonumber(ARGV[1]) + tonumber(ARGV[2]), key)
    table.insert(out, key)
    table.insert(out, body)
  else
    redis.call('ZREM', KEYS[1], key)
  end
end
return out
"""
# KEYS: the zset, the hash, the lost mark, the learner's seen and away marks (or none).
# ARGV: key, body, retry at (ms), keep (ms), when the learner wrote (ms), window (s), the
# retry at (ms) while the grant is lost. Returns {stored now: 1/0, grant lost: 1/0}.
_PUT = """
local lost = redis.call('EXISTS', KEYS[3])
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return {0, lost} end
redis.call('ZADD', KEYS[1], lost == 1 and ARGV[7] or ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if KEYS[4] then
  redis.call('SET', KEYS[4], ARGV[5], 'EX', ARGV[6])
  redis.call('DEL', KEYS[5])
end
return {1, lost}
"""


class Inbox:
    def __init__(self, redis: Redis, keys: OAKeys, lease: float = LEASE) -> None:
        self.redis = redis
        self.keys = keys
        self.lease = lease
        self._due = redis.register_script(_DUE)
        self._put = redis.register_script(_PUT)

    async def put(
        self,
        key: str,
        body: bytes,
        now: float,
        user_id: str = "",
        wrote: float = 0.0,
        lost_wait: float = 0.0,
    ) -> tuple[bool, bool]:
        """Keep the event, in one round trip, and note that learner `user_id` wrote at
        `wrote` (the interaction window, window.py). (stored now, the grant is lost): not
        stored when it is kept already (a re-delivery); while the grant is lost, it waits
        `lost_wait` seconds before a sweep looks at it."""
        keys = [self.keys.inbox, self.keys.inbox_events, self.keys.lost]
        if user_id:
            keys += [self.keys.seen(user_id), self.keys.away(user_id)]
        stored, lost = await self._put(
            keys=keys,
            args=[
                key,
                body,
                int((now + self.lease) * 1000),
                int(KEEP_FOR * 1000),
                int(wrote * 1000),
                OPEN_FOR,
                int((now + lost_wait) * 1000),
            ],
        )
        return bool(stored), bool(lost)

    async def done(self, key: str) -> None:
        """The event is dealt with: forgotten."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zrem(self.keys.inbox, key)
            pipe.hdel(self.keys.inbox_events, key)
            await pipe.execute()

    async def later(self, key: str, now: float, seconds: float) -> None:
        await self.redis.zadd(self.keys.inbox, {key: int((now + seconds) * 1000)}, xx=True)

    async def due(self, now: float, count: int = 32) -> list[tuple[str, str]]:
        """Events whose lease ran out, taken by this worker for another lease."""
        flat = await self._due(
            keys=[self.keys.inbox, self.keys.inbox_events, self.keys.lost],
            args=[int(now * 1000), int(self.lease * 1000), count],
        )
        return [(text(flat[i]), text(flat[i + 1])) for i in range(0, len(flat), 2)]

    async def waiting(self) -> int:
        return int(await self.redis.zcard(self.keys.inbox))
