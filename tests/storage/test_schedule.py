"""The reminder schedule's claim and acknowledgement on a real Redis: each due learner goes to
one worker at a time, with their state, and a slow worker never undoes a newer claim."""

from __future__ import annotations

from redis.asyncio import Redis

from storage.redis.keys import Keys
from storage.redis.schedule import Schedule

NOW = 1_767_258_000.0


async def due(redis: Redis, keys: Keys, user: str, when: float, **fields: str) -> None:
    await redis.hset(keys.learner(user), mapping={"v": "3", "st": "menu", **fields})
    await redis.zadd(keys.schedule_of(user), {user: when})


async def test_a_claim_takes_what_is_due_with_the_learners_state(redis, keys) -> None:
    one = Keys(keys.prefix, shards=1)
    schedule = Schedule(redis, one)
    await due(redis, one, "tg:1", NOW - 60, rm="19:30")
    await due(redis, one, "tg:2", NOW - 1)
    await due(redis, one, "tg:3", NOW + 60)  # not yet
    claims = await schedule.claim(0, NOW, 300, 10)
    assert [(c.user, c.retaken) for c in claims] == [("tg:1", False), ("tg:2", False)]
    assert claims[0].state == ({"st": "menu", "rm": "19:30"}, 3)
    assert await schedule.claim(0, NOW, 300, 10) == []  # theirs until the lease ends
    later = await schedule.claim(0, NOW + 301, 300, 10)  # the lease ended: retaken first
    assert [(c.user, c.retaken) for c in later] == [
        ("tg:1", True),
        ("tg:2", True),
        ("tg:3", False),
    ]


async def test_a_learner_still_being_sent_is_not_claimed_again(redis, keys) -> None:
    one = Keys(keys.prefix, shards=1)
    schedule = Schedule(redis, one)
    await due(redis, one, "tg:1", NOW - 60)
    [first] = await schedule.claim(0, NOW, 300, 10)
    await due(redis, one, "tg:1", NOW - 1)  # due again (planned anew) while in flight
    await due(redis, one, "tg:2", NOW - 1)
    assert [c.user for c in await schedule.claim(0, NOW, 300, 10)] == ["tg:2"]
    assert await schedule.ack(0, [(first, True)], "2026-01-01") == 1
    assert [c.user for c in await schedule.claim(0, NOW, 300, 10)] == ["tg:1"]


async def test_a_slow_workers_ack_leaves_a_newer_claim_alone(redis, keys) -> None:
    one = Keys(keys.prefix, shards=1)
    schedule = Schedule(redis, one)
    await due(redis, one, "tg:1", NOW - 60)
    await due(redis, one, "tg:2", NOW - 60)
    slow = await schedule.claim(0, NOW, 300, 10)
    newer = await schedule.claim(0, NOW + 301, 300, 1)  # tg:1's lease ended: retaken
    assert [c.user for c in newer] == ["tg:1"]
    # The slow worker finishes both: only tg:2 was still its own, and only it is counted.
    assert await schedule.ack(0, [(c, True) for c in slow], "2026-01-01") == 1
    [row] = await schedule.status(NOW + 301, "2026-01-01")
    assert (row.in_flight, row.sent_today) == (1, 1)
    assert await schedule.ack(0, [(newer[0], False)], "2026-01-01") == 1
    [row] = await schedule.status(NOW + 301, "2026-01-01")
    assert (row.in_flight, row.sent_today) == (0, 1)


async def test_a_very_big_batch_is_claimed_and_acknowledged_whole(redis, keys) -> None:
    """Thousands at once (more than Lua's stack holds in one go): none is lost on the way."""
    one = Keys(keys.prefix, shards=1)
    schedule = Schedule(redis, one)
    users = [f"tg:{i}" for i in range(9000)]
    pipe = redis.pipeline(transaction=False)
    for user in users:
        pipe.hset(one.learner(user), mapping={"v": "3", "st": "menu"})
        pipe.zadd(one.schedule(0), {user: NOW - 60})
    await pipe.execute()
    claims = await schedule.claim(0, NOW, 300, 9000)
    assert sorted(c.user for c in claims) == sorted(users)
    assert await schedule.ack(0, [(c, True) for c in claims], "2026-01-01") == 9000
    [row] = await schedule.status(NOW, "2026-01-01")
    assert (row.due, row.in_flight, row.sent_today) == (0, 0, 9000)
