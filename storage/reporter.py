"""The reporter: drains the Redis outboxes into the reporting database, each event once.

Every shard's outbox stream is read through one consumer group ("reporters"), so any number
of reporters share the work. For each batch the reporter commits the SQL transaction first
and only then acknowledges (XACK) and deletes (XDEL) the entries. So:

* a reporter that dies before acknowledging leaves its entries pending; a live reporter
  claims them (XAUTOCLAIM) once they have been idle `claim_idle` seconds, and the event ids
  already in `processed_events` make the replay change nothing;
* while the database is down, writes fail, nothing is acknowledged, and the reporter backs
  off and retries the same entries; learners keep learning and events wait in Redis.

Usage: `run_reporter(redis, keys, database)` runs until cancelled or `stop` is set;
`background_reporter(...)` does the same beside something else (`hocso chat`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
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
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.ingest import OutboxEvent, parse, prune_erasures, write_batch
from storage.keys import Keys

log = logging.getLogger(__name__)

GROUP = "reporters"
KEEP_ERASURES = timedelta(days=30)  # far longer than any event can wait in an outbox
PRUNE_EVERY = 3600.0  # seconds
Entry = tuple[str, str, OutboxEvent | None]  # stream, entry id, event (None: malformed)


class Reporter:
    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        database: Database,
        *,
        consumer: str = "",
        batch: int = 500,
        claim_idle: float = 60.0,
        block: float = 1.0,  # seconds to wait when every outbox is empty
        max_backoff: float = 30.0,
        keep_erasures: timedelta = KEEP_ERASURES,
    ) -> None:
        self.redis = redis
        self.streams = keys.all_outboxes()
        self.database = database
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.batch = batch
        self.claim_idle = claim_idle
        self.block = block
        self.max_backoff = max_backoff
        self.keep_erasures = keep_erasures
        self.written = 0  # events newly stored by this reporter
        self._grouped = False
        self._last_claim = 0.0
        self._last_prune = -PRUNE_EVERY  # prune on the first round

    async def setup(self) -> None:
        """Create the consumer group on every outbox (once; later calls do nothing)."""
        if self._grouped:
            return
        for stream in self.streams:
            try:
                await self.redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
            except redis_errors.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
        self._grouped = True

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
        try:
            await prune_erasures(self.database, datetime.now(UTC), self.keep_erasures)
        except Exception as exc:  # noqa: BLE001 - tried again in an hour
            log.warning("old erasure marks not pruned: %s", _short(exc))

    async def read(self, since: str) -> list[Entry]:
        """Entries of every outbox: `>` new ones, `0` the ones delivered to us and pending.

        One XREADGROUP per stream, pipelined: the streams live in different hash slots, so a
        single call over all of them would be refused by Redis Cluster."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for stream in self.streams:
                pipe.xreadgroup(GROUP, self.consumer, {stream: since}, count=self.batch)
            answers = await pipe.execute()
        # An entry deleted while pending comes back without fields: it is acknowledged only.
        return [
            (_text(stream), _text(entry_id), _event(fields) if fields else None)
            for answer in answers
            for stream, items in answer or []
            for entry_id, fields in items
        ]

    async def claim(self) -> int:
        """Take over entries another reporter read but left unacknowledged for too long."""
        handled = 0
        idle = int(self.claim_idle * 1000)
        for stream in self.streams:
            start = "0-0"
            while True:
                reply = await self.redis.xautoclaim(
                    stream, GROUP, self.consumer, idle, start_id=start, count=self.batch
                )
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
        events = [e for _, _, e in entries if e is not None]
        for start in range(0, len(events), self.batch):
            self.written += await write_batch(self.database, events[start : start + self.batch])
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
        database or Redis is unreachable; nothing is acknowledged before it is stored."""
        stop = stop or asyncio.Event()
        delay, down_since = 1.0, 0.0
        while not stop.is_set():
            try:
                if not await self.step():
                    await _wait(stop, self.block)  # idle: look again in a moment
            except IntegrityError as exc:
                # Another reporter stored some of these first: re-read them. A pause keeps
                # a conflict that does not go away from spinning against the database.
                log.info("batch raced another reporter, retrying: %s", _short(exc))
                await _wait(stop, 0.1)
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any outage: wait and retry, never drop
                if not down_since:
                    down_since = time.monotonic()
                    log.error("reporting paused (events wait in Redis): %s", _short(exc))
                await _wait(stop, delay)
                delay = min(delay * 2, self.max_backoff)
                continue
            if down_since:
                log.warning("reporting resumed after %.0f s", time.monotonic() - down_since)
                down_since = 0.0
            delay = 1.0


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


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def _event(fields: dict) -> OutboxEvent | None:
    raw = fields.get("e", fields.get(b"e"))
    return parse(raw) if raw is not None else None


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
