"""Issue 10, in the learner's words: whoever taps, types or sends a voice note always gets to
the next step."""

from __future__ import annotations

from bot.events import Event


async def typed_question(chat) -> None:
    """Onboarded, in lesson two (Bài hai), at its typed question."""
    await chat.onboard()
    await chat.send("/menu")
    await chat.tap("Chọn chủ đề")
    await chat.tap("Điện thoại")
    await chat.tap("Bài hai")
    await chat.tap("Tiếp tục")
    assert "Gõ chữ không" in chat.text


async def test_a_typed_question_has_a_hint_and_an_i_dont_know_button(chat, redis, keys):
    await typed_question(chat)
    assert [b.label for b in chat.buttons] == ["💡 Gợi ý", "🤷 Không biết"]
    await chat.tap("Gợi ý")
    assert "đáp án có dạng «k____»" in chat.text  # the first letter, then one mark a letter
    # Two buttons in the same places (more hints to come): typed as numbers ("1", "2") they
    # mean what the screen shows.
    assert [b.label for b in chat.buttons] == ["💡 Gợi ý thêm", "🤷 Không biết"]
    await chat.send("2")  # "🤷 Không biết", the second line on a numbered screen
    assert "Đáp án đúng: không" in chat.text and "Giải thích ba" in chat.text
    assert "Bác đúng 0/1 câu" in chat.text  # counted as missed; the lesson goes on to its end


async def test_words_that_ask_to_move_on_are_never_graded(chat):
    await typed_question(chat)
    for words in ("tiếp tục", "next", "Tiep"):
        await chat.send(words)
        assert "Chưa đúng" not in chat.text
        assert "Gõ chữ không" in chat.text and "Không biết" in chat.text
    await chat.send("gợi ý")
    assert "Gợi ý:" in chat.text
    await chat.send("cho gợi ý đi")  # asked in other words: a hint, never a wrong answer
    assert "Gợi ý" in chat.text and "Chưa đúng" not in chat.text
    await chat.send("bỏ qua")
    assert "Đáp án đúng: không" in chat.text and "Chưa đúng" not in chat.text


async def test_an_old_keyboard_answers_with_the_current_step(chat):
    await chat.onboard()
    await chat.tap("Học tiếp")
    old_next = chat.button("Tiếp tục").payload
    await chat.tap("Tiếp tục")  # on question one now
    replies = await chat.event(Event(chat.user, "button", payload=old_next))
    assert "đã trả lời" in replies[0].text  # a double tap: just a note
    await chat.send("/menu")
    await chat.tap("Chọn chủ đề")
    await chat.tap("Điện thoại")
    await chat.tap("Bài một")  # a new attempt: the old buttons belong to the last one
    await chat.tap("Tiếp tục")
    replies = await chat.event(Event(chat.user, "button", payload=old_next))
    assert replies[0].notice and "cũ" in replies[0].text
    assert "Câu hỏi một?" in chat.text and "Đúng rồi" in [b.label for b in chat.buttons]


async def test_typing_what_a_button_says_works_at_every_step(chat, redis, keys):
    await chat.send("/start")
    await chat.send("toi muon hoc")  # not understood: one short line and the buttons
    assert "Bác có đồng ý không?" not in chat.text and "«✅ Đồng ý»" in chat.text
    assert [b.label for b in chat.buttons][:2] == ["✅ Đồng ý", "❌ Không đồng ý"]
    await chat.send("Vâng")
    assert (await redis.hgetall(keys.learner(chat.user))).get("ct")  # consent is kept


async def test_a_clear_part_of_a_label_or_its_number_picks_it(chat):
    await chat.onboard()
    await chat.send("/menu")
    await chat.send("chon chu de")
    assert "Bác chọn một chủ đề" in chat.text
    await chat.send("dien thoai")  # "1. Điện thoại (0/2)"
    assert "Bác chọn một bài" in chat.text
    await chat.send("2")  # the second lesson
    assert "📘 Bài hai" in chat.text
    await chat.send("tiếp")  # on a card
    assert "Gõ chữ không" in chat.text


async def test_common_words_work_everywhere(chat):
    await chat.onboard()
    await chat.send("menu")
    assert "Bác muốn làm gì tiếp?" in chat.text
    await chat.send("ok")  # "▶️ Học tiếp"
    assert "Thẻ một" in chat.text
    await chat.send("tiếp tục")
    await chat.send("?")  # the step again, as it is
    assert chat.text.startswith("❓ Câu hỏi một?")
    await chat.send("dung roi")  # an option, without accents
    assert "Giỏi quá" in chat.text
    await chat.send("có")  # true
    assert "Bác đã học xong bài «Bài một»" in chat.text
    await chat.send("quay lại")
    assert "Bác muốn làm gì tiếp?" in chat.text


def test_typed_answers_forgive_accents_spacing_and_small_typos():
    from bot.lesson.grading import is_accepted

    assert is_accepted("cua hang play", ["CH Play", "Cửa hàng Play"])  # a listed variant
    assert is_accepted("chplay", ["CH Play"]) and is_accepted("Wi fi!", ["Wi-Fi"])
    assert is_accepted("goolge play", ["Google Play"])  # one slip in a longer answer
    assert is_accepted("cap nhap", ["cập nhật"])
    assert not is_accepted("13", ["12"]) and not is_accepted("sai", ["say"])  # short: exact
    assert not is_accepted("app store", ["CH Play"])


async def test_a_typed_answer_with_a_slip_is_right(chat):
    await typed_question(chat)
    await chat.send("Khongg")
    assert "Đúng rồi" in chat.text


async def test_a_retry_re_teaches_and_re_asks_only_what_was_missed(chat, engine, retry_course):
    engine.curriculum = retry_course
    await chat.onboard()
    await chat.send("/continue")
    assert "Thẻ A" in chat.text and "Thẻ C" in chat.text and "(1–3/6)" in chat.text
    await chat.tap("Tiếp tục")  # three short cards came in one message: one tap
    first_order = [b.label for b in chat.buttons]
    await chat.tap("Bluetooth")  # missed
    await chat.tap("Đúng")
    await chat.send("mat khau")
    assert "Bác đúng 2/3 câu" in chat.text
    await chat.skip_profile()

    await chat.tap("Học lại bài này")
    assert "Thẻ B" in chat.text and "Thẻ A" not in chat.text  # only the card behind it
    await chat.send("tiếp")
    assert "Cái gì tính tiền" in chat.text and "(2/2)" in chat.text  # only the missed one
    assert sorted(b.label for b in chat.buttons) == sorted(first_order)
    assert [b.label for b in chat.buttons] != first_order  # its options in a new order
    await chat.send("du lieu di dong")  # a clear part of "Dữ liệu di động (4G)"
    assert "Bác đã học xong bài «Wi-Fi và dữ liệu»" in chat.text and "Đúng 3/3" in chat.text


async def test_three_failures_offer_another_lesson_kindly(chat):
    await chat.onboard()
    await chat.send("/menu")
    for attempt in range(3):
        if attempt == 0:
            await chat.tap("Chọn chủ đề")
            await chat.tap("Điện thoại")
            await chat.tap("Bài hai")
        else:
            await chat.tap("Học lại")
        await chat.tap("Tiếp tục")
        await chat.send("có")  # wrong: the answer is "không"
        if attempt == 0:
            await chat.send("bỏ qua")  # the ward, then the age: optional
            await chat.send("skip")
    assert "học bài khác rồi quay lại" in chat.text and "Chưa đúng" in chat.text
    await chat.tap("Học bài khác")
    assert "📘 Bài một" in chat.text


async def test_a_learner_back_after_days_is_told_where_they_are(chat, clock):
    await chat.first_question()
    clock.advance(days=4)
    await chat.send("alo")
    assert "Chào mừng bác quay lại! 😊\nBác đang ở bài 1.1 – Bài một." in chat.text
    assert "Câu hỏi một?" in chat.text  # and the step they were on, with its buttons
    clock.advance(days=3)
    await chat.send("/start")
    assert chat.text.count("quay lại") == 1 and "bài 1.1 – Bài một" in chat.text


async def test_streaks_are_kind_a_rest_day_earned_by_studying_covers_a_missed_day(chat, clock):
    await chat.first_question()
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")  # lesson passed: a rest day earned
    await chat.send("/progress")
    assert "Chuỗi ngày học: 1 ngày (🛡 còn 1 ngày nghỉ giữ chuỗi)" in chat.text
    clock.advance(days=2)  # a day missed
    await chat.send("/continue")
    await chat.tap("Tiếp tục")
    await chat.send("không")
    assert "nghỉ 1 ngày mà chuỗi ngày học vẫn giữ: 2 ngày" in chat.text
    clock.advance(days=5)
    await chat.send("/progress")
    assert "hôm nay học một câu là bắt đầu chuỗi mới" in chat.text and "0 ngày" not in chat.text


async def test_a_voice_note_mid_question_gets_a_kind_word_and_the_question_again(chat):
    await chat.first_question()
    await chat.event(Event(chat.user, "other"))  # a voice note
    assert "chưa nghe được tin nhắn thoại" in chat.text
    assert "Câu hỏi một?" in chat.text and "Đúng rồi" in [b.label for b in chat.buttons]
    await chat.tap("Đúng rồi")  # and the question still works
    assert "Giỏi quá" in chat.text


async def test_the_ward_step_after_the_first_lesson_is_short_and_forgiving(chat, redis, keys):
    await chat.first_question()
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")
    await chat.send("Ninh Kiu")  # a typo: the closest wards come as buttons
    assert "Có phải một trong các nơi này không?" in chat.text
    assert chat.buttons[0].label == "Phường Ninh Kiều" and "Bỏ qua" in chat.buttons[-1].label
    await chat.send("1")
    await chat.send("skip")  # the age, in English words
    assert "Bài tiếp theo" in chat.buttons[0].label
    profile = await redis.hgetall(keys.learner(chat.user))
    assert profile["ar"] == "ninh-kieu" and "ag" not in profile


async def test_the_optional_step_can_be_left_with_any_command(chat):
    await chat.first_question()
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")
    await chat.send("/progress")  # not a question that holds the learner
    assert "Tiến độ của bác" in chat.text
    await chat.send("/continue")
    assert "Bài hai" in chat.text  # and it is not asked again


def test_short_cards_share_a_message_and_authors_can_join_longer_ones():
    from bot.content.lessons import Lesson
    from bot.content.plan import card_group

    def lesson(*cards: dict) -> Lesson:
        question = {"type": "truefalse", "id": "q", "prompt": "Đúng?", "answer": True}
        steps = [{"type": "card", **c} for c in cards] + [{**question, "explanation": "Vì."}]
        return Lesson.model_validate(
            {"id": "x", "version": 1, "order": 1, "title": "X", "objectives": ["Y"],
             "minutes": 1, "steps": steps}
        )  # fmt: skip

    short, long = "ngắn " * 20, "dài " * 150
    assert card_group(lesson({"text": short}, {"text": short}), [0, 1, 2], 0) == 2
    assert card_group(lesson({"text": long}, {"text": short}), [0, 1, 2], 0) == 1
    assert card_group(lesson({"text": long}, {"text": long, "join": True}), [0, 1, 2], 0) == 2
    with_picture = lesson({"text": short}, {"text": short, "image": "a.png"})
    assert card_group(with_picture, [0, 1, 2], 0) == 1


async def test_joining_a_class_names_the_class_and_its_facilitator(
    store, curriculum, config, database, make_chat
):
    from functools import partial

    from bot.features import build_engine
    from storage.sql.classes import find_class, save_class

    await save_class(database, "XOM-RACH-GUA", "Lớp Xóm Rạch Gừa", facilitator="Cô Tư")
    engine = build_engine(store, curriculum, config, classes=partial(find_class, database))
    chat = make_chat(engine)
    await chat.send("/start xom-rach-gua")
    assert "Bác đã vào lớp «Lớp Xóm Rạch Gừa» (mã XOM-RACH-GUA)." in chat.text
    assert "Người hướng dẫn: Cô Tư" in chat.text
    other = make_chat(engine, user="tg:77")
    await other.send("/start LOP-LA")  # not registered: the code alone
    assert "Bác đã vào lớp LOP-LA." in other.text


async def test_a_young_learner_is_called_ban_and_an_older_one_bac(chat):
    await chat.first_question()  # the age is not known yet: "bác"
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")
    assert "Giúp phường/xã của bác được tính" in chat.text
    await chat.tap("Bỏ qua")
    await chat.send("19 tuổi")
    assert "Cảm ơn bạn!" in chat.text and "Bạn muốn làm gì tiếp?" in chat.text
    await chat.send("/settings")
    await chat.tap("Độ tuổi")
    await chat.tap("Từ 60")
    assert "Bác muốn làm gì tiếp?" in chat.text


def test_the_tutors_texts_hold_no_address_word():
    import re

    from bot.texts import TEXTS

    words = re.compile(r"\b(bác|bạn|anh|chị|cô|chú|ông|bà|em)\b", re.IGNORECASE)
    found = {key: e["vi"] for key, e in TEXTS.items() if words.search(e["vi"])}
    assert found == {}, "write {you} or {You} instead"


async def test_at_a_typed_question_menu_and_alo_are_not_answers(chat):
    await typed_question(chat)
    await chat.send("alo")
    assert chat.text.startswith("❓ Gõ chữ không") and "Chưa đúng" not in chat.text
    await chat.send("Menu")
    assert "Bác muốn làm gì tiếp?" in chat.text


async def test_where_choices_are_numbered_lines_the_words_say_type_not_tap(engine):
    """On Zalo and the console there is no button to tap: the tutor asks for the number."""
    for numbered, asked in ((False, "bấm «✅ Đồng ý»"), (True, "gõ 1 hoặc «đồng ý»")):
        user = f"zalo:{int(numbered)}"
        await engine.handle(Event(user, "command", command="start", numbered=numbered))
        [reply] = await engine.handle(Event(user, "text", text="xin chao", numbered=numbered))
        assert asked in reply.text and ("bấm" in reply.text) is not numbered


async def test_the_reminder_question_asks_a_typer_for_the_number(chat):
    await chat.onboard()
    for numbered in (False, True):
        [reply] = await chat.event(
            Event(chat.user, "command", command="remind", numbered=numbered)
        )
        assert ("bấm" in reply.text) is not numbered and ("gõ số" in reply.text) is numbered
        assert [b.label for b in chat.buttons][-1] == "🔕 Không cần nhắc"  # the same choices


async def test_a_registered_class_code_typed_alone_joins_the_class_at_any_step(
    store, curriculum, config, database, make_chat
):
    """Zalo's OA links cannot carry a class code: learners type it, when they like."""
    from functools import partial

    from bot.features import build_engine
    from storage.sql.classes import find_class, save_class

    await save_class(database, "XOM-RACH-GUA", "Lớp Xóm Rạch Gừa", facilitator="Cô Tư")
    engine = build_engine(store, curriculum, config, classes=partial(find_class, database))
    chat = make_chat(engine, user="zoa:5510185758261927916")
    await chat.send("xom-rach-gua")  # the very first message
    assert "Bác đã vào lớp «Lớp Xóm Rạch Gừa» (mã XOM-RACH-GUA)." in chat.text
    assert "Bác có đồng ý không?" in chat.text  # and the welcome goes on
    later = make_chat(engine, user="zoa:42")
    await later.first_question()  # mid-lesson
    await later.send("XOM-RACH-GUA")
    assert "Bác đã vào lớp «Lớp Xóm Rạch Gừa»" in later.text
    assert later.buttons  # a way on: the menu, with the lesson to continue
    await later.send("LOP-9Z")  # not registered: an ordinary (not understood) answer
    assert "Bác đã vào lớp" not in later.text


async def test_a_learner_not_understood_twice_is_not_told_the_same_words_again(chat, engine):
    """Repeating the same line to a stuck learner is a dead end too: the second miss in a row
    says what to type and who can help, the answers stay on screen, and the wordings take
    turns; anything understood in between starts over."""
    await chat.onboard()
    await chat.send("ok")  # "▶️ Học tiếp": the first card
    await chat.send("tiếp tục")  # question one, a choice question
    said = []
    for _ in range(3):
        await chat.send("xyz abc")
        said.append(chat.replies[0].text)
        assert "Câu hỏi một?" in chat.text and "Đúng rồi" in [b.label for b in chat.buttons]
    assert said[0] != said[1] and said[1] != said[2]
    assert "Mình chưa hiểu ý bác" in said[0]
    assert "Tổ công nghệ số" in said[1] and "«menu»" in said[1] and "bấm" in said[1]
    await chat.send("?")  # understood (the step again): the count starts over
    await chat.send("xyz abc")
    assert chat.replies[0].text == said[0]

    # Where choices are numbered lines (Zalo, the console), the words say to type a number.
    user = "zalo:7"
    await engine.handle(Event(user, "command", command="start", numbered=True))
    await engine.handle(Event(user, "text", text="1", numbered=True))  # "✅ Đồng ý"
    await engine.handle(Event(user, "text", text="xyz", numbered=True))
    again = await engine.handle(Event(user, "text", text="xyz", numbered=True))
    assert "gõ số 1, 2" in again[0].text and "bấm" not in again[0].text


async def test_asking_for_a_hint_on_a_choice_question_says_to_just_pick_one(chat):
    """Choice questions have no hint button: "goi y" typed there is answered, not missed;
    on a card it says how to move on."""
    await chat.onboard()
    await chat.send("ok")  # the first card
    await chat.send("goi y")
    assert "chọn một nút bên dưới" in chat.text and "Câu này" not in chat.text
    assert "Thẻ một" in chat.text and "Tiếp tục" in chat.buttons[0].label
    await chat.send("tiếp tục")  # question one, a choice question
    for words in ("goi y", "gợi ý", "💡 Gợi ý!"):
        await chat.send(words)
        assert "Câu này không có gợi ý" in chat.text and "chưa hiểu" not in chat.text
        assert chat.text.count("Câu hỏi một?") == 1 and "Đúng rồi" in [
            b.label for b in chat.buttons
        ]
    await chat.send("menu")
    await chat.send("goi y")  # on the menu: what can be typed there
    assert "gõ chữ trên nút" in chat.text and "Bác muốn làm gì tiếp?" in chat.text
