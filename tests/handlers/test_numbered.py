"""Choices as numbered lines (handlers/numbered.py), shared by the console and Zalo."""

from __future__ import annotations

from bot.events import Button, Reply
from handlers.numbered import Choices, choices_after, numbered, to_event

QUESTION = Reply("Hỏi?", ((Button("Có", "1:a"), Button("Không", "1:b")),))


def test_choices_are_numbered_in_order_and_a_number_picks_one() -> None:
    assert numbered(QUESTION.buttons[0]) == ["1. Có", "2. Không"]
    choices = choices_after([QUESTION], Choices())
    event = to_event(" 2 ", "zalo:u", choices, chat="u", name="Lan")
    assert (event.kind, event.payload, event.chat, event.name) == ("button", "1:b", "u", "Lan")
    assert to_event("3", "zalo:u", choices).kind == "text"  # no third choice


def test_a_question_asking_for_a_typed_answer_takes_a_number_as_the_answer() -> None:
    typed = Reply("Gõ số khẩn cấp?", ((Button("💡 Gợi ý", "h"),),), free_text=True)
    event = to_event("1", "zalo:u", choices_after([typed], Choices()))
    assert (event.kind, event.text) == ("text", "1")


def test_only_the_latest_message_counts_and_a_notice_leaves_the_choices() -> None:
    shown = choices_after([QUESTION], Choices())
    assert choices_after([Reply("Nút cũ rồi.", notice=True)], shown) == shown
    assert choices_after([QUESTION, Reply("Xong.")], Choices()).buttons == ()
    assert choices_after([Reply("", replace=True)], shown).buttons == ()  # taken away
