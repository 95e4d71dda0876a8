"""Group lesson state in Redis (storage/group_store.py): ready for Redis Cluster, and an answer
is counted once only while its question is open."""

from __future__ import annotations

from redis.crc import key_slot

from bot.groups.state import GroupLesson, to_fields
from storage.group_store import GroupRedisStore
from storage.keys import Keys


def test_each_group_script_touches_one_slot_and_never_a_learners() -> None:
    keys = Keys(prefix="hocso", shards=64)
    for chat in ("tg:-1001", "tg:-100200300", "zalo:abc"):
        parts = [keys.group(chat, p) for p in ("", "m", "p", "a", "n", "x")]
        slots = {key_slot(k.encode()) for k in [*parts, keys.group_due_of(chat)]}
        assert len(slots) == 1, chat
        member = keys.learner("tg:42")
        assert "{g" in parts[0] and "{s" in member  # a tag of its own, not a learner shard's


async def test_an_answer_counts_once_and_only_while_open(redis, keys) -> None:
    store = GroupRedisStore(redis, keys)
    chat = "tg:-5"
    await store.join(chat, "tg:1", "Lan")
    state = to_fields(GroupLesson(chat, run="r1", lesson="l1", version=1, step=2, phase="ask"))
    assert await store.save_group(chat, 0, {}, state)
    first = await store.answer(chat, "r1", 2, "tg:1", "m1", 0)
    again = await store.answer(chat, "r1", 2, "tg:1", "m1", 1)
    stranger = await store.answer(chat, "r1", 2, "tg:9", "anon", 1)
    assert (first.status, first.member, again.status, again.choice) == (1, True, 0, 0)
    assert (stranger.status, stranger.member, stranger.answered) == (1, False, 2)
    assert (await store.answer(chat, "r0", 2, "tg:1", "m1", 0)).status == -1  # another run
    assert (await store.answer(chat, "r1", 1, "tg:1", "m1", 0)).status == -1  # another step
    snap = await store.load_group(chat)
    assert snap.answers == {(2, "tg:1"): 0} and snap.chose(2, 1) == 1
    revealed = dict(snap.fields, ph="shown")
    assert not await store.save_group(chat, snap.version - 1, snap.fields, revealed)  # stale
    assert await store.save_group(chat, snap.version, snap.fields, revealed)
    assert (await store.answer(chat, "r1", 2, "tg:2", "m2", 0)).status == -2
    assert await store.end_run(chat, "r1", ["rn", "ph"])
    snap = await store.load_group(chat)
    assert snap.answers == {} and snap.tally == {} and "rn" not in snap.fields
    assert snap.roster == {"tg:1": "Lan"}  # members stay members


async def test_due_lessons_are_found_by_platform(redis, keys) -> None:
    store = GroupRedisStore(redis, keys)
    for chat, due in (("tg:-1", 100), ("tg:-2", 300), ("zalo:g", 100)):
        state = to_fields(GroupLesson(chat, run="r", phase="card", due=due))
        assert await store.save_group(chat, 0, {}, state)
    assert await store.due_chats(200, "tg") == ["tg:-1"]
    snap = await store.load_group("tg:-1")
    assert await store.save_group("tg:-1", snap.version, snap.fields, {})
    assert await store.due_chats(200, "tg") == []


async def test_a_group_that_became_a_supergroup_keeps_its_lesson_under_its_new_id(redis, keys):
    """Telegram names a supergroup anew: the lesson, its roster and its due time move."""
    store = GroupRedisStore(redis, keys)
    old, new = "tg:-7", "tg:-1000000000007"
    await store.join(old, "tg:1", "Lan")
    state = to_fields(GroupLesson(old, run="r1", lesson="l1", step=2, phase="ask", due=100))
    assert await store.save_group(old, 0, {}, state)
    assert await store.answer(old, "r1", 2, "tg:1", "m1", 1)
    await store.move_group(old, new)
    snap = await store.load_group(new)
    assert snap.fields["rn"] == "r1" and snap.roster == {"tg:1": "Lan"}
    assert snap.answers == {(2, "tg:1"): 1}
    assert await store.due_chats(200, "tg") == [new]
    assert (await store.load_group(old)).fields == {}
    await store.move_group(old, new)  # the second notice (from the new chat): nothing to move
    assert (await store.load_group(new)).roster == {"tg:1": "Lan"}
