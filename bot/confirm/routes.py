"""Asking once whether a learner got confirmed on VNeID (issue 25, section 3).

The campaign counts adults *confirmed on VNeID*; that happens on the national platform
binhdanhocvuso.gov.vn, which hocso cannot see. So a few days after a learner reached the
lesson that walks them there (state.py `PLATFORM_LESSON`), or finished the core modules, the
tutor asks once, kindly: "Bác đã được xác nhận trên VNeID chưa?" — "Rồi", "Chưa", "Cần người
giúp" (typed without accents, or by number, too).

- When: `AFTER_DAYS` after the day the learner got there. Where the platform lets the tutor
  write first, the reminder loop asks (bot/reminders/routes.py shows `Screen.VNEID`);
  otherwise, and for a learner who turned reminders off, it comes at a calm moment of their
  next visit: after a lesson (`router.after_lesson`), or under the main menu. Never
  mid-lesson; asked once only.
- The answer is reported (an outbox event "vneid", storage/sql/ingest.py) and shown per ward
  and per class, labelled self-reported. Who asked for help is listed for a facilitator;
  their name only if they agree to share the one they gave for their certificate.
- The same message's buttons still answer later (a new answer replaces the old one).
"""

from __future__ import annotations

from bot import learner as st
from bot.confirm import texts  # noqa: F401  (registers the texts)
from bot.confirm.state import ASKED, NAME, due, watch
from bot.content.lessons import fold
from bot.learner import Stage
from bot.payloads import Payload
from bot.router import Router, Screen
from bot.turn import Turn

router = Router("confirm")

ANSWERS = {"y": "yes", "n": "no", "h": "help"}  # as reported
# Typed without the buttons (folded: no accents). Numbers and the buttons' own words are read
# by the engine from the buttons on screen.
WORDS = {
    "y": {"roi", "da roi", "xong roi", "da xac nhan", "duoc roi", "co", "yes", "done"},
    "n": {"chua", "chua xong", "chua duoc", "not yet", "no"},
    "h": {"can nguoi giup", "can giup", "nho giup", "giup toi voi", "can ho tro", "help me"},
}


class Confirmed(Payload, prefix="vn"):
    """An answer to the question: "y", "n" or "h"."""

    answer: str


class ShareName(Payload, prefix="vnn"):
    """After "Cần người giúp": may the facilitator see the name ("1") or not ("0")."""

    share: str


@router.after_turn()
def at_the_menu(turn: Turn) -> None:
    """After a learner's own turn that left them on the main menu: ask, if it is time (the
    day they got there is noted first). Runs before the reminders' planning (bot/features.py
    lists this feature first), so a question asked here is not planned again."""
    watch(turn)
    learner = turn.learner
    if turn.event.kind in ("push", "blocked") or learner.stage != Stage.MENU or learner.view:
        return
    if due(turn) and turn.outcome.replies:
        ask(turn)


@router.after_lesson(rank=30)
def after_lesson(turn: Turn, passed: bool) -> bool:
    """After a lesson (after the certificate's and the profile's questions): ask, if it is
    time, instead of the menu's "what next"."""
    watch(turn)
    if not due(turn):
        return False
    ask(turn)
    return True


@router.screen(Screen.VNEID)
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
    said = fold(text)
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
