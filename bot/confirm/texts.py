"""What the tutor says when it asks about VNeID confirmation (routes.py), Vietnamese first.
Kept with the feature and put into bot/texts.py's table (`t`) when the feature is imported."""

from __future__ import annotations

from bot.texts import TEXTS

TEXTS.update(
    {
        "vneid_ask": {
            "vi": "👋 Chào {you}! Mấy hôm trước mình có chỉ {you} nền tảng Bình dân học vụ số "
            "(binhdanhocvuso.gov.vn).\n"
            "{You} đã được xác nhận trên VNeID chưa?\n"
            "Mình chỉ hỏi một lần thôi, {you} trả lời giúp mình nha.",
            "en": "👋 Hello! A few days ago I pointed you to the national platform "
            "(binhdanhocvuso.gov.vn).\n"
            "Have you been confirmed on VNeID yet?\n"
            "I'll only ask this once.",
        },
        "btn_vneid_yes": {"vi": "✅ Rồi", "en": "✅ Yes"},
        "btn_vneid_no": {"vi": "⏳ Chưa", "en": "⏳ Not yet"},
        "btn_vneid_help": {"vi": "🙋 Cần người giúp", "en": "🙋 I need help"},
        "vneid_yes": {
            "vi": "🎉 Giỏi quá! Chúc mừng {you} nha.\n"
            "{You} chỉ lại cho người nhà, hàng xóm cùng làm với nhé.",
            "en": "🎉 Well done, congratulations!\nShow your family and neighbours how, too.",
        },
        "vneid_no": {
            "vi": "🌱 Không sao đâu {you}. Lúc nào rảnh, {you} vào binhdanhocvuso.gov.vn, "
            "đăng nhập bằng VNeID và học theo thứ tự.\n"
            "Kẹt chỗ nào thì hỏi Tổ công nghệ số cộng đồng ở xã, phường nha.",
            "en": "🌱 That's fine. When you have time, go to binhdanhocvuso.gov.vn, log in "
            "with VNeID and learn in order.\n"
            "If you get stuck, ask the community digital technology team of your commune.",
        },
        "vneid_help": {
            "vi": "🙋 Dạ, mình đã ghi lại là {you} cần người giúp.\n"
            "{You} cũng có thể hỏi thẳng Tổ công nghệ số cộng đồng ở xã, phường, "
            "hoặc người hướng dẫn lớp của {you}.",
            "en": "🙋 Noted: you would like someone to help.\n"
            "You can also ask the community digital technology team of your commune, "
            "or your class's facilitator.",
        },
        "vneid_name_ask": {
            "vi": "Để người hướng dẫn tìm đúng {you}, mình cho họ biết tên «{name}» "
            "(tên {you} đã cho in trên giấy chứng nhận) được không?",
            "en": "So the facilitator can find you, may I tell them your name «{name}» "
            "(the one you gave for your certificate)?",
        },
        "btn_vneid_name_yes": {"vi": "✅ Được", "en": "✅ Yes"},
        "btn_vneid_name_no": {"vi": "🙅 Không cho biết tên", "en": "🙅 Keep my name private"},
        "vneid_name_yes": {
            "vi": "Dạ, mình đã gửi tên {you} cho người hướng dẫn. 🌷",
            "en": "Done: the facilitator will see your name. 🌷",
        },
        "vneid_name_no": {
            "vi": "Dạ, mình không gửi tên. Chỉ lớp và phường của {you} được báo. 🌷",
            "en": "Fine, no name: only your class and ward are reported. 🌷",
        },
    }
)
