"""Prometheus metrics at /metrics on the bot's webhook server: they move when what they count
happens (a Zalo learner writes, a reply is sent or refused, Zalo says 429, report events wait
in Redis), and only this machine may read them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

import aiohttp
import pytest
from fake_zalo_api import TOKEN, FakeZaloApi, text_update
from prometheus_client.parser import text_string_to_metric_families
from test_zalo_webhook import SECRET, WebhookPhone, free_port

from handlers.zalo.settings import ZaloSettings
from storage.sql.reporter import reporter_health


async def scrape(base: str, headers: dict[str, str] | None = None) -> dict[tuple, float]:
    """Every sample of /metrics: (name, sorted labels) -> value."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(base + "/metrics", headers=headers) as response,
    ):
        assert response.status == 200
        text = await response.text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Mapping[tuple, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
async def zalo(start_zalo, zapi: FakeZaloApi, redis, keys):
    """A Zalo bot in webhook mode whose server checks the reporter (as `hocso run` does)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/zalo"

    async def reporter() -> Mapping[str, object]:
        ok, details = await reporter_health(redis, keys, time.time())
        return {"ok": ok, **details}

    settings = ZaloSettings(
        token=TOKEN, base_url=zapi.base_url, webhook_url=url, webhook_secret=SECRET
    )
    await start_zalo(settings, port=port, checks={"reporter": reporter}, backoff=0.01)
    return WebhookPhone(url, zapi), f"http://127.0.0.1:{port}"


async def test_an_update_and_its_replies_are_counted(zalo) -> None:
    phone, base = zalo
    before = await scrape(base)
    await phone.deliver(text_update(phone.user_id, "/start"))
    after = await scrape(base)
    moved = {
        name: value(after, name, platform="zalo") - value(before, name, platform="zalo")
        for name in ("hocso_updates_total", "hocso_update_seconds_count")
    }
    assert moved == {"hocso_updates_total": 1, "hocso_update_seconds_count": 1}
    sent = len(phone.received())
    assert sent >= 1
    grew = value(after, "hocso_replies_sent_total", platform="zalo") - value(
        before, "hocso_replies_sent_total", platform="zalo"
    )
    assert grew == sent
    assert value(after, "hocso_outbox_backlog") == 0


async def test_report_events_waiting_show_as_a_backlog(zalo) -> None:
    phone, base = zalo
    await phone.onboard()  # consent and profile go to the outbox; no reporter runs here
    await asyncio.sleep(1.1)
    after = await scrape(base)
    assert value(after, "hocso_outbox_backlog") >= 1
    assert value(after, "hocso_reporter_lag_seconds") >= 1


async def test_a_429_and_a_refused_reply_are_counted(zalo, zapi: FakeZaloApi) -> None:
    phone, base = zalo
    before = await scrape(base)
    zapi.fail("sendMessage", 429, "Too many requests")  # then it goes through
    await phone.deliver(text_update(phone.user_id, "/start"))
    zapi.fail("sendMessage", 403, "Forbidden", times=10)
    await phone.deliver(text_update(phone.user_id, "/help"))
    after = await scrape(base)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("hocso_rate_limited_total", platform="zalo") == 1
    assert grew("hocso_replies_failed_total", platform="zalo", error="403") >= 1


async def test_only_this_machine_reads_the_metrics(zalo) -> None:
    _, base = zalo
    assert await scrape(base)  # loopback
    async with aiohttp.ClientSession() as session:
        relayed = {"X-Forwarded-For": "203.0.113.5"}  # through a proxy: from elsewhere
        async with session.get(base + "/metrics", headers=relayed) as response:
            assert response.status == 404


def test_the_dashboard_shows_only_metrics_that_exist() -> None:
    """docs/grafana-dashboard.json asks for names the processes really export."""
    import json
    import re
    from pathlib import Path

    from prometheus_client import REGISTRY

    dashboard = Path(__file__).resolve().parents[2] / "docs" / "grafana-dashboard.json"
    exprs = [t["expr"] for p in json.loads(dashboard.read_text())["panels"] for t in p["targets"]]
    asked = {name for e in exprs for name in re.findall(r"\bhocso_[a-z_]+", e)}
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_count", "_sum"]}
    exported = {
        family.name + suffix
        for family in REGISTRY.collect()
        for suffix in suffixes.get(family.type, [""])
    }
    assert asked and asked <= exported, asked - exported
