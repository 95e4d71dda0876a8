"""What every store promises, tested on each implementation of its protocol (bot/store.py):
the Redis one (storage/redis/) and the in-process one (bot/memory_store.py,
bot/groups/memory_store.py), so the engine's tests may run on the memory store wherever
Redis is not what they test. As aiogram tests its FSM storages: one test, every storage."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.groups.memory_store import MemoryGroupStore
from bot.groups.state import GroupLesson, to_fields
from bot.groups.store import GroupStore
from bot.memory_store import MemoryStore
from bot.store import LearnerStore, Save
from storage.redis.groups import GroupRedisStore
from storage.redis.state import StateStore


@pytest.fixture(params=["redis", "memory"])
def learners(request, redis, keys) -> LearnerStore:
    return StateStore(redis, keys) if request.param == "redis" else MemoryStore()


@pytest.fixture(params=["redis", "memory"])
def groups(request, redis, keys) -> GroupStore:
    return GroupRedisStore(redis, keys) if request.param == "redis" else MemoryGroupStore()


# --- LearnerStore ---


async def test_every_store_applies_a_write_only_to_the_version_it_read(learners) -> None:
    assert await learners.load("tg:1") == ({}, 0)
    assert await learners.save("tg:1", 0, {}, {"st": "menu", "dn": "l1"}, [])
    fields, version = await learners.load("tg:1")
    assert fields == {"st": "menu", "dn": "l1"}
    assert not await learners.save("tg:1", version - 1, {}, {"st": "lesson"}, [])  # stale
    assert await learners.save("tg:1", version, fields, {"st": "lesson"}, [])
    assert await learners.load("tg:1") == ({"st": "lesson"}, version + 1)  # "dn" removed
    fields, version = await learners.load("tg:1")
    assert await learners.save("tg:1", version, fields, None, [])  # erase
    assert await learners.load("tg:1") == ({}, 0)
    assert await learners.load("tg:2") == ({}, 0)  # learners are apart


async def test_many_writes_in_one_call_each_keep_their_own_check(learners) -> None:
    """A wave of reminders: every learner's write in one call, each checked on its own."""
    users = [f"tg:{i}" for i in range(40)]
    first = [Save(u, 0, {}, {"st": "menu"}) for u in users]
    assert await learners.save_many(first) == [True] * 40
    versions = {u: (await learners.load(u))[1] for u in users}
    # Half of them acted in between: their writes from the old reading are refused.
    for u in users[:20]:
        assert await learners.save(u, versions[u], {"st": "menu"}, {"st": "lesson"})
    wave = [Save(u, versions[u], {"st": "menu"}, {"st": "review"}, due=5.0) for u in users]
    assert await learners.save_many(wave) == [False] * 20 + [True] * 20
    assert {(await learners.load(u))[0]["st"] for u in users[:20]} == {"lesson"}
    assert {(await learners.load(u))[0]["st"] for u in users[20:]} == {"review"}


# --- GroupStore ---


async def test_an_answer_counts_once_and_only_while_open(groups) -> None:
    store = groups
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


async def test_due_lessons_are_found_by_platform(groups) -> None:
    store = groups
    for chat, due in (("tg:-1", 100), ("tg:-2", 300), ("zalo:g", 100)):
        state = to_fields(GroupLesson(chat, run="r", phase="card", due=due))
        assert await store.save_group(chat, 0, {}, state)
    assert await store.due_chats(200, "tg") == ["tg:-1"]
    snap = await store.load_group("tg:-1")
    assert await store.save_group("tg:-1", snap.version, snap.fields, {})
    assert await store.due_chats(200, "tg") == []


async def test_a_group_that_became_a_supergroup_keeps_its_lesson_under_its_new_id(groups):
    """Telegram names a supergroup anew: the lesson, its roster and its due time move."""
    store = groups
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


async def test_a_member_who_leaves_is_forgotten_in_that_chat_only(groups) -> None:
    chat = "tg:-8"
    assert await groups.join(chat, "tg:1", "Lan") == (True, 0)  # no run: no participants
    assert await groups.join(chat, "tg:1", "Lan") == (False, 0)  # joined once
    await groups.join("tg:-9", "tg:1", "Lan")
    state = to_fields(GroupLesson(chat, run="r1", lesson="l1", step=1, phase="ask"))
    assert await groups.save_group(chat, 0, {}, state)
    assert (await groups.answer(chat, "r1", 1, "tg:1", "m1", 0)).member
    await groups.leave(chat, "tg:1")
    snap = await groups.load_group(chat)
    assert snap.roster == {} and snap.answers == {}
    assert (await groups.load_group("tg:-9")).roster == {"tg:1": "Lan"}


async def test_a_link_code_is_taken_once_and_never_twice_at_a_time(groups) -> None:
    assert await groups.put_code("AB12", "tg:1", 60)
    assert not await groups.put_code("AB12", "tg:2", 60)  # taken: the caller draws another
    assert await groups.read_code("AB12") == "tg:1"  # read, still there
    assert await groups.read_code("AB12", take=True) == "tg:1"
    assert await groups.read_code("AB12") is None  # works once
    assert await groups.put_code("CD34", "tg:3", 1)
    deadline = time.time() + 3
    while await groups.read_code("CD34") is not None and time.time() < deadline:
        await asyncio.sleep(0.2)
    assert await groups.read_code("CD34") is None  # expired
