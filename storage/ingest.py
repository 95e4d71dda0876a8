"""Applying outbox events to the reporting database: a batch per transaction, each event once.

`write_batch` records every event id in `processed_events` in the same transaction as the
rows the event produces. An event seen before (delivered twice, or re-read after a reporter
died between commit and acknowledge) changes nothing. If two reporters apply the same event
at the same moment, one commit fails on the unique id and that reporter simply re-reads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, select, update
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
    fresh_by_id: dict[str, OutboxEvent] = {}
    for event in events:
        fresh_by_id.setdefault(event.id, event)  # the same event twice in one batch
    if not fresh_by_id:
        return 0
    await db.ensure_schema()
    async with db.session() as session, session.begin():
        query = select(ProcessedEvent.event_id).where(ProcessedEvent.event_id.in_(fresh_by_id))
        for seen in await session.scalars(query):
            del fresh_by_id[seen]
        fresh = list(fresh_by_id.values())
        session.add_all(ProcessedEvent(event_id=e.id, type=e.type[:16], at=e.at) for e in fresh)
        await session.flush()
        applier = _Applier(session)
        for event in fresh:
            await applier.apply(event)
    return len(fresh)


def user_hash(user: str) -> str:
    return hashlib.sha256(user.encode()).hexdigest()


class _Applier:
    """Turns events into rows within one session, remembering learners it has looked up."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.learners: dict[str, Learner | None] = {}
        self.erased: dict[str, datetime | None] = {}

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
        if user not in self.learners:
            platform, _, platform_user = user.partition(":")
            query = select(Learner).where(
                Learner.platform == platform[:16], Learner.platform_user == platform_user[:64]
            )
            self.learners[user] = await self.session.scalar(query)
        if user not in self.erased:
            erasure = await self.session.get(Erasure, user_hash(user))
            self.erased[user] = erasure.erased_at if erasure else None
        erased_at = self.erased[user]
        if erased_at is not None and event.at <= erased_at:
            return None
        row = self.learners[user]
        if row is None:
            platform, _, platform_user = user.partition(":")
            row = Learner(
                platform=platform[:16],
                platform_user=platform_user[:64],
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
            # A facilitator's code seen for the first time; its name is filled in later.
            self.session.add(Class(code=row.class_code, name="", facilitator="", area=""))

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
        first = passed
        if passed and row is not None:
            earlier = select(Completion.id).where(
                Completion.learner_id == row.id, Completion.lesson == lesson, Completion.passed
            )
            first = await self.session.scalar(earlier.limit(1)) is None
        started = event.number("started_at")
        self.session.add(
            Completion(
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
                finished_at=utc(event.number("finished_at") or event.at.timestamp()),
                in_group=event.flag("group"),
            )
        )

    async def _on_module(self, event: OutboxEvent) -> None:
        row = await self.learner(event)
        module = event.text("module", 64)
        if row is not None and await self.session.scalar(
            select(ModuleCompletion.id).where(
                ModuleCompletion.learner_id == row.id, ModuleCompletion.module == module
            )
        ):
            return  # finished again after a lesson was added to it: counted once
        self.session.add(
            ModuleCompletion(
                event_id=event.id,
                learner_id=row.id if row else None,
                module=module,
                finished_at=event.at,
            )
        )

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
        key = user_hash(event.user)
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
        await self.session.execute(
            update(Certificate).where(Certificate.learner_id == row.id).values(name="")
        )
        await self.session.flush()


async def prune_erasures(db: Database, now: datetime, keep: timedelta) -> int:
    """Forget the erasure marks older than `keep`: no late event can still arrive."""
    await db.ensure_schema()
    async with db.session() as session, session.begin():
        result = await session.execute(delete(Erasure).where(Erasure.erased_at < now - keep))
    return cast(CursorResult, result).rowcount or 0  # a DELETE's result counts its rows
