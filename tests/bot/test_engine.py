"""The engine as a learner meets it, against a real Redis."""

from __future__ import annotations

import asyncio
import json

from redis.asyncio import Redis

from bot.events import Event
from bot.features import build_engine
from bot.learner import from_fields
from bot.router import Router
from storage.redis.keys import Keys


def with_lesson(curriculum, lesson_id: str, new=None):
    """The course with one lesson replaced by `new` (None: taken out), as after a deploy."""
    return type(curriculum)(
        tuple(
            type(m)(
                m.info,
                tuple(x for x in (new if x.id == lesson_id else x for x in m.lessons) if x),
                m.folder,
            )
            for m in curriculum.modules
        )
    )


async def outbox(redis: Redis, keys: Keys, user: str) -> list[dict[str, str]]:
    entries = await redis.xrange(keys.outbox_of(user))
    return [json.loads(fields["e"]) for _, fields in entries]


async def test_start_asks_consent_before_keeping_anything(chat, redis, keys):
    await chat.send("/start")
    assert "Chào bác" in chat.text
    assert "/forget" in chat.text  # the privacy notice says how to erase
    assert [b.label for b in chat.buttons][:2] == ["✅ Đồng ý", "❌ Không đồng ý"]
    await chat.tap("Không đồng ý")
    assert "không lưu gì" in chat.text
    assert not await redis.exists(keys.learner(chat.user))
    assert await outbox(redis, keys, chat.user) == []


async def test_after_the_first_lesson_area_and_age_are_asked_and_reported(chat, redis, keys):
    await chat.send("/start")
    await chat.tap("Đồng ý")
    assert "Thẻ một" in chat.text  # the first lesson at once: no language, no ward first
    await chat.tap("Tiếp tục")
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")
    assert "Giúp phường/xã của bác được tính" in chat.text
    await chat.tap("Xem thêm")  # the second page of wards
    await chat.tap("Thốt Nốt")
    await chat.tap("Từ 60")
    assert "Bài tiếp theo" in [b.label for b in chat.buttons][0]
    learner = [e for e in await outbox(redis, keys, chat.user) if e["type"] == "learner"]
    assert learner[-1]["area"] == "thot-not" and learner[-1]["age"] == "60"


async def test_english_learner_sees_english(chat):
    await chat.send("/start")
    await chat.tap("English")
    assert "Do you agree?" in chat.text
    await chat.tap("I agree")  # not asked for a language again
    assert "Lesson one" in chat.text and "Card one" in chat.text


async def test_the_language_comes_from_the_chat_app(chat):
    await chat.event(Event(chat.user, "command", command="start", lang="en-GB"))
    assert "Do you agree?" in chat.text
    await chat.tap("Tiếng Việt")  # changeable right there
    assert "Bác có đồng ý không?" in chat.text


async def test_whole_lesson_scores_and_completes_once(chat, redis, keys):
    await chat.onboard()
    await chat.tap("Học tiếp")
    assert "Bài một" in chat.text and "Thẻ một" in chat.text
    await chat.tap("Tiếp tục")
    assert "Câu hỏi một?" in chat.text
    await chat.tap("Sai bét")
    assert chat.replies[0].replace  # the question's buttons are replaced by the answer
    assert "Chưa đúng" in chat.text and "Gợi ý sai" in chat.text
    assert "Giải thích một" in chat.text and "Đáp án đúng: Đúng rồi" in chat.text
    await chat.tap("Đúng")
    assert "Giải thích hai" in chat.text
    assert "Bác đã học xong bài «Bài một»" in chat.text and "Đúng 1/2" in chat.text
    completions = [e for e in await outbox(redis, keys, chat.user) if e["type"] == "completion"]
    assert len(completions) == 1
    assert completions[0]["lesson"] == "l1" and completions[0]["passed"] == "1"
    assert completions[0]["score"] == "1" and completions[0]["total"] == "2"


async def test_failed_lesson_offers_retry_and_is_not_done(engine, chat):
    await chat.onboard()
    await chat.tap("Chọn chủ đề")
    await chat.tap("Điện thoại")
    await chat.tap("Bài hai")
    await chat.tap("Tiếp tục")
    await chat.send("có")
    assert "Chưa đúng" in chat.text and "Cần 1 câu" in chat.text
    await chat.skip_profile()
    await chat.tap("Học lại")
    assert "Bài hai" in chat.text
    await chat.tap("Tiếp tục")
    await chat.send("  KHONG ")  # case, spaces and diacritics do not matter
    assert "Đúng rồi" in chat.text
    assert not chat.replies[0].replace  # typed: there is no tapped message to edit


async def test_resume_after_restart_of_the_bot(worker, make_chat):
    before = make_chat(worker())
    await before.onboard()
    await before.tap("Học tiếp")
    await before.tap("Tiếp tục")
    await before.tap("Đúng rồi")  # now on question two
    after = make_chat(worker(), user=before.user)  # a new process with a new connection
    await after.send("/continue")
    assert "học tiếp bài «Bài một» chỗ cũ" in after.text and "Câu hỏi hai?" in after.text
    await after.tap("Đúng")
    assert "Đúng 2/2" in after.text  # the answer given before the restart still counts


async def test_double_tap_counts_once(chat, redis, keys):
    await chat.first_question()
    right = chat.button("Đúng rồi").payload
    first = await chat.event(Event(chat.user, "button", payload=right))
    second = await chat.event(Event(chat.user, "button", payload=right))
    assert "Đúng rồi! Giỏi quá" in "\n".join(r.text for r in first)
    assert [r.notice for r in second] == [True]
    assert "đã trả lời câu này rồi" in second[0].text
    answers = [e for e in await outbox(redis, keys, chat.user) if e["type"] == "answer"]
    assert len(answers) == 1


async def test_concurrent_taps_on_two_workers_count_once(worker, make_chat, redis, keys):
    learner = make_chat(worker())
    await learner.onboard()
    await learner.tap("Học tiếp")
    await learner.tap("Tiếp tục")
    tap = Event(learner.user, "button", payload=learner.button("Đúng rồi").payload)
    workers = [worker(), worker()]  # two processes, each with its own connection
    results = await asyncio.gather(*(w.handle(tap) for w in workers for _ in range(5)))
    praised = sum("Giỏi quá" in r.text for replies in results for r in replies)
    assert praised == 1
    answers = [e for e in await outbox(redis, keys, learner.user) if e["type"] == "answer"]
    assert len(answers) == 1
    fields = await redis.hgetall(keys.learner(learner.user))
    assert fields["sc"] == "1" and fields["sp"] == "2"


async def test_unexpected_input_mid_quiz_changes_nothing(chat, redis, keys):
    await chat.first_question()
    before = await redis.hgetall(keys.learner(chat.user))
    await chat.event(Event(chat.user, "other"))  # a sticker
    assert "chưa nghe được" in chat.text and "Câu hỏi một?" in chat.text  # and the step again
    await chat.send("con mèo")  # free text that is no option
    assert "bấm một nút" in chat.text and "Câu hỏi một?" in chat.text  # asked again
    await chat.send("alo")  # a greeting: just the question again
    assert chat.text == "❓ Câu hỏi một?\n(2/3)"
    await chat.event(Event(chat.user, "button", payload="1:a:zzzzzz:1:1"))  # forged
    assert chat.replies[0].notice and "cũ" in chat.text
    await chat.event(Event(chat.user, "button", payload="<script>"))  # not ours at all
    assert chat.replies[0].notice
    await chat.send("/nonsense")
    assert "chưa hiểu" in chat.text
    after = await redis.hgetall(keys.learner(chat.user))
    assert {k: after[k] for k in ("st", "ls", "sp", "at")} == {
        k: before[k] for k in ("st", "ls", "sp", "at")
    }
    await chat.send("đúng rồi")  # typing an option's words answers with it
    assert "Giỏi quá" in chat.text


async def test_button_from_an_old_attempt_is_stale(chat):
    await chat.first_question()
    old_answer = chat.button("Đúng rồi").payload
    await chat.send("/menu")
    await chat.tap("Chọn chủ đề")
    await chat.tap("Điện thoại")
    await chat.tap("Bài một")  # starts the lesson again: a new attempt
    replies = await chat.event(Event(chat.user, "button", payload=old_answer))
    assert replies[0].notice and "Nút này đã cũ" in replies[0].text


async def test_changed_lesson_restarts_without_stranding(chat, engine, curriculum):
    await chat.first_question()
    newer = curriculum.lesson("l1").model_copy(update={"version": 2})
    engine.curriculum = with_lesson(curriculum, "l1", newer)  # new content deployed
    await chat.send("/continue")
    assert "vừa được cập nhật" in chat.text and "Thẻ một" in chat.text


async def test_forget_erases_after_confirmation(chat, redis, keys):
    await chat.onboard()
    await chat.send("/forget")
    assert "không hoàn tác" in chat.text
    await chat.tap("Không, giữ lại")
    assert await redis.exists(keys.learner(chat.user))
    await chat.send("/forget")
    await chat.tap("Xóa hết")
    assert "Đã xóa" in chat.text
    assert not await redis.exists(keys.learner(chat.user))
    assert (await outbox(redis, keys, chat.user))[-1]["type"] == "forget"
    await chat.send("hello")  # a forgotten learner starts over, with consent
    assert "Bác có đồng ý không?" in chat.text


async def test_stop_pauses_and_any_message_resumes(chat, redis, keys):
    await chat.onboard()
    await chat.send("/stop")
    assert "tạm dừng" in chat.text
    assert (await redis.hgetall(keys.learner(chat.user)))["ps"] == "1"
    await chat.send("/start")
    assert "quay lại" in chat.text
    assert "ps" not in await redis.hgetall(keys.learner(chat.user))


async def test_dead_redis_gets_a_kind_message(curriculum, config, keys):
    from bot.features import build_engine
    from storage.redis.state import StateStore

    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    replies = await build_engine(StateStore(dead, keys), curriculum, config).handle(
        Event("tg:5", "command", command="start")
    )
    await dead.aclose()
    assert len(replies) == 1
    assert "thử lại sau" in replies[0].text and "Traceback" not in replies[0].text


async def test_missed_question_comes_back_for_review_next_day(chat, clock, redis, keys):
    await chat.first_question()
    await chat.tap("Sai bét")
    await chat.tap("Đúng")
    assert "hỏi lại vào ngày mai" in chat.text
    await chat.send("/review")
    assert "không có câu nào cần ôn" in chat.text  # not due yet today
    clock.advance(days=1)
    await chat.send("/menu")
    assert "🔁 Ôn tập (1)" in [b.label for b in chat.buttons]
    await chat.tap("Ôn tập")
    assert "Ôn tập nhanh: 1 câu" in chat.text and "Câu hỏi một?" in chat.text
    await chat.tap("Đúng rồi")
    assert "Ôn tập xong: đúng 1/1" in chat.text
    (item,) = from_fields(chat.user, await redis.hgetall(keys.learner(chat.user))).review
    assert (item.key, item.box) == ("l1/q1", 1)  # next review in 3 days
    await chat.send("/progress")
    assert "Chuỗi ngày học: 2 ngày" in chat.text


async def test_progress_counts_lessons_and_modules(chat):
    await chat.first_question()
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")
    await chat.skip_profile()
    await chat.tap("Bài tiếp theo")
    await chat.tap("Tiếp tục")
    await chat.send("không")
    assert "hoàn thành chủ đề «Điện thoại»" in chat.text
    await chat.send("/progress")
    assert "Bài đã học xong: 2/3 (67%)" in chat.text
    assert "Chủ đề đã xong: 1/2" in chat.text
    assert "✅ Điện thoại ⭐: 2/2" in chat.text and "▫️ An toàn: 0/1" in chat.text  # m1 is core


async def test_settings_change_language_and_area(chat, redis, keys):
    await chat.onboard()
    await chat.send("/settings")
    await chat.tap("Ngôn ngữ")
    await chat.tap("English")
    assert "Saved" in chat.text and "Continue" in chat.buttons[0].label
    await chat.send("/settings")
    await chat.tap("Ward")
    await chat.send("Atlantis")
    assert "couldn't find" in chat.text and "Skip" in chat.buttons[-1].label
    await chat.send("cai")  # two wards match: both are offered
    assert [b.label for b in chat.buttons] == [
        "Phường Cái Khế",
        "Phường Cái Răng",
        "Somewhere else",
        "⏭ Skip",
    ]
    await chat.send("phuong cai khe")  # typed, without diacritics
    assert (await redis.hgetall(keys.learner(chat.user)))["ar"] == "cai-khe"


async def test_group_chat_points_to_private_chat(engine):
    replies = await engine.handle(Event("tg:7", "command", command="start", group=True))
    assert "nhắn tin trực tiếp" in replies[0].text
    assert await engine.handle(Event("tg:7", "text", text="hi all", group=True)) == []


async def test_deep_link_class_code_joins_class(chat, redis, keys):
    await chat.send("/start lop-ninh-kieu-01")  # typed by hand, in lower case
    assert "vào lớp LOP-NINH-KIEU-01" in chat.text
    await chat.tap("Đồng ý")
    assert (await redis.hgetall(keys.learner(chat.user)))["cl"] == "LOP-NINH-KIEU-01"


async def test_consent_cannot_be_skipped_and_refusal_leaves_no_trace(chat, redis, keys):
    await chat.send("/start LOP7")
    await chat.send("/stop")  # before consent: nothing is kept
    assert "không lưu gì" in chat.text
    assert not await redis.exists(keys.learner(chat.user))
    await chat.send("/start")
    await chat.send("/forget")
    assert "không lưu gì" in chat.text and not await redis.exists(keys.learner(chat.user))
    await chat.send("/start")
    await chat.tap("Không đồng ý")
    assert await outbox(redis, keys, chat.user) == []


async def test_keeping_data_returns_to_the_step_the_learner_was_on(chat):
    await chat.send("/start")
    await chat.tap("Đồng ý")
    await chat.send("/forget")
    await chat.tap("Không, giữ lại")
    assert "Thẻ một" in chat.text  # back at the card, not past it
    await chat.tap("Tiếp tục")
    await chat.send("/forget")
    await chat.tap("Không, giữ lại")
    assert "Câu hỏi một?" in chat.text  # back in the lesson, at the same question


async def test_a_review_in_the_middle_of_a_lesson_leaves_the_lesson_alone(
    chat, clock, redis, keys
):
    await chat.first_question()
    await chat.tap("Sai bét")
    await chat.tap("Đúng")  # l1 done, q1 to review tomorrow
    await chat.skip_profile()
    await chat.tap("Bài tiếp theo")  # l2: on its card
    await chat.tap("Tiếp tục")  # l2: on its typed question
    clock.advance(days=1)
    await chat.send("/review")
    await chat.tap("Đúng rồi")
    assert "Ôn tập xong: đúng 1/1" in chat.text
    await chat.send("/continue")
    assert "Gõ chữ không" in chat.text  # the lesson goes on where it was
    await chat.send("sai")
    assert "Bác đúng 0/1 câu" in chat.text  # the review's right answer is not the lesson's


async def test_joining_a_class_keeps_the_rest_of_the_profile(chat, redis, keys):
    await chat.first_question()
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")
    await chat.tap("Ninh Kiều")
    await chat.tap("40–59")
    await chat.send("/start lop-a")
    profile = [e for e in await outbox(redis, keys, chat.user) if e["type"] == "learner"][-1]
    assert (profile["class_code"], profile["area"], profile["age"]) == (
        "LOP-A",
        "ninh-kieu",
        "40-59",
    )


async def test_odd_digits_in_a_payload_are_a_stale_button(chat):
    await chat.onboard()
    replies = await chat.event(Event(chat.user, "button", payload="1:pg:²"))
    assert replies[0].notice
    replies = await chat.event(Event(chat.user, "button", payload="1:a:x:0:²"))
    assert replies[0].notice


async def test_typed_text_after_a_lesson_update_shows_the_lesson_once(chat, engine, curriculum):
    await chat.onboard()
    await chat.tap("Học tiếp")
    newer = curriculum.lesson("l1").model_copy(update={"version": 2})
    engine.curriculum = with_lesson(curriculum, "l1", newer)
    await chat.send("xin chào")
    assert chat.text.count("Thẻ một") == 1 and "bấm một nút" not in chat.text


async def test_a_card_shows_its_picture_and_its_voice_and_a_question_its_picture(
    chat, engine, tmp_path
):
    from bot.content.lessons import load_curriculum

    module = tmp_path / "m"
    module.mkdir()
    (module / "module.yaml").write_text("id: m\norder: 1\ntitle: Ảnh\n")
    for name in ("a.png", "b.ogg", "q.png"):
        (module / name).write_bytes(b"x")
    (module / "l.yaml").write_text(
        "id: media\nversion: 1\norder: 1\ntitle: Bài ảnh\nobjectives: [Xem]\nminutes: 1\n"
        "steps:\n"
        "  - {type: card, text: Thẻ có ảnh, image: a.png, audio: b.ogg}\n"
        '  - {type: truefalse, id: q, prompt: "Đúng không?", image: q.png, answer: true,'
        " explanation: Vì vậy}\n",
        encoding="utf-8",
    )
    engine.curriculum = load_curriculum(tmp_path)
    await chat.onboard()
    await chat.tap("Học tiếp")
    media = [(r.media.kind, r.media.path.rsplit("/", 1)[1]) for r in chat.replies if r.media]
    assert media == [("image", "a.png"), ("audio", "b.ogg")]
    assert chat.replies[-1].buttons  # "Continue" rides on the last message
    await chat.tap("Tiếp tục")
    gone, question = chat.replies  # the card's button goes; then one message: the picture,
    assert gone.replace and not gone.text  # the question as its caption, and its buttons
    assert question.media.path.endswith("q.png") and "Đúng không?" in question.media.caption
    assert [b.label for b in chat.buttons] == ["✔️ Đúng", "✖️ Sai"]


async def test_a_review_whose_questions_were_removed_ends_kindly(chat, engine, clock, curriculum):
    await chat.first_question()
    await chat.tap("Sai bét")
    await chat.tap("Đúng")
    clock.advance(days=1)
    await chat.send("/review")
    assert "Câu hỏi một?" in chat.text
    engine.curriculum = with_lesson(curriculum, "l1", None)  # l1 is taken out of the course
    await chat.send("đúng rồi")
    assert "Ôn tập xong" in chat.text and chat.buttons  # back on the menu, not stuck


async def test_a_turn_that_fails_apologises_in_the_learners_language(
    store, curriculum, config, clock, make_chat, redis, keys
):
    broken = Router("broken")

    @broken.command("broken")
    def fail(turn) -> None:
        turn.learner.step = 99  # half-way through, then a bug
        raise RuntimeError("a bug")

    chat = make_chat(build_engine(store, curriculum, config, clock=clock, routers=(broken,)))
    await chat.send("/start")
    await chat.tap("English")
    await chat.tap("I agree")
    before = await redis.hgetall(keys.learner(chat.user))
    await chat.send("/broken")
    assert "Sorry, something went wrong" in chat.text
    assert await redis.hgetall(keys.learner(chat.user)) == before  # nothing half-written
