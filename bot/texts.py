"""Everything the tutor itself says, in Vietnamese first and English second.

Short lines for small screens; warm and polite. No address word is written here: `{you}`
and `{You}` (at the start of a sentence) are filled per learner, from their age band in the
config ("bạn" for the young, "bác" for most of our learners; see `address`).
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "welcome": {
        "vi": "Chào {you}! 👋\nMình là Học Số, trợ lý học kỹ năng số.\n"
        "Mỗi bài chỉ 3–5 phút, ngay trong tin nhắn.",
        "en": "Hello! 👋\nI am Học Số, your digital skills tutor.\n"
        "Each lesson takes 3–5 minutes, right here in chat.",
    },
    "privacy": {
        "vi": "🔒 Trước khi học, xin {you} cho phép:\n"
        "• Mình lưu tiến độ học và (nếu {you} chọn) phường/xã, độ tuổi,\n"
        "  để cán bộ đếm số người đã học theo khu vực.\n"
        "• Mình không hỏi số CCCD, mật khẩu hay mã OTP.\n"
        "• {You} có thể xóa dữ liệu bất cứ lúc nào bằng lệnh /forget.\n\n"
        "{You} có đồng ý không?",
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
    "switch_vi": {"vi": "🌐 Tiếng Việt", "en": "🌐 Tiếng Việt"},
    "declined": {
        "vi": "Dạ, mình hiểu. Mình không lưu gì cả.\nKhi nào {you} muốn học, gõ /start nhé. 🌷",
        "en": "Understood. I have kept nothing.\nWhenever you want to learn, send /start. 🌷",
    },
    "welcome_named": {
        "vi": "Chào {you} {name}! 👋\nMình là Học Số, trợ lý học kỹ năng số.\n"
        "Mỗi bài chỉ 3–5 phút, ngay trong tin nhắn.",
        "en": "Hello, {name}! 👋\nI am Học Số, your digital skills tutor.\n"
        "Each lesson takes 3–5 minutes, right here in chat.",
    },
    "choose_lang": {
        "vi": "{You} muốn học bằng ngôn ngữ nào?",
        "en": "Which language would you like to learn in?",
    },
    "choose_area": {
        "vi": "{You} đang sống ở phường/xã nào?\n"
        "Bấm chọn, hoặc gõ tên phường/xã.\n"
        "(Để cán bộ đếm theo khu vực. {You} có thể bỏ qua.)",
        "en": "Which ward or commune do you live in?\n"
        "Tap one, or type its name.\n"
        "(So officials can count by area. You may skip.)",
        "vi_numbered": "{You} đang sống ở phường/xã nào?\n"
        "Gõ số của một dòng, hoặc gõ tên phường/xã.\n"
        "(Để cán bộ đếm theo khu vực. {You} có thể bỏ qua.)",
        "en_numbered": "Which ward or commune do you live in?\n"
        "Type the number of a line, or the name.\n"
        "(So officials can count by area. You may skip.)",
    },
    "area_not_found": {
        "vi": "Mình chưa tìm thấy phường/xã đó. {You} chọn trong danh sách nhé.",
        "en": "I couldn't find that ward. Please pick from the list.",
    },
    "more_areas": {"vi": "➡️ Xem thêm", "en": "➡️ More"},
    "skip": {"vi": "⏭ Bỏ qua", "en": "⏭ Skip"},
    "choose_age": {
        "vi": "{You} thuộc độ tuổi nào? (Có thể bỏ qua.)",
        "en": "Which age group are you in? (You may skip.)",
    },
    "profile_done": {
        "vi": "Cảm ơn {you}! 🌱",
        "en": "Thank you! 🌱",
    },
    "lets_start": {
        "vi": "Cảm ơn {you}! Mình vào bài đầu tiên luôn nhé. 🌱",
        "en": "Thank you! Let's start the first lesson. 🌱",
    },
    "profile_why": {
        "vi": "🤝 Giúp phường/xã của {you} được tính!\n"
        "Cán bộ đếm số người đã học theo khu vực. Hai câu ngắn, {you} có thể bỏ qua.",
        "en": "🤝 Help your ward count!\n"
        "Officials count learners by area. Two short questions; you may skip them.",
    },
    "area_closest": {
        "vi": "Mình chưa thấy đúng tên đó. Có phải một trong các nơi này không?",
        "en": "I couldn't find that exact name. Is it one of these?",
    },
    "menu": {"vi": "{You} muốn làm gì tiếp?", "en": "What would you like to do?"},
    "welcome_back": {
        "vi": "Chào mừng {you} quay lại! 😊",
        "en": "Welcome back! 😊",
    },
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
    "streak_kept": {
        "vi": "🛡 {You} nghỉ {days} ngày mà chuỗi ngày học vẫn giữ: {streak} ngày. 🔥",
        "en": "🛡 You took {days} day(s) off and kept your streak: {streak} days. 🔥",
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
    "choose_module": {"vi": "📚 {You} chọn một chủ đề:", "en": "📚 Choose a topic:"},
    "choose_lesson": {
        "vi": "📚 {module}\n{You} chọn một bài:",
        "en": "📚 {module}\nChoose a lesson:",
    },
    "lesson_start": {
        "vi": "📘 {title}\n⏱ Khoảng {minutes} phút",
        "en": "📘 {title}\n⏱ About {minutes} minutes",
    },
    "step_of": {"vi": "({n}/{total})", "en": "({n}/{total})"},
    "steps_of": {"vi": "({n}–{m}/{total})", "en": "({n}–{m}/{total})"},
    "type_answer": {
        "vi": "✍️ {You} gõ câu trả lời rồi gửi nhé.",
        "en": "✍️ Type your answer and send it.",
    },
    "btn_hint": {"vi": "💡 Gợi ý", "en": "💡 Hint"},
    "btn_dont_know": {"vi": "🤷 Không biết", "en": "🤷 I don't know"},
    "hint": {"vi": "💡 Gợi ý: {hint}", "en": "💡 Hint: {hint}"},
    "hint_letters": {"vi": "đáp án có dạng «{shape}»", "en": "the answer looks like «{shape}»"},
    "hint_digits": {
        "vi": "đáp án là một số có {n} chữ số",
        "en": "the answer is a {n}-digit number",
    },
    "gave_up": {
        "vi": "🤷 Không sao đâu, mình cùng xem đáp án nhé.",
        "en": "🤷 That's fine, let's look at the answer.",
    },
    "type_it": {
        "vi": "✍️ Câu này {you} gõ câu trả lời nhé. Chưa nhớ thì bấm «🤷 Không biết».",
        "en": "✍️ This one needs a typed answer. Not sure? Tap «🤷 I don't know».",
        "vi_numbered": "✍️ Câu này {you} gõ câu trả lời nhé. Chưa nhớ thì gõ «không biết».",
        "en_numbered": "✍️ This one needs a typed answer. Not sure? Type «I don't know».",
    },
    "your_answer": {"vi": "👉 {You} chọn: {answer}", "en": "👉 Your answer: {answer}"},
    "right": {"vi": "✅ Đúng rồi! Giỏi quá.", "en": "✅ That's right! Well done."},
    "wrong": {"vi": "❌ Chưa đúng, không sao cả.", "en": "❌ Not quite, and that's fine."},
    "correct_is": {"vi": "Đáp án đúng: {answer}", "en": "The right answer: {answer}"},
    "explain": {"vi": "💡 {text}", "en": "💡 {text}"},
    "lesson_passed": {
        "vi": "🎉 {You} đã học xong bài «{title}»!\nĐúng {score}/{total} câu.",
        "en": "🎉 You finished «{title}»!\n{score}/{total} correct.",
    },
    "lesson_failed": {
        "vi": "{You} đúng {score}/{total} câu. Cần {need} câu để qua bài.\n"
        "Mình xem lại phần chưa nhớ rồi làm lại nhé, lần sau sẽ dễ hơn. 💪",
        "en": "You got {score}/{total}. {need} are needed to pass.\n"
        "Let's look again at what you missed and try once more; it gets easier. 💪",
    },
    "lesson_failed_often": {
        "vi": "{You} đúng {score}/{total} câu. Bài này hơi khó, không sao đâu {you}. 🌱\n"
        "Mình học bài khác rồi quay lại sau nhé, lúc đó sẽ dễ hơn.",
        "en": "You got {score}/{total}. This one is tricky, and that's fine. 🌱\n"
        "Let's do another lesson and come back to it later; it will feel easier.",
    },
    "retry_start": {
        "vi": "🔄 {title}\nMình xem lại phần {you} chưa nhớ, rồi trả lời lại {n} câu nhé.",
        "en": "🔄 {title}\nLet's look again at what you missed, then answer {n} again.",
    },
    "btn_other_lesson": {"vi": "➡️ Học bài khác", "en": "➡️ Another lesson"},
    "module_done": {
        "vi": "🏅 Chúc mừng! {You} đã hoàn thành chủ đề «{module}».",
        "en": "🏅 Congratulations! You completed the topic «{module}».",
    },
    # After each topic: the national platform, for the official course and certificate (S14).
    "national_platform": {
        "vi": "📘 Khóa học và chứng nhận chính thức của phong trào ở nền tảng "
        "binhdanhocvuso.gov.vn (đăng nhập bằng VNeID). {You} học tiếp ở đó nha.",
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
        "vi": "🌟 {You} đã học hết tất cả các bài! Thật đáng khen.\n"
        "{You} có thể ôn tập để nhớ lâu hơn.",
        "en": "🌟 You have finished every lesson! Well done.\nReview helps you remember.",
    },
    "review_later": {
        "vi": "🔁 Câu {you} trả lời chưa đúng sẽ được hỏi lại vào ngày mai để {you} nhớ lâu.",
        "en": "🔁 Questions you missed will come back tomorrow, to help you remember.",
    },
    "resume_review": {"vi": "👋 Mình ôn tập tiếp nhé.", "en": "👋 Let's go on with the review."},
    "resume": {
        "vi": "👋 Mình học tiếp bài «{title}» chỗ cũ nhé.",
        "en": "👋 Let's pick up «{title}» where you left off.",
    },
    "lesson_updated": {
        "vi": "📝 Bài này vừa được cập nhật. Mình bắt đầu lại bài từ đầu nhé.\n"
        "(Các bài đã học xong vẫn được giữ.)",
        "en": "📝 This lesson was just updated, so let's start it again.\n"
        "(Finished lessons are kept.)",
    },
    "lesson_gone": {
        "vi": "Bài {you} đang học không còn nữa. {You} chọn bài khác nhé.",
        "en": "The lesson you were in is no longer available. Please pick another.",
    },
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
    "review_start": {
        "vi": "🔁 Ôn tập nhanh: {n} câu. Bắt đầu nhé!",
        "en": "🔁 Quick review: {n} questions. Let's go!",
    },
    "review_none": {
        "vi": "Hôm nay {you} không có câu nào cần ôn. 👍",
        "en": "Nothing to review today. 👍",
    },
    "review_done": {
        "vi": "🔁 Ôn tập xong: đúng {score}/{total} câu. Giỏi lắm!",
        "en": "🔁 Review done: {score}/{total} correct. Well done!",
    },
    "settings": {"vi": "⚙️ {You} muốn đổi gì?", "en": "⚙️ What would you like to change?"},
    "btn_lang": {"vi": "🌐 Ngôn ngữ", "en": "🌐 Language"},
    "btn_area": {"vi": "📍 Phường/xã", "en": "📍 Ward/commune"},
    "btn_age": {"vi": "🎂 Độ tuổi", "en": "🎂 Age group"},
    "btn_forget": {"vi": "🗑 Xóa dữ liệu của tôi", "en": "🗑 Erase my data"},
    "saved": {"vi": "✅ Đã lưu.", "en": "✅ Saved."},
    "help_how": {
        "vi": "Bấm các nút bên dưới tin nhắn để học.",
        "en": "Tap the buttons under the messages to learn.",
        "vi_numbered": "Gõ số của một dòng bên dưới tin nhắn (hoặc chữ trong dòng) để học.",
        "en_numbered": "Type the number of a line under the messages (or its words) to learn.",
    },
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
    "stale_button": {
        "vi": "Nút này đã cũ rồi ạ. {You} dùng tin nhắn mới nhất nhé.",
        "en": "That button is out of date. Please use the latest message.",
    },
    "already_answered": {
        "vi": "{You} đã trả lời câu này rồi ✅",
        "en": "You already answered this one ✅",
    },
    "use_buttons": {
        "vi": "{You} bấm một nút bên dưới để trả lời nhé. 👇",
        "en": "Please tap one of the buttons below to answer. 👇",
        "vi_numbered": "{You} gõ số của một dòng bên dưới để trả lời nhé. 👇",
        "en_numbered": "Please type the number of a line below to answer. 👇",
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
    "need_consent": {
        "vi": "🔒 {You} bấm «✅ Đồng ý» để bắt đầu học nhé.\n"
        "(Mình chỉ lưu tiến độ học; {you} xóa được bất cứ lúc nào bằng /forget.)",
        "en": "🔒 Tap «✅ I agree» to start learning.\n"
        "(I only keep your progress; erase it any time with /forget.)",
        "vi_numbered": "🔒 {You} gõ 1 hoặc «đồng ý» để bắt đầu học nhé.\n"
        "(Mình chỉ lưu tiến độ học; {you} xóa được bất cứ lúc nào bằng /forget.)",
        "en_numbered": "🔒 Type 1 or «I agree» to start learning.\n"
        "(I only keep your progress; erase it any time with /forget.)",
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
    "joined_class": {"vi": "👥 {You} đã vào lớp {code}.", "en": "👥 You joined class {code}."},
    "joined_named_class": {
        "vi": "👥 {You} đã vào lớp «{name}» (mã {code}).",
        "en": "👥 You joined the class «{name}» (code {code}).",
    },
    "class_facilitator": {
        "vi": "🧑‍🏫 Người hướng dẫn: {name}",
        "en": "🧑‍🏫 Your facilitator: {name}",
    },
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


# Certificates (bot/certificate/routes.py).
TEXTS.update(
    {
        "cert_ask_name": {
            "vi": "🎓 Chúc mừng {you} đã học xong tất cả các chủ đề chính!\n"
            "Mình sẽ làm giấy chứng nhận cho {you}.\n"
            "{You} muốn in tên nào lên giấy? {You} gõ họ tên, hoặc bấm một nút bên dưới.",
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
            "{You} gõ lại họ tên bằng chữ (tối đa {max} ký tự) nhé.",
            "en": "I can't print that name. Please type your name in letters (at most {max}).",
        },
        "cert_issued": {
            "vi": "🎓 Đây là giấy chứng nhận của {you}!\nMã xác minh: {code}\n"
            "Cán bộ phường/xã có thể kiểm tra mã này. {You} lưu ảnh lại nhé.",
            "en": "🎓 Here is your certificate!\nVerification code: {code}\n"
            "Officials can check this code. Keep the picture.",
        },
        "cert_caption": {"vi": "Giấy chứng nhận · Mã {code}", "en": "Certificate · Code {code}"},
        "cert_topic_done": {"vi": "✅ {title}", "en": "✅ {title}"},
        "cert_topic_left": {
            "vi": "▫️ {title}: còn {left} bài",
            "en": "▫️ {title}: {left} lesson(s) to go",
        },
        "cert_not_yet": {
            "vi": "{You} học xong các chủ đề chính thì sẽ nhận được giấy chứng nhận.\n"
            "Đã xong {done}/{total} chủ đề. Cố lên {you} nhé! 💪",
            "en": "You get a certificate when you finish the core topics.\n"
            "{done}/{total} finished so far. Keep going! 💪",
        },
    }
)


TEXTS.update(
    {
        "lang_vi": {"vi": "🇻🇳 Tiếng Việt", "en": "🇻🇳 Tiếng Việt"},
        "lang_en": {"vi": "🇬🇧 English", "en": "🇬🇧 English"},
    }
)

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


# Reminders (bot/reminders/routes.py): short, kind, never a reproach.
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
        "cmd_remind": {"vi": "Chọn giờ nhắc học", "en": "Choose when to be reminded"},
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
