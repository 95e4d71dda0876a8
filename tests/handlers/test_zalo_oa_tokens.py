"""The OA's tokens against the fake OAuth host: a refresh token works once, so workers share
one pair through Redis and refresh it one at a time; a lost grant stops everything loudly
once, and `hocso zalo-oa connect` brings it back."""

from __future__ import annotations

import asyncio
import io
import logging
import time

import aiohttp
import pytest
from fake_zalo_oa import APP_ID, APP_SECRET, OA_ID, FakeZaloOA, text_event
from oa_phone import REDIS_URL, OAPhone, OAWorkers, oa_settings
from redis.asyncio import Redis

from handlers.zalo_oa.api import OAClient, TokenPair
from handlers.zalo_oa.connect import connect
from handlers.zalo_oa.keys import OAKeys
from handlers.zalo_oa.tokens import Tokens
from storage.redis.keys import Keys


def client_for(fake: FakeZaloOA, session: aiohttp.ClientSession) -> OAClient:
    return OAClient(
        session, APP_ID, APP_SECRET, fake.api_url, fake.oauth_url, fake.business_url, retries=0
    )


async def test_the_token_expiring_mid_lesson_loses_nothing(
    oa_phone: OAPhone, oa_fake: FakeZaloOA, redis: Redis, keys: Keys
) -> None:
    await oa_phone.write("/start")
    await oa_phone.tap("Đồng ý")
    await oa_phone.tap("Tiếp tục")
    refreshes = oa_fake.refreshes
    oa_fake.expire_access_tokens()  # its 25 hours are over, mid-lesson
    answer = await oa_phone.tap("Đúng rồi")
    assert "✅ Đúng rồi! Giỏi quá." in answer  # refreshed once, sent once more
    assert oa_fake.refreshes == refreshes + 1
    assert "🎉 Bác đã học xong bài" in await oa_phone.tap("Đúng")
    stored = await redis.hgetall(OAKeys(keys, OA_ID).tokens)
    assert stored["access"] in oa_fake.access and oa_fake.refresh_tokens[stored["refresh"]]


@pytest.mark.parametrize("expired_code", [-216, -220])
async def test_either_expiry_code_refreshes(
    oa_phone: OAPhone, oa_fake: FakeZaloOA, expired_code: int
) -> None:
    oa_fake.expired_code = expired_code  # UNKNOWN which one Zalo sends: both work
    await oa_phone.write("/start")
    oa_fake.expire_access_tokens()
    assert "Mình vào bài đầu tiên" in await oa_phone.tap("Đồng ý")


async def test_two_workers_racing_to_refresh_make_exactly_one_refresh_call(
    oa_fake: FakeZaloOA, keys: Keys
) -> None:
    access, refresh = oa_fake.grant()
    oa_fake.refresh_delay = 0.2  # a slow OAuth host: the race is wide open
    oa_keys = OAKeys(keys, OA_ID)
    first = Redis.from_url(REDIS_URL, decode_responses=True)
    second = Redis.from_url(REDIS_URL, decode_responses=True)
    async with aiohttp.ClientSession() as one, aiohttp.ClientSession() as two:
        a = Tokens(client_for(oa_fake, one), first, oa_keys)
        b = Tokens(client_for(oa_fake, two), second, oa_keys)
        await a.store(TokenPair(access, refresh, time.time() + 60))  # about to expire
        tokens = await asyncio.gather(a.access(), b.access(), a.access(), b.access())
    await first.aclose()
    await second.aclose()
    assert oa_fake.refreshes == 1  # the refresh token was used once: the grant holds
    assert len(set(tokens)) == 1 and tokens[0] != access
    assert oa_fake.access[tokens[0]] > time.time()


async def test_a_lost_grant_says_so_once_turns_health_503_and_connect_brings_it_back(
    oa_fake: FakeZaloOA,
    oa_workers: OAWorkers,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, refresh = oa_fake.grant()
    worker = await oa_workers.start(oa_settings(oa_fake, refresh))
    worker.adapter.lost_recheck = 0.3
    lan = OAPhone(oa_fake, worker, "401")
    await lan.write("/start")
    # Someone used the refresh token elsewhere (a copy of the database, API Explorer): the
    # next refresh is refused, and the grant is lost.
    tokens = worker.adapter.tokens
    assert tokens is not None
    pair = await tokens._load()
    assert pair is not None
    oa_fake.refresh_tokens[pair.refresh] = False
    oa_fake.expire_access_tokens()
    caplog.set_level(logging.INFO)
    await lan.write("1")
    for _ in range(3):  # more learners write: no worker tries again
        await lan.send(text_event("402", "/start"))
    await asyncio.sleep(0.5)
    assert oa_fake.refreshes == 2  # the first from the settings, then the refused one
    lost = [r for r in caplog.records if "grant lost" in r.getMessage()]
    assert len(lost) == 1 and "hocso zalo-oa connect" in lost[0].getMessage()
    health = f"http://127.0.0.1:{worker.port}/health"
    async with aiohttp.ClientSession() as session, session.get(health) as response:
        assert response.status == 503
        assert (await response.json())["zalo_oa"]["grant"] == "lost"

    # The operator runs `hocso zalo-oa connect`; the admin consents; the code comes back.
    settings = oa_settings(oa_fake, redirect_uri="https://hocso.example.vn/zalo-oa/callback")
    out = io.StringIO()

    def admin_consents(prompt: str) -> str:
        consent_url = next(line for line in out.getvalue().splitlines() if "permission" in line)
        challenge = consent_url.split("code_challenge=")[1].split("&")[0]
        state = consent_url.split("state=")[1].split("&")[0]
        code = oa_fake.consent(challenge)
        return f"{settings.redirect_uri}?code={code}&state={state}&oa_id={OA_ID}"

    redis = Redis.from_url(REDIS_URL, decode_responses=True)
    async with aiohttp.ClientSession() as session:
        client = client_for(oa_fake, session)
        oa_keys = OAKeys(worker.adapter.oa_keys.keys, OA_ID)
        assert (
            await connect(settings, client, Tokens(client, redis, oa_keys), admin_consents, out)
            == 0
        )
    await redis.aclose()
    assert "Done" in out.getvalue() and "Phường Ninh Kiều" in out.getvalue()
    async with aiohttp.ClientSession() as session, session.get(health) as response:
        assert response.status == 200
    # What the learners wrote meanwhile was kept, and is answered now.
    await oa_fake.wait_for(lambda: oa_fake.to("402"), what="the kept event answered")
    assert "Chào" in oa_fake.to("402")[0].text
    # The message being answered when the grant was lost had its effect stored, not its
    # replies sent (Zalo refused them): Lan writes on and is answered.
    assert "Chào mừng bác quay lại" in await lan.write("/start")


async def test_connect_refuses_a_pasted_address_from_another_consent(
    oa_fake: FakeZaloOA, redis: Redis, keys: Keys
) -> None:
    settings = oa_settings(oa_fake, redirect_uri="https://hocso.example.vn/cb")
    out = io.StringIO()
    async with aiohttp.ClientSession() as session:
        client = client_for(oa_fake, session)
        tokens = Tokens(client, redis, OAKeys(keys, OA_ID))
        code = oa_fake.consent("")

        def pasted(prompt: str) -> str:
            return f"https://hocso.example.vn/cb?code={code}&state=someone-else"

        assert await connect(settings, client, tokens, pasted, out) == 2
    assert "another consent" in out.getvalue()
    assert oa_fake.exchanges == 0 and await tokens.lost() is None


async def test_refreshing_ahead_of_expiry_means_no_call_meets_an_expired_token(
    oa_phone: OAPhone, oa_fake: FakeZaloOA
) -> None:
    await oa_phone.write("/start")
    tokens = oa_phone.worker.adapter.tokens
    assert tokens is not None
    pair = await tokens._load()
    assert pair is not None
    await tokens.store(TokenPair(pair.access, pair.refresh, time.time() + 30))  # 30 s left
    refreshes = oa_fake.refreshes
    await oa_phone.tap("Đồng ý")
    assert oa_fake.refreshes == refreshes + 1
    assert not [c for c in oa_fake.calls if c[1] in (-216, -220)]


def test_expires_in_as_a_string_or_a_number() -> None:
    """Zalo's example has "90000" (a string); one client types it as a number: both read."""
    import json

    from handlers.zalo_oa.api import _int

    assert _int(json.loads('{"e": "90000"}')["e"], 0) == 90000 == _int(90000, 0)


async def test_without_any_token_the_grant_is_lost_at_start(
    oa_fake: FakeZaloOA, oa_workers: OAWorkers
) -> None:
    worker = await oa_workers.start(oa_settings(oa_fake, refresh_token=""))
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{worker.port}/health") as response,
    ):
        assert response.status == 503
    assert oa_fake.refreshes == 0
