"""Group lesson state in Redis: the engine's GroupStore (bot/store.py) for real deployments.

A chat's state and the parts kept beside it (roster, participants, answers, tally, anonymous
marks) share the chat's hash tag `{gNN}` with the shard's index of due lessons, so every
script here touches one slot and runs unchanged on Redis Cluster:
- `save`: compare-and-set of the state (like a learner's), indexing when it is due (a lesson's
  next step, or the class reminder an hour before class: bot/groups/schedule.py);
- `answer`: counts one answer once, only while its question is open, and bumps the state's
  version, so a reveal decided on an older count is decided again;
- `join`, `leave`, `end_run`: the roster and the end of a run.
Members' credit goes to their own learner hash through the learner store, never from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from redis import exceptions as redis_errors
from redis.asyncio import Redis

from bot.groups.state import Answered, GroupSnapshot
from bot.store import StorageUnavailable
from storage.redis.keys import Keys

VERSION = "v"

# KEYS: state, members, participants, answers, tally. One consistent read of a group (a
# script rather than MULTI: redis-py's cluster pipelines mishandle some replies in MULTI).
_LOAD = """
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]),
        redis.call('SMEMBERS', KEYS[3]), redis.call('HGETALL', KEYS[4]),
        redis.call('HGETALL', KEYS[5])}
"""

# KEYS: state, due index. ARGV: version, chat, nset, field/value pairs, ndel, names. The chat
# is indexed by the sooner of its lesson's next step ("du") and its class reminder ("ca").
_SAVE = """
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return -1 end
local i = 3
local nset = tonumber(ARGV[i]); i = i + 1
local setargs = {}
for j = 1, nset * 2 do setargs[j] = ARGV[i]; i = i + 1 end
local ndel = tonumber(ARGV[i]); i = i + 1
local delargs = {}
for j = 1, ndel do delargs[j] = ARGV[i]; i = i + 1 end
if ndel > 0 then redis.call('HDEL', KEYS[1], unpack(delargs)) end
redis.call('HSET', KEYS[1], 'v', current + 1, unpack(setargs))
local t = redis.call('HMGET', KEYS[1], 'du', 'ca')
local due, call = tonumber(t[1] or '0'), tonumber(t[2] or '0')
if call > 0 and (due <= 0 or call < due) then due = call end
if due > 0 then redis.call('ZADD', KEYS[2], due, ARGV[2])
else redis.call('ZREM', KEYS[2], ARGV[2]) end
return current + 1
"""

# KEYS: state, members, answers, marks, tally, participants.
# ARGV: run, step, user, mark, choice.
_ANSWER = """
local s = redis.call('HMGET', KEYS[1], 'rn', 'sp', 'ph')
local step = ARGV[2]
if s[1] ~= ARGV[1] or (s[2] or '0') ~= step then return {-1, 0, 0, 0, 0, 0} end
if s[3] ~= 'ask' then return {-2, 0, 0, 0, 0, 0} end
local member = redis.call('HEXISTS', KEYS[2], ARGV[3])
local field, book
if member == 1 then
  field, book = step .. ':' .. ARGV[3], KEYS[3]
else
  field, book = step .. ':' .. ARGV[4], KEYS[4]
end
local status, choice = 1, ARGV[5]
if redis.call('HSETNX', book, field, ARGV[5]) == 0 then
  status, choice = 0, redis.call('HGET', book, field)
else
  redis.call('HINCRBY', KEYS[5], step .. ':' .. ARGV[5], 1)
  redis.call('HINCRBY', KEYS[5], step .. ':n', 1)
  if member == 1 then
    redis.call('SADD', KEYS[6], ARGV[3])
    redis.call('HINCRBY', KEYS[5], step .. ':j', 1)
  end
  redis.call('HINCRBY', KEYS[1], 'v', 1)
end
local answered = tonumber(redis.call('HGET', KEYS[5], step .. ':n') or '0')
local joined = tonumber(redis.call('HGET', KEYS[5], step .. ':j') or '0')
return {status, tonumber(choice), answered, joined, redis.call('SCARD', KEYS[6]), member}
"""

# KEYS: state, members, participants. ARGV: user, name.
_JOIN = """
local new = redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local ph = redis.call('HGET', KEYS[1], 'ph')
if ph and ph ~= '' and ph ~= 'end' then redis.call('SADD', KEYS[3], ARGV[1]) end
return {new, redis.call('SCARD', KEYS[3])}
"""

# KEYS: members, participants, answers. ARGV: user.
_LEAVE = """
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
local suffix = ':' .. ARGV[1]
for _, name in ipairs(redis.call('HKEYS', KEYS[3])) do
  if string.sub(name, -#suffix) == suffix then redis.call('HDEL', KEYS[3], name) end
end
return 1
"""

# KEYS: state, due index, participants, answers, tally, marks. ARGV: run, chat, fields...
_END_RUN = """
if redis.call('HGET', KEYS[1], 'rn') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5], KEYS[6])
for i = 3, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
redis.call('HINCRBY', KEYS[1], 'v', 1)
local call = tonumber(redis.call('HGET', KEYS[1], 'ca') or '0')
if call > 0 then redis.call('ZADD', KEYS[2], call, ARGV[2])
else redis.call('ZREM', KEYS[2], ARGV[2]) end
return 1
"""

ERRORS = (redis_errors.ConnectionError, redis_errors.TimeoutError)


class GroupRedisStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._load = redis.register_script(_LOAD)
        self._save = redis.register_script(_SAVE)
        self._answer = redis.register_script(_ANSWER)
        self._join = redis.register_script(_JOIN)
        self._leave = redis.register_script(_LEAVE)
        self._end_run = redis.register_script(_END_RUN)

    async def load_group(self, chat: str) -> GroupSnapshot:
        k = self.keys.group
        keys = [k(chat), k(chat, "m"), k(chat, "p"), k(chat, "a"), k(chat, "n")]
        try:
            state, roster, participants, answers, tally = await self._load(keys=keys)
        except ERRORS as exc:
            raise StorageUnavailable(str(exc)) from exc
        fields = _pairs(state)
        version = int(fields.pop(VERSION, "0"))
        book: dict[tuple[int, str], int] = {}
        for name, choice in _pairs(answers).items():
            step, _, user = name.partition(":")
            book[(int(step), user)] = int(choice)
        return GroupSnapshot(
            fields,
            version,
            _pairs(roster),
            {_text(m) for m in participants},
            book,
            {name: int(count) for name, count in _pairs(tally).items()},
        )

    async def save_group(
        self, chat: str, version: int, old: Mapping[str, str], new: Mapping[str, str]
    ) -> bool:
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        removed = [k for k in old if k not in new]
        args: list[str | int] = [version, chat, len(changed)]
        for key, value in changed.items():
            args += [key, value]
        args += [len(removed), *removed]
        keys = [self.keys.group(chat), self.keys.group_due_of(chat)]
        try:
            return int(await self._save(keys=keys, args=args)) >= 0
        except ERRORS as exc:
            raise StorageUnavailable(str(exc)) from exc

    async def answer(
        self, chat: str, run: str, step: int, user: str, mark: str, choice: int
    ) -> Answered:
        k = self.keys.group
        keys = [k(chat), k(chat, "m"), k(chat, "a"), k(chat, "x"), k(chat, "n"), k(chat, "p")]
        try:
            got = await self._answer(keys=keys, args=[run, step, user, mark, choice])
        except ERRORS as exc:
            raise StorageUnavailable(str(exc)) from exc
        status, first, answered, joined, participants, member = (int(x) for x in got)
        return Answered(status, first, answered, joined, participants, bool(member))

    async def join(self, chat: str, user: str, name: str) -> tuple[bool, int]:
        k = self.keys.group
        try:
            new, participants = await self._join(
                keys=[k(chat), k(chat, "m"), k(chat, "p")], args=[user, name]
            )
        except ERRORS as exc:
            raise StorageUnavailable(str(exc)) from exc
        return bool(int(new)), int(participants)

    async def leave(self, chat: str, user: str) -> None:
        k = self.keys.group
        try:
            await self._leave(keys=[k(chat, "m"), k(chat, "p"), k(chat, "a")], args=[user])
        except ERRORS as exc:
            raise StorageUnavailable(str(exc)) from exc

    async def end_run(self, chat: str, run: str, cleared: Sequence[str]) -> bool:
        k = self.keys.group
        keys = [
            k(chat),
            self.keys.group_due_of(chat),
            *(k(chat, part) for part in ("p", "a", "n", "x")),
        ]
        try:
            return bool(await self._end_run(keys=keys, args=[run, chat, *cleared]))
        except ERRORS as exc:
            raise StorageUnavailable(str(exc)) from exc

    async def due_chats(self, now: int, platform: str) -> list[str]:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for shard in range(self.keys.shards):
                    pipe.zrangebyscore(self.keys.group_due(shard), "-inf", now, start=0, num=100)
                found = await pipe.execute()
        except ERRORS as exc:
            raise StorageUnavailable(str(exc)) from exc
        chats = [_text(c) for shard in found for c in shard]
        return [c for c in chats if c.startswith(f"{platform}:")]

    async def move_group(self, old: str, new: str) -> None:
        """Copied (DUMP/RESTORE keeps each key's type), then the old keys go: the two ids
        may live on different shards, so this is two steps, not one script. A group moves
        once; done twice (both chats announce it) it finds nothing the second time."""
        k, parts = self.keys.group, ("", "m", "p", "a", "n", "x")
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for part in parts:
                    pipe.dump(k(old, part))
                pipe.zscore(self.keys.group_due_of(old), old)
                *dumps, due = await pipe.execute()
            if dumps[0] is None:
                return  # nothing kept for that chat, or moved already
            async with self.redis.pipeline(transaction=False) as pipe:
                for part, dumped in zip(parts, dumps, strict=True):
                    if dumped is not None:
                        pipe.restore(k(new, part), 0, dumped, replace=True)
                if due is not None:
                    pipe.zadd(self.keys.group_due_of(new), {new: due})
                await pipe.execute()
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.delete(*(k(old, part) for part in parts))
                pipe.zrem(self.keys.group_due_of(old), old)
                await pipe.execute()
        except ERRORS as exc:
            raise StorageUnavailable(str(exc)) from exc

    async def put_code(self, code: str, value: str, seconds: int) -> bool:
        try:
            key = self.keys.pair_code(code)
            return bool(await self.redis.set(key, value, nx=True, ex=seconds))
        except ERRORS as exc:
            raise StorageUnavailable(str(exc)) from exc

    async def read_code(self, code: str, take: bool = False) -> str | None:
        key = self.keys.pair_code(code)
        try:
            value = await (self.redis.getdel(key) if take else self.redis.get(key))
        except ERRORS as exc:
            raise StorageUnavailable(str(exc)) from exc
        return _text(value) if value is not None else None


def _pairs(flat: list[bytes | str]) -> dict[str, str]:
    """HGETALL's reply inside a script: field, value, field, value..."""
    return {_text(flat[i]): _text(flat[i + 1]) for i in range(0, len(flat), 2)}


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
