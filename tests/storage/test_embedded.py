"""The embedded Redis of `hocso chat`: what it keeps between two runs."""

from __future__ import annotations

from storage.redis.embedded import open_embedded, save_snapshot
from storage.redis.keys import Keys


async def test_learners_and_unreported_events_survive_a_restart(tmp_path):
    snapshot, keys = tmp_path / "state.json", Keys()
    redis = await open_embedded(snapshot)
    await redis.hset(keys.learner("console:a"), mapping={"st": "lesson", "sp": "3"})
    await redis.xadd(keys.outbox_of("console:a"), {"e": '{"id": "e1", "type": "completion"}'})
    await redis.set("someone-else:key", "not ours")
    await save_snapshot(redis, snapshot, keys.prefix)
    await redis.aclose()

    again = await open_embedded(snapshot)
    assert await again.hgetall(keys.learner("console:a")) == {"st": "lesson", "sp": "3"}
    entries = await again.xrange(keys.outbox_of("console:a"))
    assert [fields for _, fields in entries] == [{"e": '{"id": "e1", "type": "completion"}'}]
    assert not await again.exists("someone-else:key")
    await again.aclose()
