"""The reporter: drains the Redis outboxes into the reporting database, each event once.

Every shard's outbox stream is read through one consumer group ("reporters"), so any number
of reporters share the work. For each batch the reporter commits the SQL transaction first
and only then acknowledges (XACK) and deletes (XDEL) the entries. So:

* a reporter that dies before acknowledging leaves its entries pending; a live reporter
  claims them (XAUTOCLAIM) once they have been idle `claim_idle` seconds, and the event ids
  already in `processed_events` make the replay change nothing;
* while the database is down, writes fail, nothing is acknowledged, and the reporter backs
  off and retries the same entries; learners keep learning and events wait in Redis. While
  it backs off it probes the database and Redis every second, and retries as soon as they
  answer again, so reporting resumes within about a second of the end of an outage;
* when Redis loses the consumer group (restarted without persistence, FLUSHALL, a failover),
  reads answer NOGROUP: the reporter re-creates the group and goes on with what the
  outboxes hold now.

Each reporter writes a heartbeat to `{prefix}:reporters`; `reporter_health` turns it and the
outboxes into the reporting part of /health.

Usage: `run_reporter(redis, keys, database)` runs until cancelled or `stop` is set;
`background_reporter(...)` does the same beside something else (`hocso chat`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from redis import exceptions as redis_errors
from redis.asyncio import Redis
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage import metrics
from storage.redis.keys import Keys
from storage.sql.db import Database
from storage.sql.ingest import OutboxEvent, parse, prune_erasures, write_batch

log = logging.getLogger(__name__)

GROUP = "reporters"
KEEP_ERASURES = timedelta(days=30)  # far longer than any event can wait in an outbox
PRUNE_EVERY = 3600.0  # seconds
HEARTBEAT_EVERY = 5.0  # seconds between heartbeats of a reporter that is working normally
REMIND_EVERY = 60.0  # seconds between "still paused" lines during an outage
ANSWERING_BACKOFF = 2.0  # the longest wait between retries while the database answers
STUCK_AFTER = 120.0  # reporter_health: events waiting this long with no progress is unhealthy
Entry = tuple[str, str, OutboxEvent | None]  # stream, entry id, event (None: malformed)


class Reporter:
    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        database: Database,
        *,
        consumer: str = "",
        batch: int = 500,  # entries read from each outbox at a time
        transaction: int = 2000,  # events written in one SQL transaction, at most
        claim_idle: float = 60.0,
        block: float = 1.0,  # seconds to wait when every outbox is empty
        max_backoff: float = 10.0,
        probe_every: float = 1.0,  # seconds between probes while backing off
        remind_every: float = REMIND_EVERY,
        keep_erasures: timedelta = KEEP_ERASURES,
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.streams = keys.all_outboxes()
        self.database = database
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.batch = batch
        self.transaction = transaction
        self.claim_idle = claim_idle
        self.block = block
        self.max_backoff = max_backoff
        self.probe_every = probe_every
        self.remind_every = remind_every
        self._unreachable = False  # the last probe got no answer
        self.keep_erasures = keep_erasures
        self.written = 0  # events newly stored by this reporter
        self.regrouped = 0  # times a lost consumer group was re-created
        self._grouped = False
        # -inf, not 0.0: the monotonic clock is near 0 on a freshly booted server, and "long ago"
        # must still mean "due now" there.
        self._beat_at = -math.inf  # when the last heartbeat was written (monotonic)
        self._ok_at = 0.0  # when a round last finished without error (wall clock)
        self._stored_at = 0.0  # when a round last stored entries (wall clock)
        self._last_claim = -math.inf
        self._last_prune = -math.inf  # prune on the first round

    async def setup(self) -> None:
        """Create the consumer group on every outbox (once; later calls do nothing)."""
        if not self._grouped:
            await self._create_groups(self.streams)
            self._grouped = True

    async def _create_groups(self, streams: list[str]) -> None:
        """XGROUP CREATE ... MKSTREAM, from the start of each stream: entries added after the
        group was lost (a learner's XADD re-creates the stream, not the group) are kept."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for stream in streams:
                pipe.xgroup_create(stream, GROUP, id="0", mkstream=True)
            answers = await pipe.execute(raise_on_error=False)
        for answer in answers:
            if isinstance(answer, Exception) and "BUSYGROUP" not in str(answer):
                raise answer

    async def _regroup(self, streams: list[str]) -> None:
        """Redis answered NOGROUP: the group is gone (Redis restarted without persistence,
        was flushed or failed over). Re-create it and go on; say so, since any events the
        outboxes lost with it cannot be reported."""
        await self._create_groups(streams)
        self.regrouped += 1
        self._beat_at = -math.inf  # the heartbeat went with the group: write it again at once
        log.warning(
            "the reporters' consumer group was missing on %d outbox(es) (Redis restarted "
            "without persistence, flushed, or failed over?); re-created it and reading on. "
            "Events Redis lost before that cannot be reported.",
            len(streams),
        )

    async def step(self) -> int:
        """One round: our own unacknowledged entries, then stale ones of dead reporters,
        then new ones. Returns the number of entries handled (0: nothing to do)."""
        await self.setup()
        handled = 0
        while entries := await self.read("0"):  # ours, read before but never acknowledged
            handled += await self.store(entries)
        if time.monotonic() - self._last_claim >= self.claim_idle / 2:
            handled += await self.claim()
            self._last_claim = time.monotonic()
        if entries := await self.read(">"):
            handled += await self.store(entries)
        if time.monotonic() - self._last_prune >= PRUNE_EVERY:
            self._last_prune = time.monotonic()
            await self.prune()
        return handled

    async def prune(self) -> None:
        """Housekeeping, after the events: it must never hold up their delivery."""
        with contextlib.suppress(Exception):
            await _forget_dead_reporters(self.redis, self.keys, time.time() - 86400)
        try:
            await prune_erasures(self.database, datetime.now(UTC), self.keep_erasures)
        except Exception as exc:  # noqa: BLE001 - tried again in an hour
            log.warning("old erasure marks not pruned: %s", _short(exc))

    async def read(self, since: str) -> list[Entry]:
        """Entries of every outbox: `>` new ones, `0` the ones delivered to us and pending.

        One XREADGROUP per stream, pipelined: the streams live in different hash slots, so a
        single call over all of them would be refused by Redis Cluster."""
        answers = await self._read(self.streams, since)
        if lost := [s for s, a in zip(self.streams, answers, strict=True) if _nogroup(a)]:
            await self._regroup(lost)
            answers = [a for a in answers if not _nogroup(a)] + await self._read(lost, since)
        for answer in answers:
            if isinstance(answer, Exception):
                raise answer
        # An entry deleted while pending comes back without fields: it is acknowledged only.
        return [
            (_text(stream), _text(entry_id), _event(fields) if fields else None)
            for answer in answers
            for stream, items in answer or []
            for entry_id, fields in items
        ]

    async def _read(self, streams: list[str], since: str) -> list:
        async with self.redis.pipeline(transaction=False) as pipe:
            for stream in streams:
                pipe.xreadgroup(GROUP, self.consumer, {stream: since}, count=self.batch)
            return await pipe.execute(raise_on_error=False)

    async def claim(self) -> int:
        """Take over entries another reporter read but left unacknowledged for too long."""
        handled = 0
        idle = int(self.claim_idle * 1000)
        for stream in self.streams:
            start = "0-0"
            while True:
                try:
                    reply = await self.redis.xautoclaim(
                        stream, GROUP, self.consumer, idle, start_id=start, count=self.batch
                    )
                except redis_errors.ResponseError as exc:
                    if not _nogroup(exc):
                        raise
                    await self._regroup([stream])  # a new group has nothing to claim
                    break
                start, items = _text(reply[0]), reply[1]
                entries = [(stream, _text(i), _event(f) if f else None) for i, f in items if i]
                if entries:
                    log.info("claimed %d stale entries of %s", len(entries), stream)
                    handled += await self.store(entries)
                if start == "0-0":
                    break
        return handled

    async def store(self, entries: list[Entry]) -> int:
        """Commit the batch to SQL, then (and only then) acknowledge it in Redis."""
        # A backlog (after an outage) is written in large transactions: a transaction costs
        # a few queries whatever its size (see ingest.py), so large ones catch up fastest.
        events = [e for _, _, e in entries if e is not None]
        for start in range(0, len(events), self.transaction):
            chunk = events[start : start + self.transaction]
            self.written += await write_batch(self.database, chunk)
        await self.acknowledge(entries)
        return len(entries)

    async def acknowledge(self, entries: list[Entry]) -> None:
        by_stream: dict[str, list[str]] = {}
        for stream, entry_id, _ in entries:
            by_stream.setdefault(stream, []).append(entry_id)
        async with self.redis.pipeline(transaction=False) as pipe:
            for stream, ids in by_stream.items():
                pipe.xack(stream, GROUP, *ids)
                pipe.xdel(stream, *ids)  # stored in SQL: the outbox need not keep them
            await pipe.execute()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Drain until `stop` is set (or the task is cancelled), backing off while the
        database or Redis is unreachable; nothing is acknowledged before it is stored.

        An outage is logged when it starts, every `remind_every` seconds while it lasts (with
        its length and latest error), and when it ends, with its length."""
        stop = stop or asyncio.Event()
        first_delay = min(1.0, self.max_backoff)
        delay, down_since, reminded, failures = first_delay, 0.0, 0.0, 0
        while not stop.is_set():
            try:
                handled = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any outage: wait and retry, never drop
                if _raced(exc):
                    # Another reporter wrote the same rows, or PostgreSQL ended a deadlock
                    # with this batch: re-read. A pause keeps a conflict that does not go
                    # away from spinning against the database.
                    log.info("batch raced another reporter, retrying: %s", _short(exc))
                    await _wait(stop, 0.1)
                    continue
                failures += 1
                now = time.monotonic()
                if not down_since:
                    down_since = reminded = now
                    log.error("reporting paused (events wait in Redis): %s", _short(exc))
                elif now - reminded >= self.remind_every:
                    reminded = now
                    log.error(
                        "reporting still paused after %.1f s (%d attempts): %s",
                        now - down_since,
                        failures,
                        _short(exc),
                    )
                await self.heartbeat(error=_short(exc), down_for=now - down_since)
                await self.back_off(stop, delay)
                delay = min(delay * 2, self.max_backoff)
                continue
            self._ok_at = time.time()
            if handled:
                self._stored_at = self._ok_at
            if down_since:
                log.warning(
                    "reporting resumed after %.1f s (%d failed attempts)",
                    time.monotonic() - down_since,
                    failures,
                )
                down_since, failures = 0.0, 0
                self._beat_at = -math.inf  # say so at once
                self._unreachable = False
            delay = first_delay
            await self.heartbeat()
            if not handled:
                await _wait(stop, self.block)  # idle: look again in a moment
        await self.sign_off()

    async def back_off(self, stop: asyncio.Event, seconds: float) -> None:
        """Wait up to `seconds` before retrying. The back-off spares a database that does not
        answer, but must not delay the catch-up once it does: probe the database and Redis
        every `probe_every` seconds; when they answer again after not answering, return at
        once; while they answer (the batch failed for another reason, e.g. no tables yet),
        wait at most ANSWERING_BACKOFF."""
        began = time.monotonic()
        deadline = began + seconds
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            await _wait(stop, min(self.probe_every, left))
            if stop.is_set() or time.monotonic() >= deadline:
                return
            answering = await self._answering()
            if answering and self._unreachable:
                self._unreachable = False
                return
            self._unreachable = not answering
            if answering:
                deadline = min(deadline, began + ANSWERING_BACKOFF)

    async def _answering(self) -> bool:
        try:
            async with asyncio.timeout(self.probe_every + self.database.connect_timeout):
                await self.redis.ping()
                await self.database.ping()
        except Exception:  # noqa: BLE001 - any failure means "not yet"
            return False
        return True

    async def heartbeat(self, error: str = "", down_for: float = 0.0) -> None:
        """Tell `reporter_health` this reporter is alive: every HEARTBEAT_EVERY seconds while
        all is well, at once when something goes wrong. Best effort: Redis may be the fault."""
        if not error and time.monotonic() - self._beat_at < HEARTBEAT_EVERY:
            return
        self._beat_at = time.monotonic()
        beat = {
            "at": time.time(),
            "ok": self._ok_at,
            "stored": self._stored_at,
            "down_for": round(down_for, 1),
            "error": error,
        }
        with contextlib.suppress(Exception):
            await self.redis.hset(self.keys.reporters(), self.consumer, json.dumps(beat))  # type: ignore[misc]  # redis-py's stub

    async def sign_off(self) -> None:
        """A reporter stopped on purpose is no longer counted as running."""
        with contextlib.suppress(Exception):
            await self.redis.hdel(self.keys.reporters(), self.consumer)  # type: ignore[misc]  # redis-py's stub


async def run_reporter(
    redis: Redis, keys: Keys, database: Database, stop: asyncio.Event | None = None, **options: Any
) -> None:
    """The entry point for `hocso run` (and `--only reporter`): drain outboxes until stopped."""
    await Reporter(redis, keys, database, **options).run(stop)


@asynccontextmanager
async def background_reporter(
    redis: Redis, keys: Keys, database: Database, flush_timeout: float = 10.0, **options: Any
) -> AsyncIterator[Reporter]:
    """Run a reporter beside the caller; on exit stop it and store what is left."""
    reporter = Reporter(redis, keys, database, **options)
    stop = asyncio.Event()
    task = asyncio.create_task(reporter.run(stop))
    try:
        yield reporter
    finally:
        stop.set()
        await task
        try:
            async with asyncio.timeout(flush_timeout):
                while await reporter.step():
                    pass
        except Exception as exc:  # noqa: BLE001
            log.error("could not store the last reports (they stay in Redis): %s", _short(exc))


async def reporter_health(
    redis: Redis, keys: Keys, now: float, stuck_after: float = STUCK_AFTER
) -> tuple[bool, dict]:
    """Is reporting working? For /health. Returns `(healthy, details)`.

    `now` is the caller's wall clock (`time.time()`); event ages come from the outbox entry
    ids (stamped by the Redis server's clock) and heartbeats from the reporters' clocks, so
    keep the machines' clocks in sync (NTP). Ages below zero are shown as 0.

    `details` is ready for JSON (seconds are rounded to 0.1 s; None means "never" or "none"):

    * `waiting`: events in the outboxes not yet stored in SQL (read or not);
    * `pending`: of those, read by a reporter and not yet acknowledged;
    * `oldest_age`: seconds the oldest waiting event has waited;
    * `reporters`: reporters whose heartbeat is newer than `stuck_after` seconds;
    * `last_stored_age`: seconds since any reporter last stored events;
    * `error`: the latest error of a reporter that is failing, else "";
    * `groups_missing`: outboxes that hold events but lost their consumer group;
    * `problem`: why it is unhealthy (one English line), else "".

    Unhealthy when events have waited more than `stuck_after` seconds and no reporter has
    stored anything for `stuck_after` seconds: none is running, or all of them are failing
    (database down, Redis lost the group) or hanging. A reporter catching up on a backlog is
    healthy: the lag shows in `waiting` and `oldest_age`. Raises what Redis raises (a caller
    answering /health should treat that as unhealthy too). Cost: one pipelined round trip of
    three commands per outbox, and one HGETALL.
    """
    streams = keys.all_outboxes()
    async with redis.pipeline(transaction=False) as pipe:
        for stream in streams:
            pipe.xlen(stream)
            pipe.xrange(stream, count=1)
            pipe.xinfo_groups(stream)
        answers = await pipe.execute(raise_on_error=False)
    waiting = pending = missing = 0
    oldest: float | None = None
    for i in range(0, len(answers), 3):
        length, first, groups = answers[i : i + 3]
        if isinstance(length, Exception) or not length:
            continue
        waiting += length
        if first and not isinstance(first, Exception):
            stamped = int(_text(first[0][0]).split("-")[0]) / 1000
            oldest = stamped if oldest is None else min(oldest, stamped)
        ours = [g for g in groups or [] if not isinstance(groups, Exception)]
        ours = [g for g in ours if _text(g.get("name", g.get(b"name", b""))) == GROUP]
        if ours:
            pending += int(ours[0].get("pending", ours[0].get(b"pending", 0)))
        else:
            missing += 1
    beats = []
    for raw in (await redis.hgetall(keys.reporters())).values():  # type: ignore[misc]  # redis-py's stub
        with contextlib.suppress(ValueError, TypeError):
            beats.append(json.loads(raw))
    alive = [b for b in beats if now - float(b.get("at", 0)) <= stuck_after]
    stored = max((float(b.get("stored") or 0) for b in beats), default=0.0)
    errors = sorted((float(b.get("at", 0)), str(b.get("error") or "")) for b in alive)
    error = errors[-1][1] if errors else ""

    def age(at: float | None) -> float | None:
        return None if not at else round(max(0.0, now - at), 1)

    metrics.OUTBOX_BACKLOG.set(waiting)
    metrics.REPORTER_LAG.set(age(oldest) or 0.0)

    details = {
        "waiting": waiting,
        "pending": pending,
        "oldest_age": age(oldest),
        "reporters": len(alive),
        "last_stored_age": age(stored),
        "error": error,
        "groups_missing": missing,
        "problem": "",
    }
    old = oldest is not None and now - oldest > stuck_after
    if old and (not stored or now - stored > stuck_after):
        if not alive:
            problem = f"no reporter is running (no heartbeat for {stuck_after:.0f} s, or hung)"
        elif error:
            problem = f"the reporters are failing: {error}"
        else:
            problem = "the reporters store nothing"
        details["problem"] = f"{problem}; {waiting} events waiting, the oldest {age(oldest)} s"
    return not details["problem"], details


async def _forget_dead_reporters(redis: Redis, keys: Keys, before: float) -> None:
    for field, raw in (await redis.hgetall(keys.reporters())).items():  # type: ignore[misc]  # redis-py's stub
        try:
            dead = float(json.loads(raw).get("at", 0)) < before
        except (ValueError, TypeError, AttributeError):
            dead = True
        if dead:
            await redis.hdel(keys.reporters(), field)  # type: ignore[misc]  # redis-py's stub


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def _event(fields: dict) -> OutboxEvent | None:
    raw = fields.get("e", fields.get(b"e"))
    return parse(raw) if raw is not None else None


def _raced(exc: Exception) -> bool:
    """A conflict with another writer (a unique key, a deadlock, a serialization failure)
    rather than an outage: retrying at once is right."""
    if isinstance(exc, IntegrityError):
        return True
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, DBAPIError) and code in ("40P01", "40001")


def _nogroup(answer: object) -> bool:
    """Redis lost the stream or its consumer group (the reply to XREADGROUP/XAUTOCLAIM)."""
    return isinstance(answer, redis_errors.ResponseError) and str(answer).startswith("NOGROUP")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _short(exc: BaseException) -> str:
    text = str(exc).strip()
    if not text and isinstance(exc, TimeoutError):
        text = "no answer within the timeout (stalled?)"
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"[:300]
