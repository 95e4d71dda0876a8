"""What the tutor says in the menu (bot/menu/routes.py), Vietnamese first. Kept with the
feature and put into bot/texts.py's table (`t`) when the feature is imported."""

from __future__ import annotations

from bot.texts import TEXTS

TEXTS.update(
    {
        "where_now": {
            "vi": "{You} đang ở bài {number} – {title}.",
            "en": "You are on lesson {number} – {title}.",
        },
        "where_next": {
            "vi": "Bài tiếp theo của {you}: {number} – {title}.",
            "en": "Your next lesson: {number} – {title}.",
        },
        "streak_days": {"vi": "{n} ngày", "en": "{n} days"},
        "streak_start": {
            "vi": "hôm nay học một câu là bắt đầu chuỗi mới",
            "en": "answer one question today to start a new one",
        },
        "streak_rest": {
            "vi": "(🛡 còn {n} ngày nghỉ giữ chuỗi)",
            "en": "(🛡 {n} rest days to keep it)",
        },
        "btn_modules": {"vi": "📚 Chọn chủ đề", "en": "📚 Choose a topic"},
        "btn_progress": {"vi": "📊 Tiến độ", "en": "📊 My progress"},
        "btn_review": {"vi": "🔁 Ôn tập ({n})", "en": "🔁 Review ({n})"},
        "btn_settings": {"vi": "⚙️ Cài đặt", "en": "⚙️ Settings"},
        "btn_help": {"vi": "❓ Trợ giúp", "en": "❓ Help"},
        "btn_menu": {"vi": "🏠 Về menu", "en": "🏠 Menu"},
        "btn_retry": {"vi": "🔄 Học lại bài này", "en": "🔄 Try this lesson again"},
        "btn_next_lesson": {"vi": "▶️ Bài tiếp theo", "en": "▶️ Next lesson"},
        "choose_module": {"vi": "📚 {You} chọn một chủ đề:", "en": "📚 Choose a topic:"},
        "choose_lesson": {
            "vi": "📚 {module}\n{You} chọn một bài:",
            "en": "📚 {module}\nChoose a lesson:",
        },
        "btn_other_lesson": {"vi": "➡️ Học bài khác", "en": "➡️ Another lesson"},
        "progress": {
            "vi": "📊 Tiến độ của {you}\n"
            "✅ Bài đã học xong: {done}/{total} ({percent}%)\n"
            "🏅 Chủ đề đã xong: {modules_done}/{modules}\n"
            "🔥 Chuỗi ngày học: {streak}\n"
            "🔁 Câu cần ôn hôm nay: {due}",
            "en": "📊 Your progress\n"
            "✅ Lessons finished: {done}/{total} ({percent}%)\n"
            "🏅 Topics finished: {modules_done}/{modules}\n"
            "🔥 Learning streak: {streak}\n"
            "🔁 Questions to review today: {due}",
        },
        "core_legend": {
            "vi": "⭐ Học xong các chủ đề có dấu sao là nhận giấy chứng nhận.",
            "en": "⭐ Finish the starred topics to get your certificate.",
        },
        "settings": {"vi": "⚙️ {You} muốn đổi gì?", "en": "⚙️ What would you like to change?"},
        "btn_lang": {"vi": "🌐 Ngôn ngữ", "en": "🌐 Language"},
        "btn_area": {"vi": "📍 Phường/xã", "en": "📍 Ward/commune"},
        "btn_age": {"vi": "🎂 Độ tuổi", "en": "🎂 Age group"},
        "btn_forget": {"vi": "🗑 Xóa dữ liệu của tôi", "en": "🗑 Erase my data"},
        "help_how": {
            "vi": "Bấm các nút bên dưới tin nhắn để học.",
            "en": "Tap the buttons under the messages to learn.",
            "vi_numbered": "Gõ số của một dòng bên dưới tin nhắn (hoặc chữ trong dòng) để học.",
            "en_numbered": "Type the number of a line under the messages (or its words) to learn.",
        },
        "forget_confirm": {
            "vi": "🗑 {You} muốn xóa toàn bộ dữ liệu học của mình?\nViệc này không hoàn tác được.",
            "en": "🗑 Erase all your learning data?\nThis cannot be undone.",
        },
        "forget_yes": {"vi": "🗑 Xóa hết", "en": "🗑 Erase everything"},
        "forget_no": {"vi": "↩️ Không, giữ lại", "en": "↩️ No, keep it"},
        "forgotten": {
            "vi": "Đã xóa dữ liệu của {you}. Cảm ơn {you} đã học cùng mình! 🌷\n"
            "Gõ /start nếu muốn học lại từ đầu.",
            "en": "Your data has been erased. Thank you for learning with me! 🌷\n"
            "Send /start to begin again.",
        },
        "kept": {"vi": "Dạ, mình giữ nguyên dữ liệu.", "en": "OK, nothing was erased."},
        "btn_certificate": {"vi": "🎓 Giấy chứng nhận", "en": "🎓 Certificate"},
    }
)
