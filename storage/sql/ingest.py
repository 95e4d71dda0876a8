"""Applying outbox events to the reporting database: a batch per transaction, each event once.

`write_batch` records every event id in `processed_events` in the same transaction as the
rows the event produces. An event seen before (delivered twice, or re-read after a reporter
died between commit and acknowledge) changes nothing.

A batch costs a fixed number of statements whatever its size, so a reporter catching up
drains its backlog fast: what the batch needs to know (its learners, their erasure marks and
first passes, the certificate codes it names) is read up front in a few queries, the events
are applied in order to that picture in memory, and what changed is written back with one
executemany per table (inserts, updates), never a query per event.

Several reporters may write at once, so nothing here may decide from a read that another
transaction could change before commit (issue 8, defect 2):

* event ids are inserted with ON CONFLICT DO NOTHING, sorted; those that were not inserted
  are another reporter's, which PostgreSQL makes us wait for;
* then each learner of the batch is locked for the transaction (a PostgreSQL advisory lock,
  taken in one sorted order so two batches never deadlock), before the batch reads anything
  about them, so everything that reads then writes one learner's rows (first pass, module
  finished, the newest profile, /forget against a late event) sees the other reporter's
  commit. SQLite has one writer at a time and the batch's first statement is a write, so it
  is serialized already;
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

from sqlalchemy import CursorResult, Table, bindparam, delete, select, text, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql.db import Database
from storage.sql.models import (
    ERASED,
    Certificate,
    Class,
    Completion,
    Erasure,
    Learner,
    ModuleCompletion,
    ProcessedEvent,
    Response,
    VneidConfirmation,
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
    "vneid",
}
_warned: set[str] = set()
NUMBERS = ("version", "score", "total", "started_at", "finished_at", "consent_at")


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
            data={k: v if type(v) is str else str(v) for k, v in data.items()},
        )
        for name in NUMBERS:
            if event.data.get(name):
                int(event.data[name])  # a malformed number would otherwise fail the whole batch
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
    async with db.engine.begin() as conn:
        # Sorted, so two reporters inserting overlapping batches wait in one order.
        rows = [{"event_id": i, "type": e.type[:16], "at": e.at} for i, e in sorted(by_id.items())]
        # One executemany: SQLAlchemy sends it as multi-row INSERTs of up to 1,000 rows
        # ("insertmanyvalues"), compiled once, with the ids that were new.
        query = insert(PROCESSED).on_conflict_do_nothing().returning(PROCESSED.c.event_id)
        new = set((await conn.execute(query, rows)).scalars())
        fresh = [e for e in by_id.values() if e.id in new]
        if not fresh:
            return 0
        if not db.is_sqlite:
            await _lock_learners(conn, {e.user for e in fresh})
        batch = _Batch(db.erase_key())
        await batch.load(conn, fresh)
        for event in fresh:
            batch.apply(event)
        await batch.write(conn, insert)
    return len(fresh)


async def _lock_learners(conn: AsyncConnection, users: set[str]) -> None:
    """Hold each learner's PostgreSQL advisory lock until commit, in ascending order."""
    numbers = sorted({_lock_number(u) for u in users})
    await conn.execute(
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


# Core tables: the batch writes rows with executemany, not through ORM objects.
LEARNERS = cast(Table, Learner.__table__)
RESPONSES = cast(Table, Response.__table__)
COMPLETIONS = cast(Table, Completion.__table__)
MODULES = cast(Table, ModuleCompletion.__table__)
CERTIFICATES = cast(Table, Certificate.__table__)
CLASSES = cast(Table, Class.__table__)
ERASURES = cast(Table, Erasure.__table__)
CONFIRMATIONS = cast(Table, VneidConfirmation.__table__)
PROCESSED = cast(Table, ProcessedEvent.__table__)
PROFILE = (  # the learners table's columns but its id
    *("platform", "platform_user", "locale", "area", "age_band", "class_code"),
    *("consent_at", "started_at", "profile_at", "active", "paused"),
)


@dataclass(eq=False)  # compared by identity: a learner's row, whatever it holds by then
class _Row:
    """A learner's row as the batch sees it; `id` is None until the batch inserts it."""

    id: int | None
    platform: str
    platform_user: str
    locale: str = "vi"
    area: str = ""
    age_band: str = ""
    class_code: str = ""
    consent_at: datetime | None = None
    started_at: datetime | None = None
    profile_at: datetime | None = None
    active: bool = True
    paused: bool = False

    def values(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in PROFILE}


Pending = dict[str, object]  # a row to insert; its "learner" (a _Row or None) becomes learner_id


class _Batch:
    """The batch's picture of its learners, changed in memory event by event and written back
    in a fixed number of statements (`write`)."""

    def __init__(self, erase_key: bytes) -> None:
        self.erase_key = erase_key
        self.learners: dict[str, _Row | None] = {}  # by user; None: no row (yet, or forgotten)
        self.erased: dict[str, datetime | None] = {}  # by user: when they asked to be forgotten
        self.first_passes: dict[tuple[_Row, str], Pending] = {}  # (learner, lesson)
        self.codes: dict[str, _Row | int | None] = {}  # certificate codes taken: their holder
        self.new_rows: list[_Row] = []
        self.changed: dict[int, _Row] = {}  # stored rows to update, by id
        self.erasures: dict[str, datetime] = {}  # marks to write, by user hash
        self.forgotten: list[int] = []  # stored learners whose stored certificates are voided
        self.classes: set[str] = set()
        self.demoted: list[int] = []  # stored completions that are no longer the first pass
        self.responses: list[Pending] = []
        self.completions: list[Pending] = []
        self.modules: list[Pending] = []
        self.certificates: list[Pending] = []
        # Self-reported VNeID confirmations: the newest answer per learner (by its time).
        self.confirmations: dict[_Row, Pending] = {}

    async def load(self, conn: AsyncConnection, events: list[OutboxEvent]) -> None:
        """Read what the events need: a few queries, whatever the batch's size."""
        users = {e.user for e in events}
        ids = {_platform_id(u): u for u in users}
        self.learners = dict.fromkeys(users)
        by_id: dict[int, _Row] = {}
        for part in _chunks(list(ids)):
            key = tuple_(LEARNERS.c.platform, LEARNERS.c.platform_user)
            columns = [LEARNERS.c.id, *(LEARNERS.c[name] for name in PROFILE)]
            for found in await conn.execute(select(*columns).where(key.in_(part))):
                row = _Row(**found._mapping)
                self.learners[ids[(row.platform, row.platform_user)]] = by_id[found.id] = row
        marks = {user_hash(u, self.erase_key): u for u in users}
        self.erased = dict.fromkeys(users)
        for part in _chunks(list(marks)):
            query = select(ERASURES).where(ERASURES.c.user_hash.in_(part))
            for mark in await conn.execute(query):
                self.erased[marks[mark.user_hash]] = mark.erased_at
        for part in _chunks(list(by_id)):
            c = COMPLETIONS.c
            query = select(c.id, c.learner_id, c.lesson, c.finished_at).where(
                c.learner_id.in_(part), c.first_pass
            )
            for done in await conn.execute(query):
                stored = {"id": done.id, "finished_at": done.finished_at}
                self.first_passes[(by_id[done.learner_id], done.lesson)] = stored
        codes = {e.text("code", 16) for e in events if e.type == "certificate"} - {""}
        for part in _chunks(list(codes)):
            query = select(CERTIFICATES.c.code, CERTIFICATES.c.learner_id)
            for cert in await conn.execute(query.where(CERTIFICATES.c.code.in_(part))):
                self.codes[cert.code] = cert.learner_id

    def apply(self, event: OutboxEvent) -> None:
        handler = getattr(self, f"_on_{event.type}", None) if event.type in KNOWN else None
        if handler is None:
            if event.type not in _warned:
                _warned.add(event.type)
                log.warning("outbox events of type %r are not reported; skipping them", event.type)
            return
        handler(event)

    def changing(self, row: _Row) -> _Row:
        """Mark a stored row to be updated at the end of the batch."""
        if row.id is not None:
            self.changed[row.id] = row
        return row

    def learner(self, event: OutboxEvent) -> _Row | None:
        """The learner's row, created on their first event; None for a forgotten learner's
        event from before they asked to be forgotten."""
        erased_at = self.erased[event.user]
        if erased_at is not None and event.at <= erased_at:
            return None
        row = self.learners[event.user]
        if row is None:
            row = _Row(None, *_platform_id(event.user), started_at=event.at)
            self.learners[event.user] = row
            self.new_rows.append(row)
        elif row.started_at is None or event.at < row.started_at:
            self.changing(row).started_at = event.at  # an older event delivered late
        return row

    def _on_learner(self, event: OutboxEvent) -> None:
        row = self.learner(event)
        if row is None or (row.profile_at is not None and event.at < row.profile_at):
            return  # a newer profile was applied already
        self.changing(row)
        row.profile_at = event.at
        row.locale = event.text("lang", 8) or row.locale
        row.area = event.text("area", 32)
        row.age_band = event.text("age", 16)
        row.class_code = event.text("class_code", 32)
        row.active = True
        if consent := event.number("consent_at"):
            row.consent_at = utc(consent)
            row.started_at = min(row.started_at or row.consent_at, row.consent_at)
        if row.class_code:
            # A facilitator's code seen for the first time; its name is filled in later.
            self.classes.add(row.class_code)

    def _on_answer(self, event: OutboxEvent) -> None:
        self.responses.append(
            {
                "learner": self.learner(event),
                "event_id": event.id,
                "lesson": event.text("lesson", 64),
                "lesson_version": event.number("version"),
                "question": event.text("question", 64),
                "choice": _choice(event),
                "correct": event.flag("correct"),
                "review": event.flag("review"),
                "answered_at": event.at,
            }
        )

    def _on_completion(self, event: OutboxEvent) -> None:
        row = self.learner(event)
        lesson, passed = event.text("lesson", 64), event.flag("passed")
        finished = utc(event.number("finished_at") or event.at.timestamp())
        first = passed
        if passed and row is not None:  # the learner is locked: no other reporter is here
            earlier = self.first_passes.get((row, lesson))
            if earlier is not None and finished < cast(datetime, earlier["finished_at"]):
                # A pass delivered late, made before the one stored: that one steps down
                # (stored ones before the inserts, for the unique index).
                if "id" in earlier:
                    self.demoted.append(cast(int, earlier["id"]))
                else:
                    earlier["first_pass"] = False
            else:
                first = earlier is None
        started = event.number("started_at")
        done: Pending = {
            "learner": row,
            "event_id": event.id,
            "lesson": lesson,
            "lesson_version": event.number("version"),
            "module": event.text("module", 64),
            "score": event.number("score"),
            "total": event.number("total"),
            "passed": passed,
            "first_pass": first,
            "started_at": utc(started) if started else None,
            "finished_at": finished,
            "in_group": event.flag("group"),
        }
        self.completions.append(done)
        if first and row is not None:
            self.first_passes[(row, lesson)] = done

    def _on_module(self, event: OutboxEvent) -> None:
        # Finished again after a lesson was added to it: counted once (a unique index).
        self.modules.append(
            {
                "learner": self.learner(event),
                "event_id": event.id,
                "module": event.text("module", 64),
                "finished_at": event.at,
            }
        )

    def _on_paused(self, event: OutboxEvent) -> None:
        if row := self.learner(event):
            self.changing(row).paused = True

    def _on_resumed(self, event: OutboxEvent) -> None:
        if row := self.learner(event):
            self.changing(row).paused = False
            row.active = True

    def _on_inactive(self, event: OutboxEvent) -> None:
        if row := self.learner(event):
            self.changing(row).active = False

    def _on_active(self, event: OutboxEvent) -> None:
        if row := self.learner(event):
            self.changing(row).active = True

    def _on_certificate(self, event: OutboxEvent) -> None:
        row = self.learner(event)
        code = event.text("code", 16)
        if row is None or not code:
            return
        if code in self.codes:
            log.error("certificate code %s issued twice; keeping the first", code)
            return
        self.codes[code] = row
        self.certificates.append(
            {
                "learner": row,
                "code": code,
                "event_id": event.id,
                "name": event.text("name", 80),
                "issued_at": event.at,
            }
        )

    def _on_vneid(self, event: OutboxEvent) -> None:
        """A learner's answer to "confirmed on VNeID yet?" (bot/confirm.py): the newest one
        stands; the name only when the learner agreed to share it (after "needs help")."""
        row = self.learner(event)
        answer = event.text("answer", 8)
        if row is None or answer not in ("yes", "no", "help"):
            return
        earlier = self.confirmations.get(row)
        if earlier is not None and cast(datetime, earlier["answered_at"]) > event.at:
            return
        name = event.text("name", 80) if answer == "help" else ""
        self.confirmations[row] = {
            "learner": row,
            "answer": answer,
            "name": name,
            "answered_at": event.at,
            "event_id": event.id,
        }

    def _on_forget(self, event: OutboxEvent) -> None:
        """Make the learner anonymous: their row stays (so "started", "certified" and the
        lessons they finished still count) but holds nothing that points to them."""
        erased_at = self.erased[event.user]
        if erased_at is None or event.at > erased_at:
            self.erasures[user_hash(event.user, self.erase_key)] = event.at
            self.erased[event.user] = event.at
        row, self.learners[event.user] = self.learners[event.user], None
        if row is None:
            return
        self.changing(row)
        row.platform, row.platform_user = ERASED, uuid.uuid4().hex
        row.area = row.age_band = row.class_code = ERASED
        row.locale, row.consent_at, row.profile_at = "", None, None
        row.active = row.paused = False
        self.confirmations.pop(row, None)  # their answer about VNeID goes with them
        # The certificate still counts, but nothing leads from it to the person or to their
        # history: its printed code and name are gone, and so is its link to the row.
        for cert in self.certificates:
            if cert["learner"] is row:
                self.codes.pop(cast(str, cert["code"]), None)
                cert.update(code=void_code(), name="", learner=None)
        if row.id is not None:
            self.forgotten.append(row.id)
            self.codes = {code: held for code, held in self.codes.items() if held != row.id}

    async def write(self, conn: AsyncConnection, insert) -> None:  # noqa: ANN001
        """Write what the batch changed: one statement (an executemany) per kind of change.
        Stored learners are updated before new ones are inserted, since one forgotten in
        this batch frees their platform id for the row their later events start."""
        if self.changed:
            key = LEARNERS.c.id == bindparam("row_id")
            query = update(LEARNERS).where(key).values({n: bindparam(f"new_{n}") for n in PROFILE})
            rows = [
                {"row_id": i} | {f"new_{n}": v for n, v in r.values().items()}
                for i, r in self.changed.items()
            ]
            await conn.execute(query, rows)
        if self.new_rows:
            rows = [r.values() for r in self.new_rows]
            c = LEARNERS.c
            query = insert(LEARNERS).returning(c.id, c.platform, c.platform_user)
            made = {(p, u): i for i, p, u in await conn.execute(query, rows)}
            for row in self.new_rows:
                row.id = made[(row.platform, row.platform_user)]
        if self.erasures:
            upsert = insert(ERASURES)
            upsert = upsert.on_conflict_do_update(
                index_elements=[ERASURES.c.user_hash],
                set_={"erased_at": upsert.excluded.erased_at},
            )
            marks = [{"user_hash": k, "erased_at": at} for k, at in sorted(self.erasures.items())]
            await conn.execute(upsert, marks)
        if self.forgotten:
            held = select(CERTIFICATES.c.code).where(CERTIFICATES.c.learner_id.in_(self.forgotten))
            codes = list((await conn.execute(held)).scalars())
            if codes:
                void = (
                    update(CERTIFICATES)
                    .where(CERTIFICATES.c.code == bindparam("old_code"))
                    .values(code=bindparam("new_code"), name="", learner_id=None)
                )
                await conn.execute(void, [{"old_code": c, "new_code": void_code()} for c in codes])
        if self.forgotten:
            gone = CONFIRMATIONS.c.learner_id.in_(self.forgotten)
            await conn.execute(delete(CONFIRMATIONS).where(gone))
        if self.confirmations:
            await _upsert_confirmations(conn, insert, list(self.confirmations.values()))
        if self.classes:
            # Other learners of the class may be joining through another reporter right now.
            made_classes = [
                {"code": code, "name": "", "facilitator": "", "area": ""}
                for code in sorted(self.classes)
            ]
            await conn.execute(insert(CLASSES).on_conflict_do_nothing(), made_classes)
        if self.demoted:
            demote = update(COMPLETIONS).where(COMPLETIONS.c.id.in_(self.demoted))
            await conn.execute(demote.values(first_pass=False))
        for table, pending in (
            (RESPONSES, self.responses),
            (COMPLETIONS, self.completions),
            (CERTIFICATES, self.certificates),
        ):
            if pending:
                await conn.execute(table.insert(), _linked(pending))
        if self.modules:
            await conn.execute(insert(MODULES).on_conflict_do_nothing(), _linked(self.modules))


async def _upsert_confirmations(conn: AsyncConnection, insert, pending: list[Pending]) -> None:  # noqa: ANN001
    """Each learner's newest answer: it replaces a stored one only if it is newer (an older
    answer delivered late by a recovering reporter changes nothing)."""
    upsert = insert(CONFIRMATIONS)
    new = upsert.excluded
    upsert = upsert.on_conflict_do_update(
        index_elements=[CONFIRMATIONS.c.learner_id],
        set_={
            "answer": new.answer,
            "name": new.name,
            "answered_at": new.answered_at,
            "event_id": new.event_id,
        },  # fmt: skip
        where=new.answered_at >= CONFIRMATIONS.c.answered_at,
    )
    rows = sorted(_linked(pending), key=lambda r: cast(int, r["learner_id"]))
    await conn.execute(upsert, rows)


def _linked(pending: list[Pending]) -> list[dict[str, object]]:
    """Rows ready to insert: each learner's row, now stored, as learner_id."""
    rows = []
    for values in pending:
        row = cast(_Row | None, values["learner"])
        rows.append({k: v for k, v in values.items() if k != "learner"})
        rows[-1]["learner_id"] = row.id if row is not None else None
    return rows


async def prune_erasures(db: Database, now: datetime, keep: timedelta) -> int:
    """Forget the erasure marks older than `keep`: no late event can still arrive."""
    await db.ensure_schema()
    async with db.session() as session, session.begin():
        result = await session.execute(delete(Erasure).where(Erasure.erased_at < now - keep))
    return cast(CursorResult, result).rowcount or 0  # a DELETE's result counts its rows


def _choice(event: OutboxEvent) -> int | None:
    """The option an answer picked (for teachers' option counts); none for a typed answer."""
    choice = event.data.get("choice", "")
    return int(choice) if choice.isdigit() and len(choice) <= 2 else None
