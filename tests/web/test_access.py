"""Who may see what: logins, roles, sessions, CSRF, cookie flags, the brake on guessing."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer
from web_helpers import PASSWORD, SECRET, big_number, csrf_of, log_in, table

from web import auth
from web.app import build_app
from web.site import SITE

DATA_PAGES = [
    "/overview",
    "/overview?ward=ninh-kieu",
    "/wards",
    "/modules",
    "/classes",
    "/classes/LOP1",
    "/classes/LOP1/qr.png",
    "/certificates",
    "/certificates?code=AAAAA22222",
    "/csv/days.csv",
    "/csv/funnel.csv",
    "/csv/wards.csv",
    "/csv/modules.csv",
    "/csv/questions.csv",
    "/csv/classes.csv",
    "/csv/stuck.csv?class=LOP1",
    "/csv/certified.csv",
]


async def test_every_data_page_refuses_an_anonymous_request(client):
    for path in DATA_PAGES:
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"].startswith("/login?next="), path
        body = await response.text()
        assert "Ninh" not in body and "Nguyễn" not in body, path


async def test_login_then_the_page_it_was_asked_for(client):
    sent = await client.get("/wards", allow_redirects=True)
    html = await sent.text()
    assert sent.url.path == "/login" and "Xin đăng nhập" in html
    token = csrf_of(html)
    data = {"username": "lan", "password": PASSWORD, "csrf": token, "next": "/wards"}
    response = await client.post("/login", data=data, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/wards"


async def test_a_wrong_password_is_refused_kindly(client):
    response = await log_in(client, "lan", "not-the-password")
    assert response.status == 401
    assert "Tên đăng nhập hoặc mật khẩu chưa đúng" in await response.text()
    assert (await client.get("/overview", allow_redirects=False)).status == 303
    assert (await log_in(client, "nobody", PASSWORD)).status == 401


def freeze(client) -> None:
    """The brake's clock stands still: its first wait (1 s) cannot run out on a slow machine."""
    client.server.app[SITE].brake.clock = lambda: 1_800_000_000.0


async def test_repeated_failures_make_the_next_try_wait(client):
    freeze(client)
    for _ in range(5):
        assert (await log_in(client, "lan", "guess")).status == 401
    # Now even the right password waits its turn: guessing gains nothing.
    response = await log_in(client, "lan")
    assert response.status == 429
    assert "Xin chờ" in await response.text()


async def test_the_brake_counts_each_visitor_behind_the_proxy(client):
    freeze(client)
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    for n in range(20):  # one address trying many names
        page = await client.get("/login", headers=guesser)
        data = {"username": f"name{n}", "password": "guess", "csrf": csrf_of(await page.text())}
        assert (await client.post("/login", data=data, headers=guesser)).status == 401
    page = await client.get("/login", headers=guesser)
    data = {"username": "lan", "password": PASSWORD, "csrf": csrf_of(await page.text())}
    assert (await client.post("/login", data=data, headers=guesser)).status == 429
    # Someone else behind the same proxy logs in as usual.
    other = {"X-Forwarded-For": "198.51.100.20"}
    response = await client.post("/login", data=data, headers=other, allow_redirects=False)
    assert response.status == 303


async def test_facilitator_sees_only_their_class(client):
    assert (await log_in(client, "hoa")).status == 303
    html = await (await client.get("/overview")).text()
    assert big_number(html, "n-started") == 3  # LOP1's three learners
    assert big_number(html, "n-certified") == 2
    assert "trên mục tiêu" not in html
    classes = table(await (await client.get("/classes")).text(), "table-classes")
    assert [row[0] for row in classes[1:]] == ["LOP1"]
    wards = table(await (await client.get("/wards")).text(), "table-wards")
    assert [row[0] for row in wards[1:]] == ["Phường Ninh Kiều"]
    assert (await client.get("/classes/LOP1")).status == 200


OTHER_CLASS = [
    "/classes/LOP2",
    "/classes/lop2",
    "/classes/LOP2/qr.png",
    "/overview?class=LOP2",
    "/modules?class=LOP2",
    "/wards?class=LOP2",
    "/csv/stuck.csv?class=LOP2",
    "/csv/wards.csv?class=LOP2",
    "/certificates",
    "/certificates?code=AAAAA22222",
    "/csv/certified.csv",
]


async def test_facilitator_cannot_reach_another_class_by_its_address(client):
    await log_in(client, "hoa")
    for path in OTHER_CLASS:
        response = await client.get(path)
        assert response.status == 403, path
        body = await response.text()
        assert "Cái Khế" not in body and "Thầy Nam" not in body and "Nguyễn" not in body, path
        assert "không có quyền" in body, path


async def test_a_form_without_the_csrf_token_is_refused(client):
    await client.get("/login")  # a session with a token exists; the form below lacks it
    data = {"username": "lan", "password": PASSWORD}
    response = await client.post("/login", data=data, allow_redirects=False)
    assert response.status == 403
    data["csrf"] = "made-up-token"
    assert (await client.post("/login", data=data, allow_redirects=False)).status == 403
    assert (await client.get("/overview", allow_redirects=False)).status == 303  # not in


async def test_logout_needs_the_token_and_ends_the_session_everywhere(client):
    await log_in(client, "lan")
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))[auth.COOKIE].value
    assert (await client.post("/logout", data={}, allow_redirects=False)).status == 403
    assert (await client.get("/overview", allow_redirects=False)).status == 200
    token = csrf_of(await (await client.get("/overview")).text())
    response = await client.post("/logout", data={"csrf": token}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login?out=1"
    # The cookie from before the logout, replayed, opens nothing.
    client.session.cookie_jar.clear()
    again = await client.get(
        "/overview", headers={"Cookie": f"{auth.COOKIE}={cookie}"}, allow_redirects=False
    )
    assert again.status == 303


async def test_session_cookie_flags(client):
    response = await log_in(client, "lan")
    (cookie,) = [c for c in response.headers.getall("Set-Cookie") if f"{auth.COOKIE}=" in c]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on loopback: a Secure cookie would be lost
    assert f"Max-Age={auth.SESSION_HOURS * 3600}" in cookie


async def test_behind_an_https_proxy_cookies_are_secure(client):
    page = await client.get("/login", headers={"X-Forwarded-Proto": "https"})
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


async def test_an_idle_session_expires(client, monkeypatch):
    await log_in(client, "lan")
    assert (await client.get("/overview", allow_redirects=False)).status == 200
    monkeypatch.setattr(auth, "IDLE_MINUTES", -1)  # as if two hours had passed
    assert (await client.get("/overview", allow_redirects=False)).status == 303


async def test_a_cookie_signed_with_another_secret_opens_nothing(
    seeded, curriculum, web_config, client
):
    await log_in(client, "lan")
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))[auth.COOKIE].value
    other = build_app(web_config, seeded, curriculum, SECRET + "-other", recount=False)
    async with TestClient(TestServer(other)) as stranger:
        response = await stranger.get(
            "/overview", headers={"Cookie": f"{auth.COOKIE}={cookie}"}, allow_redirects=False
        )
        assert response.status == 303


async def test_a_changed_password_ends_old_sessions(seeded, client):
    await log_in(client, "hoa")
    assert (await client.get("/classes", allow_redirects=False)).status == 200
    await auth.save_user(seeded, "hoa", "another-long-password", "facilitator", ["LOP1"])
    assert (await client.get("/classes", allow_redirects=False)).status == 303
