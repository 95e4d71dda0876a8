"""Learner state in Redis: read a learner, then write back only if nobody wrote in between.
This is the engine's LearnerStore (bot/store.py) for real deployments.

Each write is one Lua script (one round trip, atomic): it checks the version the engine read,
applies the changed fields and appends the action's reporting events to the shard's outbox;
with the state kept in a per-process cache, that script is the action's only round trip.
Two workers, or one learner tapping twice, therefore never both apply the same step: the
loser sees a version conflict, reloads and decides again.
"""

from __future__ import annotations

import json
import math
import secrets
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from redis import exceptions as redis_errors
from redis.asyncio import Redis

from bot.store import REMOVE, StorageUnavailable
from storage.keys import Keys

VERSION = "v"
CACHE = 10_000  # learners whose last known state this process keeps

# KEYS: learner hash, outbox stream, reminder schedule (a sorted set; all three on one shard),
#       and optionally the "done" mark of the update being processed (same shard).
# ARGV: expected version, "save"|"delete"|"check", a first version for a new learner, the
#       learner's next reminder ("" leaves it, "-" removes it, else its time or "inf"), the
#       learner's id (the schedule's member), seconds to keep the done mark ("" for none),
#       number of fields to set, field/value pairs, number of fields to delete, their names,
#       then each event as JSON.
# Returns the new version, or on a conflict {-1, the stored fields and values} so the caller
# decides again without another round trip. "check" writes nothing: it only confirms that
# the state the caller decided on (perhaps from its cache) is still the stored one.
_WRITE = """
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return {-1, redis.call('HGETALL', KEYS[1])} end
if ARGV[6] ~= '' then redis.call('SET', KEYS[4], 'done', 'EX', ARGV[6]) end
if ARGV[2] == 'check' then return current end
local i = 7
local nset = tonumber(ARGV[i]); i = i + 1
local setargs = {}
for j = 1, nset * 2 do setargs[j] = ARGV[i]; i = i + 1 end
local ndel = tonumber(ARGV[i]); i = i + 1
local delargs = {}
for j = 1, ndel do delargs[j] = ARGV[i]; i = i + 1 end
local version = current + 1
if current == 0 then version = tonumber(ARGV[3]) end
if ARGV[2] == 'delete' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[3], ARGV[5])
  version = 0
else
  if ndel > 0 then redis.call('HDEL', KEYS[1], unpack(delargs)) end
  redis.call('HSET', KEYS[1], 'v', version, unpack(setargs))
  if ARGV[4] == '-' then
    redis.call('ZREM', KEYS[3], ARGV[5])
  elseif ARGV[4] ~= '' then
    redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
  end
end
while i <= #ARGV do
  redis.call('XADD', KEYS[2], '*', 'e', ARGV[i]); i = i + 1
end
return version
"""


@dataclass
class DoneMark:
    """An update's "done" mark (handlers/dedupe.py), to be written by the script that saves
    its learner's state: one round trip for both, and the update counts as done exactly when
    its effect is stored. `key` must be on the learner's shard (storage/keys.py `update`)."""

    learner: str
    key: str
    seconds: int
    written: bool = False


# Set by the adapter around one update; taken by the first save of that learner that lands.
DONE_MARK: ContextVar[DoneMark | None] = ContextVar("done_mark", default=None)


class StateStore:
    """The LearnerStore on Redis; a learner's key is the engine's conversation key.

    One round trip per learner action: the state this process last wrote (or saw) is kept
    in a small cache, so `load` usually needs no trip and `save` is the one script, which
    checks the version (another worker may have written since) and, on a conflict, returns
    the stored state so the engine decides again at once. A new learner's first version is
    random, so a learner erased and started again elsewhere never matches a stale entry."""

    def __init__(self, redis: Redis, keys: Keys, cache: int = CACHE) -> None:
        self.redis = redis
        self.keys = keys
        self._write = redis.register_script(_WRITE)
        self._cache: OrderedDict[str, tuple[dict[str, str], int]] = OrderedDict()
        self._cache_size = cache
        self._unchecked: set[str] = set()  # loaded from the cache: `save` must confirm it

    async def load(self, key: str) -> tuple[dict[str, str], int]:
        """The learner's fields and the version to pass back to `save`."""
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self._unchecked.add(key)
            return dict(cached[0]), cached[1]
        try:
            # redis-py types results as `Awaitable | value` (sync and async in one stub)
            raw = await self.redis.hgetall(self.keys.learner(key))  # type: ignore[misc]
        except (redis_errors.ConnectionError, redis_errors.TimeoutError) as exc:
            raise StorageUnavailable(str(exc)) from exc
        self._unchecked.discard(key)
        return _fields(raw)

    async def save(
        self,
        key: str,
        version: int,
        old: Mapping[str, str],
        new: Mapping[str, str] | None,
        events: Sequence[Mapping[str, str]] = (),
        due: float | None = None,
    ) -> bool:
        """Write `new` (None erases the learner) if the stored version is still `version`,
        and move the learner in the reminder schedule (`due`, see bot/store.py).

        Returns False on a conflict; the caller reloads and tries again.
        """
        mark = DONE_MARK.get()
        if mark is not None and (mark.written or mark.learner != key):
            mark = None
        request = self.write_request(key, version, old, new, events, due, mark)
        if request is None:
            return True  # decided on what Redis just said, and nothing to write
        keys, args = request
        try:
            result = await self._write(keys=keys, args=args)
        except (redis_errors.ConnectionError, redis_errors.TimeoutError) as exc:
            self._forget(key)
            raise StorageUnavailable(str(exc)) from exc
        saved = self.written(key, new, result)
        if mark is not None:
            mark.written = saved  # on a conflict nothing was written; the retry carries it
        return saved

    def write_request(
        self,
        key: str,
        version: int,
        old: Mapping[str, str],
        new: Mapping[str, str] | None,
        events: Sequence[Mapping[str, str]] = (),
        due: float | None = None,
        mark: DoneMark | None = None,
    ) -> tuple[list[str], list[str | int]] | None:
        """The write script's KEYS and ARGV for `save`; None when there is nothing to send.
        (storage/batch.py sends many in one pipeline, then calls `written` for each.)"""
        changed = {k: v for k, v in (new or {}).items() if old.get(k) != v}
        removed = [k for k in old if new is not None and k not in new]
        nothing = new is not None and not changed and not removed and not events
        if nothing and due is None and key not in self._unchecked:
            return None  # (an update's mark then goes on its own, handlers/dedupe.py)
        mode = "check" if nothing and due is None else "delete" if new is None else "save"
        # A new learner's first version; the script reads it only when the stored version is
        # 0 (expected as 0 here, or a conflict), so a known learner saves drawing it.
        first = secrets.randbelow(1 << 30) + 1 if version == 0 else 0
        args: list[str | int] = [version, mode, first, _due(due), key]
        args.append(mark.seconds if mark else "")
        args.append(len(changed))
        for k, v in changed.items():
            args += [k, v]
        args += [len(removed), *removed]
        args += [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in events]
        shard = self.keys.shard(key)
        start = self.keys.learner_prefix(shard)
        keys = [start + key, self.keys.outbox(shard), self.keys.schedule(shard)]
        if mark is not None:
            keys.append(mark.key)
        return keys, args

    def written(self, key: str, new: Mapping[str, str] | None, result: object) -> bool:
        """What the write script answered: True if written, False on a conflict (the stored
        state, which it returned, is kept for the retry)."""
        self._unchecked.discard(key)
        if isinstance(result, list):  # a conflict: what is stored now, for the retry
            flat = result[1]
            self._remember(key, *_fields(dict(zip(flat[::2], flat[1::2], strict=True))))
            return False
        if new is None:
            self._forget(key)
        else:
            self._remember(key, dict(new), int(result))  # type: ignore[call-overload]
        return True

    def known(self, key: str, fields: Mapping[str, str]) -> None:
        """The learner's state as just read elsewhere (the reminder claim): the next `load`
        needs no round trip, and `save` confirms it is still current."""
        state = dict(fields)
        version = int(state.pop(VERSION, "0"))
        self._remember(key, state, version)
        self._unchecked.add(key)

    def _remember(self, key: str, fields: dict[str, str], version: int) -> None:
        self._cache[key] = (fields, version)
        self._cache.move_to_end(key)
        if len(self._cache) > self._cache_size:
            gone, _ = self._cache.popitem(last=False)
            self._unchecked.discard(gone)

    def _forget(self, key: str) -> None:
        self._cache.pop(key, None)
        self._unchecked.discard(key)


def _fields(raw: Mapping[bytes | str, bytes | str]) -> tuple[dict[str, str], int]:
    fields = {_text(k): _text(v) for k, v in raw.items()}
    version = int(fields.pop(VERSION, "0"))
    return fields, version


def _due(due: float | None) -> str:
    if due is None:
        return ""
    if due == REMOVE:
        return "-"
    return "inf" if math.isinf(due) else repr(float(due))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
