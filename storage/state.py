"""Learner state in Redis: read a learner, then write back only if nobody wrote in between.
This is the engine's LearnerStore (bot/store.py) for real deployments.

Each write is one Lua script (one round trip, atomic): it checks the version the engine read,
applies the changed fields and appends the action's reporting events to the shard's outbox.
Two workers, or one learner tapping twice, therefore never both apply the same step: the
loser sees a version conflict, reloads and decides again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from redis import exceptions as redis_errors
from redis.asyncio import Redis

from bot.store import StorageUnavailable
from storage.keys import Keys

VERSION = "v"

# KEYS: learner hash, outbox stream.
# ARGV: expected version, "save"|"delete", number of fields to set, field/value pairs,
#       number of fields to delete, their names, then each event as JSON.
_WRITE = """
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return -1 end
local i = 3
local nset = tonumber(ARGV[i]); i = i + 1
local setargs = {}
for j = 1, nset * 2 do setargs[j] = ARGV[i]; i = i + 1 end
local ndel = tonumber(ARGV[i]); i = i + 1
local delargs = {}
for j = 1, ndel do delargs[j] = ARGV[i]; i = i + 1 end
local version = current + 1
if ARGV[2] == 'delete' then
  redis.call('DEL', KEYS[1])
  version = 0
else
  if ndel > 0 then redis.call('HDEL', KEYS[1], unpack(delargs)) end
  redis.call('HSET', KEYS[1], 'v', version, unpack(setargs))
end
while i <= #ARGV do
  redis.call('XADD', KEYS[2], '*', 'e', ARGV[i]); i = i + 1
end
return version
"""


class StateStore:
    """The LearnerStore on Redis; a learner's key is the engine's conversation key."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._write = redis.register_script(_WRITE)

    async def load(self, key: str) -> tuple[dict[str, str], int]:
        """The learner's fields and the version to pass back to `save`."""
        try:
            # redis-py types results as `Awaitable | value` (sync and async in one stub)
            raw = await self.redis.hgetall(self.keys.learner(key))  # type: ignore[misc]
        except (redis_errors.ConnectionError, redis_errors.TimeoutError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        fields = {_text(k): _text(v) for k, v in raw.items()}
        version = int(fields.pop(VERSION, "0"))
        return fields, version

    async def save(
        self,
        key: str,
        version: int,
        old: Mapping[str, str],
        new: Mapping[str, str] | None,
        events: Sequence[Mapping[str, str]] = (),
    ) -> bool:
        """Write `new` (None erases the learner) if the stored version is still `version`.

        Returns False on a conflict; the caller reloads and tries again.
        """
        changed = {k: v for k, v in (new or {}).items() if old.get(k) != v}
        removed = [k for k in old if new is not None and k not in new]
        args: list[str | int] = [version, "delete" if new is None else "save", len(changed)]
        for k, v in changed.items():
            args += [k, v]
        args += [len(removed), *removed]
        args += [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in events]
        keys = [self.keys.learner(key), self.keys.outbox_of(key)]
        try:
            result = await self._write(keys=keys, args=args)
        except (redis_errors.ConnectionError, redis_errors.TimeoutError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        return int(result) >= 0


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
