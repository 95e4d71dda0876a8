"""A learner who blocks the bot is marked inactive, and is active again once they write."""

from __future__ import annotations

import json

from redis.asyncio import Redis

from bot.events import Event
from storage.redis.keys import Keys


async def types(redis: Redis, keys: Keys, user: str) -> list[str]:
    entries = await redis.xrange(keys.outbox_of(user))
    return [json.loads(fields["e"])["type"] for _, fields in entries]


async def test_blocking_marks_the_learner_inactive_once_and_writing_again_revives(
    chat, redis: Redis, keys: Keys
) -> None:
    await chat.onboard()
    blocked = Event(chat.user, "blocked")
    assert await chat.engine.handle(blocked) == []  # nobody to answer
    assert await chat.engine.handle(blocked) == []
    state = await redis.hgetall(keys.learner(chat.user))
    assert state["ia"] == "1"
    assert (await types(redis, keys, chat.user)).count("inactive") == 1

    await chat.send("/continue")
    assert "Bài một" in chat.text  # the lesson goes on as before
    assert "ia" not in await redis.hgetall(keys.learner(chat.user))
    assert (await types(redis, keys, chat.user)).count("active") == 1


async def test_blocking_before_consent_keeps_nothing(chat, redis: Redis, keys: Keys) -> None:
    await chat.send("/start")  # greeted, not yet agreed
    await chat.engine.handle(Event(chat.user, "blocked"))
    assert "ia" not in await redis.hgetall(keys.learner(chat.user))
    assert "inactive" not in await types(redis, keys, chat.user)


async def test_a_display_name_greets_the_learner(engine) -> None:
    replies = await engine.handle(Event("tg:7", "command", command="start", name="  Tư  "))
    assert replies[0].text.startswith("Chào bác Tư! 👋")
