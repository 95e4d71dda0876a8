"""`hocso class add` and `hocso class list`, run as a facilitator types them, on SQLite and on
PostgreSQL: the link, the QR code that opens it, one row per class, the learners counted."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from hocso.cli import main
from storage.sql.db import Database
from storage.sql.ingest import parse, write_batch

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_767_225_600  # 2026-01-01 00:00 UTC
LINK = "https://t.me/hocso_cantho_bot?start=LOP-1A"

Run = Callable[..., tuple[int, str, str]]


def _cli(monkeypatch, capsys, tmp_path: Path, db_url: str = "") -> Run:
    monkeypatch.setenv("HOCSO_CONFIG", str(ROOT / "tests" / "fixtures" / "config.yaml"))
    monkeypatch.setenv("HOCSO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME", raising=False)
    if db_url:
        monkeypatch.setenv("DATABASE_URL", db_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)  # SQLite in the data dir

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def hocso(monkeypatch, capsys, tmp_path, db_url) -> Run:
    """`hocso ...` on this test's own database, migrated as an official would."""
    run = _cli(monkeypatch, capsys, tmp_path, db_url)
    assert run("db", "upgrade")[0] == 0
    return run


def seed(url: str, *events: dict[str, object]) -> None:
    """Store outbox events the way the reporter does."""

    async def write() -> None:
        db = Database(url, erase_key="test-erase-key-" + "0" * 32)
        try:
            parsed = [parse(json.dumps({"id": uuid.uuid4().hex} | e)) for e in events]
            await write_batch(db, parsed)
        finally:
            await db.dispose()

    asyncio.run(write())


def joined(user: str, code: str, at: int = T0) -> dict[str, object]:
    return {
        "type": "learner", "user": user, "at": str(at), "consent_at": str(at), "lang": "vi",
        "area": "ninh-kieu", "age": "", "class_code": code,
    }  # fmt: skip


def decoded(path: Path) -> list[str]:
    with Image.open(path) as image:
        image.load()
        assert image.format == "PNG"
        return [r.text for r in zxingcpp.read_barcodes(image)]


def listed(out: str, code: str) -> list[list[str]]:
    """The rows `class list` printed for a code, as their cells."""
    return [
        [cell.strip() for cell in line.split("  ") if cell.strip()]
        for line in out.splitlines()
        if line.startswith(code + " ")
    ]


def test_a_class_gets_a_link_and_a_qr_code_that_opens_it(hocso, tmp_path):
    name = "Lớp tin học Phường Ninh Kiều, Tổ công nghệ số cộng đồng khu vực 3 (buổi tối)"
    status, out, err = hocso(
        "class", "add", "LOP-1A", "--name", name, "--facilitator", "Nguyễn Thị Hường",
        "--area", "ninh-kieu", "--bot", "@hocso_cantho_bot",
    )  # fmt: skip
    assert status == 0 and not err
    assert f"Class LOP-1A added: {name}" in out
    assert f"Link for learners: {LINK}" in out
    png = tmp_path / "data" / "classes" / "LOP-1A.png"
    assert str(png) in out
    assert decoded(png) == [LINK]

    status, out, _ = hocso("class", "list")
    assert status == 0
    row = [
        "LOP-1A",
        name,
        "Nguyễn Thị Hường",
        "Phường Ninh Kiều",
        "0",
        "0",
        "0",
        "0",
    ]  # no learners yet
    assert listed(out, "LOP-1A") == [row]


def test_adding_a_class_again_updates_its_one_row(hocso, tmp_path):
    hocso("class", "add", "LOP-1A", "--name", "Lớp 1", "--facilitator", "Lê Văn Tám",
          "--bot", "hocso_cantho_bot")  # fmt: skip
    status, out, _ = hocso(
        "class", "add", "LOP-1A", "--name", "Lớp tin học buổi sáng", "--bot", "hocso_cantho_bot"
    )
    assert status == 0 and "Class LOP-1A updated: Lớp tin học buổi sáng" in out
    assert decoded(tmp_path / "data" / "classes" / "LOP-1A.png") == [LINK]
    _, out, _ = hocso("class", "list")
    rows = listed(out, "LOP-1A")
    assert len(rows) == 1
    assert rows[0][1:3] == ["Lớp tin học buổi sáng", "Lê Văn Tám"]  # the facilitator is kept


def test_class_list_counts_the_learners_who_joined_with_the_code(hocso, db_url):
    seed(
        db_url,
        joined("tg:A", "LOP-1A"),
        joined("tg:B", "LOP-1A"),
        joined("tg:C", "LOP-2"),
        joined("tg:D", ""),
        joined("tg:E", "LOP-1A"),
        {
            "type": "certificate",
            "user": "tg:A",
            "at": str(T0 + 900),
            "code": "AAAAA22222",
            "name": "Anh",
            "date": "2026-01-01",
        },  # fmt: skip
        {"type": "forget", "user": "tg:E", "at": str(T0 + 1000)},
    )
    status, out, _ = hocso("class", "list")
    assert status == 0
    # The reporter noted LOP-2 when a learner joined with it; nobody has named it yet.
    assert listed(out, "LOP-2") == [["LOP-2", "(no name)", "1", "0", "0", "0"]]
    status, out, _ = hocso("class", "add", "LOP-2", "--name", "Lớp Cái Khế", "--area", "cai-khe")
    assert status == 0 and "Class LOP-2 updated" in out

    _, out, _ = hocso("class", "list")
    # E was forgotten; nobody answered about VNeID yet
    assert listed(out, "LOP-1A") == [["LOP-1A", "(no name)", "2", "1", "0", "0"]]
    assert listed(out, "LOP-2") == [["LOP-2", "Lớp Cái Khế", "Phường Cái Khế", "1", "0", "0", "0"]]


def test_without_the_bots_username_the_start_message_is_given(hocso, tmp_path, monkeypatch):
    status, out, _ = hocso("class", "add", "LOP-1A", "--name", "Lớp 1")
    assert status == 0
    assert "/start LOP-1A" in out and "telegram.username" in out and "--bot" in out
    assert "https://" not in out
    assert not (tmp_path / "data" / "classes").exists()  # no QR code of a non-link

    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "@hocso_cantho_bot")
    status, out, _ = hocso("class", "add", "LOP-1A", "--name", "Lớp 1")
    assert f"Link for learners: {LINK}" in out
    status, out, _ = hocso("class", "add", "LOP-1A", "--name", "Lớp 1", "--bot", "other_bot")
    assert "Link for learners: https://t.me/other_bot?start=LOP-1A" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["lớp 1"], "bad class code 'lớp 1'"),
        (["A" * 33], "bad class code"),
        (["LOP-1A", "--area", "ha-noi"], "unknown ward 'ha-noi' for --area"),
        (["LOP-1A", "--area", "ninh kiu"], "did you mean ninh-kieu (Phường Ninh Kiều)?"),
        (["LOP-1A", "--bot", "hocso bot"], "bad bot username 'hocso bot'"),
        (["LOP-1A", "--name", "   "], "--name: give the class a name"),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_saved(monkeypatch, capsys, tmp_path, args, words):
    run = _cli(monkeypatch, capsys, tmp_path)
    name = [] if "--name" in args else ["--name", "Lớp 1"]
    status, out, err = run("class", "add", *args, *name)
    assert status == 2 and not out
    assert err.startswith("hocso: ") and words in err and err.count("\n") == 1
    assert not (tmp_path / "data").exists()  # no database made, no picture drawn


def test_a_ward_is_named_by_its_code_or_its_name(monkeypatch, capsys, tmp_path):
    run = _cli(monkeypatch, capsys, tmp_path)
    status, out, _ = run("class", "add", "LOP-3", "--name", "Lớp 3", "--area", "cai khe")
    assert status == 0
    status, out, _ = run("class", "list")
    assert "Phường Cái Khế" in out


def test_a_database_that_is_not_there_is_one_line(monkeypatch, capsys, tmp_path):
    run = _cli(monkeypatch, capsys, tmp_path, "postgresql://postgres@127.0.0.1:1/hocso")
    for argv in (["class", "add", "LOP-1A", "--name", "Lớp 1"], ["class", "list"]):
        status, out, err = run(*argv)
        assert status == 2 and not out
        assert err.startswith("hocso: the reporting database is not available: ")
        assert err.count("\n") == 1 and "Traceback" not in err


async def test_postgresql_not_yet_upgraded_says_so(monkeypatch, capsys, tmp_path, postgres):
    url = await postgres.create(f"hocso_test_{uuid.uuid4().hex[:12]}")
    run = _cli(monkeypatch, capsys, tmp_path, url)
    status, _, err = await asyncio.to_thread(run, "class", "list")
    assert status == 2 and "run `hocso db upgrade`" in err and err.count("\n") == 1


def test_with_zalo_the_message_zalo_learners_send_is_given(hocso, monkeypatch):
    monkeypatch.delenv("ZALO_BOT_TOKEN", raising=False)
    status, out, _ = hocso(
        "class", "add", "LOP-1A", "--name", "Lớp 1", "--bot", "hocso_cantho_bot"
    )
    assert "Zalo" not in out  # a Telegram-only deployment
    monkeypatch.setenv("ZALO_BOT_TOKEN", "1459232241454765289:" + "Zq" * 20)
    status, out, _ = hocso(
        "class", "add", "LOP-1A", "--name", "Lớp 1", "--bot", "hocso_cantho_bot"
    )
    assert status == 0 and f"Link for learners: {LINK}" in out
    assert "On Zalo: learners open the bot in Zalo and send this message: /start LOP-1A" in out
    assert "no Zalo link" in out


def test_a_class_schedule_is_saved_shown_kept_and_removed(hocso):
    status, out, err = hocso(
        "class", "add", "LOP-1A", "--name", "Lớp 1", "--schedule", "thu bay 19h"
    )
    assert status == 0 and not err
    assert "Weekly class time: Thứ Bảy 19:00" in out
    _, out, _ = hocso("class", "list")
    assert listed(out, "LOP-1A") == [["LOP-1A", "Lớp 1", "Thứ Bảy 19:00", "0", "0", "0", "0"]]
    hocso("class", "add", "LOP-1A", "--name", "Lớp 1A")  # no --schedule: kept
    _, out, _ = hocso("class", "list")
    assert listed(out, "LOP-1A")[0][1:3] == ["Lớp 1A", "Thứ Bảy 19:00"]
    hocso("class", "add", "LOP-1A", "--name", "Lớp 1A", "--schedule", "")
    _, out, _ = hocso("class", "list")
    assert listed(out, "LOP-1A") == [["LOP-1A", "Lớp 1A", "0", "0", "0", "0"]]


def test_a_schedule_that_is_no_weekly_time_is_one_line(monkeypatch, capsys, tmp_path):
    run = _cli(monkeypatch, capsys, tmp_path)
    status, out, err = run("class", "add", "LOP-1A", "--name", "Lớp 1", "--schedule", "19:00")
    assert status == 2 and not out
    assert err.startswith("hocso: bad --schedule '19:00'") and err.count("\n") == 1
    assert not (tmp_path / "data").exists()


def test_with_a_zalo_oa_the_code_to_type_is_given(hocso, monkeypatch):
    monkeypatch.setenv("ZALO_OA_ID", "1646843870823903717")
    status, out, _ = hocso("class", "add", "LOP-1A", "--name", "Lớp 1")
    assert status == 0
    link = "https://zalo.me/1646843870823903717"
    assert (
        f"On the Zalo OA: learners open {link} (or scan the OA's QR code) and send: LOP-1A" in out
    )
    status, out, _ = hocso("class", "add", "NINHKIEU", "--name", "Lớp 2")
    assert "send: /start NINHKIEU" in out  # a plain word is not looked up when typed alone
