"""Asking a learner once for their phone number (`request_user_info`, research/zalo-oa.md
§2.4), so a reminder can still reach them as a template message after 7 days of silence.

Asked after the first lesson passed (the reply the engine marks `first_lesson`), only when a
reminder template needs a number (one not sent by user id), and only once. The card says why;
it cannot carry buttons, so it goes before the reminder question, whose buttons stay last:
skipping is answering that question (or anything else), as easy as giving the number. The
number is erased with the learner (/forget, reach.py `Contacts.forget`).
"""

from __future__ import annotations

from typing import Any

# Vietnamese: the card is shown before the learner's language matters to anyone but Zalo's
# form, which is Vietnamese too.
TITLE = "📞 Cho mình xin số điện thoại để nhắc học"  # at most 100 characters
SUBTITLE = (
    "Nếu 7 ngày không nhắn tin, Zalo chỉ cho OA nhắc học qua số điện thoại. "
    "Bấm vào đây để gửi số, hoặc bỏ qua: vẫn học bình thường. "
    "Số chỉ dùng để nhắc học; gõ /forget là xoá hết."
)  # at most 500
THANKS = (
    "✅ Cảm ơn nhiều ạ! Mình chỉ dùng số này để nhắc học. Gõ /forget là xoá hết.\n"
    "Gõ «tiếp tục» để học tiếp nhé."
)
NO_NUMBER = "Không sao ạ, không có số vẫn học bình thường.\nGõ «tiếp tục» để học tiếp nhé."


def card() -> dict[str, Any]:
    """The consultation message that asks (one element, no buttons)."""
    element = {"title": TITLE, "subtitle": SUBTITLE}
    payload = {"template_type": "request_user_info", "elements": [element]}
    return {"attachment": {"type": "template", "payload": payload}}


def needs_number(templates: dict[str, Any]) -> bool:
    """Some reminder template goes by phone number (not by user id)."""
    return any(not t.uid for t in templates.values())
