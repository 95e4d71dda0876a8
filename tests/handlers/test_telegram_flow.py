"""Updates of one learner are handled in order; different learners do not wait for each other.
Long replies are split where a reader expects it."""

from __future__ import annotations

import asyncio

from fake_bot_api import message_update
from telegram import Update

from handlers.telegram_flow import LearnerOrder
from handlers.telegram_send import split_text, units


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


def test_a_group_is_one_conversation_and_a_members_private_chat_another() -> None:
    from fake_bot_api import poll_answer_update, tap_update

    from handlers.telegram_flow import order_key

    def key(raw: dict) -> object:
        return order_key(Update.de_json(raw, None))

    in_group = [message_update(7, "/lesson", chat_id=-500), message_update(8, "hi", chat_id=-500)]
    group_message = {"message_id": 1, "date": 0, "chat": {"id": -500, "type": "group"}}
    assert {key(u) for u in in_group} == {key(tap_update(9, group_message, "x"))} == {("tg", -500)}
    assert key(message_update(7, "/start")) == ("tg", 7)  # member 7's private chat: its own
    assert key(poll_answer_update(7, "p1", 0)) == ("tg", "poll:p1")


def test_a_question_goes_as_a_quiz_poll_only_where_it_fits() -> None:
    from bot.events import Poll
    from handlers.telegram_send import quiz_fits

    fits = Poll("Hỏi?", ("Có", "Không"), 0, "Vì vậy.", "tag")
    assert quiz_fits(fits)
    assert not quiz_fits(Poll("x" * 301, ("Có", "Không"), 0, "", "t"))
    assert not quiz_fits(Poll("Hỏi?", ("y" * 101, "Không"), 0, "", "t"))
    assert not quiz_fits(Poll("Hỏi?", ("Có", "Không"), 0, "z" * 201, "t"))
    assert not quiz_fits(Poll("Hỏi?", ("Có", "Không"), 0, "một\nhai\nba\nbốn", "t"))
