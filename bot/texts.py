"""Everything the tutor itself says, in Vietnamese first and English second.

Short lines for small screens; warm and polite ("bác" suits most of our learners).
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "welcome": {
        "vi": "Chào bác! 👋\nMình là Học Số, trợ lý học kỹ năng số.\n"
        "Mỗi bài chỉ 3–5 phút, ngay trong tin nhắn.",
        "en": "Hello! 👋\nI am Học Số, your digital skills tutor.\n"
        "Each lesson takes 3–5 minutes, right here in chat.",
    },
    "privacy": {
        "vi": "🔒 Trước khi học, xin bác cho phép:\n"
        "• Mình lưu tiến độ học và (nếu bác chọn) phường/xã, độ tuổi,\n"
        "  để cán bộ đếm số người đã học theo khu vực.\n"
        "• Mình không hỏi số CCCD, mật khẩu hay mã OTP.\n"
        "• Bác có thể xóa dữ liệu bất cứ lúc nào bằng lệnh /forget.\n\n"
        "Bác có đồng ý không?",
        "en": "🔒 Before we start, may I:\n"
        "• keep your learning progress and (if you choose) your ward and age band,\n"
        "  so officials can count learners by area?\n"
        "• I never ask for ID numbers, passwords or OTP codes.\n"
        "• You can erase your data at any time with /forget.\n\n"
        "Do you agree?",
    },
    "agree": {"vi": "✅ Đồng ý", "en": "✅ I agree"},
    "disagree": {"vi": "❌ Không đồng ý", "en": "❌ No, thanks"},
    "switch_en": {"vi": "🌐 English", "en": "🌐 English"},
    "declined": {
        "vi": "Dạ, mình hiểu. Mình không lưu gì cả.\nKhi nào bác muốn học, gõ /start nhé. 🌷",
        "en": "Understood. I have kept nothing.\nWhenever you want to learn, send /start. 🌷",
    },
    "welcome_named": {
        "vi": "Chào bác {name}! 👋\nMình là Học Số, trợ lý học kỹ năng số.\n"
        "Mỗi bài chỉ 3–5 phút, ngay trong tin nhắn.",
        "en": "Hello, {name}! 👋\nI am Học Số, your digital skills tutor.\n"
        "Each lesson takes 3–5 minutes, right here in chat.",
    },
    "choose_lang": {
        "vi": "Bác muốn học bằng ngôn ngữ nào?",
        "en": "Which language would you like to learn in?",
    },
    "choose_area": {
        "vi": "Bác đang sống ở phường/xã nào?\n"
        "Bấm chọn, hoặc gõ tên phường/xã.\n"
        "(Để cán bộ đếm theo khu vực. Bác có thể bỏ qua.)",
        "en": "Which ward or commune do you live in?\n"
        "Tap one, or type its name.\n"
        "(So officials can count by area. You may skip.)",
    },
    "area_not_found": {
        "vi": "Mình chưa tìm thấy phường/xã đó. Bác chọn trong danh sách nhé.",
        "en": "I couldn't find that ward. Please pick from the list.",
    },
    "more_areas": {"vi": "➡️ Xem thêm", "en": "➡️ More"},
    "skip": {"vi": "⏭ Bỏ qua", "en": "⏭ Skip"},
    "choose_age": {
        "vi": "Bác thuộc độ tuổi nào? (Có thể bỏ qua.)",
        "en": "Which age group are you in? (You may skip.)",
    },
    "profile_done": {
        "vi": "Cảm ơn bác! Mình bắt đầu nhé. 🌱",
        "en": "Thank you! Let's begin. 🌱",
    },
    "menu": {"vi": "Bác muốn làm gì tiếp?", "en": "What would you like to do?"},
    "welcome_back": {
        "vi": "Chào mừng bác quay lại! 😊",
        "en": "Welcome back! 😊",
    },
    "btn_continue": {"vi": "▶️ Học tiếp", "en": "▶️ Continue"},
    "btn_modules": {"vi": "📚 Chọn chủ đề", "en": "📚 Choose a topic"},
    "btn_progress": {"vi": "📊 Tiến độ", "en": "📊 My progress"},
    "btn_review": {"vi": "🔁 Ôn tập ({n})", "en": "🔁 Review ({n})"},
    "btn_settings": {"vi": "⚙️ Cài đặt", "en": "⚙️ Settings"},
    "btn_help": {"vi": "❓ Trợ giúp", "en": "❓ Help"},
    "btn_menu": {"vi": "🏠 Về menu", "en": "🏠 Menu"},
    "btn_next": {"vi": "Tiếp tục ▶️", "en": "Continue ▶️"},
    "btn_true": {"vi": "✔️ Đúng", "en": "✔️ True"},
    "btn_false": {"vi": "✖️ Sai", "en": "✖️ False"},
    "btn_retry": {"vi": "🔄 Học lại bài này", "en": "🔄 Try this lesson again"},
    "btn_next_lesson": {"vi": "▶️ Bài tiếp theo", "en": "▶️ Next lesson"},
    "choose_module": {"vi": "📚 Bác chọn một chủ đề:", "en": "📚 Choose a topic:"},
    "choose_lesson": {
        "vi": "📚 {module}\nBác chọn một bài:",
        "en": "📚 {module}\nChoose a lesson:",
    },
    "lesson_start": {
        "vi": "📘 {title}\n⏱ Khoảng {minutes} phút",
        "en": "📘 {title}\n⏱ About {minutes} minutes",
    },
    "step_of": {"vi": "({n}/{total})", "en": "({n}/{total})"},
    "type_answer": {
        "vi": "✍️ Bác gõ câu trả lời rồi gửi nhé.",
        "en": "✍️ Type your answer and send it.",
    },
    "your_answer": {"vi": "👉 Bác chọn: {answer}", "en": "👉 Your answer: {answer}"},
    "right": {"vi": "✅ Đúng rồi! Giỏi quá.", "en": "✅ That's right! Well done."},
    "wrong": {"vi": "❌ Chưa đúng, không sao cả.", "en": "❌ Not quite, and that's fine."},
    "correct_is": {"vi": "Đáp án đúng: {answer}", "en": "The right answer: {answer}"},
    "explain": {"vi": "💡 {text}", "en": "💡 {text}"},
    "lesson_passed": {
        "vi": "🎉 Bác đã học xong bài «{title}»!\nĐúng {score}/{total} câu.",
        "en": "🎉 You finished «{title}»!\n{score}/{total} correct.",
    },
    "lesson_failed": {
        "vi": "Bác đúng {score}/{total} câu. Cần {need} câu để qua bài.\n"
        "Mình học lại một lần nữa nhé, lần sau sẽ dễ hơn. 💪",
        "en": "You got {score}/{total}. {need} are needed to pass.\n"
        "Let's go through it once more; it gets easier. 💪",
    },
    "module_done": {
        "vi": "🏅 Chúc mừng! Bác đã hoàn thành chủ đề «{module}».",
        "en": "🏅 Congratulations! You completed the topic «{module}».",
    },
    # After each topic: the national platform, for the official course and certificate (S14).
    "national_platform": {
        "vi": "📘 Khóa học và chứng nhận chính thức của phong trào ở nền tảng "
        "binhdanhocvuso.gov.vn (đăng nhập bằng VNeID). Bác học tiếp ở đó nha.",
        "en": "📘 The movement's official course and certificate are on the platform "
        "binhdanhocvuso.gov.vn (log in with VNeID). Carry on learning there.",
    },
    "official_handle": {
        "vi": "🔒 Bot học số chính thức chỉ có một: @{handle}. "
        "Nhóm hay tài khoản khác xưng là bot này đều là giả.",
        "en": "🔒 There is only one official hocso bot: @{handle}. "
        "Any group or account claiming to be it is fake.",
    },
    "course_done": {
        "vi": "🌟 Bác đã học hết tất cả các bài! Thật đáng khen.\n"
        "Bác có thể ôn tập để nhớ lâu hơn.",
        "en": "🌟 You have finished every lesson! Well done.\nReview helps you remember.",
    },
    "review_later": {
        "vi": "🔁 Câu bác trả lời chưa đúng sẽ được hỏi lại vào ngày mai để bác nhớ lâu.",
        "en": "🔁 Questions you missed will come back tomorrow, to help you remember.",
    },
    "resume": {"vi": "👋 Mình học tiếp chỗ cũ nhé.", "en": "👋 Let's pick up where you left off."},
    "lesson_updated": {
        "vi": "📝 Bài này vừa được cập nhật. Mình bắt đầu lại bài từ đầu nhé.\n"
        "(Các bài đã học xong vẫn được giữ.)",
        "en": "📝 This lesson was just updated, so let's start it again.\n"
        "(Finished lessons are kept.)",
    },
    "lesson_gone": {
        "vi": "Bài bác đang học không còn nữa. Bác chọn bài khác nhé.",
        "en": "The lesson you were in is no longer available. Please pick another.",
    },
    "progress": {
        "vi": "📊 Tiến độ của bác\n"
        "✅ Bài đã học xong: {done}/{total} ({percent}%)\n"
        "🏅 Chủ đề đã xong: {modules_done}/{modules}\n"
        "🔥 Chuỗi ngày học: {streak} ngày\n"
        "🔁 Câu cần ôn hôm nay: {due}",
        "en": "📊 Your progress\n"
        "✅ Lessons finished: {done}/{total} ({percent}%)\n"
        "🏅 Topics finished: {modules_done}/{modules}\n"
        "🔥 Learning streak: {streak} days\n"
        "🔁 Questions to review today: {due}",
    },
    "core_legend": {
        "vi": "⭐ Học xong các chủ đề có dấu sao là nhận giấy chứng nhận.",
        "en": "⭐ Finish the starred topics to get your certificate.",
    },
    "review_start": {
        "vi": "🔁 Ôn tập nhanh: {n} câu. Bắt đầu nhé!",
        "en": "🔁 Quick review: {n} questions. Let's go!",
    },
    "review_none": {
        "vi": "Hôm nay bác không có câu nào cần ôn. 👍",
        "en": "Nothing to review today. 👍",
    },
    "review_done": {
        "vi": "🔁 Ôn tập xong: đúng {score}/{total} câu. Giỏi lắm!",
        "en": "🔁 Review done: {score}/{total} correct. Well done!",
    },
    "settings": {"vi": "⚙️ Bác muốn đổi gì?", "en": "⚙️ What would you like to change?"},
    "btn_lang": {"vi": "🌐 Ngôn ngữ", "en": "🌐 Language"},
    "btn_area": {"vi": "📍 Phường/xã", "en": "📍 Ward/commune"},
    "btn_age": {"vi": "🎂 Độ tuổi", "en": "🎂 Age group"},
    "btn_forget": {"vi": "🗑 Xóa dữ liệu của tôi", "en": "🗑 Erase my data"},
    "saved": {"vi": "✅ Đã lưu.", "en": "✅ Saved."},
    "help": {
        "vi": "❓ Cách dùng\n"
        "• Bấm các nút bên dưới tin nhắn để học.\n"
        "• /start – bắt đầu hoặc về menu\n"
        "• /continue – học tiếp chỗ cũ\n"
        "• /progress – xem tiến độ\n"
        "• /review – ôn tập\n"
        "• /settings – cài đặt\n"
        "• /certificate – giấy chứng nhận\n"
        "• /stop – tạm dừng\n"
        "• /forget – xóa dữ liệu của bác\n\n"
        "⚠️ Mình không bao giờ hỏi mã OTP, mật khẩu hay số tài khoản.\n"
        "Cần người hướng dẫn trực tiếp? Bác hỏi Tổ công nghệ số cộng đồng ở phường/xã nhé.",
        "en": "❓ How to use\n"
        "• Tap the buttons under the messages to learn.\n"
        "• /start – start, or back to the menu\n"
        "• /continue – continue where you left off\n"
        "• /progress – your progress\n"
        "• /review – review\n"
        "• /settings – settings\n"
        "• /certificate – your certificate\n"
        "• /stop – pause\n"
        "• /forget – erase your data\n\n"
        "⚠️ I never ask for OTP codes, passwords or bank account numbers.\n"
        "Want someone to guide you in person? Ask your ward's community digital team.",
    },
    "paused": {
        "vi": "⏸ Đã tạm dừng. Mình sẽ không nhắn nhắc bác nữa.\n"
        "Tiến độ vẫn được giữ. Khi muốn học tiếp, bác gõ /start nhé.",
        "en": "⏸ Paused. I won't send you reminders.\n"
        "Your progress is kept. Send /start whenever you want to continue.",
    },
    "forget_confirm": {
        "vi": "🗑 Bác muốn xóa toàn bộ dữ liệu học của mình?\nViệc này không hoàn tác được.",
        "en": "🗑 Erase all your learning data?\nThis cannot be undone.",
    },
    "forget_yes": {"vi": "🗑 Xóa hết", "en": "🗑 Erase everything"},
    "forget_no": {"vi": "↩️ Không, giữ lại", "en": "↩️ No, keep it"},
    "forgotten": {
        "vi": "Đã xóa dữ liệu của bác. Cảm ơn bác đã học cùng mình! 🌷\n"
        "Gõ /start nếu muốn học lại từ đầu.",
        "en": "Your data has been erased. Thank you for learning with me! 🌷\n"
        "Send /start to begin again.",
    },
    "kept": {"vi": "Dạ, mình giữ nguyên dữ liệu.", "en": "OK, nothing was erased."},
    "stale_button": {
        "vi": "Nút này đã cũ rồi ạ. Bác dùng tin nhắn mới nhất nhé.",
        "en": "That button is out of date. Please use the latest message.",
    },
    "already_answered": {
        "vi": "Bác đã trả lời câu này rồi ✅",
        "en": "You already answered this one ✅",
    },
    "use_buttons": {
        "vi": "Bác bấm một nút bên dưới để trả lời nhé. 👇",
        "en": "Please tap one of the buttons below to answer. 👇",
    },
    "not_understood": {
        "vi": "Mình chưa hiểu ý bác. Bác bấm nút bên dưới hoặc gõ /help nhé.",
        "en": "Sorry, I didn't understand. Tap a button below or send /help.",
    },
    "only_text": {
        "vi": "Cảm ơn bác! 😊 Mình chỉ đọc được chữ và nút bấm thôi.",
        "en": "Thank you! 😊 I can only read text and buttons.",
    },
    "need_consent": {
        "vi": "Bác bấm «Đồng ý» để bắt đầu học nhé.",
        "en": "Please tap «I agree» to start learning.",
    },
    "group_hint": {
        "vi": "Chào cả nhà! 👋 Để học riêng, mời bác nhắn tin trực tiếp cho mình.",
        "en": "Hello everyone! 👋 To learn, please message me directly.",
    },
    "busy": {
        "vi": "😔 Hệ thống đang bận một chút. Bác thử lại sau ít phút nhé.\n"
        "Tiến độ của bác vẫn được giữ nguyên.",
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
    "joined_class": {"vi": "👥 Bác đã vào lớp {code}.", "en": "👥 You joined class {code}."},
}


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (Vietnamese when there is no translation), filled in."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry["vi"]
    return text.format(**values) if values else text


TEXTS["oops"] = {
    "vi": "😔 Xin lỗi bác, mình vừa gặp trục trặc nhỏ.\nBác thử lại nhé, hoặc gõ /start.",
    "en": "😔 Sorry, something went wrong on my side.\nPlease try again, or send /start.",
}


# Certificates (bot/certificate.py).
TEXTS.update(
    {
        "cert_ask_name": {
            "vi": "🎓 Chúc mừng bác đã học xong tất cả các chủ đề chính!\n"
            "Mình sẽ làm giấy chứng nhận cho bác.\n"
            "Bác muốn in tên nào lên giấy? Bác gõ họ tên, hoặc bấm một nút bên dưới.",
            "en": "🎓 Congratulations, you have finished every core topic!\n"
            "I will make your certificate.\n"
            "Which name should be printed on it? Type your full name, or tap a button below.",
        },
        "cert_use_name": {"vi": "✍️ Dùng tên «{name}»", "en": "✍️ Use «{name}»"},
        "cert_confirm_name": {
            "vi": "In tên «{name}» lên giấy chứng nhận nhé?\nTên đã in thì không sửa được.",
            "en": "Print «{name}» on the certificate?\nOnce printed it cannot be changed.",
        },
        "cert_name_ok": {"vi": "✅ Đúng, in tên này", "en": "✅ Yes, print it"},
        "cert_name_edit": {"vi": "✏️ Gõ lại tên", "en": "✏️ Type it again"},
        "btn_certificate": {"vi": "🎓 Giấy chứng nhận", "en": "🎓 Certificate"},
        "cmd_certificate": {"vi": "Giấy chứng nhận của tôi", "en": "My certificate"},
        "cert_no_name": {"vi": "⏭ Không in tên", "en": "⏭ No name"},
        "cert_bad_name": {
            "vi": "Tên này mình chưa in được.\n"
            "Bác gõ lại họ tên bằng chữ (tối đa {max} ký tự) nhé.",
            "en": "I can't print that name. Please type your name in letters (at most {max}).",
        },
        "cert_issued": {
            "vi": "🎓 Đây là giấy chứng nhận của bác!\nMã xác minh: {code}\n"
            "Cán bộ phường/xã có thể kiểm tra mã này. Bác lưu ảnh lại nhé.",
            "en": "🎓 Here is your certificate!\nVerification code: {code}\n"
            "Officials can check this code. Keep the picture.",
        },
        "cert_caption": {"vi": "Giấy chứng nhận · Mã {code}", "en": "Certificate · Code {code}"},
        "cert_not_yet": {
            "vi": "Bác học xong các chủ đề chính thì sẽ nhận được giấy chứng nhận.\n"
            "Đã xong {done}/{total} chủ đề. Cố lên bác nhé! 💪",
            "en": "You get a certificate when you finish the core topics.\n"
            "{done}/{total} finished so far. Keep going! 💪",
        },
    }
)
