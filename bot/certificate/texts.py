"""What the tutor says in the certificate (bot/certificate/), Vietnamese first. Kept with the
feature and put into bot/texts.py's table (`t`) when the feature is imported."""

from __future__ import annotations

from bot.texts import TEXTS

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
