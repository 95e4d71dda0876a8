"""The reminder loop's store: preloaded state is used once, saves keep their version check."""

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
        assert await store.load(user) == ({"st": "menu"}, 1)
        assert await store.redis.zscore(store.keys.schedule_of(user), user) is None


async def test_preloaded_state_is_read_once(store: StateStore) -> None:
    batch = BatchStore(store)
    await store.save("tg:1", 0, {}, {"st": "menu"})
    batch.preload("tg:1", {"v": "1", "st": "menu", "lg": "en"})  # as the claim read it
    assert await batch.load("tg:1") == ({"st": "menu", "lg": "en"}, 1)
    assert await batch.load("tg:1") == ({"st": "menu"}, 1)  # then from Redis again
