"""The tutor in Telegram, end to end: python-telegram-bot polls a fake Bot API on loopback,
the learner's phone pushes updates as Telegram would, and we read what the bot sent."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from fake_bot_api import FakeBotApi, blocked_update, message_update, tap_update
from redis.asyncio import Redis

from bot.content.lessons import Curriculum, load_curriculum
from bot.features import build_engine
from bot.texts import t
from handlers import CannotServe
from storage.redis.keys import Keys
from storage.redis.state import StateStore


async def outbox(redis: Redis, keys: Keys, user: str) -> list[dict[str, str]]:
    return [json.loads(f["e"]) for _, f in await redis.xrange(keys.outbox_of(user))]


async def test_a_new_learner_goes_from_start_through_a_passed_lesson(
    phone, api, redis: Redis, keys: Keys
) -> None:
    await phone.onboard()
    assert "Chào bác Lan! 👋" in phone.screen()
    await phone.tap("Học tiếp")
    assert "📘 Bài một" in phone.screen()
    await phone.tap("Tiếp tục")  # the card
    question, _ = phone.message_with("Đúng rồi")
    await phone.tap("Đúng rồi")
    await phone.tap("✔️ Đúng")

    screen = phone.screen()
    assert "🎉 Bác đã học xong bài «Bài một»!\nĐúng 2/2 câu." in screen
    # The answered question shows the choice in place of its buttons: it cannot be re-answered.
    edits = [
        c
        for c in api.of("editMessageText")
        if c.params["message_id"] == str(question["message_id"])
    ]
    assert len(edits) == 1 and "👉 Bác chọn: Đúng rồi" in edits[0].text
    assert "reply_markup" not in edits[0].params
    # Every tap was answered exactly once (no endless spinner), and nothing went out as
    # plain text or unescaped.
    assert all(phone.toast(q) is None for q in phone.query_ids)
    assert {c.params.get("parse_mode") for c in phone.received() if "text" in c.params} == {"HTML"}
    completion = [e for e in await outbox(redis, keys, "tg:1001") if e["type"] == "completion"]
    assert [(e["lesson"], e["passed"]) for e in completion] == [("l1", "1")]


async def test_the_command_menu_is_set_in_vietnamese_and_english(phone, api) -> None:
    calls = api.of("setMyCommands")
    menus = {c.params.get("language_code"): c.params["commands"] for c in calls
             if "scope" not in c.params}  # fmt: skip
    assert set(menus) == {None, "vi", "en"}
    names = ["start", "continue", "progress", "review", "settings", "remind"]
    names += ["certificate", "helper", "help", "stop"]
    assert [c["command"] for c in menus["vi"]] == names
    assert menus["vi"][1]["description"] == "Học tiếp bài đang học"
    assert menus["en"][1]["description"] == "Continue where you left off"
    in_groups = [c.params for c in calls if "scope" in c.params]
    assert [c["command"] for c in in_groups[0]["commands"]] == [
        "lesson", "class_report", "schedule", "stop", "help"
    ]  # fmt: skip
    assert in_groups[0]["commands"][0]["description"] == "Học một bài cùng cả nhóm"


async def test_a_double_tapped_answer_counts_once(phone, api, redis: Redis, keys: Keys) -> None:
    await phone.onboard()
    await phone.tap("Học tiếp")
    await phone.tap("Tiếp tục")
    first, second = await phone.tap("Đúng rồi", times=2)

    assert phone.toast(first) is None
    assert phone.toast(second) == t("vi", "already_answered")
    answers = [e for e in await outbox(redis, keys, "tg:1001") if e["type"] == "answer"]
    assert [(e["question"], e["correct"]) for e in answers] == [("q1", "1")]
    assert phone.screen().count("✅ Đúng rồi! Giỏi quá.") == 1


async def test_a_stale_button_from_an_old_lesson_shows_the_current_step(phone, api) -> None:
    await phone.onboard()
    await phone.tap("Học tiếp")  # lesson one: its first card waits with "Continue"
    old_card, old_data = phone.message_with("Tiếp tục")
    await phone.write("/start")
    await phone.tap("Chọn chủ đề")
    await phone.tap("Điện thoại")
    await phone.tap("Bài hai")  # now lesson two
    assert "📘 Bài hai" in phone.screen()
    before = len(phone.received())

    stale = tap_update(phone.user_id, old_card, old_data)
    await api.push(stale)
    await phone.bot.settle()
    assert phone.toast(stale["callback_query"]["id"]) == t("vi", "stale_button")
    shown = phone.received()[before:]
    # The old keyboard goes away and lesson two's card comes again, with a button that works.
    assert [c.method for c in shown] == ["sendMessage", "editMessageReplyMarkup"]
    assert "Thẻ hai" in shown[0].text and shown[1].params["message_id"] == str(
        old_card["message_id"]
    )
    await phone.tap("Tiếp tục")  # lesson two's card still works
    assert "Gõ chữ không" in phone.screen()


async def test_a_flood_limit_answer_is_waited_out_and_the_message_still_arrives(
    phone, api
) -> None:
    api.fail("sendMessage", 429, retry_after=1)
    await phone.write("/start")
    welcome = [c for c in api.calls if c.method == "sendMessage" and "Chào bác" in c.text]
    assert [c.status for c in welcome] == [429, 200]  # retried once, not lost, not doubled


async def test_network_errors_are_retried_with_back_off(phone, api) -> None:
    api.fail("sendMessage", 502, times=2)
    await phone.write("/start")
    welcome = [c for c in api.calls if c.method == "sendMessage" and "Chào bác" in c.text]
    assert [c.status for c in welcome] == [502, 502, 200]


def picture_course(root: Path) -> Curriculum:
    """A one-lesson course: a card with a picture, then a question."""
    module = root / "m"
    module.mkdir()
    (module / "module.yaml").write_text("id: m\norder: 1\ntitle: { vi: Ảnh }\n")
    (module / "bieu-tuong.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    (module / "l.yaml").write_text(
        "id: anh\nversion: 1\norder: 1\ntitle: { vi: Bài ảnh }\n"
        "objectives: [{ vi: Xem ảnh }]\nminutes: 1\nsources: [test]\nsteps:\n"
        "  - type: card\n    text: { vi: Đây là biểu tượng }\n    image: bieu-tuong.png\n"
        "    image_alt: { vi: Một biểu tượng }\n"
        "  - type: truefalse\n    id: q\n    prompt: { vi: Thấy rồi }\n    answer: true\n"
        "    explanation: { vi: Vậy đó }\n"
    )
    return load_curriculum(root)


async def test_a_message_answered_late_is_not_sent_twice(phone, api) -> None:
    api.answer_late("sendMessage", 1.5)  # delivered, but Telegram answers after our timeout
    await phone.write("/start")
    await asyncio.sleep(1.0)  # anything still to come would have been retried by now
    welcome = [c for c in api.calls if c.method == "sendMessage" and "Chào bác" in c.text]
    assert len(welcome) == 1


async def test_a_refused_picture_still_leaves_the_words_and_the_button(
    phone, api, engine, tmp_path
) -> None:
    engine.curriculum = picture_course(tmp_path)
    await phone.onboard()
    api.fail("sendPhoto", 400, description="Bad Request: PHOTO_INVALID_DIMENSIONS")
    await phone.tap("Học tiếp")
    assert "Đây là biểu tượng" in phone.screen()  # the card's words came as text
    await phone.tap("Tiếp tục")  # and its button works
    assert "Thấy rồi" in phone.screen()


async def test_a_learner_who_blocked_the_bot_is_marked_inactive(
    phone, api, redis: Redis, keys: Keys
) -> None:
    await phone.onboard()
    api.fail("sendMessage", 403)
    sent = len(api.calls)
    await phone.write("/progress")
    tried = [c.method for c in api.calls[sent:]]
    assert tried == ["sendMessage"]  # after the 403, nothing more is attempted
    assert (await redis.hgetall(keys.learner("tg:1001")))["ia"] == "1"
    assert [e["type"] for e in await outbox(redis, keys, "tg:1001")].count("inactive") == 1

    await phone.write("/continue")  # they unblocked and wrote again
    assert "ia" not in await redis.hgetall(keys.learner("tg:1001"))
    assert "📘 Bài một" in phone.screen()


async def test_blocking_seen_as_a_member_update_marks_inactive(
    phone, api, redis: Redis, keys: Keys
) -> None:
    await phone.onboard()
    await api.push(blocked_update(phone.user_id))
    await phone.bot.settle()
    assert (await redis.hgetall(keys.learner("tg:1001")))["ia"] == "1"


async def test_html_in_a_learners_name_is_escaped(bot, api, make_phone) -> None:
    phone = make_phone(bot, user_id=2002, first_name="<b>Tư</b> & <a href='x'>")
    await phone.write("/start")
    welcome = phone.received()[0]
    assert welcome.params["parse_mode"] == "HTML"
    assert welcome.text.startswith("Chào bác &lt;b&gt;Tư&lt;/b&gt; &amp; &lt;a href='x'&gt;!")


async def test_a_repeated_update_is_processed_once(phone, api) -> None:
    update = await phone.write("/start")
    await api.push(update)  # Telegram delivers it again
    await phone.bot.settle()
    assert phone.screen().count("Chào bác Lan") == 1


async def test_a_second_bot_on_the_same_redis_and_prefix_is_not_skipped(
    phone, start_bot, tg_config, make_phone
) -> None:
    first = await phone.write("/start")
    other_api = FakeBotApi()
    await other_api.start()
    try:
        token = "654321:" + "B" * 35  # another bot: its update ids are counted apart
        settings = tg_config.telegram.model_copy(
            update={"token": token, "base_url": other_api.base_url}
        )
        other = make_phone(await start_bot(settings=settings, on=other_api), user_id=2001)
        update = message_update(other.user_id, "/start", other.first_name)
        update["update_id"] = first["update_id"]  # the same id the first bot has seen
        await other_api.push(update)
        await other.bot.settle()
        assert "Chào bác Lan" in other.screen()
        await other.bot.stop()
    finally:
        await other_api.close()


async def test_polling_runs_an_update_its_dead_predecessor_held(phone, api, redis: Redis) -> None:
    update = message_update(phone.user_id, "/start", phone.first_name)
    key = phone.bot.adapter.dedupe.key(update["update_id"], f"tg:{phone.user_id}")
    await redis.set(key, "busy", ex=60)  # the bot died while on it, then restarted
    await api.push(update)
    await phone.bot.settle()
    assert phone.screen().count("Chào bác Lan") == 1
    assert (await redis.get(key))[:4] in (b"done", "done")  # (keeping the welcome after)


async def test_what_we_do_not_handle_gets_a_kind_answer_or_silence(phone, api) -> None:
    await phone.onboard()
    before = len(phone.received())
    await phone.write(
        sticker={
            "file_id": "s",
            "file_unique_id": "s",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
    )
    # One message: the kind word, then where the learner was.
    assert phone.received()[before].text == f"{t('vi', 'only_text')}\n\n{t('vi', 'menu')}"
    await phone.write(
        "Xem tin này",
        forward_origin={"type": "hidden_user", "date": 1, "sender_user_name": "Ai đó"},
    )
    assert phone.received()[before + 1].text.startswith(t("vi", "only_text"))
    quiet = len(phone.received())
    edited = message_update(phone.user_id, "sửa lại")
    edited["edited_message"] = edited.pop("message")
    post = message_update(-100777, "tin kênh")
    post["channel_post"] = post.pop("message")
    post["channel_post"]["chat"] = {"id": -100777, "type": "channel", "title": "Kênh"}
    del post["channel_post"]["from"]
    await api.push(edited, post)
    await phone.write(new_chat_members=[{"id": 5, "is_bot": False, "first_name": "Ba"}])
    assert len(phone.received()) == quiet  # silence: replying would be noise
    await phone.write("/progress")  # and nothing broke
    assert phone.received()[quiet].text.startswith("📊 Tiến độ của bác")


async def test_a_group_gets_a_hint_and_ignores_commands_for_other_bots(bot, api) -> None:
    group = -300
    await api.push(message_update(7, "/start@other_bot", chat_id=group))
    await api.push(message_update(7, "/start@hocso_test_bot", chat_id=group))
    await bot.settle()
    sent = [c for c in api.of("sendMessage") if c.params["chat_id"] == str(group)]
    assert [c.text for c in sent] == [t("vi", "group_help")]


async def test_a_group_that_became_a_supergroup_is_answered_at_its_new_id(bot, api) -> None:
    api.fail("sendMessage", 400, migrate_to_chat_id=-100300)
    await api.push(message_update(7, "/help", chat_id=-300))
    await bot.settle()
    sent = api.of("sendMessage")
    assert [c.params["chat_id"] for c in sent] == ["-100300"]


async def test_deep_link_joins_the_learner_to_a_class(phone, redis, keys) -> None:
    await phone.write("/start lop-7A")  # t.me/<bot>?start=lop-7A opens the chat like this
    assert "👥 Bác đã vào lớp LOP-7A." in phone.screen()  # codes are not case-sensitive
    await phone.tap("Đồng ý")
    assert (await redis.hgetall(keys.learner("tg:1001")))["cl"] == "LOP-7A"


async def test_a_lesson_picture_is_uploaded_once_then_sent_by_file_id(
    tmp_path: Path, tg_config, start_bot, make_phone, api, store: StateStore, clock
) -> None:
    curriculum = picture_course(tmp_path)
    bot = await start_bot(build_engine(store, curriculum, tg_config, clock=clock))
    for user_id in (11, 12):
        learner = make_phone(bot, user_id=user_id)
        await learner.write("/start")
        await learner.tap("Đồng ý")  # the first lesson begins: its card has the picture

    photos = api.of("sendPhoto")
    assert len(photos) == 2
    assert photos[0].files == {"photo": "bieu-tuong.png"}  # uploaded the first time
    first = next(m for m in api.messages.values() if "photo" in m)
    assert photos[1].files == {}  # then sent by the id Telegram gave the first upload
    assert photos[1].params["photo"] == first["photo"][-1]["file_id"]
    assert photos[1].text.startswith("Đây là biểu tượng")  # the card's text is the caption
    assert [b["text"] for b in photos[1].buttons] == ["Tiếp tục ▶️"]


async def test_a_file_swapped_for_a_link_outside_the_lessons_is_never_uploaded(
    tmp_path: Path, tg_config, start_bot, make_phone, api, store: StateStore, clock
) -> None:
    (tmp_path / "lessons").mkdir()
    curriculum = picture_course(tmp_path / "lessons")  # checked and loaded while still safe
    picture = tmp_path / "lessons" / "m" / "bieu-tuong.png"
    picture.unlink()
    picture.symlink_to("/etc/passwd")
    engine = build_engine(store, curriculum, tg_config, clock=clock)
    bot = await start_bot(engine, media_roots=(tmp_path / "lessons",))
    learner = make_phone(bot)
    await learner.write("/start")
    await learner.tap("Đồng ý")
    assert api.of("sendPhoto") == []  # /etc/passwd never leaves the machine
    assert "Đây là biểu tượng" in learner.screen()  # the card's words still arrive
    card = next(c for c in api.of("sendMessage") if "Đây là biểu tượng" in c.text)
    assert [b["text"] for b in card.buttons] == ["Tiếp tục ▶️"]  # and its button


async def test_a_certificate_picture_is_uploaded_then_deleted(
    tmp_path: Path, tg_config, start_bot, make_phone, api, store, clock, curriculum, make_player
) -> None:
    tg_config.data_dir = tmp_path
    engine = build_engine(store, curriculum, tg_config, clock=clock)
    player = make_player(engine, curriculum)
    await player.onboard("tg:1001")
    await player.everything("tg:1001")  # asked which name to print
    bot = await start_bot(engine, media_roots=(tmp_path,))
    learner = make_phone(bot)
    await learner.write("/certificate")
    await learner.tap("Không in tên")
    photos = api.of("sendPhoto")
    assert len(photos) == 1 and photos[0].files  # uploaded, never sent by a cached id
    assert not list(tmp_path.glob("certificates/*"))  # no worker keeps the picture


async def test_a_rejected_token_stops_with_a_clear_error(make_adapter, api) -> None:
    api.fail("getMe", 401)
    with pytest.raises(CannotServe, match="refused the bot token"):
        await asyncio.wait_for(make_adapter().serve(asyncio.Event()), 10)
