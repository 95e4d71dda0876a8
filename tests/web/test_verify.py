"""/verify/CODE, the page a certificate's QR code opens: public, and it tells only whether
the certificate is genuine, the name printed on it and its date."""

from __future__ import annotations

from web_helpers import T0, ev

from storage.sql.ingest import write_batch
from web.brake import VERIFY
from web.site import SITE


async def test_a_valid_certificate_shows_the_printed_name_and_date_only(client):
    response = await client.get("/verify/aaaaa-22222")  # as typed from paper, any case
    html = await response.text()
    assert response.status == 200
    assert "Chứng nhận hợp lệ" in html
    assert "Nguyễn Thị &lt;b&gt;Anh&lt;/b&gt;" in html  # escaped, as printed
    assert "03/01/2026" in html  # issued 2026-01-03 07:01 in Hà Nội time
    # Nothing else about the learner: no ward, class, age band, platform or id.
    for private in ("Ninh Kiều", "LOP1", "Lớp", "25–39", "25-39", "tg:", "Cô Hường"):
        assert private not in html, private
    assert "Đăng xuất" not in html and "/overview" not in html.split("<main", 1)[1]


async def test_an_unknown_code_is_not_valid(client):
    response = await client.get("/verify/ZZZZZ-99999")
    assert response.status == 404
    assert "Không tìm thấy chứng nhận có mã này" in await response.text()
    typed = await client.get("/verify?code=fffff 33333", allow_redirects=False)
    assert typed.status == 303 and typed.headers["Location"] == "/verify/FFFFF33333"
    shown = await (await client.get("/verify/FFFFF33333")).text()
    assert "(không in tên)" in shown  # F chose to print no name


async def test_a_forgotten_learners_certificate_no_longer_verifies(seeded, client):
    await write_batch(seeded, [ev("forget", "tg:A", T0 + 30 * 86_400)])
    response = await client.get("/verify/AAAAA22222")
    assert response.status == 404
    assert "Anh" not in await response.text()


async def test_verify_in_english(client):
    await client.get("/lang/en?next=/verify")
    html = await (await client.get("/verify/AAAAA22222")).text()
    assert "This certificate is valid" in html and "2026-01-03" in html


async def test_codes_cannot_be_guessed_by_the_thousand(client):
    client.server.app[SITE].brake.clock = lambda: 1_800_000_000.0  # no wait runs out meanwhile
    guesser = {"X-Forwarded-For": "203.0.113.50"}
    statuses = [
        (await client.get(f"/verify/ZZZZZ{n:05d}", headers=guesser)).status for n in range(40)
    ]
    assert statuses == [404] * VERIFY.free + [429] * (40 - VERIFY.free)
    braked = await client.get("/verify/AAAAA22222", headers=guesser)
    assert braked.status == 429 and "Xin chờ một phút" in await braked.text()
    assert int(braked.headers["Retry-After"]) >= 1
    # Someone else checks a certificate as usual; genuine ones never count.
    other = {"X-Forwarded-For": "198.51.100.60"}
    for _ in range(VERIFY.free + 5):
        assert (await client.get("/verify/AAAAA22222", headers=other)).status == 200
