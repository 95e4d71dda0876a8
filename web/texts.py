"""Every word the web page shows, Vietnamese first, English second."""

from __future__ import annotations

from datetime import datetime

from web.act_texts import ACT_TEXTS

LANGS = ("vi", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "site": ("Học số · Bảng theo dõi", "hocso · Dashboard"),
    "skip": ("Bỏ qua, đến nội dung", "Skip to content"),
    "nav_overview": ("Tổng quan", "Overview"),
    "nav_wards": ("Theo phường, xã", "By ward"),
    "nav_modules": ("Chủ đề và câu hỏi", "Modules and questions"),
    "nav_classes": ("Lớp học", "Classes"),
    "nav_certificates": ("Chứng nhận", "Certificates"),
    "logout": ("Đăng xuất", "Log out"),
    "other_lang": ("English", "Tiếng Việt"),
    "signed_in_as": ("Đang đăng nhập:", "Signed in as"),
    "role_official": ("cán bộ", "official"),
    "role_facilitator": ("người hướng dẫn", "facilitator"),
    # login
    "login": ("Đăng nhập", "Log in"),
    "username": ("Tên đăng nhập", "Username"),
    "password": ("Mật khẩu", "Password"),
    "login_wrong": (
        "Tên đăng nhập hoặc mật khẩu chưa đúng. Xin thử lại.",
        "The username or password is not right. Please try again.",
    ),
    "login_busy": (
        "Trang đang bận kiểm tra nhiều lần đăng nhập. Xin thử lại sau ít giây.",
        "The page is busy checking many logins. Please try again in a few seconds.",
    ),
    "login_wait": (
        "Đã thử sai nhiều lần. Xin chờ {seconds} giây rồi thử lại.",
        "Too many wrong tries. Please wait {seconds} seconds, then try again.",
    ),
    "login_needed": (
        "Xin đăng nhập để xem số liệu.",
        "Please log in to see the numbers.",
    ),
    "logged_out": ("Đã đăng xuất.", "You are logged out."),
    # filters
    "ward": ("Phường, xã", "Ward"),
    "class": ("Lớp", "Class"),
    "all_wards": ("Tất cả phường, xã", "All wards"),
    "all_my_classes": ("Tất cả lớp của tôi", "All my classes"),
    "filter": ("Xem", "Show"),
    "not_given": ("(chưa cho biết)", "(not given)"),
    "erased": ("(đã xóa theo yêu cầu)", "(erased on request)"),
    "no_class": ("(không thuộc lớp nào)", "(no class)"),
    "csv": ("Tải CSV", "Download CSV"),
    "chart_numbers": ("Số liệu của biểu đồ", "The chart's numbers"),
    "none_yet": ("Chưa có số liệu.", "No data yet."),
    # overview
    "overview": ("Tổng quan", "Overview"),
    "certified": ("Đã được chứng nhận", "Certified"),
    "target": ("Mục tiêu", "Target"),
    "of_target": (
        "{value} trên mục tiêu {target} ({share})",
        "{value} of the target {target} ({share})",
    ),
    "started": ("Đã bắt đầu học", "Started"),
    "lessons_passed": ("Bài học đã qua", "Lessons passed"),
    "active_7": ("Có học trong 7 ngày qua", "Active in the last 7 days"),
    "stuck": ("Ngưng học, cần nhắc", "Stuck, need a nudge"),
    "stuck_hint": (
        "chưa có chứng nhận và không học gì trong 7 ngày",
        "not certified, nothing done for 7 days",
    ),
    "last_event": ("Số liệu mới nhất lúc", "Newest data from"),
    "counted_at": ("Số liệu được tính lúc", "Numbers counted at"),
    "not_counted": (
        "Số liệu đang được tính lần đầu; xin tải lại trang sau ít phút.",
        "The numbers are being counted for the first time; reload in a few minutes.",
    ),
    "over_time": ("Người học theo thời gian", "Learners over time"),
    "day": ("Ngày", "Day"),
    "started_day": ("Bắt đầu trong ngày", "Started that day"),
    "certified_day": ("Chứng nhận trong ngày", "Certified that day"),
    "started_total": ("Tổng đã bắt đầu", "Started so far"),
    "certified_total": ("Tổng đã chứng nhận", "Certified so far"),
    "funnel": ("Từ bắt đầu đến chứng nhận", "From starting to certified"),
    "stage": ("Bước", "Step"),
    "learners": ("Người học", "Learners"),
    "of_started": ("So với số bắt đầu", "Of those who started"),
    "stage_started": ("Bắt đầu học", "Started"),
    "stage_lesson_one": ("Qua bài đầu tiên", "Passed the first lesson"),
    "stage_module_one": ("Xong chủ đề đầu tiên", "Finished the first module"),
    "stage_certified": ("Được chứng nhận", "Certified"),
    # wards
    "wards": ("Theo phường, xã", "By ward"),
    "code": ("Mã", "Code"),
    "certified_share": ("Tỷ lệ chứng nhận", "Share certified"),
    "wards_chart": ("{measure} theo phường, xã", "{measure} by ward"),
    "sort_by": ("Sắp xếp theo", "Sort by"),
    "chart_first": (
        "Biểu đồ vẽ {n} dòng đầu của bảng; bấm tên cột để sắp xếp lại.",
        "The chart draws the table's first {n} rows; click a column's name to sort.",
    ),
    # modules
    "modules": ("Chủ đề", "Modules"),
    "module": ("Chủ đề", "Module"),
    "finished_module": ("Người học xong chủ đề", "Learners who finished it"),
    "modules_chart": ("Người học xong từng chủ đề", "Learners who finished each module"),
    "questions": ("Câu hỏi hay sai nhất", "Questions most often missed"),
    "questions_hint": (
        "Lần trả lời đầu tiên trong bài học (không tính phần ôn tập). Nên giảng lại các ý này.",
        "First answers in lessons (not reviews): the points worth teaching again.",
    ),
    "lesson": ("Bài", "Lesson"),
    "question": ("Câu hỏi", "Question"),
    "answers": ("Lượt trả lời", "Answers"),
    "wrong": ("Sai", "Wrong"),
    "wrong_share": ("Tỷ lệ sai", "Share wrong"),
    "options": ("Các lựa chọn (số lần chọn)", "Options (times picked)"),
    "right_option": ("đáp án đúng", "the right answer"),
    "typed_answer": ("(câu trả lời gõ chữ)", "(typed answer)"),
    "options_unknown": ("(chưa ghi lại lựa chọn)", "(options not recorded)"),
    "true": ("Đúng", "True"),
    "false": ("Sai", "False"),
    "question_gone": ("(câu hỏi không còn trong bài)", "(question no longer in the lesson)"),
    # classes
    "classes": ("Lớp học", "Classes"),
    "class_code": ("Mã lớp", "Class code"),
    "class_name": ("Tên lớp", "Class name"),
    "facilitator": ("Người hướng dẫn", "Facilitator"),
    "no_name": ("(chưa đặt tên)", "(no name)"),
    "no_classes": ("Chưa có lớp nào.", "No classes yet."),
    "previous": ("Trang trước", "Previous"),
    "next": ("Trang sau", "Next"),
    "rows_shown": ("{first}–{last} trong {total} lớp", "{first}–{last} of {total} classes"),
    "qr_download": ("Tải mã QR để in (PNG)", "Download the QR code to print (PNG)"),
    "stuck_where": ("Người học ngưng ở đâu", "Where stuck learners stopped"),
    "last_tried": ("Bài thử gần nhất", "Lesson tried last"),
    "of_them_failed": ("Trong đó chưa qua bài này", "Of them, failed it"),
    "no_lesson_yet": ("(chưa học bài nào)", "(no lesson yet)"),
    # certificates
    "certificates": ("Chứng nhận", "Certificates"),
    "search_code": ("Tìm theo mã chứng nhận", "Find by certificate code"),
    "search": ("Tìm", "Find"),
    "certified_list": (
        "Tải danh sách người được chứng nhận (CSV) để xác nhận",
        "Download the certified learners (CSV) for confirmation",
    ),
    "issued": ("Ngày cấp", "Issued"),
    "name_printed": ("Tên in trên chứng nhận", "Name as printed"),
    "no_name_printed": ("(không in tên)", "(no name printed)"),
    "age_band": ("Độ tuổi", "Age band"),
    # verify
    "verify": ("Kiểm tra chứng nhận", "Check a certificate"),
    "valid": ("Chứng nhận hợp lệ", "This certificate is valid"),
    "invalid": (
        "Không tìm thấy chứng nhận có mã này.",
        "No certificate has this code.",
    ),
    "verify_hint": (
        "Nhập mã in trên chứng nhận (10 ký tự, ví dụ ABCDE-23456).",
        "Type the code printed on the certificate (10 characters, e.g. ABCDE-23456).",
    ),
    "check": ("Kiểm tra", "Check"),
    # errors
    "forbidden": ("Bạn không có quyền xem trang này.", "You may not see this page."),
    "not_found": ("Không có trang này.", "There is no such page."),
    "verify_wait": (
        "Đã tra quá nhiều mã không có trong thời gian ngắn. Xin chờ một phút rồi thử lại.",
        "Too many unknown codes in a short time. Please wait a minute, then try again.",
    ),
    "bad_ward": ("Không có phường, xã này.", "There is no such ward."),
    "home": ("Về trang tổng quan", "Back to the overview"),
}


TEXTS.update(ACT_TEXTS)


def text(key: str, lang: str, **values: object) -> str:
    vi, en = TEXTS[key]
    words = en if lang == "en" else vi
    return words.format(**values) if values else words


def number(n: int | float, lang: str) -> str:
    """1.234.567 in Vietnamese, 1,234,567 in English."""
    shown = f"{n:,}" if isinstance(n, int) else f"{n:,.1f}"
    if lang == "en":
        return shown
    return shown.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(part: int, whole: int, lang: str) -> str:
    if not whole:
        return "–"
    share = 100 * part / whole
    shown = f"{share:.2f}%" if 0 < share < 1 else f"{share:.1f}%"  # 0.01%, not 0.0%
    return shown if lang == "en" else shown.replace(".", ",")


def when(at: datetime | None, lang: str) -> str:
    if at is None:
        return "–"
    return at.strftime("%Y-%m-%d %H:%M" if lang == "en" else "%H:%M %d/%m/%Y")
