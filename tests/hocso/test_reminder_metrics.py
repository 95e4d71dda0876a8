"""The reminder loop's metrics move as reminders are claimed, sent, skipped and slowed down
(storage/metrics.py; what an operator's dashboard shows)."""

# ruff: noqa: F811  (the fixtures of test_reminder_loop.py, imported by name)

from __future__ import annotations

from prometheus_client import REGISTRY
from test_reminder_loop import REDIS_URL, at, config, learners, workers  # noqa: F401

from handlers.limits import PushLimits


def counted() -> dict[str, float]:
    def get(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    return {
        "claimed": get("hocso_reminders_claimed_total"),
        "sent": get("hocso_reminders_sent_total", platform="tg"),
        "blocked": get("hocso_reminders_skipped_total", reason="blocked"),
        "429": get("hocso_rate_limited_total", platform="tg"),
        "paused": get("hocso_pause_seconds_total", platform="tg"),
    }


async def test_reminders_claimed_sent_and_skipped_are_counted(workers, api, clock, learners):
    worker = await workers()
    users = await learners(worker.engine, 3)
    before = counted()
    api.fail("sendMessage", 403)  # the first learner has blocked the bot
    clock.now = at(1, 19, 30)
    await worker.loop.pass_once()
    after = counted()
    grew = {name: after[name] - before[name] for name in after}
    assert grew == {"claimed": len(users), "sent": 2, "blocked": 1, "429": 0, "paused": 0}


async def test_a_429_and_the_pause_it_brings_are_counted(
    workers, api, clock, learners, redis, keys
):
    # The fleet-wide limiter, as `hocso run` gives it: the 429 pauses every process.
    worker = await workers(PushLimits.for_redis(redis, REDIS_URL, keys.prefix, rate=30))
    await learners(worker.engine, 1)
    before = counted()
    api.fail("sendMessage", 429, retry_after=1)
    clock.now = at(1, 19, 30)
    await worker.loop.pass_once()
    after = counted()
    assert after["429"] - before["429"] >= 1 and after["sent"] - before["sent"] == 1
    assert after["paused"] - before["paused"] >= 0.99  # every process waited as told (1 s)
