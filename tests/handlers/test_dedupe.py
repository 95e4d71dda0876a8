"""Update de-duplication, for every platform: each update processed once, a dead worker's
update taken again, and no update lost when Redis is away."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.events import Event, Reply
from bot.features import build_engine
from bot.kept import KEEP_FOR, KEPT, keep, replies_key
from handlers.dedupe import Dedupe
from storage.redis.keys import Keys
from storage.redis.state import StateStore


def dedupe(redis: Redis, keys: Keys, single_consumer: bool = False) -> Dedupe:
    return Dedupe(
        redis, lambda update, user: keys.update("test", "1", update, user), single_consumer
    )


async def test_an_update_is_processed_once_and_skipped_when_delivered_again(redis, keys) -> None:
    workers = dedupe(redis, keys)
    assert await workers.claim(1)
    assert await workers.in_progress(1)
    assert not await workers.claim(1)  # another worker got it while the first is on it
    await workers.finish(1)
    assert not await workers.in_progress(1)
    assert not await workers.claim(1)  # re-delivered after it was done
    assert await workers.claim(2)  # other updates are not affected


async def test_a_single_consumer_takes_again_what_its_dead_predecessor_held(redis, keys) -> None:
    assert await dedupe(redis, keys, single_consumer=True).claim(7)  # then the process died
    restarted = dedupe(redis, keys, single_consumer=True)
    assert await restarted.claim(7)
    await restarted.finish(7)
    assert not await restarted.claim(7)


async def test_without_redis_updates_are_still_processed(keys) -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    gone = dedupe(dead, keys)
    assert await gone.claim(3)  # the engine will answer "busy"; silence would be worse
    assert not await gone.in_progress(3)
    await gone.finish(3)  # logged, not raised
    await dead.aclose()


async def test_the_done_mark_rides_in_the_learners_save_and_only_when_it_lands(redis, keys):
    """One round trip for the state and the mark; a save that lost a race marks nothing (its
    retry does); an update that changed nothing is marked on its own."""
    workers, store, other = dedupe(redis, keys), StateStore(redis, keys), StateStore(redis, keys)
    key = keys.update("test", "1", 8, "tg:88")
    assert await workers.claim(8, "tg:88")
    fields, version = await store.load("tg:88")
    stale = dict(fields)
    assert await other.save("tg:88", version, fields, {"st": "menu"})  # another worker wrote
    mark = workers.ride(8, "tg:88")  # carried by the update's event into the save
    assert not await store.save("tg:88", version, stale, {"st": "lesson"}, done=mark)
    assert await redis.get(key) in ("busy", b"busy")
    fields, version = await store.load("tg:88")
    assert await store.save("tg:88", version, fields, {"st": "lesson"}, done=mark)  # the retry
    assert await redis.get(key) in ("done", b"done")  # with the state, in one script
    await workers.finish(8, "tg:88", mark)
    assert not await workers.claim(8, "tg:88")

    assert await workers.claim(9, "tg:88")
    mark = workers.ride(9, "tg:88")
    await store.save("tg:99", 0, {}, {"st": "menu"}, done=mark)  # not the mark's learner
    assert await redis.get(keys.update("test", "1", 9, "tg:88")) in ("busy", b"busy")
    await workers.finish(9, "tg:88", mark)  # nothing saved for tg:88: marked on its own
    assert not await workers.claim(9, "tg:88")


async def test_the_engine_carries_the_events_mark_into_the_learners_save(
    redis, keys, curriculum, config
):
    """The adapter hands the mark to the engine in the event; the engine's save writes it, so
    `finish` needs no round trip of its own."""
    # The Redis store: its script writes the mark.
    engine = build_engine(StateStore(redis, keys), curriculum, config)
    workers = dedupe(redis, keys)
    assert await workers.claim(10, "tg:101")
    mark = workers.ride(10, "tg:101")
    replies = await engine.handle(Event("tg:101", "command", command="start", done=mark))
    assert replies  # the learner is welcomed
    assert mark is not None and mark.written
    await workers.finish(10, "tg:101", mark)
    assert not await workers.claim(10, "tg:101")
    # The mark keeps the welcome: should the update come again to a process that did not
    # show it (this one died before it could), the learner gets it then, the engine not asked.
    seen = await dedupe(redis, keys).seen(10, "tg:101")
    assert seen is not None and seen.state == "done" and seen.replies == replies
    seen = await workers.seen(10, "tg:101")  # the one that showed it: delivered twice
    assert seen is not None and seen.state == "done" and seen.replies == []


async def test_the_replies_are_kept_for_minutes_beside_a_mark_that_lasts_a_day(
    redis, keys, curriculum, config
):
    """The mark must outlive the platform's re-deliveries (a day); the replies only the time a
    dead worker takes to be replaced. Kept in the mark, they cost Redis 1-2 GB per 100,000
    learners; beside it, for KEEP_FOR, about 1 % of that."""
    engine = build_engine(StateStore(redis, keys), curriculum, config)
    workers = dedupe(redis, keys)
    assert await workers.claim(11, "tg:102")
    mark = workers.ride(11, "tg:102")
    replies = await engine.handle(Event("tg:102", "command", command="start", done=mark))
    key = keys.update("test", "1", 11, "tg:102")
    assert await redis.get(key) in ("done", b"done")  # the mark holds no replies
    assert 86000 < await redis.ttl(key) <= 86400
    assert 0 < await redis.ttl(replies_key(key)) <= KEEP_FOR
    seen = await dedupe(redis, keys).seen(11, "tg:102")  # another process, after a crash
    assert seen is not None and seen.replies == replies

    # Once the replies are gone (minutes later), the update is still done: never run twice.
    await redis.delete(replies_key(key))
    seen = await dedupe(redis, keys).seen(11, "tg:102")
    assert seen is not None and seen.state == "done" and seen.replies == []


async def test_a_mark_written_by_the_previous_version_still_gives_its_replies(redis, keys):
    """Before 2026-12-07 the replies were the mark's value: a worker updated meanwhile reads
    them as before."""
    key = keys.update("test", "1", 12, "tg:103")
    await redis.set(key, KEPT + keep([Reply("Chào bác")]).decode(), ex=60)
    seen = await dedupe(redis, keys).seen(12, "tg:103")
    assert seen is not None and seen.state == "done" and seen.replies == [Reply("Chào bác")]
