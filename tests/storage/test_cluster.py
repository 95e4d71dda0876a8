"""hocso on a real Redis Cluster (3 masters on loopback, started by scripts/services.sh):
learner state, the outboxes and the reporter, update de-duplication and the push limits all
work when keys live on different nodes. Every multi-key script uses keys of one hash tag."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from bot.content.lessons import Curriculum
from bot.features import build_engine
from handlers.dedupe import Dedupe
from handlers.limits import PushLimits
from hocso.settings import Settings as Config
from storage.redis.keys import Keys
from storage.redis.state import StateStore
from storage.redis.url import is_cluster, open_redis
from storage.sql.db import Database
from storage.sql.models import Completion, Learner
from storage.sql.reporter import Reporter

CLUSTER_URL = os.environ.get("HOCSO_TEST_CLUSTER_URL", "redis+cluster://127.0.0.1:7001")


@pytest.fixture
async def cluster() -> AsyncIterator[tuple[Redis, Keys]]:
    """A cluster client and a key prefix of this test's own (deleted afterwards)."""
    client = open_redis(CLUSTER_URL, decode_responses=True)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"no Redis Cluster at {CLUSTER_URL} ({exc}); run scripts/services.sh")
    keys = Keys(prefix=f"hocso-test-{uuid.uuid4().hex[:10]}", shards=16)
    yield client, keys
    async for key in client.scan_iter(match=f"{keys.prefix}:*"):
        await client.delete(key)
    await client.aclose()


async def test_the_url_names_a_cluster_and_its_nodes_share_the_learners(cluster) -> None:
    client, keys = cluster
    assert is_cluster(CLUSTER_URL) and not is_cluster("redis://127.0.0.1:6379/0")
    nodes = {client.get_node_from_key(keys.learner(f"tg:{i}")).name for i in range(200)}
    assert len(nodes) == 3  # learners' keys land on every master


async def test_learners_progress_and_the_reporter_stores_it_once_across_the_nodes(
    cluster, curriculum: Curriculum, config: Config, make_player, tmp_path: Path
) -> None:
    client, keys = cluster
    engine = build_engine(StateStore(client, keys), curriculum, config)
    player = make_player(engine, curriculum)
    users = [f"tg:{4000 + i}" for i in range(12)]
    for user in users:
        await player.onboard(user)
        await player.lesson(user, "l1")
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'cluster.db'}")
    await database.upgrade()
    try:
        reporter = Reporter(client, keys, database, batch=50)
        while await reporter.step():
            pass
        await Reporter(client, keys, database, batch=50).step()  # a second reporter: no repeats
        async with database.session() as session:
            learners = await session.scalar(select(func.count()).select_from(Learner))
            done = await session.scalar(select(func.count()).select_from(Completion))
    finally:
        await database.dispose()
    assert (learners, done) == (12, 12)
    outboxes = [await client.xlen(stream) for stream in keys.all_outboxes()]
    assert sum(outboxes) == 0  # drained from every node


async def test_two_workers_on_the_cluster_never_both_apply_one_step(
    cluster, curriculum: Curriculum, config: Config
) -> None:
    client, keys = cluster
    other = open_redis(CLUSTER_URL, decode_responses=True)
    try:
        one = StateStore(client, keys)
        two = StateStore(other, keys)
        assert await one.save("tg:77", 0, {}, {"st": "menu"}, [])
        fields, version = await two.load("tg:77")
        assert await two.save("tg:77", version, fields, {"st": "lesson"}, [{"id": "a"}])
        stale, old = await one.load("tg:77")
        assert not await one.save("tg:77", old, stale, {"st": "review"}, [{"id": "b"}])
        assert await client.hget(keys.learner("tg:77"), "st") == "lesson"
        assert await client.xlen(keys.outbox_of("tg:77")) == 1  # no event without its state
    finally:
        await other.aclose()


async def test_an_update_is_processed_once_on_the_cluster(cluster) -> None:
    client, keys = cluster
    workers = [
        Dedupe(client, lambda u, user: keys.update("tg", "1", u, user), single_consumer=False)
    ]
    workers.append(
        Dedupe(client, lambda u, user: keys.update("tg", "1", u, user), single_consumer=False)
    )
    assert await workers[0].claim(5)
    assert not await workers[1].claim(5)  # busy in the other worker
    await workers[0].finish(5)
    assert not await workers[1].claim(5)  # done


async def test_an_updates_done_mark_rides_in_its_learners_save_on_the_cluster(cluster):
    client, keys = cluster
    store = StateStore(client, keys)
    workers = Dedupe(client, lambda u, user: keys.update("tg", "1", u, user), False)
    assert await workers.claim(6, "tg:78")
    mark = workers.ride(6, "tg:78")
    fields, version = await store.load("tg:78")
    assert await store.save("tg:78", version, fields, {"st": "lesson"}, done=mark)  # one script
    assert await client.get(keys.update("tg", "1", 6, "tg:78")) in ("done", b"done")
    await workers.finish(6, "tg:78", mark)
    assert not await workers.claim(6, "tg:78")


async def test_push_limits_and_a_429_pause_are_shared_through_the_cluster(cluster) -> None:
    client, keys = cluster
    one = PushLimits.for_redis(client, CLUSTER_URL, keys.prefix, rate=1000)
    two = PushLimits.for_redis(client, CLUSTER_URL, keys.prefix, rate=1000)
    start = time.monotonic()
    await one.wait("tg:9")
    await two.wait("tg:9")  # one chat: about 1 a second, whichever process sends
    assert time.monotonic() - start >= 0.9
    await one.pause(0.5)
    paused = time.monotonic()
    await two.wait("tg:10")
    assert time.monotonic() - paused >= 0.4


async def test_a_group_lesson_runs_on_the_cluster_and_credits_members_on_their_nodes(
    cluster, curriculum: Curriculum, config: Config, clock
) -> None:
    """A group's state and its parts share one slot; its members live on other nodes; their
    credit is written to each member's own node: no script spans two slots."""
    import json

    from bot.events import Event
    from bot.groups.routes import GroupAnswer
    from bot.payloads import parse
    from storage.redis.groups import GroupRedisStore

    client, keys = cluster
    engine = build_engine(
        StateStore(client, keys),
        curriculum,
        config,
        clock=clock,
        groups=GroupRedisStore(client, keys),
        group_platforms=("tg",),
    )
    chat = "-100900"
    seen: list = []

    async def act(user: str, kind: str, **data: object) -> list:
        replies = await engine.handle(Event(user, kind, chat=chat, group=True, **data))  # type: ignore[arg-type]
        seen.extend(r for r in replies if not r.notice)
        return replies

    def payload(label: str) -> str:
        return next(
            b.payload for r in reversed(seen) for row in r.buttons for b in row if label in b.label
        )

    members = [f"tg:{5000 + i}" for i in range(9)]
    assert len({client.get_node_from_key(keys.learner(m)).name for m in members}) > 1
    await act("tg:1", "command", command="lesson", admin=True)
    await act("tg:1", "button", payload=payload("Bài tiếp theo"), admin=True)
    for m in members:
        await act(m, "button", payload=payload("Tham gia"), name=m)
    await act("tg:1", "button", payload=payload("Bắt đầu"), admin=True)
    clock.advance(seconds=config.groups.card_seconds)
    moved = await engine.tick("tg")  # the due lessons of every shard, read across the nodes
    assert [c for c, _ in moved] == [f"tg:{chat}"] and "Câu hỏi một" in moved[0][1][-1].text
    seen.extend(moved[0][1])
    tap = parse(payload("Xem đáp án"))
    for m in members:
        await act(m, "button", payload=GroupAnswer(tap.run, tap.step, 1).pack())  # type: ignore[union-attr]
    await act("tg:1", "button", payload=payload("Tiếp tục"), admin=True)
    poll = next(r.poll for r in reversed(seen) if r.poll)
    for m in members:
        await act(m, "poll", payload=poll.tag, options=(0,))
    await act("tg:1", "button", payload=payload("Tiếp tục"), admin=True)
    assert "🎉" in seen[-1].text
    for m in members:
        assert (await client.hgetall(keys.learner(m)))["dn"] == "l1"
        events = [json.loads(f["e"]) for _, f in await client.xrange(keys.outbox_of(m))]
        mine = [e["type"] for e in events if e["user"] == m]
        assert mine.count("completion") == 1 and mine.count("answer") == 2


async def test_a_group_moves_to_its_supergroup_id_across_nodes(cluster) -> None:
    from bot.groups.state import GroupLesson, to_fields
    from storage.redis.groups import GroupRedisStore

    client, keys = cluster
    store = GroupRedisStore(client, keys)
    old = "tg:-8"
    ids = (f"tg:-100{n}" for n in range(1000))
    new = next(c for c in ids if keys.group_shard(c) != keys.group_shard(old))
    assert await store.save_group(old, 0, {}, to_fields(GroupLesson(old, schedule="6 19:00")))
    await store.join(old, "tg:1", "Lan")
    await store.move_group(old, new)  # the two ids' keys are in different slots
    snap = await store.load_group(new)
    assert snap.fields.get("sk") == "6 19:00" and snap.roster == {"tg:1": "Lan"}
    assert (await store.load_group(old)).fields == {}
