"""/forget leaves no way back to the person in the reporting database (issue 8, defect 6).

Totals never shrink, but the certificate's printed code no longer leads to the anonymous
row and its history, and the 30-day erasure mark cannot be reversed by trying every id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from outbox import T0, completion, count, event, push
from sqlalchemy import select

from storage.sql.db import Database, EraseKeyMissing
from storage.sql.ingest import OutboxEvent, parse, write_batch
from storage.sql.models import Certificate, Erasure, Learner
from storage.sql.reporter import Reporter
from storage.sql.reports import build_report, certificates

ROOT = Path(__file__).resolve().parents[2]
JANUARY = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))


async def forget_a_certified_learner(redis, keys, database: Database, user: str) -> None:
    profile = event("learner", user, T0, consent_at=T0, area="o-mon", age="60")
    cert = event("certificate", user, T0 + 30, code="ABCDE23456", name="Trần Văn Bảy")
    await push(redis, keys, profile, completion(user, at=T0 + 20), cert)
    await push(redis, keys, event("forget", user, T0 + 50))
    # These events are dated 2026-01-01: keep the erasure mark past its usual 30 days.
    await Reporter(redis, keys, database, keep_erasures=timedelta(days=3650)).step()


async def test_the_printed_code_no_longer_leads_to_the_learners_history(redis, keys, database):
    await forget_a_certified_learner(redis, keys, database, "tg:77")
    async with database.session() as session:
        found = await session.scalar(select(Certificate).where(Certificate.code == "ABCDE23456"))
        kept = list(await session.scalars(select(Certificate)))
    assert found is None  # not merely hidden from `verify`: no row holds the code
    assert [(c.name, c.learner_id) for c in kept] == [("", None)]  # no name, no link
    assert await certificates(database) == []  # not in the export either

    totals = await build_report(database, *JANUARY)
    assert totals.table("totals").rows[-1] == ["learners certified", 1]  # still counted
    assert totals.table("by_area").rows == [["(erased)", 1, 1, 1]]
    assert totals.table("target").rows[0][0] == 1


async def test_the_erasure_mark_cannot_be_reversed_by_trying_every_id(
    redis, keys, database, erase_key
):
    user = "tg:4242"
    await forget_a_certified_learner(redis, keys, database, user)
    async with database.session() as session:
        mark = await session.scalar(select(Erasure.user_hash))
    # What someone reading the database would try: every Telegram id up to 100,000.
    guesses = {hashlib.sha256(f"tg:{n}".encode()).hexdigest() for n in range(100_000)}
    assert mark not in guesses
    assert mark == hmac.new(erase_key.encode(), user.encode(), hashlib.sha256).hexdigest()

    # The reporter, which holds the key, still knows them: a late event cannot bring them back.
    assert await write_batch(database, [late(user)]) == 1
    assert await count(database, Learner, Learner.platform == "tg") == 0


def late(user: str) -> OutboxEvent:
    """A completion from before /forget, delivered after it by a recovering reporter."""
    event = parse(json.dumps(completion(user, at=T0 + 40)))
    assert event is not None
    return event


async def test_postgresql_without_an_erase_key_refuses_to_report(postgres, redis, keys):
    url = await postgres.create(f"hocso_test_nokey_{keys.prefix[-10:]}")
    database = Database(url)
    await database.upgrade()
    try:
        with pytest.raises(EraseKeyMissing, match="HOCSO_ERASE_KEY"):
            await write_batch(database, [late("tg:1")])
    finally:
        await database.dispose()


async def test_sqlite_keeps_one_erase_key_beside_its_file(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'hocso.db'}"
    first, second = Database(url), Database(url)  # e.g. `hocso chat`, then `hocso run`
    try:
        assert first.erase_key() == second.erase_key() and len(first.erase_key()) >= 32
        kept = tmp_path / "erase.key"
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # the owner alone may read it
        assert Database(url, erase_key="x" * 40).erase_key() == b"x" * 40  # config wins
    finally:
        await first.dispose()
        await second.dispose()
