"""What the tutor says in reminders (bot/reminders/routes.py), Vietnamese first. Kept with the
feature and put into bot/texts.py's table (`t`) when the feature is imported."""

from __future__ import annotations

from bot.texts import TEXTS

TEXTS.update(
    {
        "remind_ask": {
            "vi": "⏰ Mai nhắc {you} lúc mấy giờ?\n"
            "{You} bấm một giờ bên dưới, hoặc gõ giờ {you} muốn (ví dụ 20:15).",
            "en": "⏰ When shall I remind you tomorrow?\n"
            "Tap a time below, or type the time you like (for example 20:15).",
            "vi_numbered": "⏰ Mai nhắc {you} lúc mấy giờ?\n"
            "{You} gõ số của một dòng bên dưới, hoặc gõ giờ {you} muốn (ví dụ 20:15).",
            "en_numbered": "⏰ When shall I remind you tomorrow?\n"
            "Type the number of a line below, or the time you like (for example 20:15).",
        },
        "btn_remind_morning": {"vi": "🌅 Sáng {time}", "en": "🌅 Morning {time}"},
        "btn_remind_noon": {"vi": "☀️ Trưa {time}", "en": "☀️ Noon {time}"},
        "btn_remind_evening": {"vi": "🌙 Tối {time}", "en": "🌙 Evening {time}"},
        "btn_remind_none": {"vi": "🔕 Không cần nhắc", "en": "🔕 No reminders"},
        "remind_now": {
            "vi": "⏰ Hiện mình nhắc {you} lúc {time} mỗi ngày.",
            "en": "⏰ Right now I remind you at {time} every day.",
        },
        "remind_now_off": {"vi": "🔕 Nhắc nhở đang tắt.", "en": "🔕 Reminders are off."},
        "remind_unavailable": {
            "vi": "⏰ Ở đây mình chưa tự nhắn nhắc học được.\n"
            "Lúc nào rảnh, {you} nhắn «tiếp tục» là học tiếp đúng chỗ cũ nhé.",
            "en": "⏰ I can't send you reminders here yet.\n"
            "Whenever you have a moment, send «continue» to pick up where you left off.",
        },
        "remind_set": {
            "vi": "✅ Mình sẽ nhắc {you} lúc {time} mỗi ngày (trừ hôm {you} đã học rồi).\n"
            "Muốn đổi giờ, {you} gõ /remind nhé.",
            "en": "✅ I'll remind you at {time} every day (not on days you've studied).\n"
            "To change it, send /remind.",
        },
        "remind_off_done": {
            "vi": "🔕 Đã tắt nhắc nhở. Mình sẽ không nhắn nhắc {you} nữa.\n"
            "Muốn bật lại, {you} gõ /remind nhé.",
            "en": "🔕 Reminders are off. I won't send you any.\n"
            "To turn them back on, send /remind.",
        },
        "remind_bad_time": {
            "vi": "Mình chưa hiểu giờ đó. {You} gõ giờ theo dạng 19:30 nhé.",
            "en": "I didn't catch that time. Please type it like 19:30.",
        },
        "remind_quiet": {
            "vi": "🌙 Từ {start} đến {end} mình không nhắn tin, để {you} nghỉ ngơi.\n"
            "{You} chọn giờ khác nhé.",
            "en": "🌙 I send nothing between {start} and {end}, so you can rest.\n"
            "Please choose another time.",
        },
        "btn_remind_settings": {"vi": "⏰ Giờ nhắc học", "en": "⏰ Reminders"},
        "btn_remind_stop": {"vi": "🔕 Tắt nhắc nhở", "en": "🔕 Turn off reminders"},
        "btn_remind_again": {"vi": "⏰ Bật lại nhắc nhở", "en": "⏰ Turn reminders back on"},
        "btn_review_now": {"vi": "🔁 Ôn tập ngay", "en": "🔁 Review now"},
        # The reminders themselves: {n}/{total} is the lesson's place in its topic.
        "remind_daily_1": {
            "vi": "🌱 Chào {you}! Mình học tiếp bài {n}/{total} của «{module}» nhé?\n"
            "Chỉ vài phút thôi ạ.",
            "en": "🌱 Hello! Shall we go on with lesson {n}/{total} of «{module}»?\n"
            "It only takes a few minutes.",
        },
        "remind_daily_2": {
            "vi": "☕ {You} có rảnh vài phút không ạ?\n"
            "Bài {n}/{total} của «{module}» đang chờ {you}.",
            "en": "☕ Got a few minutes?\nLesson {n}/{total} of «{module}» is waiting for you.",
        },
        "remind_daily_3": {
            "vi": "📱 Hôm nay mình học thêm một chút nhé:\nbài {n}/{total} của «{module}», "
            "«{lesson}».",
            "en": "📱 A little more today:\nlesson {n}/{total} of «{module}», «{lesson}».",
        },
        "remind_daily_streak": {
            "vi": "🔥 {You} đã học {streak} ngày liền rồi, giỏi quá!\n"
            "Hôm nay mình học bài {n}/{total} của «{module}» nhé?",
            "en": "🔥 {streak} days in a row, well done!\nLesson {n}/{total} of «{module}» today?",
        },
        "remind_nudge_1": {
            "vi": "👋 {You} đang học dở bài «{lesson}» (bước {step}/{steps}).\n"
            "Bấm «Học tiếp» là vào đúng chỗ cũ nhé.",
            "en": "👋 You are partway through «{lesson}» (step {step}/{steps}).\n"
            "Tap «Continue» to pick up right there.",
        },
        "remind_nudge_2": {
            "vi": "📘 Bài {n}/{total} của «{module}» còn dang dở một chút.\n"
            "Khi nào tiện, mình học nốt nhé {you}.",
            "en": "📘 Lesson {n}/{total} of «{module}» is nearly done.\n"
            "Whenever it suits you, let's finish it.",
        },
        "remind_review_1": {
            "vi": "🔁 Hôm nay có {due} câu ôn lại, chỉ 1–2 phút thôi.\n"
            "Ôn một chút giúp {you} nhớ lâu hơn ạ.",
            "en": "🔁 {due} questions to review today, just a minute or two.\n"
            "A little review helps you remember.",
        },
        "remind_review_2": {
            "vi": "🧠 Mình ôn nhanh {due} câu nhé {you}?\nNhắc lại vài lần là nhớ lâu.",
            "en": "🧠 A quick review of {due} questions?\nGoing over them again makes them stick.",
        },
        "remind_class": {
            "vi": "👋 Lớp học của {you} gửi lời hỏi thăm!\n"
            "Khi nào rảnh, mình học tiếp bài {n}/{total} của «{module}» nhé.\n"
            "Bấm «Học tiếp» hoặc gõ «hoc tiep» là vào đúng chỗ cũ ạ.",
            "en": "👋 Your class says hello!\n"
            "Whenever you have a moment, let's go on with lesson {n}/{total} of «{module}».\n"
            "Tap «Continue» or type «continue» to pick up where you left off.",
        },
        "remind_stop": {
            "vi": "🔕 Mình tạm ngừng nhắc học để không làm phiền {you}.\n"
            "Khi nào muốn mình nhắc lại, {you} gõ /remind hoặc bấm nút bên dưới nhé.\n"
            "Tiến độ của {you} vẫn được giữ nguyên. 🌷",
            "en": "🔕 I'll stop sending reminders, so as not to disturb you.\n"
            "Whenever you'd like them again, send /remind or tap the button below.\n"
            "Your progress is kept. 🌷",
        },
    }
)
