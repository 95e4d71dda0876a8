"""What the tutor says, in Vietnamese first and English second: the table `t` reads, with the
words the kernel says itself and those several features share. Each feature keeps its own
texts beside it (bot/<feature>/texts.py), put into this table when the feature is imported.

Short lines for small screens; warm and polite. No address word is written here: `{you}`
and `{You}` (at the start of a sentence) are filled per learner, from their age band in the
config ("bạn" for the young, "bác" for most of our learners; see `address`).
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "agree": {"vi": "✅ Đồng ý", "en": "✅ I agree"},
    "disagree": {"vi": "❌ Không đồng ý", "en": "❌ No, thanks"},
    "declined": {
        "vi": "Dạ, mình hiểu. Mình không lưu gì cả.\nKhi nào {you} muốn học, gõ /start nhé. 🌷",
        "en": "Understood. I have kept nothing.\nWhenever you want to learn, send /start. 🌷",
    },
    "skip": {"vi": "⏭ Bỏ qua", "en": "⏭ Skip"},
    "menu": {"vi": "{You} muốn làm gì tiếp?", "en": "What would you like to do?"},
    "welcome_back": {
        "vi": "Chào mừng {you} quay lại! 😊",
        "en": "Welcome back! 😊",
    },
    "btn_continue": {"vi": "▶️ Học tiếp", "en": "▶️ Continue"},
    "btn_next": {"vi": "Tiếp tục ▶️", "en": "Continue ▶️"},
    "btn_true": {"vi": "✔️ Đúng", "en": "✔️ True"},
    "btn_false": {"vi": "✖️ Sai", "en": "✖️ False"},
    "step_of": {"vi": "({n}/{total})", "en": "({n}/{total})"},
    "wrong": {"vi": "❌ Chưa đúng, không sao cả.", "en": "❌ Not quite, and that's fine."},
    "correct_is": {"vi": "Đáp án đúng: {answer}", "en": "The right answer: {answer}"},
    "explain": {"vi": "💡 {text}", "en": "💡 {text}"},
    "help": {
        "vi": "❓ Cách dùng\n"
        "• {how}\n"
        "• /start – bắt đầu hoặc về menu\n"
        "• /continue – học tiếp chỗ cũ\n"
        "• /progress – xem tiến độ\n"
        "• /review – ôn tập\n"
        "• /settings – cài đặt\n"
        "• /remind – giờ nhắc học\n"
        "• /certificate – giấy chứng nhận\n"
        "• /stop – tạm dừng\n"
        "• /forget – xóa dữ liệu của {you}\n\n"
        "⚠️ Mình không bao giờ hỏi mã OTP, mật khẩu hay số tài khoản.\n"
        "Cần người hướng dẫn trực tiếp? {You} hỏi Tổ công nghệ số cộng đồng ở phường/xã nhé.",
        "en": "❓ How to use\n"
        "• {how}\n"
        "• /start – start, or back to the menu\n"
        "• /continue – continue where you left off\n"
        "• /progress – your progress\n"
        "• /review – review\n"
        "• /settings – settings\n"
        "• /remind – when to be reminded\n"
        "• /certificate – your certificate\n"
        "• /stop – pause\n"
        "• /forget – erase your data\n\n"
        "⚠️ I never ask for OTP codes, passwords or bank account numbers.\n"
        "Want someone to guide you in person? Ask your ward's community digital team.",
    },
    "paused": {
        "vi": "⏸ Đã tạm dừng. Mình sẽ không nhắn nhắc {you} nữa.\n"
        "Tiến độ vẫn được giữ. Khi muốn học tiếp, {you} gõ /start nhé.",
        "en": "⏸ Paused. I won't send you reminders.\n"
        "Your progress is kept. Send /start whenever you want to continue.",
    },
    "stale_button": {
        "vi": "Nút này đã cũ rồi ạ. {You} dùng tin nhắn mới nhất nhé.",
        "en": "That button is out of date. Please use the latest message.",
    },
    "not_understood": {
        "vi": "Mình chưa hiểu ý {you} 😊 {You} bấm một nút bên dưới,\n"
        "hoặc gõ chữ trên nút (hay số thứ tự: 1, 2…) nhé.",
        "en": "Sorry, I didn't get that 😊 Tap a button below,\n"
        "or type its words (or its number: 1, 2…).",
        "vi_numbered": "Mình chưa hiểu ý {you} 😊 {You} gõ số của một dòng bên dưới,\n"
        "hoặc gõ chữ trong dòng đó nhé.",
        "en_numbered": "Sorry, I didn't get that 😊 Type the number of a line below,\n"
        "or its words.",
    },
    # A second miss in a row gets other words, never the same ones again (a stuck learner
    # reading the same line twice is at a dead end): what to type, and who can help in person.
    "not_understood_again": {
        "vi": "Dạ, mình vẫn chưa hiểu 🙏 {You} thử một cách nhé:\n"
        "• bấm vào một nút ngay bên dưới\n"
        "• gõ «menu» để về menu chính\n"
        "• nhờ Tổ công nghệ số cộng đồng ở khu phố chỉ giúp.",
        "en": "Sorry, I still didn't get that 🙏 Try one of these:\n"
        "• tap a button just below\n"
        "• type «menu» for the main menu\n"
        "• ask your community digital team to show you.",
        "vi_numbered": "Dạ, mình vẫn chưa hiểu 🙏 {You} thử một cách nhé:\n"
        "• gõ số 1, 2… của một dòng ngay bên dưới\n"
        "• gõ «menu» để về menu chính\n"
        "• nhờ Tổ công nghệ số cộng đồng ở khu phố chỉ giúp.",
        "en_numbered": "Sorry, I still didn't get that 🙏 Try one of these:\n"
        "• type the number (1, 2…) of a line just below\n"
        "• type «menu» for the main menu\n"
        "• ask your community digital team to show you.",
    },
    "hint_help": {
        "vi": "❓ {You} bấm một nút bên dưới, hoặc gõ chữ trên nút (ví dụ «tiếp»).\n"
        "Gõ «menu» để về menu, /help để xem thêm.",
        "en": "❓ Tap a button below, or type its words (e.g. «next»).\n"
        "Type «menu» for the menu, /help for more.",
        "vi_numbered": "❓ {You} gõ số của một dòng bên dưới,\n"
        "hoặc gõ chữ trong dòng đó (ví dụ «tiếp»).\n"
        "Gõ «menu» để về menu, /help để xem thêm.",
        "en_numbered": "❓ Type the number of a line below, or its words (e.g. «next»).\n"
        "Type «menu» for the menu, /help for more.",
    },
    "hint_next": {
        "vi": "👉 Ở bước này {you} chọn một nút bên dưới nhé.",
        "en": "👉 Here, please pick one of the buttons below.",
        "vi_numbered": "👉 Ở bước này {you} gõ số của một dòng bên dưới nhé.",
        "en_numbered": "👉 Here, please type the number of a line below.",
    },
    "hint_relearn": {
        "vi": "🔄 Muốn học lại bài nào, {you} vào «📚 Chọn chủ đề» nhé.",
        "en": "🔄 To redo a lesson, open «📚 Choose a topic».",
    },
    "only_text": {
        "vi": "Cảm ơn {you}! 😊 Mình chưa nghe được tin nhắn thoại hay xem được ảnh.\n"
        "{You} bấm nút, hoặc gõ chữ nhé. 👇",
        "en": "Thank you! 😊 I can't listen to voice notes or see pictures yet.\n"
        "Please tap a button, or type. 👇",
        "vi_numbered": "Cảm ơn {you}! 😊 Mình chưa nghe được tin nhắn thoại hay xem được ảnh.\n"
        "{You} gõ số, hoặc gõ chữ nhé. 👇",
        "en_numbered": "Thank you! 😊 I can't listen to voice notes or see pictures yet.\n"
        "Please type a number, or words. 👇",
    },
    "group_hint": {
        "vi": "Chào cả nhà! 👋 Để học riêng, mời {you} nhắn tin trực tiếp cho mình.",
        "en": "Hello everyone! 👋 To learn, please message me directly.",
    },
    "after_failed": {
        "vi": "⚠️ Phần trả lời đã được lưu, nhưng hình chưa gửi được. "
        "{You} gõ lại lệnh sau ít phút nha.",
        "en": "⚠️ Your answer is saved, but the picture could not be sent. "
        "Please try the command again in a few minutes.",
    },
    "busy": {
        "vi": "😔 Hệ thống đang bận một chút. {You} thử lại sau ít phút nhé.\n"
        "Tiến độ của {you} vẫn được giữ nguyên.",
        "en": "😔 The system is busy. Please try again in a few minutes.\nYour progress is safe.",
    },
    # The command menu of chat apps (Telegram's "/" list): a few words each.
    "cmd_start": {"vi": "Bắt đầu, hoặc về menu", "en": "Start, or back to the menu"},
    "cmd_continue": {"vi": "Học tiếp bài đang học", "en": "Continue where you left off"},
    "cmd_progress": {"vi": "Xem tiến độ học", "en": "See your progress"},
    "cmd_review": {"vi": "Ôn lại câu đã học", "en": "Review what you learned"},
    "cmd_settings": {"vi": "Ngôn ngữ, khu vực, độ tuổi", "en": "Language, area, age group"},
    "cmd_help": {"vi": "Cách dùng và trợ giúp", "en": "How to use, and help"},
    "cmd_stop": {"vi": "Tạm dừng nhắc học", "en": "Pause reminders"},
    "cmd_certificate": {"vi": "Giấy chứng nhận của tôi", "en": "My certificate"},
    "cmd_remind": {"vi": "Chọn giờ nhắc học", "en": "Choose when to be reminded"},
}


DEFAULT_ADDRESS = "bác"  # how to address a learner whose age band we do not know


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (Vietnamese when there is no translation), filled in; `you`
    is the word for the learner (default "bác"). `numbered=True`: the learner sees choices
    as numbered lines (no buttons to tap), so the "vi_numbered"/"en_numbered" wording is
    used where a text has one."""
    entry = TEXTS[key]
    numbered = entry.get(f"{lang}_numbered") if values.pop("numbered", False) else None
    text = numbered or entry.get(lang) or entry["vi"]
    you = str(values.pop("you", None) or DEFAULT_ADDRESS)
    you = "you" if lang == "en" else you
    return text.format(you=you, You=you[:1].upper() + you[1:], **values)


TEXTS["oops"] = {
    "vi": "😔 Xin lỗi {you}, mình vừa gặp trục trặc nhỏ.\n{You} thử lại nhé, hoặc gõ /start.",
    "en": "😔 Sorry, something went wrong on my side.\nPlease try again, or send /start.",
}


# Words a learner may type for a button, beside its label (bot/understand.py): by text key.
# Written as people type them; case, accents and emoji do not matter. Erasing everything
# ("forget_yes") has none on purpose: it is done only when asked for in its own words.
WORDS: dict[str, tuple[str, ...]] = {
    "agree": ("vâng", "ừ", "ok", "có", "dạ", "đồng ý", "được", "yes", "agree", "i agree"),
    "disagree": ("không", "no", "không đồng ý"),
    "switch_en": ("english", "tiếng anh", "en"),
    "switch_vi": ("tiếng việt", "việt", "vi"),
    "lang_vi": ("tiếng việt", "việt", "vietnamese", "vi"),
    "lang_en": ("english", "tiếng anh", "anh", "en"),
    "btn_next": ("tiếp", "tiếp tục", "next", "continue", "ok", "xong", "rồi", "vâng", "ừ", "có"),
    "btn_continue": ("tiếp", "tiếp tục", "học", "học tiếp", "bắt đầu", "next", "continue", "ok"),
    "btn_next_lesson": ("tiếp", "tiếp tục", "bài tiếp", "học tiếp", "next", "ok", "vâng"),
    "btn_retry": ("học lại", "làm lại", "thử lại", "again", "retry"),
    "btn_other_lesson": ("bài khác", "học bài khác", "another", "other"),
    "btn_true": ("đúng", "có", "phải", "đ", "d", "true", "t", "yes", "y"),
    "btn_false": ("sai", "không", "không đúng", "s", "false", "f", "no", "n"),
    "skip": ("bỏ qua", "skip", "không", "thôi", "khỏi", "no"),
    "btn_menu": ("menu", "về menu", "quay lại", "trở lại", "back"),
    "btn_modules": ("chủ đề", "chọn chủ đề", "bài khác", "topics"),
    "btn_progress": ("tiến độ", "progress"),
    "btn_review": ("ôn tập", "ôn", "review"),
    "btn_help": ("trợ giúp", "giúp", "help"),
    "btn_settings": ("cài đặt", "settings"),
    "btn_hint": ("gợi ý", "hint", "giúp", "help"),
    "btn_dont_know": ("không biết", "bỏ qua", "chịu", "skip", "pass", "i don't know"),
    "forget_no": ("không", "no", "giữ", "giữ lại", "thôi"),
    "more_areas": ("xem thêm", "thêm", "more", "tiếp"),
    "cert_no_name": ("không in tên", "no name"),
    "cert_name_ok": ("đúng", "có", "ok", "vâng", "yes", "in"),
    "cert_name_edit": ("sửa", "gõ lại", "sai", "edit", "không"),
}
