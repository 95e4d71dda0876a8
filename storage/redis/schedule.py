"""The reminder schedule in Redis: claiming what is due, exactly once across the fleet.

Each shard has a sorted set of its learners' next-due times (`{sNN}:due`), written by the same
script that saves the learner (storage/redis/state.py), so it never disagrees with their state;
learners who opted out sit there at +inf (counted, never due). Sending goes:

    claimed = await schedule.claim(shard, now)   # due -> in flight, with a lease
    ...decide (Engine.push), send...
    await schedule.ack(shard, done)              # off the in-flight set, counted as sent

The claim is one Lua script per shard: it moves up to `limit` due learners to the shard's
in-flight set (`{sNN}:fly`), scored by when their lease ends, so no other worker can take them.
A worker that dies leaves its claims there; once the lease has ended, the next claim takes
them again (`retaken`). The ack only removes a claim still holding its own lease, so a slow
worker cannot undo another's newer claim. All keys of a script share the shard's hash tag:
it runs unchanged on Redis Cluster.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis.asyncio import Redis

from storage.redis.keys import Keys
from storage.redis.state import stored_fields

# KEYS: due zset, in-flight zset, asked zset. ARGV: now (ms), lease (ms), limit, and the start
# of the shard's learner keys. Returns the lease's end, then for each claim: user, retaken
# ("1"/"0"), asked by a facilitator ("1"/"0": storage/redis/asks.py; the request is kept until
# the ack) and the learner's hash (as HGETALL gives it). Reading the hash here saves a round trip
# each; it is on the same shard (hash tag), so this stays valid on Redis Cluster.
log = logging.getLogger(__name__)

# `sliced(command, key, list)`: the command with `list` after the key, in slices (Lua's stack
# holds about 8,000 values, so one `unpack` of a big batch would fail half-way through the
# script, after it had written); the replies of the slices, joined.
_SLICED = """
local function sliced(command, key, list)
  local out = {}
  for i = 1, #list, 1000 do
    local got = redis.call(command, key, unpack(list, i, math.min(i + 999, #list)))
    if type(got) == 'table' then
      for _, x in ipairs(got) do out[#out + 1] = x end
    end
  end
  return out
end
"""

_CLAIM = (
    _SLICED
    + """
local now, lease, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local until_ms = now + lease
local taken, retaken = {}, {}
for _, user in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)) do
  taken[#taken + 1] = user; retaken[#taken] = '1'
end
local left = limit - #taken
if left > 0 then
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now / 1000, 'LIMIT', 0, left)
  if #due > 0 then
    local flying = sliced('ZMSCORE', KEYS[2], due)
    local fresh = {}
    for i, user in ipairs(due) do
      if not flying[i] then  -- else wait: its last one is being sent
        fresh[#fresh + 1] = user
        taken[#taken + 1] = user; retaken[#taken] = '0'
      end
    end
    sliced('ZREM', KEYS[1], fresh)
  end
end
left = limit - #taken
if left > 0 then  -- reminders a class's facilitator asked for (storage/redis/asks.py)
  local asked = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now / 1000, 'LIMIT', 0, left)
  if #asked > 0 then
    local flying = sliced('ZMSCORE', KEYS[2], asked)
    local mine = {}
    for _, user in ipairs(taken) do mine[user] = true end
    for i, user in ipairs(asked) do
      if not flying[i] and not mine[user] then
        taken[#taken + 1] = user; retaken[#taken] = '0'
      end
    end
  end
end
local out, scores = {until_ms}, {}
for i, user in ipairs(taken) do
  scores[#scores + 1] = until_ms; scores[#scores + 1] = user
  out[#out + 1] = user; out[#out + 1] = retaken[i]
  out[#out + 1] = redis.call('ZSCORE', KEYS[3], user) and '1' or '0'
  out[#out + 1] = redis.call('HGETALL', ARGV[4] .. user)
end
sliced('ZADD', KEYS[2], scores)
return out
"""
)

# KEYS: in-flight zset, sent-today counter, asked zset. ARGV: lease end (ms), counter TTL (s), then
# user, sent ("1"/"0") pairs. Returns how many claims were still this worker's.
_ACK = (
    _SLICED
    + """
local users = {}
for i = 3, #ARGV, 2 do users[#users + 1] = ARGV[i] end
local held = sliced('ZMSCORE', KEYS[1], users)
local mine, sent = {}, 0
for n, user in ipairs(users) do
  if held[n] and tonumber(held[n]) == tonumber(ARGV[1]) then
    mine[#mine + 1] = user
    if ARGV[2 + 2 * n] == '1' then sent = sent + 1 end
  end
end
sliced('ZREM', KEYS[1], mine)
sliced('ZREM', KEYS[3], mine)  -- a facilitator's request is answered with its claim
if sent > 0 then
  redis.call('INCRBY', KEYS[2], sent)
  redis.call('EXPIRE', KEYS[2], ARGV[2])
end
return #mine
"""
)

SENT_TTL = 3 * 86400  # "sent today" counters outlive their day a little


@dataclass(slots=True)
class Claim:
    user: str
    shard: int
    lease_until: int  # ms since the epoch: the claim is this worker's until then
    retaken: bool  # its first worker did not finish it
    # The learner's fields and version, as just read; None if the stored state is damaged.
    state: tuple[dict[str, str], int] | None
    asked: bool = False  # a class's facilitator asked for it, on the web page


@dataclass(frozen=True)
class ShardStatus:
    shard: int
    scheduled: int  # learners with a reminder planned, later
    due: int  # due now, not claimed yet
    in_flight: int  # claimed, being sent (or left by a worker that died)
    sent_today: int
    opted_out: int  # reminders off, or paused by /stop


class Schedule:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._claim = redis.register_script(_CLAIM)
        self._ack = redis.register_script(_ACK)

    async def claim(self, shard: int, now: float, lease: float, limit: int) -> list[Claim]:
        """Up to `limit` of this shard's due reminders (and any whose worker's lease ended),
        now this worker's for `lease` seconds, each with its learner's state."""
        keys = [self.keys.schedule(shard), self.keys.in_flight(shard), self.keys.asked(shard)]
        args: list[str | int] = [int(now * 1000), int(lease * 1000), limit]
        args.append(self.keys.learner_prefix(shard))
        raw = await self._claim(keys=keys, args=args)
        until = int(raw[0])
        return [
            Claim(
                _text(user),
                shard,
                until,
                _text(again) == "1",
                _state(_text(user), flat),
                asked=_text(asked) == "1",
            )  # fmt: skip
            for user, again, asked, flat in zip(*(raw[n::4] for n in (1, 2, 3, 4)), strict=True)
        ]

    async def ack(self, shard: int, done: list[tuple[Claim, bool]], day: str) -> int:
        """These claims are finished (`True`: a message was sent, counted for `day`).
        Returns how many were still this worker's."""
        if not done:
            return 0
        args: list[str | int] = [done[0][0].lease_until, SENT_TTL]
        for claim, sent in done:
            args += [claim.user, "1" if sent else "0"]
        keys = [self.keys.in_flight(shard), self.keys.sent(shard, day), self.keys.asked(shard)]
        return int(await self._ack(keys=keys, args=args))

    async def status(self, now: float, day: str) -> list[ShardStatus]:
        """Counts per shard (one pipelined round trip)."""
        pipe = self.redis.pipeline(transaction=False)
        for shard in range(self.keys.shards):
            due = self.keys.schedule(shard)
            pipe.zcount(due, f"({now}", "(inf")
            pipe.zcount(due, "-inf", now)
            pipe.zcard(self.keys.in_flight(shard))
            pipe.get(self.keys.sent(shard, day))
            pipe.zcount(due, "inf", "inf")
        raw = await pipe.execute()
        out = []
        for shard in range(self.keys.shards):
            later, due, flying, sent, off = raw[shard * 5 : shard * 5 + 5]
            out.append(ShardStatus(shard, later, due, flying, int(sent or 0), off))
        return out


def _state(user: str, flat: list[bytes | str]) -> tuple[dict[str, str], int] | None:
    pairs = iter(flat)
    try:
        return stored_fields(dict(zip(pairs, pairs, strict=True)))
    except ValueError:  # a version that is no number (a hand edit): not the others' problem
        log.error("reminders: %s's stored state is damaged; no reminder until it is fixed", user)
        return None


def _text(value: bytes | str | int) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
