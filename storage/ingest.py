"""Applying outbox events to the reporting database: a batch per transaction, each event once.

`write_batch` records every event id in `processed_events` in the same transaction as the
rows the event produces. An event seen before (delivered twice, or re-read after a reporter
died between commit and acknowledge) changes nothing.

Several reporters may write at once, so nothing here may decide from a read that another
transaction could change before commit (issue 8, defect 2):

* event ids are inserted with ON CONFLICT DO NOTHING, sorted; those that were not inserted
  are another reporter's, which PostgreSQL makes us wait for;
* then each learner of the batch is locked for the transaction (a PostgreSQL advisory lock,
  taken in one sorted order so two batches never deadlock), so everything that reads then
  writes one learner's rows (first pass, module finished, the newest profile, /forget
  against a late event) sees the other reporter's commit. SQLite has one writer at a time
  and the batch's first statement is a write, so it is serialized already;
* the schema refuses a second first pass of a lesson or a second completion of a module
  (unique indexes), whatever a future change to this file gets wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, select, text, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import (
    ERASED,
    Certificate,
    Class,
    Completion,
    Erasure,
    Learner,
    ModuleCompletion,
    ProcessedEvent,
    Response,
    utc,
)

log = logging.getLogger(__name__)

KNOWN = {
    "learner",
    "answer",
    "completion",
    "module",
    "paused",
    "resumed",
    "inactive",
    "active",
    "forget",
    "certificate",
}
_warned: set[str] = set()


@dataclass(frozen=True)
class OutboxEvent:
    """One event from the outbox, checked: the common fields typed, the rest as given."""

    id: str
    type: str
    user: str
    at: datetime
    data: dict[str, str]

    def text(self, name: str, limit: int) -> str:
        return str(self.data.get(name, ""))[:limit]

    def number(self, name: str) -> int:
        return int(self.data.get(name) or 0)

    def flag(self, name: str) -> bool:
        return self.data.get(name) in ("1", "true", "True")


def parse(raw: str | bytes) -> OutboxEvent | None:
    """The event in an outbox entry's `e` field, or None (logged) if it is not one."""
    try:
        data = json.loads(raw)
        event = OutboxEvent(
            id=str(data["id"])[:32],
            type=str(data["type"]),
            user=str(data["user"])[:81],
            at=utc(int(data["at"])),
            data={k: str(v) for k, v in data.items()},
        )
        for name in ("version", "score", "total", "started_at", "finished_at", "consent_at"):
            event.number(name)  # a malformed number would otherwise fail the whole batch
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        log.error("skipping a malformed outbox entry (%s): %.200r", exc, raw)
        return None
    return event


async def write_batch(db: Database, events: list[OutboxEvent]) -> int:
    """Apply, in one transaction, the events not applied before; returns how many were new."""
    by_id: dict[str, OutboxEvent] = {}
    for event in events:
        by_id.setdefault(event.id, event)  # the same event twice in one batch
    if not by_id:
        return 0
    await db.ensure_schema()
    insert = sqlite.insert if db.is_sqlite else postgresql.insert
    async with db.session() as session, session.begin():
        # Sorted, so two reporters inserting overlapping batches wait in one order.
        rows = [{"event_id": i, "type": e.type[:16], "at": e.at} for i, e in sorted(by_id.items())]
        new: set[str] = set()
        for part in _chunks(rows, 1000):  # parameters per statement are limited
            query = insert(ProcessedEvent).values(part).on_conflict_do_nothing()
            new.update(await session.scalars(query.returning(ProcessedEvent.event_id)))
        fresh = [e for e in by_id.values() if e.id in new]
        if fresh and not db.is_sqlite:
            await _lock_learners(session, {e.user for e in fresh})
        applier = _Applier(session, insert, db.erase_key())
        await applier.prepare(fresh)
        for event in fresh:
            await applier.apply(event)
    return len(fresh)


async def _lock_learners(session: AsyncSession, users: set[str]) -> None:
    """Hold each learner's PostgreSQL advisory lock until commit, in ascending order."""
    numbers = sorted({_lock_number(u) for u in users})
    await session.execute(
        text(
            "SELECT pg_advisory_xact_lock(n) FROM"
            " (SELECT unnest(CAST(:numbers AS BIGINT[])) AS n ORDER BY 1) AS locks"
        ),
        {"numbers": numbers},
    )


def _lock_number(user: str) -> int:
    """A learner's lock: 64 bits of a hash (a rare collision only makes two learners wait)."""
    digest = hashlib.sha256(b"hocso-learner:" + user.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _platform_id(user: str) -> tuple[str, str]:
    """A learner's (platform, platform_user) as the learners table keeps them: "tg:1001" is
    ("tg", "1001")."""
    platform, _, platform_user = user.partition(":")
    return platform[:16], platform_user[:64]


def _chunks(items: list, size: int = 500) -> list[list]:
    """Pieces small enough for one IN (...) list."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def user_hash(user: str, key: bytes) -> str:
    """The keyed hash (HMAC-SHA256) kept 30 days of a learner who asked to be forgotten.
    Keyed, since platform ids are small numbers: a plain hash is reversed by trying them all."""
    return hmac.new(key, user.encode(), hashlib.sha256).hexdigest()


def void_code() -> str:
    """What a forgotten learner's certificate code becomes: never a valid code (those are
    capitals and digits only), so the printed code finds nothing any more."""
    return "~" + secrets.token_hex(7)


class _Applier:
    """Turns events into rows within one session. What the batch needs to know (its learners,
    their erasure marks and first passes) is read up front in a few queries, so a batch costs
    about the same whatever its size: a reporter catching up drains its backlog in large
    batches, not one query per event."""

    def __init__(self, session: AsyncSession, insert, erase_key: bytes) -> None:  # noqa: ANN001
        self.session = session
        self.erase_key = erase_key
        self.insert = insert  # the dialect's INSERT, for ON CONFLICT DO NOTHING
        self.learners: dict[str, Learner | None] = {}
        self.erased: dict[str, datetime | None] = {}
        self.first_passes: dict[tuple[int | None, str], Completion] = {}  # (learner id, lesson)

    async def prepare(self, events: list[OutboxEvent]) -> None:
        users = {e.user for e in events}
        ids = {_platform_id(u): u for u in users}
        for part in _chunks(list(ids)):
            query = select(Learner).where(
                tuple_(Learner.platform, Learner.platform_user).in_(part)
            )
            for row in await self.session.scalars(query):
                self.learners[ids[(row.platform, row.platform_user)]] = row
        self.learners |= {u: None for u in users if u not in self.learners}
        marks = {user_hash(u, self.erase_key): u for u in users}
        self.erased = dict.fromkeys(users)
        for part in _chunks(list(marks)):
            erasures = select(Erasure).where(Erasure.user_hash.in_(part))
            for mark in await self.session.scalars(erasures):
                self.erased[marks[mark.user_hash]] = mark.erased_at
        known = [row.id for row in self.learners.values() if row is not None]
        for part in _chunks(known):
            passes = select(Completion).where(
                Completion.learner_id.in_(part), Completion.first_pass
            )
            for done in await self.session.scalars(passes):
                self.first_passes[(done.learner_id, done.lesson)] = done

    async def apply(self, event: OutboxEvent) -> None:
        handler = getattr(self, f"_on_{event.type}", None) if event.type in KNOWN else None
        if handler is None:
            if event.type not in _warned:
                _warned.add(event.type)
                log.warning("outbox events of type %r are not reported; skipping them", event.type)
            return
        await handler(event)

    async def learner(self, event: OutboxEvent) -> Learner | None:
        """The learner's row, created on their first event; None for a forgotten learner's
        event from before they asked to be forgotten."""
        user = event.user
        if user not in self.learners:  # forgotten earlier in this batch
            platform, platform_user = _platform_id(user)
            query = select(Learner).where(
                Learner.platform == platform, Learner.platform_user == platform_user
            )
            self.learners[user] = await self.session.scalar(query)
        if user not in self.erased:
            erasure = await self.session.get(Erasure, user_hash(user, self.erase_key))
            self.erased[user] = erasure.erased_at if erasure else None
        erased_at = self.erased[user]
        if erased_at is not None and event.at <= erased_at:
            return None
        row = self.learners[user]
        if row is None:
            platform, platform_user = _platform_id(user)
            row = Learner(
                platform=platform,
                platform_user=platform_user,
                locale="vi",
                area="",
                age_band="",
                class_code="",
                started_at=event.at,
                active=True,
                paused=False,
            )
            self.session.add(row)
            await self.session.flush()
            self.learners[user] = row
        elif event.at < row.started_at:
            row.started_at = event.at  # an older event delivered late
        return row

    async def _on_learner(self, event: OutboxEvent) -> None:
        row = await self.learner(event)
        if row is None or (row.profile_at is not None and event.at < row.profile_at):
            return  # a newer profile was applied already
        row.profile_at = event.at
        row.locale = event.text("lang", 8) or row.locale
        row.area = event.text("area", 32)
        row.age_band = event.text("age", 16)
        row.class_code = event.text("class_code", 32)
        row.active = True
        if consent := event.number("consent_at"):
            row.consent_at = utc(consent)
            row.started_at = min(row.started_at, row.consent_at)
        if row.class_code and await self.session.get(Class, row.class_code) is None:
            # A facilitator's code seen for the first time; its name is filled in later. Other
            # learners of the class may be joining through another reporter right now.
            new_class = {"code": row.class_code, "name": "", "facilitator": "", "area": ""}
            query = self.insert(Class).values(new_class).on_conflict_do_nothing()
            await self.session.execute(query)

    async def _on_answer(self, event: OutboxEvent) -> None:
        row = await self.learner(event)
        choice = event.data.get("choice", "")  # the option picked; none for a typed answer
        self.session.add(
            Response(
                event_id=event.id,
                learner_id=row.id if row else None,
                lesson=event.text("lesson", 64),
                lesson_version=event.number("version"),
                question=event.text("question", 64),
                choice=int(choice) if choice.isdigit() and len(choice) <= 2 else None,
                correct=event.flag("correct"),
                review=event.flag("review"),
                answered_at=event.at,
            )
        )

    async def _on_completion(self, event: OutboxEvent) -> None:
        row = await self.learner(event)
        lesson, passed = event.text("lesson", 64), event.flag("passed")
        finished = utc(event.number("finished_at") or event.at.timestamp())
        first = passed
        if passed and row is not None:  # the learner is locked: no other reporter is here
            earlier = self.first_passes.get((row.id, lesson))
            if earlier is not None and finished < earlier.finished_at:
                earlier.first_pass = False  # a pass delivered late, made before the one stored
                await self.session.flush()  # before the new first pass (a unique index)
            else:
                first = earlier is None
        started = event.number("started_at")
        done = Completion(
            event_id=event.id,
            learner_id=row.id if row else None,
            lesson=lesson,
            lesson_version=event.number("version"),
            module=event.text("module", 64),
            score=event.number("score"),
            total=event.number("total"),
            passed=passed,
            first_pass=first,
            started_at=utc(started) if started else None,
            finished_at=finished,
            in_group=event.flag("group"),
        )
        self.session.add(done)
        if first and row is not None:
            self.first_passes[(row.id, lesson)] = done

    async def _on_module(self, event: OutboxEvent) -> None:
        row = await self.learner(event)
        module = event.text("module", 64)
        done = {
            "event_id": event.id,
            "learner_id": row.id if row else None,
            "module": module,
            "finished_at": event.at,
        }
        # Finished again after a lesson was added to it: counted once (a unique index).
        query = self.insert(ModuleCompletion).values(done).on_conflict_do_nothing()
        await self.session.execute(query)

    async def _on_paused(self, event: OutboxEvent) -> None:
        if row := await self.learner(event):
            row.paused = True

    async def _on_resumed(self, event: OutboxEvent) -> None:
        if row := await self.learner(event):
            row.paused = False
            row.active = True

    async def _on_inactive(self, event: OutboxEvent) -> None:
        if row := await self.learner(event):
            row.active = False

    async def _on_active(self, event: OutboxEvent) -> None:
        if row := await self.learner(event):
            row.active = True

    async def _on_certificate(self, event: OutboxEvent) -> None:
        row = await self.learner(event)
        code = event.text("code", 16)
        if row is None or not code:
            return
        if await self.session.get(Certificate, code) is not None:
            log.error("certificate code %s issued twice; keeping the first", code)
            return
        certificate = Certificate(code=code, event_id=event.id, learner_id=row.id)
        certificate.name, certificate.issued_at = event.text("name", 80), event.at
        self.session.add(certificate)

    async def _on_forget(self, event: OutboxEvent) -> None:
        """Make the learner anonymous: their row stays (so "started", "certified" and the
        lessons they finished still count) but holds nothing that points to them."""
        key = user_hash(event.user, self.erase_key)
        erasure = await self.session.get(Erasure, key)
        if erasure is None:
            self.session.add(Erasure(user_hash=key, erased_at=event.at))
        elif event.at > erasure.erased_at:
            erasure.erased_at = event.at
        await self.session.flush()
        self.erased[event.user] = max(event.at, erasure.erased_at if erasure else event.at)
        await self.learner(event)  # loads the row, if any
        row = self.learners.pop(event.user, None)
        if row is None:
            return
        row.platform, row.platform_user = ERASED, uuid.uuid4().hex
        row.area = row.age_band = row.class_code = ERASED
        row.locale, row.consent_at, row.profile_at = "", None, None
        row.active = row.paused = False
        # The certificate still counts, but nothing leads from it to the person or to their
        # history: its printed code and name are gone, and so is its link to the row.
        mine = select(Certificate.code).where(Certificate.learner_id == row.id)
        for code in list(await self.session.scalars(mine)):
            await self.session.execute(
                update(Certificate)
                .where(Certificate.code == code)
                .values(code=void_code(), name="", learner_id=None)
            )
        await self.session.flush()


async def prune_erasures(db: Database, now: datetime, keep: timedelta) -> int:
    """Forget the erasure marks older than `keep`: no late event can still arrive."""
    await db.ensure_schema()
    async with db.session() as session, session.begin():
        result = await session.execute(delete(Erasure).where(Erasure.erased_at < now - keep))
    return cast(CursorResult, result).rowcount or 0  # a DELETE's result counts its rows
