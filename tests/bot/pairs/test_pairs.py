"""Pair mode for "Gia đình số" (bot/pairs/): a grandchild links to a grandparent's account in
private chat, sees their progress, hears when they are stuck; the answers stay the elder's."""

from __future__ import annotations

import re

from redis.asyncio import Redis

from bot.events import Event, Reply
from storage.redis.keys import Keys

HELPER, ELDER = "tg:501", "tg:502"


async def link(make_chat, engine) -> tuple:
    """The helper asks for a code, the elder types it and agrees: (helper, elder, replies)."""
    helper, elder = make_chat(engine, HELPER), make_chat(engine, ELDER)
    await helper.onboard()
    await elder.onboard()
    await helper.send("/helper")
    code = re.search(r"/helper ([A-Z0-9]{6})", helper.text)
    assert code, helper.text
    await elder.event(Event(ELDER, "command", command="helper", text=code[1], name="Bà Ba"))
    assert "muốn giúp bác học" in elder.text and "không trả lời thay bác" in elder.text
    agree = Event(ELDER, "button", payload=elder.button("Đồng ý").payload, name="Bà Ba")
    replies = await elder.event(agree)  # a tap carries the name the app shows, as Telegram's do
    return helper, elder, replies


async def test_a_grandchild_links_and_sees_progress_only(make_chat, engine, player) -> None:
    helper, elder, replies = await link(make_chat, engine)
    assert "Đã liên kết" in replies[0].text
    note = [r for r in replies if r.to == HELPER]
    assert note and "Bà Ba đã đồng ý" in note[0].text  # the helper hears it privately

    await player.lesson(ELDER, "l1")  # the elder learns, by themself
    await helper.send("/helper")
    view = helper.text
    assert "Tiến độ của Bà Ba" in view and "Bài đã học xong: 1/3" in view
    assert "Câu hỏi" not in view and "Đúng rồi" not in view  # no question, no answer
    await helper.send("/progress")  # the helper's own progress is their own
    assert "Bài đã học xong: 0/3" in helper.text


async def test_the_helper_hears_once_when_the_elder_is_stuck(make_chat, engine, player) -> None:
    helper, elder, _ = await link(make_chat, engine)
    notes: list[Reply] = []
    handle = engine.handle

    async def watching(event: Event) -> list[Reply]:
        replies = await handle(event)
        notes.extend(r for r in replies if r.to == HELPER)
        return replies

    engine.handle = watching  # type: ignore[method-assign]
    await player.lesson(ELDER, "l1", right=False)  # failed
    assert len(notes) == 1
    assert "đang gặp khó ở bài «Bài một» (đúng 0/2 câu)" in notes[0].text
    await player.lesson(ELDER, "l1", right=False)  # failed again the same day: no more notes
    assert len(notes) == 1


async def test_either_side_ends_the_link(make_chat, engine, redis: Redis, keys: Keys) -> None:
    helper, elder, _ = await link(make_chat, engine)
    assert (await redis.hgetall(keys.learner(ELDER)))["hp"] == HELPER
    await elder.send("/helper")
    assert "đang xem tiến độ học của bác" in elder.text
    await elder.tap("Ngừng liên kết")
    assert "hp" not in await redis.hgetall(keys.learner(ELDER))
    assert "el" not in await redis.hgetall(keys.learner(HELPER))
    await helper.send("/helper")
    assert "/helper " in helper.text  # a fresh code: not linked any more


async def test_an_elder_who_is_forgotten_leaves_no_link(make_chat, engine, redis, keys) -> None:
    helper, elder, _ = await link(make_chat, engine)
    await elder.send("/forget")
    await elder.tap("Xóa hết")
    assert "el" not in await redis.hgetall(keys.learner(HELPER))
    await helper.send("/helper")
    assert "Tiến độ" not in helper.text


async def test_bad_and_own_codes_are_refused_kindly(make_chat, engine) -> None:
    helper, elder = make_chat(engine, HELPER), make_chat(engine, ELDER)
    await elder.send("/helper ABC234")  # not started yet
    assert "/start" in elder.text
    await helper.onboard()
    await elder.onboard()
    await elder.send("/helper ZZZZZZ")
    assert "không đúng hoặc đã hết hạn" in elder.text
    await helper.send("/helper")
    code = re.search(r"/helper ([A-Z0-9]{6})", helper.text)
    assert code
    await helper.send(f"/helper {code[1]}")
    assert "mã của chính bác" in helper.text
