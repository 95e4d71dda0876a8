"""Per-conversation ordering, for every platform: one conversation's updates in order,
others not held up, nothing kept once they are done."""

from __future__ import annotations

import asyncio

from handlers.ordering import Ordering


async def test_one_conversation_in_order_while_another_goes_ahead() -> None:
    order = Ordering()
    seen: list[str] = []
    first_may_finish = asyncio.Event()

    async def work(key: object, name: str, gate: asyncio.Event | None = None) -> None:
        async with order.turn(key):
            seen.append(f"{name} starts")
            if gate:
                await gate.wait()
            seen.append(f"{name} ends")

    slow = asyncio.create_task(work(("zl", "a"), "a1", first_may_finish))
    await asyncio.sleep(0)
    then = asyncio.create_task(work(("zl", "a"), "a2"))
    await asyncio.wait_for(work(("zl", "b"), "b"), 5)  # b is not held up by a's slow update
    assert seen == ["a1 starts", "b starts", "b ends"]
    assert order.in_flight == 1
    first_may_finish.set()
    await asyncio.wait_for(asyncio.gather(slow, then), 5)
    assert seen[3:] == ["a1 ends", "a2 starts", "a2 ends"]
    assert order.in_flight == 0


async def test_no_key_means_no_waiting_and_a_failure_frees_the_conversation() -> None:
    order = Ordering()
    async with order.turn(None), order.turn(None):
        pass  # nested: it would deadlock if None were one conversation
    try:
        async with order.turn("c"):
            raise ValueError("the handler failed")
    except ValueError:
        pass
    assert order.in_flight == 0
    async with asyncio.timeout(1), order.turn("c"):
        pass  # the next update of that conversation is not stuck behind the failed one
