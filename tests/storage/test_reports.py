"""Reports on a seeded database give the numbers counted by hand (see the seed below)."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from datetime import UTC, datetime

import pytest

from handlers.platforms import platform_names
from hocso import report_cli
from hocso.cli import main
from storage.sql.ingest import parse, write_batch
from storage.sql.reports import Labels, build_report

T0 = 1_767_225_600  # 2026-01-01 00:00 UTC, 07:00 in Hà Nội
DAY = 86_400
JANUARY = (datetime(2025, 12, 31, 17, tzinfo=UTC), datetime(2026, 1, 31, 17, tzinfo=UTC))


def ev(kind: str, user: str, at: int, **data: object):
    raw = {"id": uuid.uuid4().hex, "type": kind, "user": user, "at": str(at)}
    return parse(json.dumps(raw | {k: str(v) for k, v in data.items()}))


def profile(user: str, at: int, area: str, age: str, class_code: str = ""):
    return ev(
        "learner", user, at, consent_at=at, lang="vi", area=area, age=age, class_code=class_code
    )


def done(user: str, at: int, lesson: str, passed: int = 1):
    module = "m2" if lesson == "l3" else "m1"
    return ev(
        "completion", user, at, lesson=lesson, version=1, module=module, score=passed,
        total=1, passed=passed, started_at=at - 120, finished_at=at, group=0,
    )  # fmt: skip


def answer(user: str, at: int, question: str, correct: int, review: int = 0):
    return ev(
        "answer", user, at, lesson="l1", version=1, question=question, correct=correct,
        review=review,
    )  # fmt: skip


# Five learners. A, B, C start in January; D in February; E in January, then asks to be
# forgotten. Module m1 holds lessons l1 and l2, module m2 lesson l3; both are core.
SEED = [
    profile("tg:A", T0, "ninh-kieu", "25-39", "LOP1"),
    profile("tg:B", T0 + 100, "ninh-kieu", "60"),
    profile("tg:C", T0 + 200, "cai-khe", "", "LOP1"),
    profile("tg:D", T0 + 40 * DAY, "cai-khe", ""),
    profile("tg:E", T0 + 300, "o-mon", "40-59"),
    answer("tg:A", T0 + 900, "q1", 1),
    answer("tg:A", T0 + 950, "q2", 0),
    done("tg:A", T0 + 1000, "l1"),
    done("tg:A", T0 + 2000, "l1"),  # a retake: not a second completed lesson
    done("tg:A", T0 + 3000, "l2"),
    ev("module", "tg:A", T0 + 3000, module="m1"),
    done("tg:A", T0 + 4000, "l3"),
    ev("module", "tg:A", T0 + 4000, module="m2"),
    ev("certificate", "tg:A", T0 + 4100, code="AAAAA22222", name="Anh", date="2026-01-01"),
    answer("tg:A", T0 + 5 * DAY, "q1", 0, review=1),  # reviews are not item analysis
    answer("tg:B", T0 + 900, "q1", 0),
    answer("tg:B", T0 + 950, "q2", 0),
    done("tg:B", T0 + 1000, "l1", passed=0),
    done("tg:B", T0 + 1500, "l1"),
    answer("tg:C", T0 + 900, "q1", 0),
    done("tg:C", T0 + 1000, "l1"),
    done("tg:C", T0 + 2000, "l2", passed=0),
    answer("tg:D", T0 + 40 * DAY + 50, "q1", 0),
    done("tg:D", T0 + 40 * DAY + 100, "l1"),
    done("tg:E", T0 + 1000, "l1"),
    ev("forget", "tg:E", T0 + 5000),
]
LABELS = Labels(
    areas={"ninh-kieu": "Phường Ninh Kiều", "cai-khe": "Phường Cái Khế", "o-mon": "Phường Ô Môn"},
    age_bands={"25-39": "25–39 tuổi", "60": "Từ 60 tuổi", "40-59": "40–59 tuổi"},
    first_lesson="l1",
    first_module="m1",
    platforms=platform_names(),  # the registry's names: "tg" is shown as Telegram
)


@pytest.fixture
async def seeded(database):
    assert await write_batch(database, SEED[:12]) == 12  # two batches, like a reporter
    assert await write_batch(database, SEED[12:]) == len(SEED) - 12
    return database


async def test_january_by_hand(seeded):
    report = await build_report(seeded, *JANUARY, target=996_000, labels=LABELS)
    rows = {t.name: t.rows for t in report.tables}
    assert rows["totals"] == [
        ["learners started", 4],  # A, B, C, and E kept anonymously (D started in February)
        ["lessons completed", 6],  # A l1 l2 l3, B l1, C l1, and E's l1
        ["lesson attempts", 9],
        ["learners certified", 1],
    ]
    assert rows["by_area"] == [
        ["Phường Ninh Kiều", 2, 4, 1],
        ["(erased)", 1, 1, 0],
        ["Phường Cái Khế", 1, 1, 0],
    ]
    assert rows["by_age"] == [
        ["25–39 tuổi", 1, 3, 1],
        ["(erased)", 1, 1, 0],
        ["(not given)", 1, 1, 0],
        ["Từ 60 tuổi", 1, 1, 0],
    ]
    assert rows["by_class"] == [["LOP1", 2, 4, 1], ["(erased)", 1, 1, 0], ["(not given)", 1, 1, 0]]
    assert rows["by_module"] == [["m1", 5, 1], ["m2", 1, 1]]
    assert [r[:2] for r in rows["funnel"]] == [
        ["started", 4],
        ["passed lesson 1 (l1)", 4],
        ["finished module 1 (m1)", 1],
        ["certified", 1],
    ]
    assert rows["funnel"][2][2] == "25.0%"
    assert rows["target"] == [[1, 996_000, "0.00%"]]
    assert rows["wrong_questions"] == [["l1", "q1", 3, 2, "67%"], ["l1", "q2", 2, 2, "100%"]]


async def test_a_later_range_counts_only_what_happened_in_it(seeded):
    february = (datetime(2026, 1, 31, 17, tzinfo=UTC), datetime(2026, 2, 28, 17, tzinfo=UTC))
    report = await build_report(seeded, *february, target=10, labels=LABELS)
    assert report.table("totals").rows[:2] == [["learners started", 1], ["lessons completed", 1]]
    assert report.table("by_area").rows == [["Phường Cái Khế", 1, 1, 0]]
    assert report.table("target").rows == [[1, 10, "10.00%"]]  # all certificates so far
    assert report.table("wrong_questions").rows == [["l1", "q1", 1, 1, "100%"]]


async def test_formats(seeded, config):
    report = await build_report(seeded, *JANUARY, target=996_000, labels=LABELS)
    out = io.StringIO()
    report_cli.write_csv(report, "title", out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "section,row,column,value"
    assert "totals,lessons completed,count,6" in lines
    assert "by_area,Phường Ninh Kiều,certified,1" in lines
    out = io.StringIO()
    report_cli.write_json(report, "title", out)
    data = json.loads(out.getvalue())
    assert data["sections"]["funnel"]["rows"][1]["learners"] == 4
    out = io.StringIO()
    report_cli.write_table(report, "title", out)
    assert "Phường Ninh Kiều" in out.getvalue() and "996,000" in out.getvalue()


def test_report_help_explains_itself(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--help"])
    assert exit_.value.code == 0
    assert "funnel" in capsys.readouterr().out


ZALO_LEARNER = [  # F learns on Zalo: another person than anyone on Telegram
    profile("zalo:F", T0 + 400, "ninh-kieu", "60"),
    answer("zalo:F", T0 + 900, "q1", 1),
    done("zalo:F", T0 + 1000, "l1"),
]


async def test_reports_split_by_platform_and_keep_to_one(seeded):
    await write_batch(seeded, ZALO_LEARNER)
    report = await build_report(seeded, *JANUARY, target=10, labels=LABELS)
    assert report.table("by_platform").rows == [
        ["Telegram", 3, 5, 1],  # A, B, C (E asked to be forgotten)
        ["(erased)", 1, 1, 0],
        ["Zalo", 1, 1, 0],
    ]
    zalo = await build_report(seeded, *JANUARY, target=10, labels=LABELS, platform="zalo")
    assert zalo.table("totals").rows == [
        ["learners started", 1],
        ["lessons completed", 1],
        ["lesson attempts", 1],
        ["learners certified", 0],
    ]
    assert zalo.table("by_area").rows == [["Phường Ninh Kiều", 1, 1, 0]]
    assert [r[:2] for r in zalo.table("funnel").rows][:2] == [
        ["started", 1],
        ["passed lesson 1 (l1)", 1],
    ]
    assert zalo.table("target").rows == [[0, 10, "0.00%"]]
    assert zalo.table("wrong_questions").rows == []  # F answered right
    telegram = await build_report(seeded, *JANUARY, labels=LABELS, platform="tg")
    assert telegram.table("totals").rows[:3] == [
        ["learners started", 3],
        ["lessons completed", 5],
        ["lesson attempts", 8],
    ]
    assert telegram.table("by_module").rows == [["m1", 4, 1], ["m2", 1, 1]]


async def test_report_command_keeps_to_one_platform(seeded, db_url, monkeypatch, capsys):
    await write_batch(seeded, ZALO_LEARNER)
    monkeypatch.setenv("DATABASE_URL", db_url)
    argv = ["report", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "json"]
    assert await asyncio.to_thread(main, [*argv, "--platform", "zalo"]) == 0  # its own loop
    data = json.loads(capsys.readouterr().out)
    assert data["title"].endswith("zalo only")
    assert data["sections"]["by_platform"]["rows"] == [
        {"name": "Zalo", "started": 1, "lessons completed": 1, "certified": 0}
    ]
