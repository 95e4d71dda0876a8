"""The page in a real browser: Debian's Chromium, headless, driven by Playwright.

An official logs in, sees the overview's chart drawn, filters by a ward and sees the numbers
change, and downloads the wards CSV, which holds what the table shows. Screenshots go to the
test's own folder (pytest's tmp_path), printed at the end of the test.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import async_playwright
from web_helpers import PASSWORD, SECRET

from web.app import build_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
async def served(seeded, curriculum, web_config):
    app = build_app(web_config, seeded, curriculum, SECRET, recount=False, login_delay=0)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield f"http://127.0.0.1:{server.port}"
    await server.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_an_official_uses_the_page_in_a_browser(served, tmp_path):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (scripts/services.sh does)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        phone = {"width": 390, "height": 844}
        page = await browser.new_page(viewport=phone, accept_downloads=True)
        await page.goto(served + "/overview")
        assert page.url.startswith(served + "/login")  # anonymous: sent to log in first
        await page.fill("input[name=username]", "lan")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("form.login button[type=submit]")
        await page.wait_for_url("**/overview")

        # The line over time is drawn, with a visible size, and its numbers sit beside it.
        line = page.locator("#over-time svg.chart polyline").first
        await line.wait_for(state="visible")
        box = await line.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 20
        assert await page.locator("#table-days tbody tr").count() == 19  # Jan 1 to Jan 19
        assert await page.inner_text("#n-started") == "7"
        await page.screenshot(path=tmp_path / "overview-phone.png", full_page=True)

        # Choosing a ward shows its numbers (the script submits the filter on change).
        assert await page.locator("form[data-autosubmit] button").is_hidden()
        async with page.expect_navigation():
            await page.select_option("#filter-ward", "cai-khe")
        assert "ward=cai-khe" in page.url
        assert await page.inner_text("#n-started") == "3"
        assert await page.inner_text("#n-certified") == "0"
        await page.screenshot(path=tmp_path / "overview-cai-khe.png", full_page=True)

        # The wards table, sorted by a click on its header, and its CSV agree.
        await page.set_viewport_size({"width": 1280, "height": 900})
        await page.goto(served + "/wards")
        async with page.expect_navigation():
            await page.click("#table-wards thead a:has-text('Đã được chứng nhận')")
        header = [
            h.strip(" ▲▼") for h in await page.locator("#table-wards thead th").all_inner_texts()
        ]
        shown = [
            [cell.strip() for cell in await row.locator("th, td").all_inner_texts()]
            for row in await page.locator("#table-wards tbody tr").all()
        ]
        async with page.expect_download() as downloading:
            await page.click("a[href^='/csv/wards.csv']")
        download = await downloading.value
        saved = tmp_path / download.suggested_filename
        await download.save_as(saved)
        rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))[1:]
        assert [r[0] for r in rows] == [s[0] for s in shown]
        counted = [
            header.index(n)
            for n in ("Đã bắt đầu học", "Đã được chứng nhận", "Ngưng học, cần nhắc")
        ]
        for csv_row, page_row in zip(rows, shown, strict=True):
            numbers = [int(page_row[i].replace(".", "")) for i in counted]
            assert [int(csv_row[i]) for i in counted] == numbers
        assert shown[0][0] == "Phường Ninh Kiều"  # the most certified first
        checked = await Axe().run(page, options=AXE_RULES)  # the wide table, on a wide screen
        assert checked.response["violations"] == []
        await page.screenshot(path=tmp_path / "wards-desktop.png", full_page=True)
        await browser.close()
    print(f"screenshots: {tmp_path}")
    assert (tmp_path / "overview-phone.png").stat().st_size > 10_000


PHONE_PAGES = (
    "/overview",
    "/overview?ward=ninh-kieu",
    "/wards",
    "/modules",
    "/classes",
    "/classes/LOP1",
    "/classes/LOP1/print",
    "/classes/LOP1/certificates",
    "/certificates?code=AAAAA-22222",
)

AXE_RULES = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}

# Every element that scrolls by itself, or sticks out of the screen, or is a control smaller
# than a fingertip (44 px), on the page as drawn.
MEASURE = """() => {
  const out = {width: document.documentElement.scrollWidth, boxes: [], small: [], header: 0};
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    const scrolls = /(auto|scroll)/.test(style.overflowX + style.overflowY);
    if (scrolls && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
      out.boxes.push(el.tagName + "." + el.className);
  }
  for (const el of document.querySelectorAll("a, button, select, input:not([type=hidden])")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.height && box.height < 44 && !el.closest("p, li, dd, figcaption, .skip"))
      out.small.push(el.outerHTML.slice(0, 80) + " " + Math.round(box.height));
  }
  out.wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > document.documentElement.clientWidth + 0.5)
      out.wide.push(el.tagName + "." + el.className + " " + Math.round(box.right));
  }
  const header = document.querySelector("header.top");
  out.header = header ? header.getBoundingClientRect().height : 0;
  return out;
}"""


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_pages_fit_a_phone(served, tmp_path):
    """At 390 px: nothing scrolls sideways, no box scrolls inside the page, every control
    outside running text is 44 px tall, the header takes at most two lines, and tables are
    cards. The keyboard's focus is drawn."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (scripts/services.sh does)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for user in ("lan", "hoa"):
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            await page.goto(served + "/login")
            await page.fill("input[name=username]", user)
            await page.fill("input[name=password]", PASSWORD)
            await page.click("form.login button[type=submit]")
            await page.wait_for_url("**/overview")
            for path in PHONE_PAGES:
                response = await page.goto(served + path)
                assert response is not None
                if response.status == 403:
                    assert user == "hoa"  # the certificates are for officials
                    continue
                name = user + path.replace("/", "-").replace("?", "-").replace("=", "-")
                await page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
                found = await page.evaluate(MEASURE)
                assert found["width"] <= 390, (path, found["width"], found["wide"][:5])
                assert found["boxes"] == [], (path, found["boxes"])
                assert found["small"] == [], (path, found["small"])
                assert found["header"] <= 110, (path, found["header"])
                # axe-core finds no accessibility fault (WCAG A and AA rules).
                checked = await Axe().run(page, options=AXE_RULES)
                faults = [
                    (v["id"], [n["target"] for n in v["nodes"]][:3])
                    for v in checked.response["violations"]
                ]
                assert faults == [], (path, faults)
            # Tables are cards: a row's cells stack, each named by its column.
            await page.goto(served + "/wards")
            row = page.locator("#table-wards tbody tr").first
            assert await row.evaluate("r => getComputedStyle(r).display") == "block"
            # The focus ring shows where the keyboard is.
            await page.keyboard.press("Tab")
            await page.keyboard.press("Tab")
            outline = await page.evaluate(
                "() => getComputedStyle(document.activeElement).outlineStyle"
            )
            assert outline not in ("", "none")
            await page.close()
        await browser.close()
    print(f"screenshots: {tmp_path}")
    assert (tmp_path / "lan-wards.png").stat().st_size > 10_000
