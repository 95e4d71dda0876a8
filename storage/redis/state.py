"""Learner state in Redis: read a learner, then write back only if nobody wrote in between.
This is the engine's LearnerStore (bot/store.py) for real deployments.

Each write is one Lua script (one round trip, atomic): it checks the version the engine read,
applies the changed fields and appends the action's reporting events to the shard's outbox;
with the state kept in a per-process cache, that script is the action's only round trip.
Two workers, or one learner tapping twice, therefore never both apply the same step: the
loser sees a version conflict, reloads and decides again.
"""

from __future__ import annotations

import math
import secrets
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import orjson
from redis import exceptions as redis_errors
from redis.asyncio import Redis

from bot.events import DoneMark
from bot.kept import KEEP_FOR, keep, replies_key
from bot.store import REMOVE, Save, StorageUnavailable
from storage.redis.keys import Keys

VERSION = "v"
CACHE = 10_000  # learners whose last known state this process keeps

# One script call writes any number of learners of one shard (a wave of reminders is one call;
# a reply's save is a call with one write).
# KEYS: the shard's outbox stream and reminder schedule, then for each write its learner's
#       hash and, if it carries one, the "done" mark of the update being processed (all on
#       the one shard).
# ARGV[1]: the writes as JSON, each [expected version, "save"|"delete"|"check", a first
#       version for a new learner, the learner's next reminder ("" leaves it, "-" removes it,
#       else its time or "inf"), the learner's id (the schedule's member), seconds to keep the
#       done mark ("" for none), {field: value} to set, [fields to delete], [events, each as
#       JSON], and with a done mark the turn's replies ("" for none) and seconds to keep them
#       (bot/kept.py; their key follows the mark's in KEYS)]. One
#       argument, not dozens: redis-py packs each argument in Python, and that
#       cost more than deciding a reminder.
# Returns, for each write, the new version, or on a conflict {-1, the stored fields and
# values} so the caller decides again without another round trip. "check" writes nothing: it
# only confirms that the state the caller decided on (perhaps from its cache) is still stored.
_WRITE = """
local out, k = {}, 3
for _, w in ipairs(cjson.decode(ARGV[1])) do
  local learner, mode, keep = KEYS[k], w[2], w[6]
  k = k + 1
  local mark, kept = nil, nil
  if keep ~= '' then mark = KEYS[k]; kept = KEYS[k + 1]; k = k + 2 end
  local current = tonumber(redis.call('HGET', learner, 'v') or '0')
  if current ~= w[1] then
    out[#out + 1] = {-1, redis.call('HGETALL', learner)}
  else
    if mark then
      redis.call('SET', mark, 'done', 'EX', keep)
      if w[10] ~= '' then redis.call('SET', kept, w[10], 'EX', w[11]) end
    end
    local version = current
    if mode == 'delete' then
      redis.call('DEL', learner)
      redis.call('ZREM', KEYS[2], w[5])
      version = 0
    elseif mode == 'save' then
      version = current + 1
      if current == 0 then version = w[3] end
      if #w[8] > 0 then redis.call('HDEL', learner, unpack(w[8])) end
      local sets = {'v', version}
      for field, value in pairs(w[7]) do
        sets[#sets + 1] = field; sets[#sets + 1] = value
      end
      redis.call('HSET', learner, unpack(sets))
      if w[4] == '-' then
        redis.call('ZREM', KEYS[2], w[5])
      elseif w[4] ~= '' then
        redis.call('ZADD', KEYS[2], w[4], w[5])
      end
    end
    if mode ~= 'check' then
      for _, event in ipairs(w[9]) do redis.call('XADD', KEYS[1], '*', 'e', event) end
    end
    out[#out + 1] = version
  end
end
return out
"""


@dataclass(slots=True)
class _Write:
    """One learner's part of a write script call."""

    key: str  # the learner's conversation key
    shard: int
    new: Mapping[str, str] | None
    keys: list[str]
    item: list[object]  # its entry in the script's JSON


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
        return stored_fields(raw)

    async def save(
        self,
        key: str,
        version: int,
        old: Mapping[str, str],
        new: Mapping[str, str] | None,
        events: Sequence[Mapping[str, str]] = (),
        due: float | None = None,
        done: DoneMark | None = None,
    ) -> bool:
        """Write `new` (None erases the learner) if the stored version is still `version`,
        and move the learner in the reminder schedule (`due`, see bot/store.py); the event's
        `done` mark goes in the same script.

        Returns False on a conflict; the caller reloads and tries again.
        """
        mark = done
        if mark is not None and (mark.written or mark.learner != key):
            mark = None
        write = self._request(Save(key, version, old, new, events, due), mark)
        if write is None:
            return True  # decided on what Redis just said, and nothing to write
        [saved] = await self._send(write.shard, [write])
        if mark is not None:
            mark.written = saved  # on a conflict nothing was written; the retry carries it
        return saved

    async def save_many(self, saves: Sequence[Save]) -> list[bool]:
        """Each as `save` would, in one script call per shard (the reminder loop's wave is
        one shard): the states were read elsewhere (the claim), so each is confirmed even
        when nothing changed."""
        results = [True] * len(saves)
        by_shard: dict[int, list[tuple[int, _Write]]] = {}
        for n, save in enumerate(saves):
            if (write := self._request(save, confirm=True)) is not None:
                by_shard.setdefault(write.shard, []).append((n, write))
        for shard, writes in by_shard.items():
            saved = await self._send(shard, [write for _, write in writes])
            for (n, _), ok in zip(writes, saved, strict=True):
                results[n] = ok
        return results

    async def _send(self, shard: int, writes: list[_Write]) -> list[bool]:
        """One script call for these writes of one shard; True for each written."""
        keys = [self.keys.outbox(shard), self.keys.schedule(shard)]
        for write in writes:
            keys += write.keys
        try:
            answers = await self._write(keys=keys, args=[orjson.dumps([w.item for w in writes])])
        except (redis_errors.ConnectionError, redis_errors.TimeoutError) as exc:
            for write in writes:
                self._forget(write.key)
            raise StorageUnavailable(str(exc)) from exc
        return [
            self._written(write.key, write.new, answer)
            for write, answer in zip(writes, answers, strict=True)
        ]

    def _request(
        self, save: Save, mark: DoneMark | None = None, confirm: bool = False
    ) -> _Write | None:
        """The script's keys and arguments for one write; None when there is nothing to send
        (`confirm`: send a check all the same, the state was not read through this store)."""
        key, old, new, events, due = save.key, save.old, save.new, save.events, save.due
        changed = {k: v for k, v in (new or {}).items() if old.get(k) != v}
        removed = [k for k in old if new is not None and k not in new]
        nothing = new is not None and not changed and not removed and not events
        if nothing and due is None and not confirm and key not in self._unchecked:
            return None  # (an update's mark then goes on its own, handlers/dedupe.py)
        mode = "check" if nothing and due is None else "delete" if new is None else "save"
        # A new learner's first version; the script reads it only when the stored version is
        # 0 (expected as 0 here, or a conflict), so a known learner saves drawing it.
        first = secrets.randbelow(1 << 30) + 1 if save.version == 0 else 0
        item: list[object] = [save.version, mode, first, _due(due), key]
        item += [mark.seconds if mark else "", changed, removed]
        item.append([orjson.dumps(e).decode() for e in events])
        if mark is not None:
            item += [keep(mark.replies).decode() if mark.replies else "", KEEP_FOR]
        shard = self.keys.shard(key)
        keys = [self.keys.learner_prefix(shard) + key]
        if mark is not None:
            keys += [mark.key, replies_key(mark.key)]
        return _Write(key, shard, new, keys, item)

    def _written(self, key: str, new: Mapping[str, str] | None, answer: object) -> bool:
        """What the write script answered for one write: True if written, False on a
        conflict (the stored state, which it returned, is kept for the retry)."""
        self._unchecked.discard(key)
        if isinstance(answer, list):  # a conflict: what is stored now, for the retry
            flat = answer[1]
            self._remember(key, *stored_fields(dict(zip(flat[::2], flat[1::2], strict=True))))
            return False
        if new is None:
            self._forget(key)
        else:
            self._remember(key, dict(new), int(answer))  # type: ignore[call-overload]
        return True

    def _remember(self, key: str, fields: dict[str, str], version: int) -> None:
        self._cache[key] = (fields, version)
        self._cache.move_to_end(key)
        if len(self._cache) > self._cache_size:
            gone, _ = self._cache.popitem(last=False)
            self._unchecked.discard(gone)

    def _forget(self, key: str) -> None:
        self._cache.pop(key, None)
        self._unchecked.discard(key)


def stored_fields(raw: Mapping[bytes | str, bytes | str]) -> tuple[dict[str, str], int]:
    """A learner's hash as read: its fields, and its version apart."""
    if raw and type(next(iter(raw))) is str:  # as the tutor's clients decode them
        fields = cast(dict[str, str], dict(raw))
    else:
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
