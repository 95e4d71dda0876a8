"""The tutor on Zalo, end to end: the adapter polls (or receives from) a fake Zalo Bot API on
loopback that speaks Zalo's wire format, a learner types as they would in Zalo (numbers for
the numbered choices, or words), and we read what the bot sent."""

from __future__ import annotations

import asyncio
import json

import pytest
from fake_zalo_api import FakeZaloApi, sticker_update, text_update
from learner_scripts import walk_stuck
from redis.asyncio import Redis
from zalo_phone import ZaloPhone

from bot.texts import t
from handlers import CannotServe
from handlers.zalo.adapter import parse_update, updates_in
from handlers.zalo.settings import ZaloSettings
from storage.redis.keys import Keys


async def outbox(redis: Redis, keys: Keys, user: str) -> list[dict[str, str]]:
    return [json.loads(f["e"]) for _, f in await redis.xrange(keys.outbox_of(user))]


@pytest.mark.parametrize("envelope", ["one", "list"])
async def test_a_learner_takes_a_whole_lesson_typing_numbers_and_words_then_is_forgotten(
    start_zalo, zapi: FakeZaloApi, redis: Redis, keys: Keys, envelope: str
) -> None:
    zapi.envelope = envelope  # one update per poll (as Zalo's docs show), or a list
    phone = ZaloPhone(await start_zalo())
    await phone.write("Xin chào")
    welcome = phone.received()[-1].text
    assert "Chào bác Lan! 👋" in phone.screen()
    # No buttons on Zalo Bot: the choices are numbered lines under the question.
    assert "\n\n1. ✅ Đồng ý\n2. ❌ Không đồng ý\n3. 🌐 English" in welcome

    await phone.choose("Đồng ý")  # "1": the first lesson begins at once
    await phone.choose("Tiếp tục")  # the card
    answer = await phone.write("dung roi")  # question one: the choice in words
    assert "✅ Đúng rồi! Giỏi quá." in answer and "Câu hỏi hai?" in answer
    answer = await phone.choose("✔️ Đúng")  # question two: by its number
    assert "👉 Bác chọn: ✔️ Đúng\n\n✅ Đúng rồi! Giỏi quá." in answer  # one message
    assert "🎉 Bác đã học xong bài «Bài một»!\nĐúng 2/2 câu." in answer
    await phone.write("ninh kieu")  # the optional ward, in words, accents left out
    await phone.choose("Bỏ qua")  # the age band
    assert "Cảm ơn bác!" in phone.screen()

    user = "zalo:e4ea2cd5189df1c3a88c"  # a Zalo learner, not a Telegram one
    events = await outbox(redis, keys, user)
    completion = [e for e in events if e["type"] == "completion"]
    assert [(e["lesson"], e["passed"]) for e in completion] == [("l1", "1")]
    assert await redis.exists(keys.learner(user))

    await phone.write("/forget")
    assert t("vi", "forgotten") in await phone.choose("Xóa hết")
    assert not await redis.exists(keys.learner(user))
    # Nothing of the learner is left behind: no key names them.
    assert not [k for k in await redis.keys(f"{keys.prefix}:*") if phone.user_id in str(k)]


async def test_a_number_without_choices_on_screen_is_text(zalo_phone: ZaloPhone) -> None:
    await zalo_phone.onboard()
    # The menu has five choices: a 9 picks none, and the engine says it did not understand.
    assert t("vi", "not_understood", numbered=True) in await zalo_phone.write("9")


async def test_the_sender_name_is_read_from_any_field_copies_of_the_docs_use(
    zalo_bot, zapi: FakeZaloApi
) -> None:
    for n, field in enumerate(("display_name", "first_name", "name")):
        user = f"user{n}"
        await zapi.push(text_update(user, "/start", name=f"Hoa {n}", name_field=field))
        await zalo_bot.settle()
        assert f"Chào bác Hoa {n}! 👋" in zapi.sent_to(user)[0].text


def test_updates_with_number_ids_and_second_dates_are_read_too() -> None:
    update = {
        "event_name": "message.text.received",
        "message": {
            "message_id": 77,
            "date": 1_766_619_597,
            "from": {"id": 123, "first_name": "Lan"},
            "chat": {"id": 123, "chat_type": "PRIVATE"},
            "text": "hi",
        },
    }
    incoming = parse_update(update)
    assert incoming is not None
    assert (incoming.id, incoming.user, incoming.chat, incoming.text) == (
        "77",
        "zalo:123",
        "123",
        "hi",
    )
    # A webhook body wrapped like a getUpdates answer, or a list, is still read.
    assert updates_in({"ok": True, "result": update}) == [update]
    assert updates_in([update, update]) == [update, update]
    assert updates_in({"ok": True, "result": {}}) == []


async def test_a_sticker_gets_a_kind_answer(zalo_phone: ZaloPhone, zapi: FakeZaloApi) -> None:
    await zalo_phone.onboard()
    before = len(zalo_phone.received())
    await zapi.push(sticker_update(zalo_phone.user_id))
    await zalo_phone.bot.settle()
    assert t("vi", "only_text", numbered=True) in zalo_phone.received()[before].text


async def test_a_failed_poll_is_retried_and_nothing_is_lost(
    zalo_phone: ZaloPhone, zapi: FakeZaloApi
) -> None:
    zapi.fail("getUpdates", 502, "Bad Gateway", times=2)
    await zalo_phone.write("/start")
    assert "Chào bác Lan" in zalo_phone.screen()
    assert [c.status for c in zapi.calls if c.method == "getUpdates"] == [502, 502]


async def test_the_same_message_twice_is_answered_once(zalo_bot, zapi: FakeZaloApi) -> None:
    update = text_update("u1", "/start")
    await zapi.push(update, update)  # Zalo delivering it again
    await zalo_bot.settle()
    assert len([c for c in zapi.sent_to("u1") if "Chào bác" in c.text]) == 1


async def test_a_slow_answer_shows_typing(start_zalo, engine, zapi: FakeZaloApi, monkeypatch):
    monkeypatch.setattr("handlers.zalo.adapter.TYPING_AFTER", 0.05)

    async def slow(event):
        await asyncio.sleep(0.3)
        return await engine.handle(event)

    engine_like = type("Slow", (), {"handle": staticmethod(slow)})()
    phone = ZaloPhone(await start_zalo(other=engine_like))
    await phone.write("/start")
    (typing,) = zapi.of("sendChatAction")
    assert typing.params == {"chat_id": phone.user_id, "action": "typing"}
    assert zapi.calls.index(typing) < zapi.calls.index(phone.received()[0])


async def test_a_refused_token_stops_with_one_clear_line(start_zalo, zapi: FakeZaloApi) -> None:
    wrong = ZaloSettings(token="1:" + "x" * 20, base_url=zapi.base_url)
    with pytest.raises(CannotServe, match="Zalo refused the bot token: check ZALO_BOT_TOKEN"):
        await start_zalo(wrong)


async def test_polling_removes_a_webhook_left_from_before(zalo_bot, zapi: FakeZaloApi) -> None:
    assert zapi.of("deleteWebhook")  # getUpdates does not work while one is set


async def test_writing_first_is_off_unless_configured(zalo_settings, engine, redis, keys) -> None:
    from handlers.zalo.adapter import ZaloAdapter

    off = ZaloAdapter(zalo_settings, engine.handle, redis, keys)
    reminding = zalo_settings.model_copy(update={"reminders": True})
    on = ZaloAdapter(reminding, engine.handle, redis, keys)
    assert (off.capabilities.may_send_first, on.capabilities.may_send_first) == (False, True)
    assert not off.capabilities.buttons and off.capabilities.text_max == 2000


async def test_a_class_code_typed_after_start_joins_the_class(zalo_phone: ZaloPhone) -> None:
    # Zalo bots have no link carrying a code: the facilitator tells learners what to send.
    await zalo_phone.write("/start lop-1a")
    await zalo_phone.choose("Đồng ý")
    assert t("vi", "joined_class", code="LOP-1A") in zalo_phone.screen()


async def test_a_group_gets_a_hint_and_no_lesson(zalo_bot, zapi: FakeZaloApi) -> None:
    await zapi.push(text_update("u7", "/start", chat_id="g1", group=True))
    await zapi.push(text_update("u7", "1", chat_id="g1", group=True))
    await zalo_bot.settle()
    sent = zapi.sent_to("g1")
    assert [c.text for c in sent] == [t("vi", "group_hint")]


def hidden_update(user_id: str) -> dict[str, object]:
    """A protected user's message: Zalo sends the event, never the content."""
    update = sticker_update(user_id)
    update["event_name"] = "message.unsupported.received"
    del update["message"]["sticker"]  # type: ignore[attr-defined]
    return update


async def test_a_hidden_message_gets_one_kind_pointer_to_the_oa_or_a_helper(
    start_zalo, zapi: FakeZaloApi
) -> None:
    bot = await start_zalo(oa_link="https://zalo.me/1646843870823903717")
    phone = ZaloPhone(bot, "protected-1")
    await phone.deliver(hidden_update("protected-1"))
    (told,) = phone.received()
    assert "Zalo ẩn tin nhắn của bác" in told.text
    assert "https://zalo.me/1646843870823903717" in told.text
    await phone.deliver(hidden_update("protected-1"))  # again the same day: not repeated
    assert len(phone.received()) == 1


async def test_without_an_oa_a_hidden_message_points_to_a_helper(
    zalo_bot, zapi: FakeZaloApi
) -> None:
    phone = ZaloPhone(zalo_bot, "protected-2")
    await phone.deliver(hidden_update("protected-2"))
    assert "nhờ cán bộ phường hoặc người hướng dẫn" in phone.received()[0].text


async def test_a_stuck_typer_gets_new_words_each_time_and_a_way_on(zalo_phone: ZaloPhone) -> None:
    await zalo_phone.write("xin chao")
    await zalo_phone.choose("Đồng ý")  # the first lesson's card
    await walk_stuck(zalo_phone.write)
