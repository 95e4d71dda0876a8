"""What the tutor says in onboarding (bot/onboarding/routes.py), Vietnamese first. Kept with the
feature and put into bot/texts.py's table (`t`) when the feature is imported."""

from __future__ import annotations

from bot.texts import TEXTS

TEXTS.update(
    {
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
        "switch_en": {"vi": "🌐 English", "en": "🌐 English"},
        "switch_vi": {"vi": "🌐 Tiếng Việt", "en": "🌐 Tiếng Việt"},
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
        "saved": {"vi": "✅ Đã lưu.", "en": "✅ Saved."},
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
        "joined_class": {"vi": "👥 {You} đã vào lớp {code}.", "en": "👥 You joined class {code}."},
        "joined_named_class": {
            "vi": "👥 {You} đã vào lớp «{name}» (mã {code}).",
            "en": "👥 You joined the class «{name}» (code {code}).",
        },
        "class_facilitator": {
            "vi": "🧑‍🏫 Người hướng dẫn: {name}",
            "en": "🧑‍🏫 Your facilitator: {name}",
        },
        "lang_vi": {"vi": "🇻🇳 Tiếng Việt", "en": "🇻🇳 Tiếng Việt"},
        "lang_en": {"vi": "🇬🇧 English", "en": "🇬🇧 English"},
    }
)
