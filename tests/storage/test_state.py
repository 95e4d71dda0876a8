"""The Redis state store: atomic compare-and-set, the outbox written in the same step. (What
every LearnerStore promises is tested on each in test_store_contract.py.)"""

from __future__ import annotations

import json

from bot.store import Save
from storage.redis.keys import Keys
from storage.redis.state import StateStore


async def test_write_applies_fields_and_events_together(store, redis, keys):
    fields, version = await store.load("tg:1")
    assert (fields, version) == ({}, 0)
    event = {"id": "e1", "type": "completion", "lesson": "l1"}
    assert await store.save("tg:1", 0, fields, {"st": "menu", "dn": "l1"}, [event])
    fields, version = await store.load("tg:1")
    assert fields == {"st": "menu", "dn": "l1"} and version > 0
    assert await redis.hgetall(keys.learner("tg:1")) == {**fields, "v": str(version)}
    entries = await redis.xrange(keys.outbox_of("tg:1"))
    assert [json.loads(e["e"]) for _, e in entries] == [event]


async def test_a_stale_version_writes_nothing(store, redis, keys):
    await store.save("tg:1", 0, {}, {"st": "menu"}, [])
    ok = await store.save("tg:1", 0, {}, {"st": "lesson"}, [{"id": "e2", "type": "answer"}])
    assert not ok
    assert (await store.load("tg:1"))[0] == {"st": "menu"}
    assert await redis.xlen(keys.outbox_of("tg:1")) == 0  # no event without its state


async def test_removed_fields_are_deleted_and_erase_removes_the_learner(store, redis, keys):
    await store.save("tg:1", 0, {}, {"st": "lesson", "ls": "l1"}, [])
    old, version = await store.load("tg:1")
    await store.save("tg:1", version, old, {"st": "menu"}, [])
    assert (await store.load("tg:1"))[0] == {"st": "menu"}
    old, version = await store.load("tg:1")
    assert await store.save("tg:1", version, old, None, [{"id": "e3", "type": "forget"}])
    assert not await redis.exists(keys.learner("tg:1"))
    assert await redis.xlen(keys.outbox_of("tg:1")) == 1


def test_a_learner_and_its_outbox_share_one_hash_tag():
    keys = Keys(prefix="hocso", shards=64)
    for user in ("tg:1", "tg:987654321", "console:local"):
        learner, outbox = keys.learner(user), keys.outbox_of(user)
        tag = learner[learner.index("{") : learner.index("}") + 1]
        assert tag in outbox and tag.startswith("{s")
    shards = {keys.shard(f"tg:{i}") for i in range(5000)}
    assert len(shards) == 64  # learners spread over every shard


# -- Each process keeps the state it last wrote: one round trip per action ---------------------


async def test_a_worker_with_an_old_copy_sees_the_others_write_and_decides_again(
    redis, keys
) -> None:
    one, two = StateStore(redis, keys), StateStore(redis, keys)
    assert await one.save("tg:5", 0, {}, {"st": "menu"}, [])
    fields, version = await two.load("tg:5")
    assert await two.save("tg:5", version, fields, {"st": "lesson", "ls": "l1"}, [])
    mine, old_version = await one.load("tg:5")  # its own copy, now out of date
    assert mine == {"st": "menu"}
    assert not await one.save("tg:5", old_version, mine, {"st": "review"}, [])  # refused
    fresh, version = await one.load("tg:5")  # the refusal brought what is stored now
    assert fresh == {"st": "lesson", "ls": "l1"}
    assert await one.save("tg:5", version, fresh, {"st": "review"}, [])
    assert await redis.hget(keys.learner("tg:5"), "st") == "review"


async def test_an_unchanged_decision_on_an_old_copy_is_checked_not_trusted(redis, keys) -> None:
    """A stale button on the old copy would be 'nothing to do'; the check catches it."""
    one, two = StateStore(redis, keys), StateStore(redis, keys)
    assert await one.save("tg:6", 0, {}, {"st": "menu"}, [])
    fields, version = await two.load("tg:6")
    assert await two.save("tg:6", version, fields, {"st": "lesson"}, [])
    mine, old_version = await one.load("tg:6")
    assert not await one.save("tg:6", old_version, mine, dict(mine), [])
    assert (await one.load("tg:6"))[0] == {"st": "lesson"}


async def test_a_learner_erased_and_started_again_elsewhere_never_matches_an_old_copy(
    redis, keys
) -> None:
    one, two = StateStore(redis, keys), StateStore(redis, keys)
    assert await one.save("tg:7", 0, {}, {"st": "menu", "ar": "ninh-kieu"}, [])
    fields, version = await two.load("tg:7")
    assert await two.save("tg:7", version, fields, None, [])  # /forget
    assert await two.save("tg:7", 0, {}, {"st": "menu"}, [])  # and /start again
    mine, old_version = await one.load("tg:7")
    assert mine == {"st": "menu", "ar": "ninh-kieu"}  # its old copy
    assert not await one.save("tg:7", old_version, mine, {"st": "lesson", "ar": "ninh-kieu"})
    assert await redis.hget(keys.learner("tg:7"), "ar") is None  # the erased ward stays gone


async def test_a_wave_confirms_even_an_unchanged_state_read_elsewhere(store, redis, keys):
    """The claim read the state; a turn that changed nothing must still find it current."""
    assert await store.save("tg:8", 0, {}, {"st": "menu"})
    version = int(await redis.hget(keys.learner("tg:8"), "v"))
    other = StateStore(redis, keys)  # another process, which read it with the claim
    assert await other.save_many([Save("tg:8", version, {"st": "menu"}, {"st": "menu"})])
    await store.save("tg:8", version, {"st": "menu"}, {"st": "lesson"})
    stale = Save("tg:8", version, {"st": "menu"}, {"st": "menu"})
    assert await other.save_many([stale]) == [False]
    assert (await other.load("tg:8"))[0] == {"st": "lesson"}  # what the conflict sent back


async def test_a_wave_over_several_shards_writes_each(store, redis, keys):
    users = [f"tg:{i}" for i in range(500, 700)]
    assert len({keys.shard(u) for u in users}) > 1
    events = [{"id": f"e{u}", "type": "reminded"} for u in users]
    saves = [
        Save(u, 0, {}, {"st": "menu"}, [e], due=9.0) for u, e in zip(users, events, strict=True)
    ]
    assert all(await store.save_many(saves))
    for u in users:
        assert await redis.hget(keys.learner(u), "st") == "menu"
        assert await redis.zscore(keys.schedule_of(u), u) == 9.0
    outboxes = {keys.outbox_of(u) for u in users}
    written = [json.loads(e["e"])["id"] for o in outboxes for _, e in await redis.xrange(o)]
    assert sorted(written) == sorted(e["id"] for e in events)
