"""Group lesson state in Redis (storage/redis/groups.py): ready for Redis Cluster. (What every
GroupStore promises, an answer counted once only while its question is open, is tested on
each in test_store_contract.py.)"""

from __future__ import annotations

from redis.crc import key_slot

from storage.redis.keys import Keys


def test_each_group_script_touches_one_slot_and_never_a_learners() -> None:
    keys = Keys(prefix="hocso", shards=64)
    for chat in ("tg:-1001", "tg:-100200300", "zalo:abc"):
        parts = [keys.group(chat, p) for p in ("", "m", "p", "a", "n", "x")]
        slots = {key_slot(k.encode()) for k in [*parts, keys.group_due_of(chat)]}
        assert len(slots) == 1, chat
        member = keys.learner("tg:42")
        assert "{g" in parts[0] and "{s" in member  # a tag of its own, not a learner shard's
