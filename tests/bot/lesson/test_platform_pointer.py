"""After each finished topic the tutor points to the national platform for the official course
and certificate, and names the bot's one official handle, from config, so learners can tell it
from fakes (issue 11)."""

from __future__ import annotations

from handlers.telegram.spec import TELEGRAM


async def finish_first_topic(chat) -> None:
    await chat.first_question()
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")  # l1 done
    await chat.skip_profile()
    await chat.tap("Bài tiếp theo")
    await chat.tap("Tiếp tục")
    await chat.send("không")  # l2 done: topic m1 complete


async def test_a_finished_topic_points_to_the_national_platform(chat):
    await finish_first_topic(chat)
    assert "hoàn thành chủ đề «Điện thoại»" in chat.text
    assert "binhdanhocvuso.gov.vn" in chat.text and "VNeID" in chat.text
    assert "@" not in chat.text  # no handle configured: none is made up


async def test_the_official_handle_comes_from_config(engine, config, make_chat):
    config.telegram = config.telegram.model_copy(update={"username": "hocso_cantho_bot"})
    engine.reach["tg"] = TELEGRAM.reach(config)  # as hocso/app.py wires it
    chat = make_chat(engine)
    await finish_first_topic(chat)
    assert "@hocso_cantho_bot" in chat.text and "giả" in chat.text


async def test_an_unfinished_topic_does_not_point_yet(chat):
    await chat.first_question()
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")  # one lesson of two
    assert "binhdanhocvuso.gov.vn" not in chat.text
