"""Updates of one learner are handled in order; different learners do not wait for each other.
Replies go out at once, within per-chat limits. Long replies are split where a reader expects
it."""

from __future__ import annotations

import asyncio
import os
import time

from fake_bot_api import message_update
from redis.asyncio import Redis
from telegram import Update
from telegram.error import RetryAfter

from handlers.limits import PushLimits
from handlers.telegram.flow import LearnerOrder, ReplyLimiter
from handlers.telegram.send import split_text, units
from storage.redis.keys import Keys

REDIS_URL = os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def test_one_learner_in_order_while_another_goes_ahead() -> None:
    order = LearnerOrder(8)
    seen: list[str] = []
    first_may_finish = asyncio.Event()

    async def work(name: str, gate: asyncio.Event | None = None) -> None:
        seen.append(f"{name} starts")
        if gate:
            await gate.wait()
        seen.append(f"{name} ends")

    def update(user_id: int) -> Update:
        return Update.de_json(message_update(user_id, "hi"), None)

    slow = asyncio.create_task(order.process_update(update(1), work("1a", first_may_finish)))
    then = asyncio.create_task(order.process_update(update(1), work("1b")))
    other = asyncio.create_task(order.process_update(update(2), work("2")))
    await asyncio.wait_for(other, 5)  # learner 2 is not held up by learner 1's slow update
    assert seen == ["1a starts", "2 starts", "2 ends"]
    first_may_finish.set()
    await asyncio.wait_for(asyncio.gather(slow, then), 5)
    assert seen[3:] == ["1a ends", "1b starts", "1b ends"]
    assert order.learners_in_flight == 0  # nothing kept once the updates are done


def test_long_text_is_split_at_line_breaks_under_the_limit() -> None:
    lines = [f"Dòng {i}: " + "chữ " * 20 for i in range(100)]  # about 9,000 characters
    text = "\n".join(lines)
    pieces = split_text(text)
    assert len(pieces) == 3
    assert all(units(p) <= 4096 for p in pieces)
    assert "\n".join(pieces) == text  # nothing lost, every cut at a line break


def test_emoji_count_twice_and_a_long_line_is_cut_at_spaces() -> None:
    assert units("👋") == 2
    text = "👋 " * 3000  # one line, 9,000 units
    pieces = split_text(text)
    assert all(units(p) <= 4096 for p in pieces)
    assert " ".join(pieces).split() == text.split()
    assert split_text("x" * 5000, limit=4096) == ["x" * 4096, "x" * 904]


# -- Replies are not bulk (handlers/telegram/flow.py, ReplyLimiter) -------------------------


class Telegram:
    """Stands in for PTB's call to the Bot API: records when each chat's message went, and
    answers 429 for the chats told to."""

    def __init__(self) -> None:
        self.sent: list[tuple[object, float]] = []
        self.flooded: dict[object, int] = {}  # chat -> seconds to ask for, once

    async def call(self, chat: object) -> bool:
        if seconds := self.flooded.pop(chat, 0):
            raise RetryAfter(seconds)
        self.sent.append((chat, time.monotonic()))
        return True


def send(
    limiter: ReplyLimiter,
    api: Telegram,
    chat: object,
    method: str = "sendMessage",
    **rate_limit_args: object,
):
    return limiter.process_request(
        api.call, (chat,), {}, method, {"chat_id": chat}, rate_limit_args or None
    )


async def test_replies_to_many_learners_go_out_at_once() -> None:
    """The old limiter held every reply to 30/s for the whole bot: 300 learners waited 10 s."""
    limiter, api = ReplyLimiter(), Telegram()
    start = time.monotonic()
    await asyncio.gather(*(send(limiter, api, 1000 + i) for i in range(300)))
    assert len(api.sent) == 300
    assert time.monotonic() - start < 2.0


async def test_one_chat_gets_a_burst_then_about_one_a_second() -> None:
    limiter, api = ReplyLimiter(per_chat=(3, 0.6)), Telegram()  # 3 at once, then 1 per 0.2 s
    start = time.monotonic()
    await asyncio.gather(*(send(limiter, api, 7) for _ in range(5)))
    times = sorted(t - start for _, t in api.sent)
    assert max(times[:3]) < 0.15  # the burst goes at once
    assert times[4] >= 0.3  # the rest wait their turn


async def test_edits_in_a_private_chat_never_wait_behind_its_messages() -> None:
    """Showing an answer or taking a keyboard away is an edit, not a new message: a learner
    tapping fast through short cards is not slowed to one step a second."""
    limiter, api = ReplyLimiter(per_chat=(1, 60.0)), Telegram()
    await send(limiter, api, 7)  # the one message this minute allows
    await asyncio.wait_for(send(limiter, api, 7, "editMessageReplyMarkup"), 0.5)
    await asyncio.wait_for(send(limiter, api, 7, "editMessageText"), 0.5)
    held = asyncio.create_task(send(limiter, api, 7))
    await asyncio.sleep(0.2)
    assert not held.done()  # a second new message still waits
    held.cancel()
    await asyncio.gather(held, return_exceptions=True)


async def test_a_group_gets_twenty_a_minute_while_private_chats_go_on() -> None:
    limiter, api = ReplyLimiter(per_group=(2, 60)), Telegram()
    await send(limiter, api, -100500)
    await send(limiter, api, -100500)
    third = asyncio.create_task(send(limiter, api, -100500))
    await send(limiter, api, 42)  # a learner's private chat is not held up by the group
    await asyncio.sleep(0.2)
    assert not third.done()  # the group's third message waits for its minute
    third.cancel()
    assert [chat for chat, _ in api.sent] == [-100500, -100500, 42]


async def test_a_429_pauses_that_chat_only() -> None:
    limiter, api = ReplyLimiter(), Telegram()
    api.flooded[5] = 1
    start = time.monotonic()
    flooded = asyncio.create_task(send(limiter, api, 5))
    await asyncio.sleep(0.05)
    await send(limiter, api, 6)  # another learner's reply goes at once
    assert time.monotonic() - start < 0.5
    assert await flooded  # retried after retry_after, not lost
    sent = dict(api.sent)
    assert sent[5] - start >= 0.9
    later = time.monotonic()
    await send(limiter, api, 6)
    assert time.monotonic() - later < 0.5


async def test_a_429_on_a_pushed_message_pauses_the_fleets_pushes(
    redis: Redis, keys: Keys
) -> None:
    push = PushLimits.for_redis(redis, REDIS_URL, keys.prefix)
    limiter, api = ReplyLimiter(push_limits=push), Telegram()
    api.flooded[9] = 1
    pushed = asyncio.create_task(send(limiter, api, 9, bulk=True))
    await asyncio.sleep(0.2)
    assert await push.paused_for() > 0.5  # every process's pushes wait too
    assert await pushed  # and this one went after the pause
    assert await push.paused_for() == 0
    api.flooded[10] = 1
    reply = asyncio.create_task(send(limiter, api, 10))
    await asyncio.sleep(0.2)
    assert await push.paused_for() == 0  # a reply's 429 pauses its chat, not the pushes
    assert await reply
    assert [chat for chat, _ in api.sent] == [9, 10]


def test_a_group_is_one_conversation_and_a_members_private_chat_another() -> None:
    from fake_bot_api import poll_answer_update, tap_update

    from handlers.telegram.flow import order_key

    def key(raw: dict) -> object:
        return order_key(Update.de_json(raw, None))

    in_group = [message_update(7, "/lesson", chat_id=-500), message_update(8, "hi", chat_id=-500)]
    group_message = {"message_id": 1, "date": 0, "chat": {"id": -500, "type": "group"}}
    assert {key(u) for u in in_group} == {key(tap_update(9, group_message, "x"))} == {("tg", -500)}
    assert key(message_update(7, "/start")) == ("tg", 7)  # member 7's private chat: its own
    assert key(poll_answer_update(7, "p1", 0)) == ("tg", "poll:p1")


def test_a_question_goes_as_a_quiz_poll_only_where_it_fits() -> None:
    from bot.events import Poll
    from handlers.telegram.send import quiz_fits

    fits = Poll("Hỏi?", ("Có", "Không"), 0, "Vì vậy.", "tag")
    assert quiz_fits(fits)
    assert not quiz_fits(Poll("x" * 301, ("Có", "Không"), 0, "", "t"))
    assert not quiz_fits(Poll("Hỏi?", ("y" * 101, "Không"), 0, "", "t"))
    assert not quiz_fits(Poll("Hỏi?", ("Có", "Không"), 0, "z" * 201, "t"))
    assert not quiz_fits(Poll("Hỏi?", ("Có", "Không"), 0, "một\nhai\nba\nbốn", "t"))
