"""Asking once whether a learner got confirmed on VNeID (issue 25, section 3).

The campaign counts adults *confirmed on VNeID*; that happens on the national platform
binhdanhocvuso.gov.vn, which hocso cannot see. So a few days after a learner reached the
lesson that walks them there (`PLATFORM_LESSON`), or finished the core modules, the tutor asks
once, kindly: "Bác đã được xác nhận trên VNeID chưa?" — "Rồi", "Chưa", "Cần người giúp".

- When: `AFTER_DAYS` after the day the learner got there. Where the platform lets the tutor
  write first, the reminder loop sends it (bot/reminders.py asks `due_at`); otherwise, and
  for a learner who turned reminders off, it comes at a calm moment of their next visit:
  after a lesson, or under the menu (`offer`). Asked once only, never again.
- The answer is reported (an outbox event "vneid", storage/ingest.py) and shown per ward and
  per class, labelled self-reported. Who asked for help is listed for a facilitator; their
  name only if they agree to share the one they gave for their certificate.
- The learner can answer later with the same buttons (a new answer replaces the old one).

`Learner.confirm` holds where the learner is: "" not there yet, "r<day>" got there on that
local day, "a" asked, then the answer: "y" confirmed, "n" not yet, "h" needs help ("h?"
while asked whether their name may be shared).
"""

from __future__ import annotations

from bot import learner as st
from bot import understand
from bot.learner import Learner, Stage
from bot.lessons import Curriculum
from bot.payloads import Payload
from bot.router import Router
from bot.texts import TEXTS
from bot.turn import Turn

router = Router("confirm")

PLATFORM_LESSON = "len-nen-tang-quoc-gia"  # lessons/07-nen-tang-quoc-gia/01-len-nen-tang.yaml
AFTER_DAYS = 3
ASKED, NAME = "a", "h?"
ANSWERS = {"y": "yes", "n": "no", "h": "help"}  # as reported
# Typed without the buttons (folded: no accents). Numbers and the buttons' own words are read
# by the engine from the buttons on screen.
WORDS = {
    "y": {"roi", "da roi", "xong roi", "da xac nhan", "duoc roi", "co", "yes", "done"},
    "n": {"chua", "chua xong", "chua duoc", "not yet", "no"},
    "h": {"can nguoi giup", "can giup", "nho giup", "giup toi voi", "can ho tro", "help me"},
}

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


class Confirmed(Payload, prefix="vn"):
    """An answer to the question: "y", "n" or "h"."""

    answer: str


class ShareName(Payload, prefix="vnn"):
    """After "Cần người giúp": may the facilitator see the name ("1") or not ("0")."""

    share: str


def reached(learner: Learner, curriculum: Curriculum) -> bool:
    """Got to the national platform's lesson, or finished every core module."""
    done = set(learner.done)
    if PLATFORM_LESSON in done:
        return True
    core = [m for m in curriculum.modules if m.info.core]
    return bool(core) and all(x.id in done for m in core for x in m.lessons)


def watch(turn: Turn) -> None:
    """After a turn: note the day the learner got there (the question comes days later)."""
    learner = turn.learner
    if not learner.confirm and learner.consent_at and reached(learner, turn.curriculum):
        learner.confirm = f"r{turn.today}"


def due_day(learner: Learner) -> int | None:
    """The local day the question is due, while it has not been asked; else None."""
    mark = learner.confirm
    if mark[:1] != "r" or not mark[1:].isdecimal():
        return None
    return int(mark[1:]) + AFTER_DAYS


def due(turn: Turn) -> bool:
    day = due_day(turn.learner)
    return day is not None and turn.today >= day


def offer(turn: Turn) -> bool:
    """At a calm moment (after a lesson, under the menu): ask, if it is time. True if asked."""
    watch(turn)
    if not due(turn) or turn.learner.stage != Stage.MENU:
        return False
    ask(turn)
    return True


def ask(turn: Turn) -> None:
    """The question, once: the learner steps aside to answer it (menu or /menu leave it)."""
    turn.learner.confirm = ASKED
    st.detour(turn.learner, Stage.CONFIRM)
    show(turn)


@router.shows(Stage.CONFIRM)
def show(turn: Turn) -> None:
    if turn.learner.confirm == NAME:
        return _ask_name(turn)
    turn.say(
        turn.t("vneid_ask"),
        [turn.button("btn_vneid_yes", Confirmed("y"))],
        [turn.button("btn_vneid_no", Confirmed("n"))],
        [turn.button("btn_vneid_help", Confirmed("h"))],
    )


@router.button(Confirmed, anywhere=True)
def on_answer(turn: Turn, tap: Confirmed) -> None:
    """An answer, now or later from the same message: reported, thanked, and on as before."""
    if tap.answer not in ANSWERS:
        turn.notice("stale_button")
        return turn.reshow()
    answer(turn, tap.answer)


def answer(turn: Turn, given: str) -> None:
    learner = turn.learner
    learner.confirm = given
    turn.emit("vneid", answer=ANSWERS[given])
    turn.say(turn.t(f"vneid_{ANSWERS[given]}"))
    if given == "h" and learner.certificate_name:
        learner.confirm = NAME
        if learner.stage != Stage.CONFIRM:
            st.detour(learner, Stage.CONFIRM)
        return _ask_name(turn)
    _leave(turn)


def _ask_name(turn: Turn) -> None:
    turn.say(
        turn.t("vneid_name_ask", name=turn.learner.certificate_name),
        [turn.button("btn_vneid_name_yes", ShareName("1"))],
        [turn.button("btn_vneid_name_no", ShareName("0"))],
    )


@router.button(ShareName, stages={Stage.CONFIRM})
def on_share(turn: Turn, tap: ShareName) -> None:
    learner = turn.learner
    if learner.confirm != NAME:
        turn.notice("stale_button")
        return turn.reshow()
    learner.confirm = "h"
    if tap.share == "1":  # the answer again, now with the name the learner agreed to share
        turn.emit("vneid", answer=ANSWERS["h"], name=learner.certificate_name)
        turn.say(turn.t("vneid_name_yes"))
    else:
        turn.say(turn.t("vneid_name_no"))
    _leave(turn)


@router.text(Stage.CONFIRM, first=True)
def on_text(turn: Turn, text: str) -> bool:
    """Other words for the answers ("da roi", "chua xong", "can giup"); False for the rest,
    which the engine reads against the buttons on screen."""
    if turn.learner.confirm == NAME:
        return False
    said = understand.fold(text)
    given = next((key for key, words in WORDS.items() if said in words), None)
    if given is None:
        return False
    answer(turn, given)
    return True


def _leave(turn: Turn) -> None:
    """Back where the learner was, shown again."""
    if turn.learner.stage == Stage.CONFIRM:
        st.come_back(turn.learner)
        turn.reshow()
