"""Issue 25, section 3: learners' own answers about their VNeID confirmation, from the outbox
to the reports (SQLite and PostgreSQL): per ward and per class, labelled self-reported; who
asked for help listed for a facilitator, as CSV, with no chat ids; /forget erases them."""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime

from outbox import count

from bot.config import Config
from hocso import class_cli, vneid_cli
from storage.sql.confirmations import help_requests
from storage.sql.ingest import parse, write_batch
from storage.sql.models import VneidConfirmation
from storage.sql.reports import Labels, build_report

T0 = 1_767_225_600  # 2026-01-01 00:00 UTC
EVER = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def ev(kind: str, user: str, at: int, **data: object):
    raw = {"id": uuid.uuid4().hex, "type": kind, "user": user, "at": str(at)}
    return parse(json.dumps(raw | {k: str(v) for k, v in data.items()}))


def profile(user: str, area: str, class_code: str = ""):
    return ev("learner", user, T0, consent_at=T0, area=area, age="60", class_code=class_code)


async def seed(database) -> None:
    """Four learners: Lan (class LOP-1, Ninh Kiều) confirmed; Bảy (LOP-1) said "not yet" then
    asked for help and shared his name; Tư (Cái Khế, no class) asked for help without a name;
    Năm answered "not yet" once."""
    await write_batch(
        database,
        [
            profile("tg:1", "ninh-kieu", "LOP-1"),
            profile("zalo:2", "ninh-kieu", "LOP-1"),
            profile("tg:3", "cai-khe"),
            profile("tg:4", "cai-khe"),
            ev("vneid", "tg:1", T0 + 100, answer="yes"),
            ev("vneid", "zalo:2", T0 + 100, answer="no"),
            ev("vneid", "zalo:2", T0 + 200, answer="help"),
            ev("vneid", "zalo:2", T0 + 210, answer="help", name="Trần Văn Bảy"),
            ev("vneid", "tg:3", T0 + 300, answer="help"),
            ev("vneid", "tg:4", T0 + 400, answer="no"),
        ],
    )


async def test_reports_count_answers_per_ward_and_class_as_self_reported(database):
    await seed(database)
    labels = Labels(areas={"ninh-kieu": "Phường Ninh Kiều", "cai-khe": "Phường Cái Khế"})
    report = await build_report(database, *EVER, labels=labels)
    by_area = report.table("vneid_by_area")
    assert "SELF-REPORTED" in by_area.title
    assert by_area.columns[1] == "confirmed (self-reported)"
    assert by_area.rows == [["Phường Ninh Kiều", 1, 0, 1, 2], ["Phường Cái Khế", 0, 1, 1, 2]]
    assert report.table("vneid_by_class").rows[0] == ["LOP-1", 1, 0, 1, 2]
    zalo = await build_report(database, *EVER, labels=labels, platform="zalo")
    assert zalo.table("vneid_by_area").rows == [["Phường Ninh Kiều", 0, 0, 1, 1]]


async def test_the_help_list_has_what_a_facilitator_needs_and_no_chat_ids(database, config):
    await seed(database)
    found = await help_requests(database)
    assert [(r.class_code, r.area, r.name) for r in found] == [
        ("LOP-1", "ninh-kieu", "Trần Văn Bảy"),  # he agreed to share his name
        ("", "cai-khe", ""),
    ]
    out = io.StringIO()
    vneid_cli.write_help_list(found, config, out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "class,class_name,ward,asked_on,name,answer"
    assert lines[1] == "LOP-1,,Phường Ninh Kiều,2026-01-01,Trần Văn Bảy,help (SELF-REPORTED)"
    assert "zalo" not in out.getvalue() and "tg:" not in out.getvalue()
    only = await help_requests(database, classes=("LOP-1",))
    assert [r.name for r in only] == ["Trần Văn Bảy"]


async def test_an_older_answer_delivered_late_changes_nothing(database):
    await seed(database)
    await write_batch(database, [ev("vneid", "tg:1", T0 + 50, answer="no")])  # before "yes"
    report = await build_report(database, *EVER)
    assert report.table("vneid_by_class").rows[0][1] == 1  # still confirmed


async def test_forget_erases_the_answer(database):
    await seed(database)
    await write_batch(database, [ev("forget", "zalo:2", T0 + 500)])
    assert [r.area for r in await help_requests(database)] == ["cai-khe"]
    assert await count(database, VneidConfirmation) == 3
    # Answered and forgotten within one batch: nothing is written at all.
    await write_batch(
        database,
        [profile("tg:9", "o-mon"), ev("vneid", "tg:9", T0 + 600, answer="help"),
         ev("forget", "tg:9", T0 + 700)],
    )  # fmt: skip
    assert await count(database, VneidConfirmation) == 3


async def test_each_class_report_shows_its_answers(database, config: Config):
    await seed(database)
    out = io.StringIO()
    await class_cli.list_classes(database, config, out)
    text = out.getvalue()
    assert "SELF-REPORTED" in text and "vneid confirmed (self-reported)" in text
    row = next(line for line in text.splitlines() if line.startswith("LOP-1"))
    assert row.split()[-2:] == ["1", "1"]  # one confirmed, one asked for help
