"""Each fix of the course review (issue 11) pinned, so an outdated or risky fact cannot come back.

A learner who followed the old wording could be misled: signing up to a portal in a way that ended
in 2024, fearing the real helpline on the electricity bill, refusing a normal face check, or
paying a "money recovery" page. These tests read the shipped lessons as a learner would.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.content.facts import strings, texts_of
from bot.content.lessons import Card, Curriculum, Lesson, SingleChoice, TrueFalse, load_curriculum

LESSONS = Path(__file__).resolve().parents[2] / "lessons"


@pytest.fixture(scope="module")
def course() -> Curriculum:
    return load_curriculum(LESSONS)


def lesson(course: Curriculum, lesson_id: str) -> Lesson:
    found = course.lesson(lesson_id)
    assert found is not None, f"lesson {lesson_id} is gone"
    return found


def vi_text(item: Lesson) -> str:
    """Everything a Vietnamese learner reads in a lesson, as one lower-case string."""
    return "\n".join(t.vi for _, t in texts_of(item, "") if isinstance(t.vi, str)).lower()


def all_text(item: Lesson) -> str:
    return "\n".join(s for _, t in texts_of(item, "") for s in strings(t)).lower()


def cards(item: Lesson) -> list[str]:
    return [s.text.vi for s in item.steps if isinstance(s, Card)]


def question(item: Lesson, qid: str) -> SingleChoice | TrueFalse:
    found = [q for q in item.questions if q.id == qid]
    assert found, f"{item.id} has no question {qid}"
    return found[0]  # type: ignore[return-value]


def correct(q: SingleChoice) -> str:
    return next(o.text.vi for o in q.options if o.correct)


ALLOW = yaml.safe_load((LESSONS / "allowlist.yaml").read_text(encoding="utf-8"))


def allowed_phone(number: str) -> dict[str, str]:
    return next(p for p in ALLOW["phones"] if p["number"] == number)


# -- wrong: the public-service portals' own sign-up ended on 30 June 2024 --------------------


def test_portal_login_is_vneid_not_the_outdated_sign_up(course: Curriculum) -> None:
    dvc = lesson(course, "dvc-tai-khoan")
    text = vi_text(dvc)
    for outdated in ("mã số bảo hiểm xã hội", "usb", "sim hoặc usb", "cách đăng ký"):
        assert outdated not in text, f"the outdated sign-up method is back: {outdated!r}"
    assert "so-chinh-chu" not in {q.id for q in dvc.questions}
    assert any("vneid" in c.lower() and "mức 2" in c for c in cards(dvc))
    assert "VNeID" in correct(question(dvc, "dang-nhap-vneid"))  # type: ignore[arg-type]


# -- risky: the real helpline on the bill can be a 1900 number ------------------------------


def test_no_lesson_warns_against_1900_numbers_as_such(course: Curriculum) -> None:
    blanket = re.compile(r"(coi chừng|cẩn thận|tránh|đừng gọi)[^.\n]{0,25}1900")
    for item in course.lessons:
        assert not blanket.search(vi_text(item)), f"{item.id} warns against every 1900 number"


def test_the_1900_question_teaches_where_the_number_comes_from(course: Curriculum) -> None:
    q = question(lesson(course, "gia-danh-dien-ngan-hang"), "goi-1900")
    assert "hóa đơn" in correct(q)  # type: ignore[arg-type]
    blanket = next(o for o in q.options if "1900" in o.text.vi)  # type: ignore[union-attr]
    assert not blanket.correct and "tổng đài thật" in (blanket.feedback.vi or "").lower()


def test_allowlist_no_longer_lists_1900_as_never_to_call() -> None:
    what = allowed_phone("1900")["what"].lower()
    assert "never to call" not in what and "danger" not in what
    assert "printed on the bill" in what


# -- risky: after a scam transfer, the bank first; and no "money recovery" pages ------------


def test_lost_money_means_calling_the_bank_at_once(course: Curriculum) -> None:
    report = lesson(course, "bao-cao-lua-dao")
    assert "ngân hàng" in correct(question(report, "mat-tien-roi"))  # type: ignore[arg-type]
    assert any("ngay" in c.lower() and "ngân hàng" in c for c in cards(report))


def test_money_recovery_services_are_named_as_a_scam(course: Curriculum) -> None:
    report = lesson(course, "bao-cao-lua-dao")
    assert any("lấy lại tiền" in c and "lừa" in c for c in cards(report))
    recovery = [
        o
        for o in question(report, "mat-tien-roi").options  # type: ignore[union-attr]
        if "lấy lại tiền" in o.text.vi
    ]
    assert recovery and not recovery[0].correct


# -- risky: a face check is also normal on first activation and on a new phone --------------


def test_face_checks_are_not_only_for_transfers(course: Curriculum) -> None:
    face = lesson(course, "sinh-trac-otp")
    text = vi_text(face)
    assert "chỉ quét mặt khi chính bác đang chuyển tiền" not in text
    assert "kích hoạt lần đầu" in text and "đổi điện thoại" in text
    assert "do chính bác mở" in text or "do chính bác tự mở" in text
    assert question(face, "doi-may-quet-mat").answer is True  # type: ignore[union-attr]


def test_fake_bank_staff_updating_face_data_is_taught(course: Curriculum) -> None:
    face = lesson(course, "sinh-trac-otp")
    assert any("cập nhật sinh trắc học" in c and "nhân viên ngân hàng" in c for c in cards(face))


# -- risky: ".gov.vn" must be at the very end, and links in strange texts stay closed -------


@pytest.mark.parametrize("lesson_id", ["tim-kiem-danh-gia", "dvc-an-toan"])
def test_gov_vn_is_taught_as_the_very_end_of_the_name(course: Curriculum, lesson_id: str) -> None:
    text = vi_text(lesson(course, lesson_id))
    assert ".gov.vn" in text and "tận cùng" in text
    assert "thường có đuôi .gov.vn" not in text
    assert "na ná" in text


def test_links_in_strange_messages_stay_closed(course: Curriculum) -> None:
    text = vi_text(lesson(course, "tim-kiem-danh-gia"))
    assert "đường link trong tin nhắn lạ" in text


# -- unclear: paying the power bill in a banking app is bill payment, not a transfer --------


def test_power_bill_is_paid_as_a_bill_with_the_customer_code(course: Curriculum) -> None:
    bill = lesson(course, "tra-tien-dien")
    assert "Thanh toán hóa đơn" in correct(question(bill, "kenh-tra-tien"))  # type: ignore[arg-type]
    assert any("mã khách hàng" in c and "Tiền điện" in c for c in cards(bill))
    assert "cskh evnspc" not in all_text(bill)  # the store name could not be re-checked


# -- 5656: LD for scam calls (V is for nuisance calls) --------------------------------------


def test_5656_syntax_for_scam_calls_is_ld(course: Curriculum) -> None:
    report = lesson(course, "bao-cao-lua-dao")
    assert correct(question(report, "cu-phap-5656")).startswith("LD")  # type: ignore[arg-type]
    assert any("LD [số điện thoại" in c for c in cards(report))
    assert "LD [" in allowed_phone("5656")["what"]


# -- the Zalo account itself may be hijacked ------------------------------------------------


def test_deepfake_check_is_an_ordinary_call_not_a_zalo_call_back(course: Curriculum) -> None:
    fake = lesson(course, "deepfake-nguoi-than")
    assert any("không gọi lại trong zalo" in c.lower() for c in cards(fake))
    assert "Gọi điện thường" in correct(question(fake, "con-goi-video-mo"))  # type: ignore[arg-type]


# -- wording that went further than the source ----------------------------------------------


def test_otp_messages_usually_state_their_purpose(course: Curriculum) -> None:
    text = vi_text(lesson(course, "bao-ve-ngan-hang"))
    assert "luôn ghi" not in text and "thường ghi" in text
    assert "không ghi rõ" in text  # no purpose shown: do not enter the code


def test_sixteen_characters_is_the_rule_and_a_passphrase_the_way(course: Curriculum) -> None:
    pw = lesson(course, "mat-khau-manh")
    assert "hoặc một câu gồm 4 đến 7 từ" not in vi_text(pw)
    assert "hoặc" not in question(pw, "so-ky-tu").explanation.vi
    assert "16 ký tự" in question(pw, "so-ky-tu").explanation.vi


def test_true_false_prompts_are_rules_without_a_double_dung(course: Curriculum) -> None:
    for item in course.lessons:
        for q in item.questions:
            if isinstance(q, TrueFalse):
                body = q.prompt.vi.removesuffix("Đúng hay sai?")
                assert not re.search(r"\bđúng\b", body, re.IGNORECASE), (item.id, q.id)
    assert question(lesson(course, "chuyen-khoan-qr"), "ten-khong-khop").answer is True
    assert question(lesson(course, "bao-ve-ngan-hang"), "doc-muc-dich-otp").answer is True


def test_no_question_quizzes_a_menu_path(course: Curriculum) -> None:
    for item in course.lessons:
        for q in item.questions:
            asked = [q.prompt.vi] + [o.text.vi for o in getattr(q, "options", [])]
            assert not any("→" in a for a in asked), f"{item.id}/{q.id} quizzes a menu path"


def test_vneid_questions_were_rewritten(course: Curriculum) -> None:
    intro = lesson(course, "vneid-la-gi")
    assert "so-muc-cao-nhat" not in {q.id for q in intro.questions}  # repeated the one before
    wallet = question(lesson(course, "vi-giay-to"), "giay-to-tich-hop")
    wrong = [o.text.vi for o in wallet.options if not o.correct]  # type: ignore[union-attr]
    assert "Hóa đơn tiền chợ" not in wrong and "Sổ ghi chép riêng" not in wrong


def test_english_says_no_more_than_the_vietnamese(course: Curriculum) -> None:
    q = question(lesson(course, "chia-se-chung-muc"), "chi-ban-be-xem")
    assert "giúp bớt" in q.prompt.vi and "helps fewer" in (q.prompt.en or "")


def test_scammers_are_called_ke_gian(course: Curriculum) -> None:
    for item in course.lessons:
        assert "người gian" not in vi_text(item), item.id
