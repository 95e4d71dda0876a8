"""What the tutor says in group lessons (bot/groups/routes.py, bot/groups/chats.py), Vietnamese
first. Kept with the feature and put into bot/texts.py's table (`t`) when it is imported."""

from __future__ import annotations

from bot.texts import TEXTS

TEXTS.update(
    {
        "group_help": {
            "vi": "Chào cả nhà! 👋 Mình là Học Số.\n"
            "• Người hướng dẫn gõ /lesson để cả nhóm cùng học một bài, "
            "/schedule để đặt lịch học hằng tuần.\n"
            "• Ai bấm «✋ Tham gia» thì được tính điểm riêng.\n"
            "• Muốn học riêng, {you} nhắn tin trực tiếp cho mình.",
            "en": "Hello everyone! 👋 I am Học Số.\n"
            "• The facilitator sends /lesson to learn a lesson together, /schedule to set "
            "the weekly class time.\n"
            "• Tap «✋ Join» to have your own answers counted.\n"
            "• To learn on your own, message me directly.",
        },
        "group_lead_only": {
            "vi": "Dạ, chỉ người hướng dẫn của nhóm mới bắt đầu, chuyển bước hay dừng bài "
            "được ạ. {You} cứ trả lời câu hỏi nhé! 😊",
            "en": "Only the group's facilitator can start, move on or stop a lesson. "
            "Do answer the questions! 😊",
        },
        "group_menu": {
            "vi": "📚 Cả nhóm học bài nào ạ?\nChọn bài tiếp theo của lớp, hoặc một chủ đề:",
            "en": "📚 Which lesson shall the group take?\nThe class's next one, or a topic:",
        },
        "group_module": {
            "vi": "📚 {module}\nChọn một bài cho cả nhóm:",
            "en": "📚 {module}\nChoose a lesson for the group:",
        },
        "group_btn_class_next": {"vi": "▶️ Bài tiếp theo: {title}", "en": "▶️ Next: {title}"},
        "group_btn_topics": {"vi": "⬅️ Các chủ đề", "en": "⬅️ Topics"},
        "group_running": {
            "vi": "📘 Nhóm đang học «{title}» (bước {n}/{total}).\nMỗi lần chỉ học một bài.",
            "en": "📘 The group is taking «{title}» (step {n}/{total}).\nOne lesson at a time.",
        },
        "group_one_at_a_time": {
            "vi": "Nhóm đang học một bài rồi ạ. Mỗi lần một bài thôi.",
            "en": "The group is already taking a lesson: one at a time.",
        },
        "group_btn_next": {"vi": "▶️ Tiếp tục", "en": "▶️ Continue"},
        "group_btn_stop": {"vi": "⏹ Dừng bài", "en": "⏹ Stop the lesson"},
        "group_intro": {
            "vi": "📘 Cả nhóm cùng học: «{title}»\n⏱ Khoảng {minutes} phút · {n} câu hỏi",
            "en": "📘 Learning together: «{title}»\n⏱ About {minutes} minutes · {n} questions",
        },
        "group_join_invite": {
            "vi": "✋ Ai muốn được tính điểm và lưu tiến độ riêng, bấm «Tham gia».",
            "en": "✋ To have your own score and progress kept, tap «Join».",
        },
        "group_consent": {
            "vi": "🔒 Bấm là {you} đồng ý cho mình lưu tiến độ học (và phường/xã nếu {you} chọn); "
            "nhắn /forget riêng cho mình để xóa.",
            "en": "🔒 Tapping it lets me keep your progress (and your ward, if you give it); "
            "send me /forget privately to erase it.",
        },
        "group_joined_count": {"vi": "👥 Đã tham gia: {n} người", "en": "👥 Joined: {n}"},
        "group_btn_join": {"vi": "✋ Tham gia", "en": "✋ Join"},
        "group_btn_begin": {"vi": "▶️ Bắt đầu", "en": "▶️ Begin"},
        "group_joined": {
            "vi": "✋ {You} đã tham gia! Câu trả lời của {you} được tính riêng. "
            "Nhắn /forget riêng cho mình để xóa.",
            "en": "✋ You joined! Your answers count for you. Send me /forget privately to erase.",
        },
        "group_joined_before": {"vi": "{You} đã tham gia rồi ạ ✅", "en": "You have joined ✅"},
        "group_moved_on": {
            "vi": "Nhóm đã sang bước khác rồi ạ.",
            "en": "The group has moved on already.",
        },
        "group_talk_it_over": {
            "vi": "💬 Câu này cả nhóm cùng trao đổi, rồi bấm «Xem đáp án».",
            "en": "💬 Talk this one over together, then tap «Show the answer».",
        },
        "group_answered": {"vi": "👥 {n} người đã trả lời", "en": "👥 {n} answered"},
        "group_no_one": {"vi": "👥 Chưa có ai trả lời", "en": "👥 No answers yet"},
        "group_btn_reveal": {"vi": "👁 Xem đáp án", "en": "👁 Show the answer"},
        "group_chose": {"vi": "{You} chọn {answer} ✔", "en": "You chose {answer} ✔"},
        "group_chose_anon": {
            "vi": "{You} chọn {answer} ✔\nBấm «✋ Tham gia» để được tính điểm riêng.",
            "en": "You chose {answer} ✔\nTap «✋ Join» to have it counted for you.",
        },
        "group_already": {
            "vi": "{You} đã trả lời câu này rồi: {answer} ✅",
            "en": "You already answered this one: {answer} ✅",
        },
        "group_question_gone": {
            "vi": "Câu này đã qua rồi ạ. {You} trả lời câu mới nhất nhé.",
            "en": "That question is over. Please answer the latest one.",
        },
        "group_already_shown": {
            "vi": "Câu này đã có đáp án rồi ạ.",
            "en": "This question's answer is out already.",
        },
        "group_tally": {"vi": "📊 {n} người đã trả lời:", "en": "📊 {n} answered:"},
        "group_lesson_changed": {
            "vi": "📝 Bài này vừa được cập nhật nên mình dừng ở đây. Các câu đã trả lời vẫn "
            "được tính. Người hướng dẫn gõ /lesson để học lại nhé.",
            "en": "📝 This lesson was just updated, so it stops here. Answers given still "
            "count. The facilitator can send /lesson to take it again.",
        },
        "group_done": {
            "vi": "🎉 Cả nhóm đã học xong bài «{title}»!",
            "en": "🎉 The group finished «{title}»!",
        },
        "group_score": {
            "vi": "📊 Cả nhóm đúng {right}/{total} câu trả lời ({percent}%).",
            "en": "📊 The group got {right} of {total} answers right ({percent}%).",
        },
        "group_people": {"vi": "👥 Kết quả từng người:", "en": "👥 Each one's result:"},
        "group_and_more": {"vi": "… và {n} người nữa", "en": "… and {n} more"},
        "group_top": {"vi": "🏅 Bảng vàng hôm nay:", "en": "🏅 Today's honour roll:"},
        "group_effort": {
            "vi": "💪 Chăm chỉ trả lời đủ mọi câu: {names}. Giỏi lắm!",
            "en": "💪 Answered every question: {names}. Well done!",
        },
        "group_next": {
            "vi": "➡️ Bài tiếp theo của nhóm: «{title}». Người hướng dẫn gõ /lesson khi cả nhà "
            "sẵn sàng.",
            "en": "➡️ The group's next lesson: «{title}». The facilitator sends /lesson when "
            "everyone is ready.",
        },
        "group_course_done": {
            "vi": "🌟 Nhóm đã học hết các bài! Thật đáng khen.",
            "en": "🌟 The group has taken every lesson! Well done.",
        },
        "group_invite": {
            "vi": "📱 Bài hôm nay đã vào tiến độ của từng người tham gia. Muốn học tiếp một "
            "mình và nhận giấy chứng nhận, {you} nhắn riêng cho mình: {link}",
            "en": "📱 Today's lesson is in each participant's progress. To go on alone and "
            "earn the certificate, message me: {link}",
        },
        "group_invite_plain": {
            "vi": "📱 Bài hôm nay đã vào tiến độ của từng người tham gia. Muốn học tiếp một "
            "mình và nhận giấy chứng nhận, {you} bấm vào tên Học Số để nhắn riêng cho mình.",
            "en": "📱 Today's lesson is in each participant's progress. To go on alone and "
            "earn the certificate, tap Học Số's name and message me.",
        },
        "group_nothing_running": {
            "vi": "Nhóm chưa học bài nào. Gõ /lesson để bắt đầu nhé.",
            "en": "No lesson is running. Send /lesson to start one.",
        },
        "group_stopped": {
            "vi": "⏹ Đã dừng bài. Các câu mọi người đã trả lời vẫn được tính vào tiến độ.",
            "en": "⏹ Lesson stopped. Every answer given still counts.",
        },
        "group_forget_privately": {
            "vi": "🔒 Để xóa dữ liệu, {you} nhắn /forget riêng cho mình nhé.",
            "en": "🔒 To erase your data, send me /forget in a private message.",
        },
        "group_report_empty": {
            "vi": "📋 Nhóm chưa có ai bấm «Tham gia» nên chưa có báo cáo.",
            "en": "📋 No one has joined yet, so there is nothing to report.",
        },
        "group_report": {
            "vi": "📋 Báo cáo lớp: {n} người đã tham gia",
            "en": "📋 Class report: {n} members joined",
        },
        "group_report_done": {"vi": "đã xong {n} bài", "en": "{n} lessons finished"},
        "group_report_took": {"vi": "✅ {lessons}", "en": "✅ {lessons}"},
        "group_report_missing": {"vi": "⏳ chưa xong: {lessons}", "en": "⏳ not yet: {lessons}"},
        "group_report_lessons": {
            "vi": "📚 Nhóm đã học {n} bài cùng nhau.",
            "en": "📚 The group has taken {n} lessons together.",
        },
        "group_report_private": {
            "vi": "📋 Lớp đông nên mình gửi báo cáo vào tin nhắn riêng của {you}. Nếu chưa thấy, "
            "{you} mở chat riêng với mình, bấm «Bắt đầu» rồi gõ lại /class_report nhé.",
            "en": "📋 The class is large, so the report went to your private chat. If it is "
            "not there, open a chat with me, tap «Start», then send /class_report again.",
        },
        "cmd_lesson": {"vi": "Học một bài cùng cả nhóm", "en": "Take a lesson as a group"},
        "cmd_class_report": {
            "vi": "Báo cáo lớp (người hướng dẫn)",
            "en": "Class report (facilitator)",
        },
        "cmd_group_stop": {"vi": "Dừng bài đang học", "en": "Stop the lesson"},
        "cmd_helper": {"vi": "Giúp người thân học (Gia đình số)", "en": "Help a relative learn"},
        "cmd_group_schedule": {
            "vi": "Lịch học hằng tuần của lớp (người hướng dẫn)",
            "en": "The class's weekly time (facilitator)",
        },
    }
)

# A group's weekly class time and its reminder (bot/groups/schedule.py).
TEXTS.update(
    {
        "group_schedule_is": {
            "vi": "🗓 Lớp học mỗi tuần vào {when}.\n"
            "⏰ Mình nhắc cả nhóm lúc {call}, trước giờ học 1 tiếng.\n"
            "Đổi giờ: gõ /schedule và ngày giờ mới, ví dụ /schedule thứ Bảy 19:00.",
            "en": "🗓 The class meets every {when}.\n"
            "⏰ I remind the group at {call}, an hour before.\n"
            "To change it, send /schedule with a day and time, e.g. /schedule Saturday 19:00.",
        },
        "group_schedule_none": {
            "vi": "🗓 Nhóm chưa có lịch học hằng tuần.\n"
            "Người hướng dẫn gõ /schedule và ngày giờ, ví dụ /schedule thứ Bảy 19:00, "
            "mình sẽ nhắc cả nhóm trước giờ học 1 tiếng.",
            "en": "🗓 The group has no weekly class time yet.\n"
            "The facilitator sends /schedule with a day and time, e.g. /schedule Saturday "
            "19:00, and I remind the group an hour before.",
        },
        "group_schedule_set": {
            "vi": "✅ Đã đặt lịch: lớp học mỗi tuần vào {when}.\n"
            "⏰ Mình sẽ nhắc cả nhóm lúc {call}, trước giờ học 1 tiếng.\n"
            "Đổi giờ: gõ lại /schedule với ngày giờ mới.",
            "en": "✅ Done: the class meets every {when}.\n"
            "⏰ I will remind the group at {call}, an hour before.\n"
            "To change it, send /schedule with another day and time.",
        },
        "group_schedule_class": {
            "vi": "👥 Học viên lớp {code} học riêng cũng được nhắc theo lịch này.",
            "en": "👥 Members of class {code} who study alone are reminded by it too.",
        },
        "group_schedule_removed": {
            "vi": "🔕 Đã bỏ lịch học hằng tuần, mình sẽ không nhắc nữa.\n"
            "Đặt lại: gõ /schedule thứ Bảy 19:00 (hoặc ngày giờ của lớp).",
            "en": "🔕 The weekly time is removed: no more reminders.\n"
            "To set it again, send /schedule Saturday 19:00 (or the class's day and time).",
        },
        "group_schedule_unknown": {
            "vi": "Dạ, mình chưa hiểu ngày giờ này ạ. {You} gõ như: /schedule thứ Bảy 19:00 "
            "(hoặc T7 7 giờ tối, CN 8:00). Bỏ lịch: /schedule off.",
            "en": "Sorry, I could not read that day and time. Try: /schedule Saturday 19:00 "
            "(or sat 19h, sun 8:00). To remove it: /schedule off.",
        },
        "group_schedule_not_saved": {
            "vi": "😔 Dạ, mình chưa lưu được lịch của lớp lúc này. "
            "{You} gõ lại /schedule sau ít phút nhé.",
            "en": "😔 I could not save the class's time just now. "
            "Please send /schedule again in a few minutes.",
        },
        "group_schedule_lead_only": {
            "vi": "🗓 Lịch học của lớp: {when}. Dạ, chỉ người hướng dẫn mới đổi được lịch ạ.",
            "en": "🗓 The class's time: {when}. Only the facilitator can change it.",
        },
        "group_btn_schedule_off": {"vi": "🔕 Bỏ lịch nhắc", "en": "🔕 Remove the time"},
        "group_btn_lessons": {"vi": "📚 Chọn bài học", "en": "📚 Choose a lesson"},
        "group_call": {
            "vi": "⏰ Cả nhà ơi, {soon} là tới giờ học của lớp mình ({when})!",
            "en": "⏰ Class starts {soon} ({when}), everyone!",
        },
        "group_call_hour": {"vi": "còn 1 tiếng nữa", "en": "in an hour"},
        "group_call_minutes": {"vi": "còn {n} phút nữa", "en": "in {n} minutes"},
        "group_call_next": {
            "vi": "📘 Bài tiếp theo: «{title}».",
            "en": "📘 Next lesson: «{title}».",
        },
        "group_call_how": {
            "vi": "Đến giờ, người hướng dẫn bấm nút bên dưới hoặc gõ /lesson để cả nhóm "
            "cùng học nhé.",
            "en": "When it is time, the facilitator taps below or sends /lesson to start.",
        },
    }
)
