"""The brakes on guessing: login tries and certificate look-ups, counted before the slow part.

A try is counted (atomically, in one Lua script) *before* the password is checked, so tries
sent together cannot all pass: past the `free` tries of a rule in its window, the next must
wait 1 s after the last, then 2, 4 ... up to `longest`. A login that succeeds takes its own
try back. Checking a password (argon2id: 64 MiB and tens of milliseconds each) is bounded too
(`Checks`): a few at once, a short queue, and "busy, try again" past it.

Where the counts live: in Redis when REDIS_URL is set, so every `hocso web` process behind a
balancer shares them; else in an in-process Redis (the embedded setup: one process, counts
lost on restart). If that Redis stops answering, each process brakes on its own counts
meanwhile rather than letting guesses through unbraked.

Which counts (so an attacker cannot keep an official locked out):
* per address: 20 tries in 15 minutes, whatever the names (one guesser, many accounts);
* per account *and* address: 5 tries (one guesser, one account); the official at her own
  address is not braked by someone guessing from another;
* per account from browsers it was never logged in from: 50 tries in 15 minutes (guessing
  from many addresses). A browser where the account logged in before carries a signed
  "known" cookie and skips this count, so that guessing cannot lock her out either.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fakeredis import FakeAsyncRedis, FakeServer
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

KNOWN_COOKIE = "hocso_known"  # accounts that logged in from this browser (signed tokens)
KNOWN_DAYS = 365
KNOWN_MAX = 8  # tokens kept in the cookie (a shared office computer, a few accounts)


@dataclass(frozen=True)
class Rule:
    free: int  # tries allowed in `window` before the waits start
    window: float = 900.0  # seconds a try is remembered
    longest: float = 300.0  # the longest wait


ADDRESS = Rule(free=20)
ACCOUNT_AT_ADDRESS = Rule(free=5)
ACCOUNT = Rule(free=50)
VERIFY = Rule(free=30, window=60.0, longest=60.0)  # certificate codes not found, per address

# KEYS: the counts; ARGV: now, this try's id, then free, window, longest for each key.
# Returns "0" when the try is counted in every key, else the seconds to wait (nothing counted).
_RESERVE = """
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[3 * i])
  local window = tonumber(ARGV[3 * i + 1])
  local longest = tonumber(ARGV[3 * i + 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n >= free then
    local last = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
    local w = last + math.min(longest, 2 ^ (n - free)) - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('ZREMRANGEBYRANK', key, 0, -65)
  redis.call('EXPIRE', key, math.ceil(tonumber(ARGV[3 * i + 1])))
end
return '0'
"""


class Busy(Exception):
    """Too many passwords are being checked already: try again in a moment."""


class Checks:
    """Password checks running at once (`at_once`), and a queue of at most `waiting` more."""

    def __init__(self, at_once: int = 2, waiting: int = 16) -> None:
        self.running = asyncio.Semaphore(at_once)
        self.waiting, self.max_waiting = 0, waiting

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self.waiting >= self.max_waiting:
            raise Busy
        self.waiting += 1
        try:
            await self.running.acquire()
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self.running.release()


@dataclass(frozen=True)
class Try:
    """A counted try: its id, and the counts it is in (to take it back)."""

    id: str
    keys: tuple[str, ...]


class Brake:
    """Counts of tries, in `redis` (shared) or in this process."""

    def __init__(
        self,
        redis: Redis | None,
        prefix: str,
        secret: bytes,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.local: Redis = FakeAsyncRedis(server=FakeServer(), decode_responses=True)
        self.redis = redis or self.local
        self.prefix = f"{prefix}:{{web-brake}}"  # one hash tag: one slot on a cluster
        self.secret = secret
        self.clock = clock

    def _key(self, kind: str, *parts: str) -> str:
        digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]
        return f"{self.prefix}:{kind}:{digest}"

    async def reserve(self, counts: Sequence[tuple[str, Rule]]) -> tuple[Try | None, float]:
        """Count a try in each of `counts` ((key, rule)); (the try, 0) if it may go ahead,
        else (None, seconds to wait) and nothing is counted."""
        tried = Try(secrets.token_hex(8), tuple(key for key, _ in counts))
        argv = [repr(self.clock()), tried.id]
        for _, rule in counts:
            argv += [str(rule.free), repr(rule.window), repr(rule.longest)]
        try:
            wait = await self._run(self.redis, tried.keys, argv)
        except RedisError as exc:  # counted here meanwhile: braked, not wide open
            log.warning("login brake: Redis did not answer (%s); counting in this process", exc)
            wait = await self._run(self.local, tried.keys, argv)
        return (tried, 0.0) if wait <= 0 else (None, wait)

    async def _run(self, redis: Redis, keys: Sequence[str], argv: Sequence[str]) -> float:
        return float(await redis.eval(_RESERVE, len(keys), *keys, *argv))  # type: ignore[misc]

    async def take_back(self, tried: Try, forget: Sequence[str] = ()) -> None:
        """The try went well: it no longer counts, and the counts in `forget` start over."""
        for redis in {id(self.redis): self.redis, id(self.local): self.local}.values():
            try:
                async with redis.pipeline(transaction=False) as pipe:
                    for key in tried.keys:
                        pipe.zrem(key, tried.id)
                    for key in forget:
                        pipe.delete(key)
                    await pipe.execute()
            except RedisError as exc:
                log.warning("login brake: Redis did not answer (%s)", exc)

    # -- the counts of a login and of a look-up ------------------------------------------

    def login_counts(self, username: str, address: str, known: bool) -> list[tuple[str, Rule]]:
        name = username.casefold()
        counts = [
            (self._key("address", address), ADDRESS),
            (self.pair_key(name, address), ACCOUNT_AT_ADDRESS),
        ]
        if not known:
            counts.append((self._key("account", name), ACCOUNT))
        return counts

    def pair_key(self, username: str, address: str) -> str:
        return self._key("pair", username.casefold(), address)

    def verify_counts(self, address: str) -> list[tuple[str, Rule]]:
        return [(self._key("verify", address), VERIFY)]

    # -- browsers an account logged in from ------------------------------------------------

    def token(self, username: str) -> str:
        mac = hmac.new(self.secret, b"known:" + username.casefold().encode(), hashlib.sha256)
        return mac.hexdigest()[:32]

    def knows(self, cookie: str, username: str) -> bool:
        mine = self.token(username)
        return any(hmac.compare_digest(mine, t) for t in cookie.split(".") if t)

    def remember(self, cookie: str, username: str) -> str:
        """The cookie's new value: this account first, a few others kept."""
        mine = self.token(username)
        others = [t for t in cookie.split(".") if t and t != mine and len(t) == len(mine)]
        return ".".join([mine, *others][:KNOWN_MAX])
