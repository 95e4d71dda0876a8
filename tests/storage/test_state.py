"""The Redis state store: atomic compare-and-set, the outbox written in the same step."""

from __future__ import annotations

import json

from storage.keys import Keys


async def test_write_applies_fields_and_events_together(store, redis, keys):
    fields, version = await store.load("tg:1")
    assert (fields, version) == ({}, 0)
    event = {"id": "e1", "type": "completion", "lesson": "l1"}
    assert await store.save("tg:1", 0, fields, {"st": "menu", "dn": "l1"}, [event])
    fields, version = await store.load("tg:1")
    assert fields == {"st": "menu", "dn": "l1"} and version == 1
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
