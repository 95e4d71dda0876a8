"""Pushed messages keep Telegram's bulk limits across the whole fleet (two processes here,
sharing one Redis), and a 429 pauses every process."""

from __future__ import annotations

import asyncio
import os
import time

from redis.asyncio import Redis

from handlers.limits import PushLimits
from storage.redis.keys import Keys

REDIS_URL = os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def worker_limits(redis: Redis, keys: Keys, rate: int) -> PushLimits:
    """One process's limits; each has its own connection, as separate processes would."""
    return PushLimits.for_redis(redis, REDIS_URL, keys.prefix, rate=rate)


async def test_two_processes_share_one_budget(redis: Redis, keys: Keys) -> None:
    one, two = worker_limits(redis, keys, 10), worker_limits(redis, keys, 10)
    sent: list[float] = []

    async def push(limits: PushLimits, chat: str) -> None:
        await limits.wait(chat)
        sent.append(time.monotonic())

    await asyncio.gather(*(push(one if i % 2 else two, f"tg:{i}") for i in range(25)))
    sent.sort()
    assert len(sent) == 25  # every message went, in the end
    # No second holds more than the fleet rate (measured a little after each message is let
    # through, so the window is shortened by the measuring jitter).
    busiest = max(sum(1 for t in sent if start <= t < start + 0.9) for start in sent)
    assert busiest <= 10
    assert sent[-1] - sent[0] >= 2.0  # 25 messages at 10/s take two seconds at least


async def test_one_chat_gets_at_most_one_push_a_second(redis: Redis, keys: Keys) -> None:
    limits = worker_limits(redis, keys, 1000)
    start = time.monotonic()
    await limits.wait("tg:7")
    await limits.wait("tg:7")
    assert time.monotonic() - start >= 0.9
    other = time.monotonic()
    await limits.wait("tg:8")  # another chat does not wait behind it
    assert time.monotonic() - other < 0.5


async def test_a_429_pauses_every_process(redis: Redis, keys: Keys) -> None:
    one, two = worker_limits(redis, keys, 1000), worker_limits(redis, keys, 1000)
    await one.pause(0.6)
    start = time.monotonic()
    await two.wait("tg:9")
    assert time.monotonic() - start >= 0.5


class SlowRead(PushLimits):
    """The pause key's read answers late: one is on its way when a 429 comes in."""

    gate: asyncio.Event | None = None

    async def paused_for(self) -> float:
        left = await super().paused_for()
        if self.gate is not None:
            await self.gate.wait()
            self.gate = None
        return left


async def test_a_429_holds_this_processs_next_message_even_mid_read(redis: Redis, keys: Keys):
    limits = SlowRead.for_redis(redis, REDIS_URL, keys.prefix, rate=1000)
    limits.gate = asyncio.Event()
    first = asyncio.create_task(limits.wait("1", once=True))  # reads "not paused", late
    await asyncio.sleep(0.05)
    await limits.pause(1.0)  # another message of this process got a 429
    limits.gate.set()
    await first  # (its read came before the 429: it may go)
    start = time.monotonic()
    await limits.wait("2", once=True)
    assert time.monotonic() - start >= 0.9
