"""Each fix of the second course review (issue 25) pinned, so a risky or outdated fact cannot
come back.

A learner who followed the old wording could be misled: trusting a caller who knows the family
code word, reading an OTP to a "buyer" who asks for one "to verify", dictating a password aloud,
missing 112 in a flood, paying a fine into the wrong account, or looking for a counter that was
renamed. These tests read the shipped lessons as a learner would; each failed on the lessons
before the review.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.lesson_facts import phone_numbers, strings, texts_of, web_addresses
from bot.lessons import Card, Curriculum, Lesson, SingleChoice, TrueFalse, Typed, load_curriculum

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
ALLOW = yaml.safe_load((LESSONS / "allowlist.yaml").read_text(encoding="utf-8"))


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
    return "\n".join(s for _, t in texts_of(item, "") for s in strings(t))


def cards(item: Lesson) -> list[str]:
    return [s.text.vi.lower() for s in item.steps if isinstance(s, Card)]


def question(item: Lesson, qid: str) -> SingleChoice | TrueFalse | Typed:
    found = [q for q in item.questions if q.id == qid]
    assert found, f"{item.id} has no question {qid}"
    return found[0]


def correct(q: SingleChoice | TrueFalse | Typed) -> str:
    assert isinstance(q, SingleChoice)
    return next(o.text.vi for o in q.options if o.correct)


def allowed_phone(number: str) -> dict[str, str]:
    return next(p for p in ALLOW["phones"] if p["number"] == number)


# -- risky: a caller who knows the code word is not proven genuine ---------------------------


def test_the_right_code_word_still_means_calling_back(course: Curriculum) -> None:
    code = lesson(course, "mat-ma-gia-dinh")
    assert any("đúng mật mã" in c and "gọi" in c and "số đã lưu" in c for c in cards(code))
    q = question(code, "hoi-mat-ma")
    assert "mật mã" in q.prompt.vi and "gọi lại" in correct(q)
    trusting = [o for o in q.options if "mật mã" in o.text.vi.lower()]  # type: ignore[union-attr]
    assert trusting and not any(o.correct for o in trusting)


def test_the_teacher_or_hospital_script_is_taught(course: Curriculum) -> None:
    code = lesson(course, "mat-ma-gia-dinh")
    assert any("cô giáo" in c and "cấp cứu" in c for c in cards(code))
    assert "nhà trường" in correct(question(code, "co-giao-goi"))


# -- risky: receiving money never needs an OTP, whatever the reason given --------------------


def test_otp_is_not_taught_as_only_for_sending_money(course: Curriculum) -> None:
    sell = lesson(course, "ban-hang-online")
    assert "dùng để chuyển tiền đi, không phải để nhận" not in vi_text(sell)
    assert "không bao giờ cần" in vi_text(sell)
    assert "để xác minh" in vi_text(sell)  # the pretext scammers use
    q = question(sell, "nhan-tien-khong-otp")
    assert isinstance(q, TrueFalse) and q.feedback_false is not None
    assert "đăng nhập" in q.feedback_false.vi and "kẻ gian" in q.feedback_false.vi


# -- risky: never dictate secrets; S60 was an Android TV page -------------------------------


def test_voice_typing_warns_against_dictating_secrets(course: Curriculum) -> None:
    voice = lesson(course, "go-giong-noi")
    assert any("mật khẩu" in c and "otp" in c and "số thẻ" in c for c in cards(voice))
    assert any("người ngồi gần" in c and "qua mạng" in c for c in cards(voice))
    q = question(voice, "khong-doc-otp")
    assert isinstance(q, TrueFalse) and q.answer is False


def test_the_android_tv_source_is_gone() -> None:
    assert "S60" not in ALLOW["sources"]
    voice = (LESSONS / "08-doi-song-so" / "01-go-giong-noi.yaml").read_text(encoding="utf-8")
    assert "S60" not in voice and "S61" in voice


# -- wrong: WHO's one hour is for ages 2-4; watching together is the AAP's advice ------------


def test_who_screen_limit_is_for_two_to_four(course: Curriculum) -> None:
    screens = lesson(course, "tre-va-man-hinh")
    text = vi_text(screens)
    assert "2 đến 5 tuổi" not in text and "2 đến 4 tuổi" in text
    assert "càng ít càng tốt" in text
    who_card = next(c for c in cards(screens) if "(who)" in c)
    assert "ngồi cùng" not in who_card  # that advice is the AAP's
    assert any("aap" in c and "xem cùng" in c for c in cards(screens))
    typed = question(screens, "mot-gio-moi-ngay")
    assert "2 đến 4 tuổi" in typed.prompt.vi and "ngồi cùng" not in typed.explanation.vi
    assert any(s.startswith("S65") for s in screens.sources)


# -- outdated: 112 for disasters and help; 114 is also for rescue ----------------------------


def test_112_is_taught_and_listed(course: Curriculum) -> None:
    emergency = lesson(course, "so-khan-cap")
    assert "112" in phone_numbers(all_text(emergency))
    assert any("112" in c and "miễn phí" in c and "lũ" in c for c in cards(emergency))
    assert any("gộp" in c for c in cards(emergency))  # the numbers may be merged
    assert correct(question(emergency, "lu-len-nhanh")) == "112"
    assert "2023/QĐ-TTg" in allowed_phone("112")["what"]


def test_114_is_fire_and_rescue(course: Curriculum) -> None:
    emergency = lesson(course, "so-khan-cap")
    assert any("114" in c and "cứu nạn" in c and "đuối nước" in c for c in cards(emergency))
    assert "rescue" in allowed_phone("114")["what"]


# -- outdated: the counter is the commune's public administration service centre -------------


@pytest.mark.parametrize("lesson_id", ["dvc-tai-khoan", "dvc-an-toan", "dvc-nop-phi"])
def test_the_one_stop_desk_is_now_the_service_centre(course: Curriculum, lesson_id: str) -> None:
    text = vi_text(lesson(course, lesson_id))
    assert "bộ phận một cửa" not in text and "ra một cửa" not in text
    assert "trung tâm phục vụ hành chính công" in text


def test_fines_are_checked_in_official_places_and_never_paid_to_a_person(
    course: Curriculum,
) -> None:
    fines = lesson(course, "dvc-nop-phi")
    shown = web_addresses(all_text(fines))
    assert {"csgt.bocongan.gov.vn", "dichvucong.gov.vn"} <= set(shown)
    assert "vnetraffic" in vi_text(fines)
    assert any("kho bạc" in c and "tài khoản cá nhân" in c for c in cards(fines))
    assert "chỉ nộp trong cổng chính thức" not in vi_text(
        fines
    )  # too strong: the decision names a Treasury account
