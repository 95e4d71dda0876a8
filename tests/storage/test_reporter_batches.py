"""A backlog written in large batches gives the same reports as events written one by one.

The reporter applies a batch to its picture of the learners in memory and writes the rows
back with one statement per table (storage/sql/ingest.py). These tests check that nothing
depends on how the events were cut into batches: profiles, retakes and late passes,
certificates, /forget and coming back, all inside one batch.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from outbox import T0, completion, count, event
from sqlalchemy import select

from storage.sql.db import Database
from storage.sql.ingest import OutboxEvent, parse, write_batch
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
)


def parsed(*events: dict[str, str]) -> list[OutboxEvent]:
    out = [parse(json.dumps(e)) for e in events]
    assert all(out)
    return [e for e in out if e is not None]


@pytest.fixture
async def other_database(db_url: str, postgres, tmp_path: Path, erase_key: str):
    """A second empty database of the same kind (and erase key) as `database`."""
    if db_url.startswith("sqlite"):
        url = f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"
    else:
        url = await postgres.create(f"hocso_test_{uuid.uuid4().hex[:12]}")
    db = Database(url, erase_key=erase_key)
    await db.upgrade()
    yield db
    await db.dispose()


def a_day_of_events(seed: int, n: int = 240) -> list[dict[str, str]]:
    """Five learners' events in the order the outboxes give them, some delivered late (older
    than the ones before them), with certificate codes issued twice and /forget."""
    rng = random.Random(seed)
    kinds = ["learner", "answer", "completion", "module", "paused", "resumed", "inactive"]
    kinds += ["active", "certificate", "forget"]
    weights = [5, 20, 14, 4, 2, 2, 2, 2, 3, 1.5]
    events = []
    for i in range(n):
        user = f"tg:{rng.randint(1, 5)}"
        late = 1000 * rng.randint(1, 30) if rng.random() < 0.2 else 0
        at = T0 + 1000 * i - late + i  # every event's time is its own
        kind = rng.choices(kinds, weights)[0]
        lesson = rng.choice(["l1", "l2"])
        if kind == "learner":
            profile = {"area": rng.choice(["o-mon", "cai-khe"]), "age": rng.choice(["60", ""])}
            profile |= {"class_code": rng.choice(["", "LOP-A", "LOP-B"]), "consent_at": at}
            events.append(event("learner", user, at, lang="vi", **profile))
        elif kind == "answer":
            events.append(
                event("answer", user, at, lesson=lesson, version=1, question="q1", correct=1)
            )
        elif kind == "completion":
            events.append(completion(user, at=at, lesson=lesson, passed=rng.choice([0, 1, 1])))
        elif kind == "module":
            events.append(event("module", user, at, module=rng.choice(["m1", "m2"])))
        elif kind == "certificate":
            code = rng.choice(["ABCDE23456", "FGHJK23456", "LMNPQ23456"])
            events.append(event("certificate", user, at, code=code, name="Bảy"))
        else:
            events.append(event(kind, user, at))
    return events


async def snapshot(db: Database) -> dict[str, list]:
    """Every table, with what must not differ: row ids and the random parts of an erasure
    (a forgotten row's platform_user, a voided code) left out."""
    async with db.engine.connect() as conn:

        async def rows(model: type) -> list:
            return list(await conn.execute(select(model.__table__)))  # type: ignore[arg-type]

        who: dict[int | None, tuple] = {None: ("detached",)}
        learners = []
        for r in await rows(Learner):
            erased = r.platform == ERASED
            who[r.id] = ("erased", r.started_at) if erased else (r.platform, r.platform_user)
            learners.append((who[r.id], r.locale, r.area, r.age_band, r.class_code) + tuple(
                (r.consent_at, r.started_at, r.profile_at, r.active, r.paused)
            ))  # fmt: skip

        completions = sorted(
            (r.event_id, who[r.learner_id], r.lesson, r.passed, r.first_pass, r.finished_at)
            for r in await rows(Completion)
        )
        responses = sorted((r.event_id, who[r.learner_id]) for r in await rows(Response))
        modules = sorted(
            (r.event_id, who[r.learner_id], r.module) for r in await rows(ModuleCompletion)
        )
        certificates = sorted(
            (r.event_id, who[r.learner_id], r.name, "~void" if r.code[0] == "~" else r.code)
            for r in await rows(Certificate)
        )
        return {
            "learners": sorted(learners, key=repr),
            "completions": completions,
            "responses": responses,
            "modules": modules,
            "certificates": certificates,
            "erasures": sorted((r.user_hash, r.erased_at) for r in await rows(Erasure)),
            "classes": sorted(r.code for r in await rows(Class)),
            "processed": sorted(r.event_id for r in await rows(ProcessedEvent)),
        }


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_one_large_batch_stores_what_events_one_by_one_store(database, other_database, seed):
    events = parsed(*a_day_of_events(seed))
    assert await write_batch(database, events) == len(events)
    for one in events:
        assert await write_batch(other_database, [one]) == 1
    batched, one_by_one = await snapshot(database), await snapshot(other_database)
    assert batched["erasures"] and batched["certificates"]  # the day had both
    for table in batched:
        assert batched[table] == one_by_one[table], table


async def test_forgotten_and_back_within_one_batch(database):
    user = "tg:8"
    events = parsed(
        event("learner", user, T0, consent_at=T0, area="o-mon", class_code="LOP-A"),
        completion(user, at=T0 + 10),
        event("certificate", user, T0 + 20, code="ABCDE23456", name="Tám"),
        event("forget", user, T0 + 30),
        completion(user, at=T0 + 25),  # made before /forget, delivered after: detached
        event("learner", user, T0 + 40, consent_at=T0 + 40, area="cai-khe"),
        completion(user, at=T0 + 50),
    )
    assert await write_batch(database, events) == 7
    async with database.session() as session:
        rows = {r.platform: r for r in await session.scalars(select(Learner))}
        printed = await session.scalar(select(Certificate))
    assert set(rows) == {ERASED, "tg"}  # the anonymous row stays; the new start is apart
    back, gone = rows["tg"], rows[ERASED]
    assert (back.platform_user, back.area, back.class_code) == ("8", "cai-khe", "")
    assert back.started_at == datetime.fromtimestamp(T0 + 40, back.started_at.tzinfo)
    assert (gone.area, gone.consent_at) == (ERASED, None)
    assert (printed.code[0], printed.name, printed.learner_id) == ("~", "", None)
    assert await count(database, Completion, Completion.learner_id == gone.id) == 1
    assert await count(database, Completion, Completion.learner_id == back.id) == 1
    assert await count(database, Completion, Completion.learner_id.is_(None)) == 1


async def test_a_pass_delivered_late_is_the_first_pass_in_a_batch_and_across(database):
    """Lessons completed counts a learner's earliest pass once, however it arrives."""
    user = "tg:9"
    first, later, earliest = (completion(user, at=T0 + t) for t in (200, 300, 100))
    assert await write_batch(database, parsed(later, first)) == 2  # in one batch
    assert await write_batch(database, parsed(earliest)) == 1  # in a later one
    async with database.session() as session:
        counted = list(await session.scalars(select(Completion).where(Completion.first_pass)))
    assert [c.event_id for c in counted] == [earliest["id"]]
    assert await count(database, Completion) == 3
