"""Reminders a class's facilitator asks for on the web page ("Nhắc cả lớp", "nhắc người này").

The web page writes each asked learner into their shard's `ask` set (learner -> when), and marks
them for that local day (`ask:{day}`), so a learner is asked for at most once a day, however many
times the buttons are pressed. The reminder claim (storage/redis/schedule.py) takes asked learners
as it takes due ones, so the same exactly-once lease, the engine's quiet hours and choices
(bot/reminders/routes.py), the platform's sender and the fleet's limits apply unchanged; its
ack removes the request. The web page never touches a learner's state or planned reminders.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from redis.asyncio import Redis

from storage.redis.keys import Keys

# KEYS: the shard's asked zset, its mark for the day. ARGV: now (s), the mark's TTL (s), then
# learners. Returns, for each, 1 if asked now, 0 if already asked that day.
_ASK = """
local out = {}
for i = 3, #ARGV do
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[i])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
redis.call('EXPIRE', KEYS[2], ARGV[2])
return out
"""

MARK_TTL = 2 * 86400  # a day's marks outlive it a little (time zones, late presses)


@dataclass(frozen=True)
class Asked:
    queued: int  # learners the reminder loop will now take
    already: int  # asked for earlier the same day: nothing more


class ClassAsks:
    def __init__(self, redis: Redis, keys: Keys, clock: Callable[[], float] = time.time) -> None:
        self.keys = keys
        self.clock = clock
        self._ask = redis.register_script(_ASK)

    async def ask(self, users: Iterable[str], day: str) -> Asked:
        """Ask a reminder for each learner ("tg:1001") now, unless one was asked for on `day`
        (the local date). One script call per shard: a class is a few dozen learners."""
        now = self.clock()
        by_shard: dict[int, list[str]] = {}
        for user in dict.fromkeys(users):
            by_shard.setdefault(self.keys.shard(user), []).append(user)
        queued = already = 0
        for shard, some in by_shard.items():
            keys = [self.keys.asked(shard), self.keys.asked_on(shard, day)]
            got = await self._ask(keys=keys, args=[repr(float(now)), MARK_TTL, *some])
            queued += sum(int(x) for x in got)
            already += sum(1 for x in got if not int(x))
        return Asked(queued, already)
