"""Each fix of the second course review (issue 25) pinned, so a risky or outdated fact cannot
come back.

A learner who followed the old wording could be misled: trusting a caller who knows the family
code word, reading an OTP to a "buyer" who asks for one "to verify", dictating a password aloud,
missing 112 in a flood, paying a fine into the wrong account, or looking for a counter that was
renamed. These tests read the shipped lessons as a learner would; each failed on the lessons
before the review.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.content.facts import phone_numbers, strings, texts_of, web_addresses
from bot.content.lessons import (
    Card,
    Curriculum,
    Lesson,
    SingleChoice,
    TrueFalse,
    Typed,
    load_curriculum,
)

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
    voice = (LESSONS / "09-doi-song-so" / "01-go-giong-noi.yaml").read_text(encoding="utf-8")
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


# -- unclear: what a learner needs to act on ---------------------------------------------------


def test_bullying_lesson_gives_111_and_reporting_to_the_app(course: Curriculum) -> None:
    bully = lesson(course, "bat-nat-tren-mang")
    assert "111" in phone_numbers(all_text(bully))
    assert any(
        "111" in c and "miễn phí" in c and "báo cho chính ứng dụng" in c for c in cards(bully)
    )
    assert question(bully, "tong-dai-111").accept.vi[0] == "111"  # type: ignore[union-attr]
    assert "free" in allowed_phone("111")["what"]


def test_the_real_biometric_update_is_mandatory_and_done_by_yourself(course: Curriculum) -> None:
    face = lesson(course, "sinh-trac-otp")
    assert any(
        "bắt buộc" in c and "thông tư 17/2024" in c and "không bao giờ làm qua người gọi" in c
        for c in cards(face)
    )


def test_getting_scammed_money_back_is_a_chance_not_a_promise(course: Curriculum) -> None:
    report = lesson(course, "bao-cao-lua-dao")
    text = vi_text(report)
    assert "tìm cách giữ tiền" in text and "không chắc" in text
    assert "tra soát, giữ tiền lại" not in text


def test_vneid_lesson_names_level_2_and_common_services(course: Curriculum) -> None:
    vneid = lesson(course, "vneid-tien-ich")
    assert any("tố giác" in c and "mức 2" in c for c in cards(vneid))
    services = next(c for c in cards(vneid) if "thủ tục hành chính" in c)
    for service in ("tạm trú", "thông báo lưu trú", "thông tin cư trú"):
        assert service in services, service
    assert "tên mục có thể đổi" in services
    assert correct(question(vneid, "luu-tru-tren-vneid")) == "Thông báo lưu trú"
    # A question on how a website unlocks lessons tests the site of the day, not a skill.
    assert "bai-mo-thu-tu" not in {q.id for q in vneid.questions}


def test_a_lost_phone_lesson_says_what_to_do_today(course: Curriculum) -> None:
    lost = lesson(course, "mat-dien-thoai")
    today = next(c for c in cards(lost) if "ngay hôm nay" in c and "pin" in c)
    assert "tìm iphone" in today and "tìm thiết bị" in today and "sim" in today
    assert any("bạn bè" in c and "mượn tiền" in c for c in cards(lost))
    assert any("mặt sau thẻ" in c for c in cards(lost))


def test_screen_lock_names_the_iphone_setting_and_six_digits(course: Curriculum) -> None:
    lock = vi_text(lesson(course, "khoa-man-hinh"))
    assert "face id & mật mã" in lock and "ít nhất 6 số" in lock


def test_a_hijacked_zalo_is_the_friends_account(course: Curriculum) -> None:
    zalo = vi_text(lesson(course, "zalo-hang-ngay"))
    assert "tài khoản zalo của bạn có thể" not in zalo  # read as "your account"
    assert "tài khoản zalo của người bạn đó" in zalo


def test_ward_police_is_commune_or_ward_police(course: Curriculum) -> None:
    # Most of Cần Thơ's 103 units are communes (72 communes, 31 wards).
    for item in course.lessons:
        text = re.sub(r'"[^"\n]*"', "", vi_text(item))  # a scammer's words, quoted, stay
        assert "công an phường" not in text, item.id


def test_ba_bay_only_thought_her_daughter_ordered_it(course: Curriculum) -> None:
    story = cards(lesson(course, "shipper-gia"))[0]
    assert "tưởng con gái" in story and "đang chờ món hàng con gái đặt" not in story


def test_cod_is_paid_back_by_the_delivery_company(course: Curriculum) -> None:
    sell = lesson(course, "ban-hang-online")
    assert "công ty giao hàng chuyển trả" in cards(sell)[0]


# -- language ----------------------------------------------------------------------------------


def test_southern_wording(course: Curriculum) -> None:
    for item in course.lessons:
        text = vi_text(item)
        assert "nghìn" not in text, item.id  # Southern readers say "ngàn"
        assert "chiêu mới" not in text, item.id  # the tricks date from 2024
        assert "mất luôn tài khoản ngân hàng" not in text, item.id
    assert "10 ngàn" in vi_text(lesson(course, "shipper-gia"))


def test_ai_lesson_wording(course: Curriculum) -> None:
    ai = lesson(course, "ai-la-gi")
    text = vi_text(ai)
    assert "làm hình" not in text and "vẽ hình" in text
    assert "đã từng làm lộ" not in text and "có thể làm lộ" in text
    money = next(c for c in cards(ai) if "tiền bạc" in c)
    assert "ngân hàng" in money and "người nhà" in money
    assert "bác sĩ" not in money.split("tiền bạc")[1]  # money questions do not go to a doctor


# -- section 3: the step from hocso to confirmation on the national platform ------------------


def test_the_platform_lesson_walks_the_learner_there(course: Curriculum) -> None:
    bridge = lesson(course, "len-nen-tang-quoc-gia")
    text = vi_text(bridge)
    assert "binhdanhocvuso.gov.vn" in web_addresses(text)
    ready = next(c for c in cards(bridge) if "chuẩn bị" in c)
    assert "vneid" in ready and "mức 2" in ready and "dữ liệu di động" in ready
    assert any("tự gõ binhdanhocvuso.gov.vn" in c and "đăng nhập" in c for c in cards(bridge))
    assert any("người dân" in c and "video" in c and "câu hỏi" in c for c in cards(bridge))
    assert "tổ công nghệ số cộng đồng" in text and "hỏi cán bộ" in text
    assert "xác nhận trên vneid" in text and "không xác nhận thay được" in text
    assert question(bridge, "huong-dan-biet-mat-khau").answer is False  # type: ignore[union-attr]
    assert "Tổ công nghệ số" in correct(question(bridge, "bi-ket-hoi-ai"))
