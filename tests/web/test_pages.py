"""What an official and a facilitator see: the numbers counted by hand in web_helpers.SEED,
on SQLite and on PostgreSQL; tables and their CSV agree; names are shown, never run."""

from __future__ import annotations

import asyncio
import csv
import io

from aiohttp.test_utils import TestClient, TestServer
from web_helpers import NOW, PASSWORD, SECRET, SEED, T0, big_number, ev, log_in, table

from storage.sql.ingest import write_batch
from web import auth
from web.app import build_app
from web.rollup import refresh
from web.site import course_of


async def test_overview_shows_the_campaign(client):
    await log_in(client, "lan")
    page = await client.get("/overview")
    html = await page.text()
    assert page.status == 200
    assert big_number(html, "n-started") == 7  # the forgotten learner still counts
    assert big_number(html, "n-certified") == 2
    assert big_number(html, "n-lessons") == 11
    assert big_number(html, "n-active") == 2  # C and F did something in the last week
    assert big_number(html, "n-stuck") == 4  # B, D, E and the forgotten G
    assert "2 trên mục tiêu 996.000" in html  # the target, Vietnamese number style
    assert "<polyline" in html  # the line over time is drawn
    funnel = table(html, "table-funnel")
    assert [row[:2] for row in funnel[1:]] == [
        ["Bắt đầu học", "7"],
        ["Qua bài đầu tiên", "6"],
        ["Xong chủ đề đầu tiên", "3"],
        ["Được chứng nhận", "2"],
    ]
    days = table(html, "table-days")  # newest day first
    assert days[-1] == ["01/01/2026", "6", "0", "6", "0"]
    assert days[-2][0] == "02/01/2026" and days[-2][3] == "7"
    assert days[1][0] == "19/01/2026" and days[1][3:] == ["7", "2"]


async def test_a_ward_filter_narrows_the_numbers(client):
    await log_in(client, "lan")
    html = await (await client.get("/overview?ward=cai-khe")).text()
    assert big_number(html, "n-started") == 3
    assert big_number(html, "n-certified") == 0
    assert big_number(html, "n-stuck") == 2
    assert "trên mục tiêu" not in html  # the city's target is not a ward's
    assert 'value="cai-khe" selected' in html
    assert (await client.get("/overview?ward=atlantis")).status == 404


async def test_wards_table_sorts_and_its_csv_matches(client):
    await log_in(client, "lan")
    html = await (await client.get("/wards?sort=started&desc=1")).text()
    rows = table(html, "table-wards")
    header, body = rows[0], rows[1:]
    assert header[0] == "Phường, xã" and "Đã bắt đầu học ▼" in header
    col = {name.rstrip(" ▲▼"): i for i, name in enumerate(header)}
    named = {row[0]: row for row in body}
    kieu = named["Phường Ninh Kiều"]
    started, lessons = col["Đã bắt đầu học"], col["Bài học đã qua"]
    certified = col["Đã được chứng nhận"]
    assert [kieu[started], kieu[lessons], kieu[certified]] == ["3", "7", "2"]
    assert kieu[col["Tỷ lệ chứng nhận"]] == "66,7%"
    assert named["Phường Cái Khế"][started] == "3"
    assert named["(đã xóa theo yêu cầu)"][started] == "1"
    assert named["Phường Ô Môn"][started] == "0"  # every ward is listed, even with nobody yet
    # The rows not on the ward list come last whatever the sort; the rest are sorted.
    assert [row[0] for row in body[-2:]] == ["Nơi khác", "(đã xóa theo yêu cầu)"]
    numbers = [int(row[started]) for row in body[:-2]]
    assert numbers == sorted(numbers, reverse=True)

    download = await client.get("/csv/wards.csv?sort=started&desc=1")
    assert download.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in download.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO((await download.read()).decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == [row[0] for row in body]
    assert [line[started] for line in lines[1:]] == [row[started] for row in body]
    kieu_line = lines[1 + [r[0] for r in body].index("Phường Ninh Kiều")]
    assert kieu_line[col["Tỷ lệ chứng nhận"]] == "66.7"


async def test_modules_and_most_missed_questions_with_option_counts(client):
    await log_in(client, "lan")
    html = await (await client.get("/modules")).text()
    modules = table(html, "table-modules")
    assert modules[1][:3] == ["Điện thoại", "9", "3"]  # m1: first passes of l1 and l2
    questions = table(html, "table-questions")
    first = questions[1]
    assert first[:5] == ["Bài một", "Câu hỏi một?", "6", "3", "50,0%"]
    assert "Sai bét: 3" in first[5] and "Đúng rồi ✓: 3" in first[5]
    assert questions[2][:4] == ["Bài một", "Câu hỏi hai?", "5", "1"]


async def test_answers_without_the_option_picked_say_so(seeded, config, curriculum, client):
    """Answers reported by an older tutor carry no option: counts of zero would mislead."""
    old = [
        ev("answer", f"tg:old{n}", T0 + n, lesson="l3", version=1, question="q4", correct=0)
        for n in range(5)
    ]
    await write_batch(seeded, old)
    await refresh(seeded, config.timezone, course_of(curriculum), now=NOW)
    await log_in(client, "lan")
    questions = table(await (await client.get("/modules")).text(), "table-questions")
    assert questions[1][:4] == ["Bài ba", "Câu hỏi bốn?", "5", "5"]
    assert questions[1][5] == "(chưa ghi lại lựa chọn)"
    assert "Sai bét: 3" in questions[2][5]  # q1's recorded picks still show


async def test_classes_list_and_a_class_page(client):
    await log_in(client, "lan")
    html = await (await client.get("/classes")).text()
    rows = {row[0]: row for row in table(html, "table-classes")[1:]}
    assert rows["LOP1"][2:] == ["Cô Hường", "Phường Ninh Kiều", "3", "2", "1", "1"]
    assert rows["LOP2"][4:] == ["2", "0", "1", "1"]
    page = await client.get("/classes/LOP2")
    html = await page.text()
    assert page.status == 200
    assert "https://t.me/hocso_test_bot?start=LOP2" in html
    stuck = table(html, "table-stuck")
    assert stuck[1] == ["Bài hai", "1", "0"]  # D passed l2 last, then stopped
    lop1 = await (await client.get("/classes/LOP1")).text()
    questions = table(lop1, "table-questions")  # A right, B wrong, F right: q1 and q2
    assert questions[1][:5] == ["Bài một", "Câu hỏi một?", "3", "1", "33,3%"]
    assert "Sai bét: 1" in questions[1][5] and "Đúng rồi ✓: 2" in questions[1][5]
    qr = await client.get("/classes/LOP2/qr.png")
    assert qr.status == 200 and (await qr.read()).startswith(b"\x89PNG")
    assert (await client.get("/classes/NOPE")).status == 404


async def test_names_people_typed_are_shown_not_run(client):
    await log_in(client, "lan")
    html = await (await client.get("/classes")).text()
    assert "Lớp &lt;i&gt;Ninh Kiều&lt;/i&gt;" in html and "<i>Ninh" not in html
    html = await (await client.get("/certificates?code=AAAAA-22222")).text()
    assert "Nguyễn Thị &lt;b&gt;Anh&lt;/b&gt;" in html and "<b>Anh" not in html


async def test_english_on_request(client):
    await log_in(client, "lan")
    switched = await client.get("/lang/en?next=/overview", allow_redirects=False)
    assert switched.status == 303 and switched.headers["Location"] == "/overview"
    html = await (await client.get("/overview")).text()
    assert '<html lang="en">' in html and "Learners over time" in html
    assert "2 of the target 996,000" in html
    away = await client.get("/lang/vi?next=//evil.example/", allow_redirects=False)
    assert away.headers["Location"] == "/overview"  # never sent off the site


async def test_certified_list_for_officials(client):
    await log_in(client, "lan")
    download = await client.get("/csv/certified.csv")
    lines = list(csv.reader(io.StringIO((await download.read()).decode("utf-8-sig"))))
    assert lines[0] == ["Mã chứng nhận", "Họ tên", "Ngày cấp", "Phường, xã", "Độ tuổi", "Lớp"]
    assert sorted(line[0] for line in lines[1:]) == ["AAAAA-22222", "FFFFF-33333"]
    anh = next(line for line in lines if line[0] == "AAAAA-22222")
    assert anh[1:4] == ["Nguyễn Thị <b>Anh</b>", "2026-01-03", "Phường Ninh Kiều"]


async def test_a_new_campaign_shows_empty_pages_not_errors(database, web_config):
    """No learners yet, the numbers never counted, and no lessons to name things by."""
    await auth.save_user(database, "lan", PASSWORD, "official", [])
    app = build_app(web_config, database, None, SECRET, recount=False, login_delay=0)
    async with TestClient(TestServer(app)) as client:
        await log_in(client, "lan")
        for path in ("/overview", "/wards", "/modules", "/classes", "/certificates?code=X"):
            response = await client.get(path)
            assert response.status == 200, path
            html = await response.text()
            assert "Traceback" not in html, path
        html = await (await client.get("/overview")).text()
        assert "đang được tính lần đầu" in html and big_number(html, "n-started") == 0


async def test_the_server_recounts_on_its_own(database, curriculum, web_config):
    await auth.save_user(database, "lan", PASSWORD, "official", [])
    await write_batch(database, SEED[:1])
    app = build_app(web_config, database, curriculum, SECRET, recount=True, login_delay=0)
    async with TestClient(TestServer(app)) as client:
        await log_in(client, "lan")
        for _ in range(100):  # the first recount starts with the server
            html = await (await client.get("/overview")).text()
            if "đang được tính" not in html:
                break
            await asyncio.sleep(0.05)
        assert big_number(html, "n-started") == 1
