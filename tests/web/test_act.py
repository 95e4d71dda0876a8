"""The page that says where to act: ward targets uploaded and ranked, the pace toward the
deadline, week by week, age bands and platforms, a class's members, printing, the ways to join,
Excel downloads (web_helpers.SEED, counted by hand)."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer
from web_helpers import SECRET, csrf_of, log_in, table

from hocso.settings import ConfigError, load_config
from web import pace
from web import queries as q
from web.app import build_app
from web.targets import TargetsRefused, parse_targets

WARDS = {"ninh-kieu": "Phường Ninh Kiều", "cai-khe": "Phường Cái Khế", "o-mon": "Phường Ô Môn"}


async def _upload(client: TestClient, body: bytes, page: str = "/wards"):
    token = csrf_of(await (await client.get(page)).text())
    form = FormData()
    form.add_field("csrf", token)
    form.add_field("file", body, filename="muc-tieu.csv", content_type="text/csv")
    return await client.post("/wards/targets", data=form, allow_redirects=False)


def _columns(rows: list[list[str]]) -> dict[str, int]:
    return {name.rstrip(" ▲▼"): i for i, name in enumerate(rows[0])}


async def test_uploaded_targets_rank_and_band_every_ward(client):
    await log_in(client, "lan")
    # As Excel in Vietnamese saves it: semicolons, a byte-order mark, thousands with dots.
    body = "\ufeffMã;Tên;Mục tiêu\nninh-kieu;Ninh Kiều;4\ncai-khe;Cái Khế;1.000\n".encode()
    sent = await _upload(client, body)
    assert sent.status == 303 and sent.headers["Location"] == "/wards?saved=2"
    html = await (await client.get("/wards?saved=2")).text()
    assert "Đã lưu mục tiêu của 2 phường, xã." in html
    rows = table(html, "table-wards")
    col = _columns(rows)
    named = {row[0]: row for row in rows[1:]}
    kieu, khe, mon = named["Phường Ninh Kiều"], named["Phường Cái Khế"], named["Phường Ô Môn"]
    assert kieu[col["Mục tiêu của phường, xã"]] == "4"
    assert kieu[col["Đạt so với mục tiêu"]] == "50,0%"  # 2 certified of 4
    assert kieu[col["Hạng"]] == "1/2" and khe[col["Hạng"]] == "2/2"
    assert mon[col["Hạng"]] == "–"  # no target: not ranked
    # No deadline: on track means at least the province's share (2 of 1,004 certified).
    assert kieu[col["Tình hình"]] == "Đúng tiến độ"
    assert khe[col["Tình hình"]] == "Chậm tiến độ"
    assert mon[col["Tình hình"]] == "Chưa có người học"
    assert '<span class="band not_started">' in html
    # Every view: a ward's overview shows its own target and rank.
    ward = await (await client.get("/overview?ward=ninh-kieu")).text()
    assert "2 trên mục tiêu 4 (50,0%)" in ward and "hạng 1/2" in ward
    # What next: the ward nobody started in, the slowest, the class with most stuck.
    steps = await (await client.get("/overview")).text()
    assert "1 phường, xã chưa có ai học" in steps and "Phường Ô Môn" in steps
    assert "Lớp Cái Khế (LOP2)</a> · 1 người ngưng học" in steps


async def test_a_wrong_targets_file_saves_nothing_and_says_which_line(client):
    await log_in(client, "lan")
    await _upload(client, b"code,target\nninh-kieu,10\n")
    refused = await _upload(client, b"code,target\nninh-kieu,20\natlantis,5\ncai-khe,many\n")
    html = await refused.text()
    assert "Chưa lưu gì" in html
    assert "Dòng 3: không có phường, xã mã “atlantis”" in html
    assert "Dòng 4 (Phường Cái Khế): “many” không phải là số." in html
    rows = table(await (await client.get("/wards")).text(), "table-wards")
    kieu = next(row for row in rows if row[0] == "Phường Ninh Kiều")
    assert kieu[_columns(rows)["Mục tiêu của phường, xã"]] == "10"  # the earlier file stands


async def test_only_officials_upload_targets(client):
    await log_in(client, "hoa")
    html = await (await client.get("/wards")).text()
    assert "/wards/targets" not in html
    assert (await _upload(client, b"code,target\nninh-kieu,10\n")).status == 403


def _cp1258(text: str) -> bytes:
    """As Windows writes Vietnamese: a letter with its tone mark split off where needed."""
    out = b""
    for c in text:
        try:
            out += c.encode("cp1258")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFD", c)
            out += (
                unicodedata.normalize("NFC", base[:2]).encode("cp1258") + base[2:].encode("cp1258")
                if len(base) > 2
                else base.encode("cp1258")
            )
    return out


def test_targets_file_forms():
    assert parse_targets(b"ninh-kieu,12 000\r\ncai-khe,7\r\n", WARDS) == {
        "ninh-kieu": 12000,
        "cai-khe": 7,
    }  # no header: code, then target
    legacy = _cp1258("Mã xã\tDân số\ncai-khe\t300\n")
    assert parse_targets(legacy, WARDS) == {"cai-khe": 300}
    for bad in (b"", b"ninh-kieu,1\nninh-kieu,2\n", b"name,notes\nx,y\n"):
        try:
            parse_targets(bad, WARDS)
        except TargetsRefused as refused:
            assert refused.lines
        else:
            raise AssertionError(f"{bad!r} was accepted")


async def test_pace_needed_toward_the_deadline(seeded, curriculum, web_config):
    today = datetime.now(ZoneInfo(web_config.timezone)).date()
    web_config.campaign.deadline = today + timedelta(days=70)  # ten weeks from today
    web_config.campaign.target = 1002
    app = build_app(web_config, seeded, curriculum, SECRET, recount=False, login_delay=0)
    async with TestClient(TestServer(app)) as client:
        await log_in(client, "lan")
        html = await (await client.get("/overview")).text()
    # 1,000 still to certify in ten weeks; nobody certified in the last four weeks.
    assert "cần 100 người/tuần" in html
    assert "0 người/tuần" in html
    assert "chưa tính được" in html


def test_pace_and_projection():
    days = [q.Day(date(2026, 3, 2) + timedelta(days=n), 10, 0, 5) for n in range(28)]
    found = pace.pace(days, target=1140, deadline=date(2026, 6, 1), today=date(2026, 3, 29))
    assert found.certified == 140 and found.per_week == 35  # 5 a day
    assert found.needed == 1000 / (64 / 7)  # 1,000 left in 64 days
    assert found.projected == date(2026, 3, 29) + timedelta(days=200)  # 1,000 / 5 a day
    assert found.on_time is False
    crawl = pace.pace(days[:1], target=10_000_000, deadline=None, today=date(2026, 3, 29))
    assert crawl.projected is None and crawl.beyond  # never a date centuries away


def test_weeks_run_monday_to_sunday_with_the_change():
    days = [q.Day(date(2026, 1, 1), 6, 0, 0), q.Day(date(2026, 1, 3), 1, 0, 1)]
    days += [q.Day(date(2026, 1, 5), 0, 0, 2), q.Day(date(2026, 1, 19), 0, 0, 1)]
    weeks = pace.weeks(days)
    assert [w.monday for w in weeks] == [date(2025, 12, 29) + timedelta(weeks=n) for n in range(4)]
    assert [(w.started, w.certified) for w in weeks] == [(7, 1), (0, 2), (0, 0), (0, 1)]
    assert weeks[1].change == 1.0 and weeks[2].change == -1.0 and weeks[3].change is None
    assert [w.monday for w in pace.weeks(days, start=date(2026, 1, 6))] == [
        date(2026, 1, 5),
        date(2026, 1, 12),
        date(2026, 1, 19),
    ]


async def test_overview_week_by_week_and_by_age_and_platform(client):
    await log_in(client, "lan")
    html = await (await client.get("/overview")).text()
    weeks = table(html, "table-weeks")
    assert weeks[1][0] == "19/01/2026" and weeks[1][2] == "1"  # newest first: F certified
    assert weeks[-1][:3] == ["29/12/2025", "7", "1"]
    platforms = {row[0]: row[1:3] for row in table(html, "table-platforms")[1:]}
    assert platforms == {"Telegram": ["6", "2"], "(đã xóa theo yêu cầu)": ["1", "0"]}
    ages = {row[0]: row[1] for row in table(html, "table-ages")[1:]}
    assert ages["25–39 tuổi"] == "6"
    ranged = await (await client.get("/overview?from=2026-01-10&to=2026-01-19")).text()
    days = table(ranged, "table-days")
    assert days[1][0] == "19/01/2026" and days[-1][0] == "10/01/2026"


async def test_a_facilitator_sees_their_members(client):
    await log_in(client, "hoa")
    html = await (await client.get("/classes/LOP1")).text()
    rows = table(html, "table-members")
    col = _columns(rows)
    named = {row[0]: row for row in rows[1:]}
    # A's certificate name, escaped; B and F by their place in the class.
    assert "Nguyễn Thị <b>Anh</b>" in named and "&lt;b&gt;Anh" in html
    b = named["Người học 2"]
    assert b[col["Nền tảng"]] == "Telegram"
    assert b[col["Bài gần nhất"]] == "Bài một"  # failed it once, then passed
    assert b[col["Ngưng học"]] == "✓" and b[col["Có chứng nhận"]] == ""
    assert named["Người học 3"][col["Có chứng nhận"]] == "✓"
    assert "telegram.username" not in html  # configuration words are not for facilitators
    assert (await client.get("/classes/LOP2/print")).status == 403
    printed = await (await client.get("/classes/LOP1/print")).text()
    assert len(table(printed, "table-members")) == 4
    sheets = await (await client.get("/classes/LOP1/certificates")).text()
    assert sheets.count('class="certificate-sheet"') == 2 and "AAAAA-22222" in sheets


async def test_every_platform_to_join_by(seeded, curriculum, web_config):
    web_config.telegram.username = ""
    web_config.zalo.token = "123:abc"
    app = build_app(web_config, seeded, curriculum, SECRET, recount=False, login_delay=0)
    async with TestClient(TestServer(app)) as client:
        await log_in(client, "hoa")
        html = await (await client.get("/classes/LOP1")).text()
        assert "<h3>Zalo</h3>" in html and "<code>/start LOP1</code>" in html
        assert "t.me/" not in html and "telegram.username" not in html
        assert (await client.get("/classes/LOP1/qr.png")).status == 404  # no link, no QR
    web_config.zalo.token = ""
    app = build_app(web_config, seeded, curriculum, SECRET, recount=False, login_delay=0)
    async with TestClient(TestServer(app)) as client:
        await log_in(client, "hoa")
        html = await (await client.get("/classes/LOP1")).text()
        assert "Xin hỏi cán bộ phụ trách" in html and "telegram.username" not in html


async def test_remind_the_class_needs_its_token_and_scope(client):
    await log_in(client, "hoa")
    html = await (await client.get("/classes/LOP1")).text()
    assert "Nhắc cả lớp" in html
    forged = await client.post("/classes/LOP1/remind", data={}, allow_redirects=False)
    assert forged.status == 403
    other = await client.post(
        "/classes/LOP2/remind", data={"csrf": csrf_of(html)}, allow_redirects=False
    )
    assert other.status == 403
    assert 'name="member" value="2"' in html  # B is stuck: "nhắc người này"
    assert 'name="member" value="1"' not in html  # A is certified
    # Without a Redis shared with the bot, the page says plainly that it cannot send
    # (sending: tests/web/test_class_reminders.py).
    sent = await client.post("/classes/LOP1/remind", data={"csrf": csrf_of(html), "member": "2"})
    assert "chưa gửi được lời nhắc" in await sent.text()


async def test_excel_beside_each_csv_has_the_same_rows(client):
    await log_in(client, "lan")
    for name in ("wards", "weeks", "certified", "platforms"):
        plain = await client.get(f"/csv/{name}.csv")
        lines = list(csv.reader(io.StringIO((await plain.read()).decode("utf-8-sig"))))
        book = await client.get(f"/xlsx/{name}.xlsx")
        assert book.status == 200, name
        assert book.headers["Content-Disposition"].endswith(f'-{name}.xlsx"')
        sheet = openpyxl.load_workbook(io.BytesIO(await book.read())).active
        assert sheet is not None
        cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
        assert list(cells[0]) == lines[0], name  # Vietnamese headers, as the CSV
        assert [str(r[0]) for r in cells[1:]] == [line[0] for line in lines[1:]] or name == "weeks"
        assert len(cells) == len(lines), name
    certified = openpyxl.load_workbook(
        io.BytesIO(await (await client.get("/xlsx/certified.xlsx")).read())
    ).active
    assert certified is not None
    assert certified["A1"].value == "Mã chứng nhận"
    assert {certified["B2"].value, certified["B3"].value} == {"Nguyễn Thị <b>Anh</b>", None}


async def test_a_wards_filter_says_how_it_stands_on_every_page(client):
    await log_in(client, "lan")
    await _upload(client, b"code,target\nninh-kieu,4\ncai-khe,10\n")
    for page in ("/modules?ward=cai-khe", "/classes?ward=cai-khe"):
        html = await (await client.get(page)).text()
        words = "Phường Cái Khế · Chậm tiến độ · 0 trên mục tiêu 10 (0,0%) · hạng 2/2"
        assert f'id="ward-standing">{words}</p>' in html


def test_deadline_and_ward_targets_in_config(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("campaign:\n  deadline: ''\n  ward_targets: {31117: 12000, '31120': 500}\n")
    config = load_config(path, env={})
    assert config.campaign.deadline is None
    assert config.campaign.ward_targets == {"31117": 12000, "31120": 500}  # codes are text
    config = load_config(path, env={"HOCSO_CAMPAIGN_DEADLINE": "2026-12-31"})
    assert config.campaign.deadline == date(2026, 12, 31)
    path.write_text("campaign:\n  ward_targets: {31117: -5}\n")
    with pytest.raises(ConfigError):
        load_config(path, env={})
