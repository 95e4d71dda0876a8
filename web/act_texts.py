"""The words of the pages that say where to act (targets, pace, members, printing),
Vietnamese first, English second; web/texts.py adds them to the rest."""

from __future__ import annotations

ACT_TEXTS: dict[str, tuple[str, str]] = {
    # the header on a phone: one line of short names
    "site_short": ("Học số", "hocso"),
    "nav_overview_short": ("Tổng quan", "Overview"),
    "nav_wards_short": ("Phường xã", "Wards"),
    "nav_modules_short": ("Câu hỏi", "Questions"),
    "nav_classes_short": ("Lớp", "Classes"),
    "nav_certificates_short": ("Chứng nhận", "Certificates"),
    # targets and bands
    "ward_target": ("Mục tiêu của phường, xã", "Ward's target"),
    "of_ward_target": ("Đạt so với mục tiêu", "Of its target"),
    "rank": ("Hạng", "Rank"),
    "rank_of": ("hạng {place}/{of}", "rank {place} of {of}"),
    "band": ("Tình hình", "Status"),
    "band_on_track": ("Đúng tiến độ", "On track"),
    "band_behind": ("Chậm tiến độ", "Behind"),
    "band_not_started": ("Chưa có người học", "Not started"),
    "band_no_target": ("Chưa có mục tiêu", "No target yet"),
    "bands_hint": (
        "Đúng tiến độ: tỷ lệ đạt mục tiêu bằng hoặc cao hơn mức cần có đến hôm nay ({share}).",
        "On track: its share of its target is at or above what is needed by today ({share}).",
    ),
    "targets_upload": (
        "Tải lên mục tiêu từng phường, xã (CSV)",
        "Upload each ward's target (CSV)",
    ),
    "targets_hint": (
        "Tệp CSV hai cột: Mã (mã phường, xã của Cục Thống kê) và Mục tiêu (số người). "
        "Tệp mới thay cho tệp cũ.",
        "A CSV of two columns: code (the statistics office's ward code) and target "
        "(people). A new file replaces the old one.",
    ),
    "targets_file": ("Tệp CSV", "CSV file"),
    "targets_send": ("Tải lên", "Upload"),
    "targets_saved": ("Đã lưu mục tiêu của {n} phường, xã.", "Saved the targets of {n} wards."),
    "targets_refused": (
        "Chưa lưu gì. Xin sửa tệp rồi tải lên lại:",
        "Nothing was saved. Please fix the file and upload it again:",
    ),
    "targets_template": ("Tải tệp mẫu (đủ mã các phường, xã)", "Download a template (every code)"),
    # what next
    "next_steps": ("Việc cần làm tiếp", "What next"),
    "no_learners_wards": (
        "{n} phường, xã chưa có ai học",
        "{n} wards with no learners yet",
    ),
    "every_ward_started": (
        "Phường, xã nào cũng đã có người học",
        "Every ward has learners",
    ),
    "slowest_wards": ("Phường, xã chậm nhất so với mục tiêu", "Slowest wards against target"),
    "most_stuck_classes": (
        "Lớp có nhiều người ngưng học nhất",
        "Classes with most stuck learners",
    ),
    "stuck_n": ("{n} người ngưng học", "{n} stuck"),
    "and_more": ("và {n} nơi khác", "and {n} more"),
    # pace
    "pace": ("Tiến độ đến hạn", "Pace toward the deadline"),
    "deadline": ("Hạn chót", "Deadline"),
    "no_deadline": (
        "Chưa đặt hạn chót (campaign.deadline).",
        "No deadline set (campaign.deadline).",
    ),
    "pace_now": ("Tốc độ 4 tuần qua", "Pace of the last 4 weeks"),
    "per_week": ("{n} người/tuần", "{n} people/week"),
    "pace_needed": ("Cần từ nay", "Needed from now"),
    "needed_words": ("cần {n} người/tuần", "{n} people/week needed"),
    "projected": ("Về đích dự kiến", "Projected to reach the target"),
    "never_at_pace": (
        "chưa tính được (chưa có ai được chứng nhận gần đây)",
        "cannot tell (nobody certified lately)",
    ),
    "reached": ("Đã đạt mục tiêu", "Target reached"),
    "beyond_ten_years": ("hơn 10 năm nữa", "more than ten years away"),
    "late": ("trễ hạn", "after the deadline"),
    "in_time": ("kịp hạn", "in time"),
    "weekly": ("Theo tuần", "Week by week"),
    "weekly_chart": ("Người được chứng nhận mỗi tuần", "Learners certified each week"),
    "week_of": ("Tuần từ", "Week from"),
    "started_week": ("Bắt đầu trong tuần", "Started that week"),
    "certified_week": ("Chứng nhận trong tuần", "Certified that week"),
    "change": ("So với tuần trước", "Against the week before"),
    "range_from": ("Từ ngày", "From"),
    "range_to": ("Đến ngày", "To"),
    "day_by_day": ("Số liệu từng ngày ({n} ngày)", "Day by day ({n} days)"),
    "newest_first": ("Ngày mới nhất ở trên.", "Newest days first."),
    # age bands and platforms
    "by_age": ("Theo độ tuổi", "By age band"),
    "by_platform": ("Theo nền tảng", "By platform"),
    "platform": ("Nền tảng", "Platform"),
    "demo_platform": ("(dữ liệu mẫu)", "(demo data)"),
    # chart descriptions
    "bars_desc": (
        "Cao nhất: {top} ({top_n}). Thấp nhất: {low} ({low_n}). Số liệu ở bảng bên cạnh.",
        "Highest: {top} ({top_n}). Lowest: {low} ({low_n}). The numbers are in the table beside.",
    ),
    "line_desc": (
        "Đến {day}: {started} người đã bắt đầu, {certified} người được chứng nhận.",
        "By {day}: {started} started, {certified} certified.",
    ),
    "funnel_words": (
        "{started} người bắt đầu; {lesson} qua bài đầu; {module} xong chủ đề đầu; "
        "{certified} được chứng nhận.",
        "{started} started; {lesson} passed the first lesson; {module} finished the first "
        "module; {certified} certified.",
    ),
    # members
    "members": ("Người học trong lớp", "The class's learners"),
    "member": ("Người học", "Learner"),
    "member_n": ("Người học {n}", "Learner {n}"),
    "members_hint": (
        "Tên là tên người học muốn in trên chứng nhận; người chưa có chứng nhận được ghi theo "
        "thứ tự vào lớp, nền tảng và ngày bắt đầu (hệ thống không lưu tên trên Zalo, Telegram).",
        "Names are those learners asked to have printed on their certificate; the others are "
        "numbered by when they joined, with their platform and start day (chat names are not "
        "kept).",
    ),
    "started_on": ("Ngày bắt đầu", "Started"),
    "last_lesson": ("Bài gần nhất", "Last lesson"),
    "last_active": ("Hoạt động gần nhất", "Last activity"),
    "failed_mark": ("(chưa qua)", "(not passed)"),
    "is_stuck": ("Ngưng học", "Stuck"),
    "is_certified": ("Có chứng nhận", "Certified"),
    "print": ("In", "Print"),
    "print_list": ("In danh sách lớp", "Print the class list"),
    "print_certificates": ("In giấy chứng nhận của lớp", "Print the class's certificates"),
    "certificate_title": ("GIẤY CHỨNG NHẬN", "CERTIFICATE"),
    "certificate_body": (
        "đã hoàn thành các bài học kỹ năng số cơ bản",
        "has completed the basic digital skills lessons",
    ),
    "certificate_code": ("Mã chứng nhận", "Certificate code"),
    "no_certificates": (
        "Lớp chưa có ai được chứng nhận.",
        "Nobody in the class is certified yet.",
    ),
    # joining
    "join_ways": ("Cách vào lớp", "How to join"),
    "join_send": ("Mở bot trên {platform} và gửi:", "Open the bot on {platform} and send:"),
    "join_open": ("Mở đường dẫn (hoặc quét mã QR):", "Open the link (or scan the QR code):"),
    "no_join_way": (
        "Chưa có nền tảng nào được cài đặt để vào lớp. Xin hỏi cán bộ phụ trách chiến dịch.",
        "No platform is set up for joining yet. Please ask the campaign's officials.",
    ),
    "no_join_way_official": (
        "Chưa cài đặt nền tảng nào: cần telegram.username (đường dẫn Telegram) hoặc "
        "zalo.token trong config.yaml.",
        "No platform is set up: set telegram.username (Telegram link) or zalo.token in "
        "config.yaml.",
    ),
    # reminders asked for on a class's page (web/reminding.py)
    "need_you": ("Ngưng học, cần bạn nhắc", "Stuck: they need a nudge from you"),
    "remind_class": ("Nhắc cả lớp", "Remind the whole class"),
    "remind_one": ("Nhắc người này", "Remind this learner"),
    "remind_asked": (
        "Đã xếp lịch nhắc {n} người. Bot sẽ nhắn trong ít phút (ngoài giờ nghỉ đêm), trừ "
        "người đã học hôm nay, đã học xong hoặc đã tắt nhắc nhở.",
        "Reminders scheduled for {n}. The bot sends them within minutes (not at night), except "
        "to those who studied today, finished, or turned reminders off.",
    ),
    "remind_already": (
        "{n} người đã được nhắc hôm nay; mỗi người chỉ được nhắc một lần một ngày.",
        "{n} were already reminded today; each learner is reminded at most once a day.",
    ),
    "remind_nobody": (
        "Không có ai trong lớp nhận được lời nhắc qua bot.",
        "Nobody in this class can be reminded through the bot.",
    ),
    "remind_off": (
        "Trang web này chưa nối với bot nên chưa gửi được lời nhắc. Xin báo cán bộ phụ trách, "
        "và nhắc trong nhóm lớp trong lúc chờ.",
        "This page is not connected to the bot, so it cannot send reminders. Please tell the "
        "official in charge, and remind them in the class group meanwhile.",
    ),
    "remind_down": (
        "Chưa gửi được lời nhắc lúc này. Xin thử lại sau ít phút.",
        "The reminders could not be sent just now. Please try again in a few minutes.",
    ),
    # downloads
    "xlsx": ("Tải Excel", "Download Excel"),
    "certified_xlsx": ("Tải danh sách (Excel)", "Download the list (Excel)"),
    "cert_code": ("Mã chứng nhận", "Certificate code"),
    "cert_name": ("Họ tên", "Name"),
}
