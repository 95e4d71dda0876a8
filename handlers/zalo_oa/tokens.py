"""The OA's token pair, shared by every worker through Redis.

Zalo's refresh token works ONCE: used twice, the OA's grant is lost until an admin consents
again in a browser (research/zalo-oa.md §1.4). So:

- the pair lives in Redis, and a new pair is stored before its access token is used;
- one refresh runs at a time across every worker (a Redis lock; the others wait for the pair
  it stores), and it runs ahead of expiry, so learners rarely meet an expired token;
- a call refused for its token (-216, -220, -124) refreshes once and is tried once more;
- when Zalo refuses the refresh token, the grant is lost: one log line says what to do,
  /health turns 503 (`health`), and no worker calls Zalo again until `hocso zalo-oa connect`
  stores a new pair (events that came meanwhile are kept, and answered then).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from handlers.zalo_oa.api import Kind, OAClient, OAError, TokenPair
from handlers.zalo_oa.keys import OAKeys, text

log = logging.getLogger(__name__)

T = TypeVar("T")
AHEAD = 300.0  # seconds before expiry a token is refreshed (it lives 25 h)
LOCK_FOR = 30.0  # seconds a refresh may hold the lock (a worker that died lets go then)
WAIT_STEP = 0.05  # seconds between looks while another worker refreshes
LOST_RECHECK = 30.0  # seconds an event waits while the grant is lost (adapter.py)
CONNECT = "run `hocso zalo-oa connect` and have an OA admin consent again (docs/zalo-oa.md)"

# Deletes the lock only if it is still ours (it may have expired and been taken since).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class GrantLost(Exception):
    """The OA's grant is gone (refresh token refused, or none to start from): an admin must
    consent again. Nothing is sent until then."""


class Tokens:
    def __init__(
        self,
        client: OAClient,
        redis: Redis,
        keys: OAKeys,
        first_refresh_token: str = "",
        clock: Callable[[], float] = time.time,
        ahead: float = AHEAD,
    ) -> None:
        self.client = client
        self.redis = redis
        self.keys = keys
        self.first_refresh_token = first_refresh_token
        self.clock = clock
        self.ahead = ahead
        self._pair: TokenPair | None = None  # as last read or stored by this worker
        self._local = asyncio.Lock()  # one refresh per process; the Redis lock for the fleet
        self._release = redis.register_script(_RELEASE)

    async def access(self) -> str:
        """A working access token: refreshed first when it is about to expire."""
        pair = self._pair
        if pair is None or pair.expires_at - self.clock() <= self.ahead:
            pair = await self._load()
            if pair is None or pair.expires_at - self.clock() <= self.ahead:
                pair = await self.refresh(pair.access if pair else None)
        return pair.access

    async def call(self, request: Callable[[str], Awaitable[T]]) -> T:
        """`request(token)`; refused for its token, refreshed once and tried once more."""
        token = await self.access()
        try:
            return await request(token)
        except OAError as exc:
            if exc.kind is not Kind.TOKEN:
                raise
            log.info("zalo oa token refused (%s): refreshing", exc.code)
        fresh = await self.refresh(stale=token)
        return await request(fresh.access)

    async def refresh(self, stale: str | None) -> TokenPair:
        """A pair newer than the one whose access token is `stale` (None: whatever is there
        is stale): stored by another worker meanwhile, or refreshed here."""
        async with self._local:
            while True:
                await self._check_lost()
                pair = await self._load()
                if pair is not None and pair.access != stale and self._fresh(pair):
                    return pair  # another worker (or task) refreshed it meanwhile
                lock = secrets.token_hex(8)
                taken = await self.redis.set(
                    self.keys.refreshing, lock, nx=True, px=int(LOCK_FOR * 1000)
                )
                if not taken:
                    await self._wait_for_other(pair)
                    continue
                try:
                    pair = await self._load()  # it may have changed before we locked
                    if pair is not None and pair.access != stale and self._fresh(pair):
                        return pair
                    return await self._refresh_locked(pair)
                finally:
                    await self._release(keys=[self.keys.refreshing], args=[lock])

    async def _refresh_locked(self, pair: TokenPair | None) -> TokenPair:
        refresh_token = pair.refresh if pair else self.first_refresh_token
        if not refresh_token:
            await self._lose("no token pair in Redis and no ZALO_OA_REFRESH_TOKEN")
        try:
            new = await self.client.refresh(refresh_token, self.clock())
        except OAError as exc:
            if exc.kind is Kind.GRANT:
                await self._lose(f"Zalo refused the refresh token ({exc})")
            raise
        await self.store(new)  # before anyone uses it: this refresh token is spent
        log.info("zalo oa token refreshed; valid %.0f h", (new.expires_at - self.clock()) / 3600)
        return new

    async def store(self, pair: TokenPair) -> None:
        """Keep a new pair for every worker (and clear a lost grant: `connect` calls this)."""
        mapping: Mapping[str, str] = {
            "access": pair.access,
            "refresh": pair.refresh,
            "exp": f"{pair.expires_at:.3f}",
        }
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.keys.tokens, mapping=dict(mapping))
            pipe.hincrby(self.keys.tokens, "gen", 1)
            pipe.delete(self.keys.lost)
            await pipe.execute()
        self._pair = pair

    async def _load(self) -> TokenPair | None:
        raw = await self.redis.hgetall(self.keys.tokens)  # type: ignore[misc]  # stub
        stored = {text(k): text(v) for k, v in raw.items()}
        if not stored or not stored.get("access") or not stored.get("refresh"):
            return None
        try:
            expires_at = float(stored.get("exp") or 0)
        except ValueError:
            expires_at = 0.0
        self._pair = TokenPair(stored["access"], stored["refresh"], expires_at)
        return self._pair

    def _fresh(self, pair: TokenPair) -> bool:
        return pair.expires_at - self.clock() > self.ahead

    async def _wait_for_other(self, seen: TokenPair | None) -> None:
        """Another worker holds the lock: wait until it stores a pair or lets go."""
        deadline = time.monotonic() + LOCK_FOR
        while time.monotonic() < deadline:
            await asyncio.sleep(WAIT_STEP)
            if not await self.redis.exists(self.keys.refreshing):
                return
            pair = await self._load()
            if pair is not None and (seen is None or pair.access != seen.access):
                return

    async def _lose(self, why: str) -> None:
        """The grant is gone: say so once, mark it for every worker, stop calling Zalo."""
        log.error("zalo oa grant lost: %s; %s", why, CONNECT)
        # Unmarked (Redis down), this worker still stops; the others meet the refusal once.
        with contextlib.suppress(RedisError, OSError):
            await self.redis.set(self.keys.lost, why)
        raise GrantLost(why)

    async def _check_lost(self) -> None:
        """Raise GrantLost while the mark is set (refreshes are rare: always asked of Redis,
        so a worker sees `connect`'s new pair at once)."""
        why = text(await self.redis.get(self.keys.lost))
        if why:
            raise GrantLost(why)

    async def lost(self) -> str | None:
        """Why the grant is lost, or None while it holds."""
        return text(await self.redis.get(self.keys.lost)) or None

    async def health(self) -> Mapping[str, object]:
        """For /health: unhealthy while the grant is lost (learners get no answers)."""
        why = await self.lost()
        if why:
            return {"ok": False, "grant": "lost", "fix": CONNECT}
        return {"ok": True}
