"""The reminder loop's store: preloaded state saves a read, saves keep their version check."""

from __future__ import annotations

import asyncio

from storage.batch import BatchStore
from storage.state import StateStore


async def test_many_saves_at_once_each_keep_their_own_check(store: StateStore) -> None:
    batch = BatchStore(store)
    users = [f"tg:{i}" for i in range(50)]
    assert all(await asyncio.gather(*(batch.save(u, 0, {}, {"st": "menu"}) for u in users)))
    # Written a second time from the version first read: every one a conflict, nothing lost.
    stale = await asyncio.gather(*(batch.save(u, 0, {}, {"st": "lesson"}, due=5.0) for u in users))
    assert not any(stale)
    for user in users:
        fields = await store.redis.hgetall(store.keys.learner(user))
        assert fields["st"] == "menu"
        assert await store.redis.zscore(store.keys.schedule_of(user), user) is None


async def test_preloaded_state_is_used_then_confirmed(store: StateStore) -> None:
    await store.save("tg:1", 0, {}, {"st": "menu"})
    version = int(await store.redis.hget(store.keys.learner("tg:1"), "v"))
    other = BatchStore(StateStore(store.redis, store.keys))  # another process
    other.preload("tg:1", {"v": str(version), "st": "menu"})  # as the claim read it
    assert await other.load("tg:1") == ({"st": "menu"}, version)
    # Someone wrote since the claim read it: the save finds out, nothing is overwritten.
    await store.save("tg:1", version, {"st": "menu"}, {"st": "lesson"})
    assert not await other.save("tg:1", version, {"st": "menu"}, {"st": "review"})
    assert (await other.load("tg:1"))[0] == {"st": "lesson"}  # what the conflict sent back
