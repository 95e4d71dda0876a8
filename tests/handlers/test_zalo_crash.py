"""A Zalo Bot worker that dies after storing a learner's answer and before its reply went out:
when Zalo hands the message over again, the next worker sends the reply, without counting the
answer again (issue 24, defect 5)."""

from __future__ import annotations

import asyncio

from fake_zalo_api import FakeZaloApi, text_update
from redis.asyncio import Redis
from test_zalo import outbox
from zalo_phone import ZaloPhone

from storage.redis.keys import Keys

PASSED = "🎉 Bác đã học xong bài «Bài một»!"


async def test_a_reply_lost_with_a_dying_worker_is_sent_when_the_message_comes_again(
    start_zalo, zapi: FakeZaloApi, redis: Redis, keys: Keys
) -> None:
    dying = await start_zalo()
    phone = ZaloPhone(dying)
    await phone.write("Xin chào")
    await phone.choose("Đồng ý")  # the first lesson begins at once
    await phone.choose("Tiếp tục")
    await phone.write("dung roi")
    last = text_update(phone.user_id, phone.number_of("✔️ Đúng"), phone.name)  # the pass

    dead = asyncio.Event()

    async def die() -> None:  # the answer is stored; the worker dies before showing it
        for task in (dying.task, *dying.adapter.running):
            task.cancel()
        await asyncio.gather(dying.task, *dying.adapter.running, return_exceptions=True)
        dead.set()

    zapi.crash_at(lambda method: method.startswith("send"), die)
    await zapi.push(last)
    await asyncio.wait_for(dead.wait(), 10)
    assert PASSED not in phone.screen()
    # The dead worker's long poll still waits on the (fake) server side: end it, as the
    # platform does when the connection drops, so the next message goes to the next worker.
    await zapi.release_polls()
    await asyncio.sleep(0.2)
    zapi.closing = False

    phone.bot = await start_zalo()  # the next worker; Zalo hands the message over again
    await phone.deliver(last)
    print("AFTER", [(c.method, c.status, c.text[:30]) for c in zapi.calls[-6:]], zapi.polls)
    assert phone.screen().count(PASSED) == 1
    await phone.deliver(last)  # delivered twice to the worker that showed it: shown once
    assert phone.screen().count(PASSED) == 1

    events = await outbox(redis, keys, f"zalo:{phone.user_id}")
    completions = [(e["lesson"], e["passed"]) for e in events if e["type"] == "completion"]
    assert completions == [("l1", "1")]  # counted once
