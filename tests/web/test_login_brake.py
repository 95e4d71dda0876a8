"""The brake on guessing passwords, as an attacker and an official meet it: tries sent
together are braked, the counts are shared by every `hocso web` process, the checks cannot
eat the server's memory, and nobody can keep an official locked out."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis
from web_helpers import PASSWORD, SECRET, csrf_of, log_in

from web import brake
from web.app import build_app
from web.site import SITE


@pytest.fixture
def db_url(tmp_path) -> str:
    """The brake is the same on either database: SQLite only (each try hashes with argon2)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'hocso.db'}"


def freeze(app) -> None:
    """The brake's clock stands still: no wait runs out during a test, however slow it runs."""
    app[SITE].brake.clock = lambda: 1_800_000_000.0


async def form_token(client: TestClient, headers: dict[str, str] | None = None) -> str:
    return csrf_of(await (await client.get("/login", headers=headers)).text())


async def try_login(client, token: str, username: str, password: str, address: str) -> int:
    data = {"username": username, "password": password, "csrf": token, "next": "/overview"}
    headers = {"X-Forwarded-For": address}
    response = await client.post("/login", data=data, headers=headers, allow_redirects=False)
    await response.read()
    return response.status


async def test_wrong_passwords_sent_together_are_braked_before_they_are_checked(client):
    freeze(client.server.app)
    token = await form_token(client)
    statuses = Counter(
        await asyncio.gather(
            *(try_login(client, token, "lan", f"guess-{n}", "203.0.113.7") for n in range(100))
        )
    )
    # Only the free tries of one account at one address were checked; the rest wait.
    assert statuses[401] == brake.ACCOUNT_AT_ADDRESS.free
    assert statuses[429] == 100 - brake.ACCOUNT_AT_ADDRESS.free


async def test_one_address_guessing_many_accounts_together_is_braked(client):
    freeze(client.server.app)
    token = await form_token(client)
    statuses = Counter(
        await asyncio.gather(
            *(try_login(client, token, f"name{n}", "guess", "203.0.113.8") for n in range(300))
        )
    )
    # (a try the page was too busy to check, 503, is not counted: it may come again)
    assert statuses[401] == brake.ADDRESS.free
    assert statuses[429] == 300 - brake.ADDRESS.free - statuses[503]


async def test_password_checks_at_once_are_bounded(client):
    """Guesses from as many addresses as there are tries pass every count; the argon2 checks
    (64 MiB each) still run a few at a time, and past a short queue the page says it is busy
    instead of growing by hundreds of megabytes."""
    token = await form_token(client)
    statuses = Counter(
        await asyncio.gather(
            *(
                try_login(client, token, f"n{n}", "guess", f"198.18.{n // 250}.{n % 250}")
                for n in range(120)
            )  # fmt: skip
        )
    )
    assert statuses[503] > 0 and statuses[401] + statuses[503] == 120
    page = await client.get("/login")
    assert page.status == 200  # and the page answers meanwhile


async def test_the_counts_are_shared_by_every_web_process(
    seeded, curriculum, web_config, redis, keys
):
    web_config.redis.prefix = keys.prefix
    apps = [
        build_app(
            web_config, seeded, curriculum, SECRET, recount=False, login_delay=0, redis=redis
        )
        for _ in range(2)
    ]
    for app in apps:
        freeze(app)
    async with TestClient(TestServer(apps[0])) as one, TestClient(TestServer(apps[1])) as two:
        tokens = [await form_token(one), await form_token(two)]
        statuses = Counter(
            await asyncio.gather(
                *(try_login(c, t, "lan", f"g{n}", "203.0.113.9")
                  for c, t in zip((one, two), tokens, strict=True) for n in range(10))
            )
        )  # fmt: skip
    # One count for both: five tries checked in all, not five in each process.
    assert statuses[401] == brake.ACCOUNT_AT_ADDRESS.free and statuses[429] == 15


async def test_guessing_cannot_lock_an_official_out(client):
    freeze(client.server.app)
    # The official has logged in from her own browser before.
    assert (await log_in(client, "lan")).status == 303
    await client.post("/logout", data={"csrf": await form_token(client)})
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as stranger:
        page = await stranger.get(client.make_url("/login"))
        token = csrf_of(await page.text())

        async def attempt(password: str, address: str) -> int:
            data = {"username": "lan", "password": password, "csrf": token}
            headers = {"X-Forwarded-For": address}
            url = client.make_url("/login")
            async with stranger.post(url, data=data, headers=headers, allow_redirects=False) as r:
                return r.status

        # Someone guesses her password from one address, then from many.
        assert [await attempt(f"g{n}", "203.0.113.10") for n in range(6)][-1] == 429
        for n in range(brake.ACCOUNT.free - brake.ACCOUNT_AT_ADDRESS.free):
            assert await attempt(f"g{n}", f"198.51.100.{n}") == 401
        # A browser she never used is braked for her account now, even with the password...
        assert await attempt(PASSWORD, "198.51.100.200") == 429
    # ... but she logs in from her own browser as usual, from her address or another.
    assert (await log_in(client, "lan")).status == 303
    await client.post("/logout", data={"csrf": await form_token(client)})
    token = await form_token(client)
    assert await try_login(client, token, "lan", PASSWORD, "192.0.2.77") == 303


async def test_a_failed_login_is_logged_without_the_password(client, caplog):
    with caplog.at_level(logging.INFO, logger="web"):
        await try_login(client, await form_token(client), "lan", "secret-guess-1", "192.0.2.1")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "failed login for 'lan' from 192.0.2.1" in logged
    assert "secret-guess-1" not in logged


async def test_when_redis_stops_answering_the_brake_still_counts():
    unreachable = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    counts = brake.Brake(unreachable, "hocso-test", b"k" * 32)
    rule = [("k", brake.Rule(free=2))]
    assert (await counts.reserve(rule))[0] is not None
    assert (await counts.reserve(rule))[0] is not None
    tried, wait = await counts.reserve(rule)
    assert tried is None and wait == pytest.approx(1, abs=0.1)
    await unreachable.aclose()


async def test_each_try_past_the_free_ones_waits_twice_as_long():
    now = [1000.0]
    counts = brake.Brake(None, "hocso-test", b"k" * 32, clock=lambda: now[0])
    rule = [("u", brake.Rule(free=3))]
    for _ in range(3):
        assert (await counts.reserve(rule))[1] == 0
    assert (await counts.reserve(rule)) == (None, 1.0)
    now[0] += 1
    tried, _ = await counts.reserve(rule)
    assert tried is not None and (await counts.reserve(rule)) == (None, 2.0)
    await counts.take_back(tried, forget=["u"])  # it went well: the count starts over
    assert (await counts.reserve(rule))[1] == 0


async def test_failed_logins_show_in_the_metrics_of_this_machine_only(client):
    async def failed() -> float:
        page = await client.get("/metrics")
        assert page.status == 200
        for family in text_string_to_metric_families(await page.text()):
            for sample in family.samples:
                if sample.name == "hocso_web_failed_logins_total" and sample.labels == {
                    "why": "wrong"
                }:
                    return sample.value
        return 0.0

    before = await failed()
    await try_login(client, await form_token(client), "lan", "wrong-guess", "192.0.2.9")
    assert await failed() == before + 1
    relayed = await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.1"})
    assert relayed.status == 404  # through the proxy: the page does not exist
