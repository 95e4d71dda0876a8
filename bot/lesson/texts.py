"""What the tutor says in lessons and review (bot/lesson/), Vietnamese first. Kept with the
feature and put into bot/texts.py's table (`t`) when the feature is imported."""

from __future__ import annotations

from bot.texts import TEXTS

TEXTS.update(
    {
        "streak_kept": {
            "vi": "🛡 {You} nghỉ {days} ngày mà chuỗi ngày học vẫn giữ: {streak} ngày. 🔥",
            "en": "🛡 You took {days} day(s) off and kept your streak: {streak} days. 🔥",
        },
        "lesson_start": {
            "vi": "📘 {title}\n⏱ Khoảng {minutes} phút",
            "en": "📘 {title}\n⏱ About {minutes} minutes",
        },
        "steps_of": {"vi": "({n}–{m}/{total})", "en": "({n}–{m}/{total})"},
        "type_answer": {
            "vi": "✍️ {You} gõ câu trả lời rồi gửi nhé.",
            "en": "✍️ Type your answer and send it.",
        },
        "btn_hint": {"vi": "💡 Gợi ý", "en": "💡 Hint"},
        "btn_dont_know": {"vi": "🤷 Không biết", "en": "🤷 I don't know"},
        "hint": {"vi": "💡 Gợi ý: {hint}", "en": "💡 Hint: {hint}"},
        "hint_letters": {
            "vi": "đáp án có dạng «{shape}»",
            "en": "the answer looks like «{shape}»",
        },
        "hint_digits": {
            "vi": "đáp án là một số có {n} chữ số",
            "en": "the answer is a {n}-digit number",
        },
        "gave_up": {
            "vi": "🤷 Không sao đâu, mình cùng xem đáp án nhé.",
            "en": "🤷 That's fine, let's look at the answer.",
        },
        # "gợi ý" typed where the question has no hint button (a choice question).
        "hint_none": {
            "vi": "💡 Câu này không có gợi ý ạ. {You} cứ chọn thử một đáp án bên dưới,\n"
            "sai cũng không sao: mình giải thích liền.",
            "en": "💡 This question has no hint. Just pick an answer below;\n"
            "if it's wrong, I'll explain right away.",
            "vi_numbered": "💡 Câu này không có gợi ý ạ. {You} cứ gõ số của một đáp án bên dưới,\n"
            "sai cũng không sao: mình giải thích liền.",
            "en_numbered": "💡 This question has no hint.\n"
            "Just type the number of an answer below; if it's wrong, I'll explain right away.",
        },
        "type_it": {
            "vi": "✍️ Câu này {you} gõ câu trả lời nhé. Chưa nhớ thì bấm «🤷 Không biết».",
            "en": "✍️ This one needs a typed answer. Not sure? Tap «🤷 I don't know».",
            "vi_numbered": "✍️ Câu này {you} gõ câu trả lời nhé. Chưa nhớ thì gõ «không biết».",
            "en_numbered": "✍️ This one needs a typed answer. Not sure? Type «I don't know».",
        },
        "your_answer": {"vi": "👉 {You} chọn: {answer}", "en": "👉 Your answer: {answer}"},
        "right": {"vi": "✅ Đúng rồi! Giỏi quá.", "en": "✅ That's right! Well done."},
        "lesson_passed": {
            "vi": "🎉 {You} đã học xong bài «{title}»!\nĐúng {score}/{total} câu.",
            "en": "🎉 You finished «{title}»!\n{score}/{total} correct.",
        },
        "lesson_failed": {
            "vi": "{You} đúng {score}/{total} câu. Cần {need} câu để qua bài.\n"
            "Mình xem lại phần chưa nhớ rồi làm lại nhé, lần sau sẽ dễ hơn. 💪",
            "en": "You got {score}/{total}. {need} are needed to pass.\n"
            "Let's look again at what you missed and try once more; it gets easier. 💪",
        },
        "lesson_failed_often": {
            "vi": "{You} đúng {score}/{total} câu. Bài này hơi khó, không sao đâu {you}. 🌱\n"
            "Mình học bài khác rồi quay lại sau nhé, lúc đó sẽ dễ hơn.",
            "en": "You got {score}/{total}. This one is tricky, and that's fine. 🌱\n"
            "Let's do another lesson and come back to it later; it will feel easier.",
        },
        "retry_start": {
            "vi": "🔄 {title}\nMình xem lại phần {you} chưa nhớ, rồi trả lời lại {n} câu nhé.",
            "en": "🔄 {title}\nLet's look again at what you missed, then answer {n} again.",
        },
        "module_done": {
            "vi": "🏅 Chúc mừng! {You} đã hoàn thành chủ đề «{module}».",
            "en": "🏅 Congratulations! You completed the topic «{module}».",
        },
        # After each topic: the national platform, for the official course and certificate (S14).
        "national_platform": {
            "vi": "📘 Khóa học và chứng nhận chính thức của phong trào ở nền tảng "
            "binhdanhocvuso.gov.vn (đăng nhập bằng VNeID). {You} học tiếp ở đó nha.",
            "en": "📘 The movement's official course and certificate are on the platform "
            "binhdanhocvuso.gov.vn (log in with VNeID). Carry on learning there.",
        },
        "official_handle": {
            "vi": "🔒 Bot học số chính thức chỉ có một: @{handle}. "
            "Nhóm hay tài khoản khác xưng là bot này đều là giả.",
            "en": "🔒 There is only one official hocso bot: @{handle}. "
            "Any group or account claiming to be it is fake.",
        },
        "course_done": {
            "vi": "🌟 {You} đã học hết tất cả các bài! Thật đáng khen.\n"
            "{You} có thể ôn tập để nhớ lâu hơn.",
            "en": "🌟 You have finished every lesson! Well done.\nReview helps you remember.",
        },
        "review_later": {
            "vi": "🔁 Câu {you} trả lời chưa đúng sẽ được hỏi lại vào ngày mai để {you} nhớ lâu.",
            "en": "🔁 Questions you missed will come back tomorrow, to help you remember.",
        },
        "resume_review": {
            "vi": "👋 Mình ôn tập tiếp nhé.",
            "en": "👋 Let's go on with the review.",
        },
        "resume": {
            "vi": "👋 Mình học tiếp bài «{title}» chỗ cũ nhé.",
            "en": "👋 Let's pick up «{title}» where you left off.",
        },
        "lesson_updated": {
            "vi": "📝 Bài này vừa được cập nhật. Mình bắt đầu lại bài từ đầu nhé.\n"
            "(Các bài đã học xong vẫn được giữ.)",
            "en": "📝 This lesson was just updated, so let's start it again.\n"
            "(Finished lessons are kept.)",
        },
        "lesson_gone": {
            "vi": "Bài {you} đang học không còn nữa. {You} chọn bài khác nhé.",
            "en": "The lesson you were in is no longer available. Please pick another.",
        },
        "review_start": {
            "vi": "🔁 Ôn tập nhanh: {n} câu. Bắt đầu nhé!",
            "en": "🔁 Quick review: {n} questions. Let's go!",
        },
        "review_none": {
            "vi": "Hôm nay {you} không có câu nào cần ôn. 👍",
            "en": "Nothing to review today. 👍",
        },
        "review_done": {
            "vi": "🔁 Ôn tập xong: đúng {score}/{total} câu. Giỏi lắm!",
            "en": "🔁 Review done: {score}/{total} correct. Well done!",
        },
        "already_answered": {
            "vi": "{You} đã trả lời câu này rồi ✅",
            "en": "You already answered this one ✅",
        },
        "use_buttons": {
            "vi": "{You} bấm một nút bên dưới để trả lời nhé. 👇",
            "en": "Please tap one of the buttons below to answer. 👇",
            "vi_numbered": "{You} gõ số của một dòng bên dưới để trả lời nhé. 👇",
            "en_numbered": "Please type the number of a line below to answer. 👇",
        },
    }
)

# Hints that show more each time (bot/lesson/hints.py).
TEXTS.update(
    {
        "btn_hint_more": {"vi": "💡 Gợi ý thêm", "en": "💡 Another hint"},
        "hint_first_digit": {
            "vi": "số đó bắt đầu bằng {digit}: «{shape}»",
            "en": "the number starts with {digit}: «{shape}»",
        },
        "hint_between": {
            "vi": "đáp án là một số từ {low} đến {high}",
            "en": "the answer is a number from {low} to {high}",
        },
        "hint_choose": {
            "vi": "👇 Hoặc {you} bấm chọn một đáp án bên dưới.",
            "en": "👇 Or tap one of the answers below.",
            "vi_numbered": "👇 Hoặc {you} gõ số của đáp án bên dưới.",
            "en_numbered": "👇 Or type the number of an answer below.",
        },
        "hint_fewer": {
            "vi": "💡 Mình bỏ bớt một đáp án sai rồi. Còn hai, {you} chọn một nhé:",
            "en": "💡 I took away a wrong answer. Two are left, choose one:",
        },
        "hint_no_more": {
            "vi": "💡 Hết gợi ý rồi {you} ơi. {You} chọn một đáp án, "
            "hoặc bấm «🤷 Không biết» để xem đáp án nhé.",
            "en": "💡 That was the last hint. Choose an answer, "
            "or tap «🤷 I don't know» to see it.",
            "vi_numbered": "💡 Hết gợi ý rồi {you} ơi. {You} gõ số của một đáp án, "
            "hoặc gõ «không biết» để xem đáp án nhé.",
            "en_numbered": "💡 That was the last hint. Type an answer's number, "
            "or «I don't know» to see it.",
        },
    }
)
