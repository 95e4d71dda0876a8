"""What the tutor says in pair mode (bot/pairs/routes.py), Vietnamese first. Kept with the
feature and put into bot/texts.py's table (`t`) when the feature is imported."""

from __future__ import annotations

from bot.texts import TEXTS

TEXTS.update(
    {
        "pair_start_first": {
            "vi": "{You} gõ /start để bắt đầu với mình trước, rồi gõ lại /helper nhé.",
            "en": "Please send /start first, then /helper again.",
        },
        "pair_code": {
            "vi": "👪 Gia đình số: giúp người thân lớn tuổi học\n"
            "Trên điện thoại của người thân, mở chat với mình và gõ:\n"
            "/helper {code}\n"
            "(Mã dùng được trong 24 giờ.)\n"
            "Khi người thân đồng ý, {you} xem được tiến độ học của họ và nhận tin khi họ gặp "
            "khó. Câu trả lời vẫn là của riêng họ.",
            "en": "👪 Digital family: help a parent or grandparent learn\n"
            "On your relative's phone, open a chat with me and send:\n"
            "/helper {code}\n"
            "(The code works for 24 hours.)\n"
            "Once they agree, you see their progress and hear when they are stuck. Their "
            "answers stay theirs.",
        },
        "pair_bad_code": {
            "vi": "Mã này không đúng hoặc đã hết hạn. {You} nhờ người thân gõ /helper để lấy mã "
            "mới nhé.",
            "en": "That code is wrong or has expired. Ask your relative to send /helper for a "
            "new one.",
        },
        "pair_own_code": {
            "vi": "Đây là mã của chính {you}. Mã này để gõ trên điện thoại của người thân ạ.",
            "en": "That is your own code: it is for your relative's phone.",
        },
        "pair_someone": {"vi": "Người thân", "en": "Your relative"},
        "pair_elder": {"vi": "Người thân của {you}", "en": "Your relative"},
        "pair_ask": {
            "vi": "👪 {name} muốn giúp {you} học: xem tiến độ học của {you} và nhận tin khi {you} "
            "gặp khó.\n{name} không thấy câu trả lời của {you} và không trả lời thay {you} được.\n"
            "{You} đồng ý không?",
            "en": "👪 {name} would like to help you learn: see your progress and hear when you "
            "are stuck.\n{name} cannot see your answers or answer for you.\nDo you agree?",
        },
        "pair_declined": {
            "vi": "Dạ, mình không liên kết. Không có gì thay đổi.",
            "en": "All right, no link was made. Nothing changed.",
        },
        "pair_linked": {
            "vi": "✅ Đã liên kết. {name} sẽ xem được tiến độ học của {you}.\n"
            "Muốn ngừng, {you} gõ /helper.",
            "en": "✅ Linked. {name} can now see your progress.\nTo stop it, send /helper.",
        },
        "pair_linked_helper": {
            "vi": "✅ {name} đã đồng ý. Gõ /helper để xem tiến độ học của {name}.",
            "en": "✅ {name} agreed. Send /helper to see {name}'s progress.",
        },
        "pair_helped": {
            "vi": "👪 Một người thân đang xem tiến độ học của {you} để giúp khi cần.\n"
            "Họ không thấy câu trả lời của {you}.",
            "en": "👪 A relative can see your progress, to help when needed.\n"
            "They cannot see your answers.",
        },
        "pair_btn_stop": {"vi": "🔗 Ngừng liên kết", "en": "🔗 End the link"},
        "pair_stopped": {
            "vi": "Đã ngừng liên kết. Tiến độ của mỗi người vẫn được giữ.",
            "en": "The link is ended. Each one's progress is kept.",
        },
        "pair_gone": {
            "vi": "Người thân của {you} đã ngừng liên kết. Gõ /helper để lấy mã mới nếu cần.",
            "en": "Your relative ended the link. Send /helper for a new code if needed.",
        },
        "pair_progress": {"vi": "📊 Tiến độ của {name}", "en": "📊 {name}'s progress"},
        "pair_done": {
            "vi": "✅ Bài đã học xong: {done}/{total}",
            "en": "✅ Lessons finished: {done}/{total}",
        },
        "pair_modules": {
            "vi": "🏅 Chủ đề đã xong: {done}/{total}",
            "en": "🏅 Topics finished: {done}/{total}",
        },
        "pair_now": {"vi": "📘 Đang học: «{title}»", "en": "📘 Now on: «{title}»"},
        "pair_last_day": {
            "vi": "🕒 Lần trả lời gần nhất: ngày {day}",
            "en": "🕒 Last answered on {day}",
        },
        "pair_certified": {"vi": "🎓 Đã nhận giấy chứng nhận", "en": "🎓 Certificate earned"},
        "pair_private": {
            "vi": "(Câu trả lời là của riêng người học; {you} chỉ thấy tiến độ.)",
            "en": "(Answers stay the learner's own; you see progress only.)",
        },
        "pair_stuck": {
            "vi": "👪 {name} đang gặp khó ở bài «{title}» (đúng {score}/{total} câu). "
            "{You} gọi hỏi thăm hoặc ngồi học cùng nhé. Gõ /helper để xem tiến độ.",
            "en": "👪 {name} is stuck on «{title}» ({score}/{total} right). Give them a call "
            "or sit with them. Send /helper to see their progress.",
        },
    }
)
