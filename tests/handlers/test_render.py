"""Fitting the engine's replies to a platform: the same words in fewer messages."""

from __future__ import annotations

from bot.events import Button, Media, Reply
from handlers.render import joined

NEXT = ((Button("Tiếp tục ▶️", "n"),),)


def test_feedback_joins_the_answer_it_is_about_and_the_rest_joins_the_next_step() -> None:
    answered = Reply("❓ Câu hỏi?\n👉 Bác chọn: CH Play", replace=True)
    replies = [
        answered,
        Reply("✅ Đúng rồi!"),
        Reply("🎉 Bác đã học xong bài!"),
        Reply("🔁 Câu sai sẽ hỏi lại ngày mai."),
        Reply("Bác muốn làm gì tiếp?", NEXT),
    ]
    edit, menu = joined(replies, 4096)
    assert edit.replace and edit.text == "❓ Câu hỏi?\n👉 Bác chọn: CH Play\n\n✅ Đúng rồi!"
    assert menu.text == (
        "🎉 Bác đã học xong bài!\n\n🔁 Câu sai sẽ hỏi lại ngày mai.\n\nBác muốn làm gì tiếp?"
    )
    assert menu.buttons == NEXT and not menu.replace


def test_nothing_joins_past_the_limit_a_picture_or_a_message_with_its_own_buttons() -> None:
    long = "chữ " * 300  # 1,200 units
    picture = Reply("Hình", media=Media("image", "a.png"))
    replies = [Reply(long), Reply(long), Reply(long), picture, Reply("Chọn", NEXT), Reply("x")]
    out = joined(replies, 2500)
    assert [r.text for r in out] == [f"{long}\n\n{long}", long, "Hình", "Chọn", "x"]
    assert out[2].media is not None and out[3].buttons == NEXT


def test_a_question_to_type_at_keeps_its_own_message_flag_and_words_before_it() -> None:
    ask = Reply("✍️ Bác gõ câu trả lời.", free_text=True)
    out = joined([Reply("✅ Đúng rồi!"), ask], 4096)
    assert len(out) == 1 and out[0].free_text
    assert out[0].text == "✅ Đúng rồi!\n\n✍️ Bác gõ câu trả lời."


def test_a_tap_that_only_took_the_buttons_away_takes_no_words() -> None:
    out = joined([Reply("", replace=True), Reply("Thẻ hai", NEXT)], 4096)
    assert [(r.text, r.replace) for r in out] == [("", True), ("Thẻ hai", False)]
