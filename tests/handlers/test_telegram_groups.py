"""Group lessons in Telegram, end to end: python-telegram-bot polls the fake Bot API on loopback,
members of a group chat tap buttons and vote in quiz polls as Telegram would send them, and we
read what reached the group (docs/groups.md draws its screenshots from `transcript`)."""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fake_bot_api import (
    Call,
    FakeBotApi,
    bot_removed_update,
    message_update,
    poll_answer_update,
    tap_update,
)
from limits import RateLimitItemPerSecond

from bot.content.lessons import load_curriculum
from bot.engine import Engine
from bot.features import build_engine
from handlers.limits import PushLimits
from handlers.telegram.spec import TELEGRAM

GROUP = -100700
LEAD = 1  # the group's admin: the facilitator
REDIS_URL = os.environ.get("HOCSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SENDS = ("send", "edit", "stopPoll")  # what puts something on the group's screen


class Member:
    """One person's Telegram app in the group chat: writes, taps buttons, votes."""

    def __init__(self, bot, user_id: int, name: str, chat: int = GROUP) -> None:
        self.bot = bot
        self.api: FakeBotApi = bot.api
        self.user_id = user_id
        self.name = name
        self.chat = chat

    async def write(self, text: str) -> None:
        await self.api.push(message_update(self.user_id, text, self.name, chat_id=self.chat))
        await self.settle()

    def message_with(self, label: str) -> tuple[dict[str, Any], str]:
        for message in reversed(list(self.api.messages.values())):
            if message["chat"]["id"] != self.chat:
                continue
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        return dict(message), button["callback_data"]
        raise AssertionError(f"no button {label!r} in the group:\n{transcript(self.api)[-900:]}")

    def tap_update(self, label: str) -> dict[str, Any]:
        message, data = self.message_with(label)
        return tap_update(self.user_id, message, data, self.name)

    async def tap(self, label: str) -> str | None:
        """Tap a button; returns the toast it got."""
        update = self.tap_update(label)
        await self.api.push(update)
        await self.settle()
        return toast(self.api, update["callback_query"]["id"])

    def vote_update(self, option: int) -> dict[str, Any]:
        poll_id = list(self.api.sent_polls)[-1]
        return poll_answer_update(self.user_id, poll_id, option, first_name=self.name)

    async def vote(self, option: int) -> None:
        await self.api.push(self.vote_update(option))
        await self.settle()

    async def settle(self) -> None:
        await self.bot.settle()
        await self.bot.adapter.groups.settle()


def toast(api: FakeBotApi, query_id: str) -> str | None:
    answers = [
        c for c in api.of("answerCallbackQuery") if c.params["callback_query_id"] == query_id
    ]
    assert len(answers) == 1, f"query {query_id} answered {len(answers)} times"
    return answers[0].params.get("text")


def reveals(api: FakeBotApi) -> list[Call]:
    """The reveals shown in the group so far, in order."""
    return [c for c in on_screen(api) if "Đáp án đúng" in c.text]


def on_screen(api: FakeBotApi, chat: int = GROUP) -> list[Call]:
    """What the bot put in the chat: messages, edits, polls and their closing, in order."""
    return [
        c
        for c in api.calls
        if c.status == 200 and c.method.startswith(SENDS) and c.params.get("chat_id") == str(chat)
    ]


def transcript(api: FakeBotApi, chat: int = GROUP) -> str:
    """The group chat as text: each message, edit or poll, with its buttons."""
    return "\n\n".join(blocks(api, chat))


def blocks(api: FakeBotApi, chat: int = GROUP) -> list[str]:
    out = []
    for call in on_screen(api, chat):
        if call.method == "sendPoll":
            options = " / ".join(o["text"] for o in call.params["options"])
            body = f"📊 [quiz] {call.params['question']}\n   ( {options} )"
        elif call.method == "stopPoll":
            body = "📊 [the quiz closes: Telegram shows the right option]"
        else:
            body = call.text
        head = {"editMessageText": "✏️ (edited) "}.get(call.method, "")
        markup = call.params.get("reply_markup") or {}
        rows = [
            "   " + " ".join(f"[{b['text']}]" for b in row)
            for row in markup.get("inline_keyboard", [])
        ]
        out.append("\n".join([f"{head}{body}", *rows]))
    return out


@pytest.fixture
async def group_bot(start_bot, engine: Engine, api: FakeBotApi):
    """The bot with its group timer ticking fast; the group's admin is LEAD."""
    api.admins[GROUP] = [LEAD]
    return await start_bot(engine, ticks=engine.tick, tick_every=0.05, live_every=0.2)


async def start_lesson(bot, members: list[Member]) -> Member:
    lead = Member(bot, LEAD, "Cô Hạnh")
    await lead.write("/lesson")
    await lead.tap("Bài tiếp theo")
    for member in members:
        await member.tap("Tham gia")
    await lead.tap("Bắt đầu")
    return lead


async def test_a_lesson_in_a_group_with_quiz_polls(group_bot, api, redis, keys) -> None:
    lan, hung, tu = (Member(group_bot, i, n) for i, n in ((2, "Lan"), (3, "Hùng"), (4, "Tư")))
    lead = await start_lesson(group_bot, [lan, hung])
    assert "Thẻ một" in on_screen(api)[-1].text
    await lead.tap("Tiếp tục")

    poll = api.of("sendPoll")[-1].params
    assert poll["question"] == "Câu hỏi một?"
    assert [o["text"] for o in poll["options"]] == ["Sai bét", "Đúng rồi"]
    assert poll["type"] == "quiz" and poll["is_anonymous"] in ("False", "false")
    assert poll["correct_option_ids"] == [1] and poll["explanation"] == "Giải thích một"
    assert [b["text"] for b in api.of("sendPoll")[-1].buttons] == ["👁 Xem đáp án", "✋ Tham gia"]

    # Everyone votes at once; a re-delivered vote is the same update: counted once.
    votes = [tu.vote_update(1), lan.vote_update(1), hung.vote_update(0)]
    await api.push(*votes, votes[0])
    await lan.settle()
    assert [c.method for c in on_screen(api)[-2:]] == ["stopPoll", "sendMessage"]
    reveal = on_screen(api)[-1].text
    assert "Đáp án đúng: B. Đúng rồi" in reveal and "📊 3 người đã trả lời" in reveal
    assert "✅ B. Đúng rồi: 2" in reveal and "▫️ A. Sai bét: 1" in reveal

    await lead.tap("Tiếp tục")
    await api.push(lan.vote_update(0), hung.vote_update(0))
    await lan.settle()
    await lead.tap("Tiếp tục")
    summary = on_screen(api)[-1].text
    assert "🎉 Cả nhóm đã học xong bài «Bài một»!" in summary
    assert "• Lan: 2/2 ✅" in summary and "• Hùng: 1/2 ✅" in summary and "Tư" not in summary

    for user, score in (("tg:2", "2"), ("tg:3", "1")):
        events = [json.loads(f["e"]) for _, f in await redis.xrange(keys.outbox_of(user))]
        done = [e for e in events if e["type"] == "completion" and e["user"] == user]
        assert [(e["score"], e["group"]) for e in done] == [(score, "1")]
    assert await redis.hgetall(keys.learner("tg:4")) == {}  # Tư never joined: nothing kept


def long_question_course(root: Path, steps: int = 2) -> Path:
    """A course whose questions are too long for a poll (so they go as buttons)."""
    module = root / "m"
    module.mkdir(parents=True)
    (module / "module.yaml").write_text("id: m\norder: 1\ntitle: { vi: Dài }\n")
    long = "Một câu hỏi rất dài " * 20  # over Telegram's 300 characters for a poll
    body = [
        "id: dai\nversion: 1\norder: 1\ntitle: { vi: Bài dài }\nobjectives: [ x ]\nminutes: 5\n"
        "sources: [test]\nsteps:"
    ]
    for n in range(steps):
        body.append(f"  - type: card\n    text: Thẻ số {n + 1}")
        body.append(
            f"  - type: single\n    id: q{n}\n    prompt: '{long.strip()} {n}?'\n"
            "    options:\n      - text: Không\n      - text: Có\n        correct: true\n"
            "    explanation: Vì vậy."
        )
    (module / "dai.yaml").write_text("\n".join(body) + "\n")
    return root


async def test_too_long_for_a_poll_goes_as_buttons_with_a_live_count(
    start_bot, store, group_store, config, clock, api, tmp_path
) -> None:
    course = load_curriculum(long_question_course(tmp_path / "course"))
    engine = build_engine(
        store, course, config, clock=clock, groups=group_store, group_platforms=("tg",)
    )
    api.admins[GROUP] = [LEAD]
    bot = await start_bot(engine, ticks=engine.tick, tick_every=0.05, live_every=0.3)
    members = [Member(bot, 10 + i, f"Bạn {i}") for i in range(6)]
    lead = await start_lesson(bot, members[:5])  # one of them does not join
    await lead.tap("Tiếp tục")
    assert not api.of("sendPoll")
    question = on_screen(api)[-1]
    assert "Chưa có ai trả lời" in question.text
    assert [b["text"] for b in question.buttons][:2] == ["A. Không", "B. Có"]

    # Several members tap at once, one of them twice: each counted once, each told privately.
    taps = [m.tap_update("B. Có") for m in members[:4]] + [members[0].tap_update("A. Không")]
    await api.push(*taps)
    await lead.settle()
    toasts = [toast(api, u["callback_query"]["id"]) for u in taps]
    assert toasts[:4] == ["Bác chọn B ✔"] * 4
    assert toasts[4] == "Bác đã trả lời câu này rồi: B ✅"
    counts = [c for c in api.of("editMessageText") if "người đã trả lời" in c.text]
    assert counts and "👥 4 người đã trả lời" in counts[-1].text  # the count, edited
    assert len(counts) < 4  # coalesced: not one edit per tap
    message_id = counts[-1].params["message_id"]
    assert api.messages[int(message_id)]["text"].startswith("❓ Một câu hỏi rất dài")

    # The last participant answers: the question's own message becomes the reveal.
    late = members[5].tap_update("B. Có")  # someone still looking at the question
    await members[4].tap("A. Không")
    reveal = on_screen(api)[-1]
    assert reveal.method == "editMessageText" and reveal.params["message_id"] == message_id
    assert "Đáp án đúng: B. Có" in reveal.text and "✅ B. Có: 4" in reveal.text
    assert "▫️ A. Không: 1" in reveal.text
    await api.push(late)
    await lead.settle()
    assert toast(api, late["callback_query"]["id"]) == "Câu này đã có đáp án rồi ạ."


async def test_the_facilitator_leads_on_a_server_that_has_just_booted(group_bot, api) -> None:
    """The monotonic clock starts near 0 at boot: a group never asked about must still be
    asked, not taken for one whose admins were read "at 0" and found to be nobody."""
    group_bot.adapter.admins.clock = lambda: 12.0  # twelve seconds after the machine started
    await start_lesson(group_bot, [Member(group_bot, 2, "Lan")])
    assert "Thẻ một" in on_screen(api)[-1].text
    assert not [c for c in on_screen(api) if "chỉ người hướng dẫn" in c.text]


async def test_only_the_facilitator_moves_on(group_bot, api) -> None:
    lan = Member(group_bot, 2, "Lan")
    await lan.write("/lesson")
    refused = [c for c in on_screen(api) if "chỉ người hướng dẫn" in c.text]
    assert len(refused) == 1
    await lan.write("/lesson")  # told once only
    assert len([c for c in on_screen(api) if "chỉ người hướng dẫn" in c.text]) == 1
    lead = await start_lesson(group_bot, [lan])
    await lead.tap("Tiếp tục")  # on the card: to the question
    before = len(on_screen(api))
    told = [await lan.tap("Xem đáp án") for _ in range(2)]
    assert told[0] is not None and told[0].startswith("Dạ, chỉ người hướng dẫn")
    assert told[1] is None  # once a lesson: then just quiet
    assert len(on_screen(api)) == before  # nothing posted, nothing revealed


async def test_the_answer_shows_when_the_time_is_up_and_the_lesson_resumes_after_a_restart(
    start_bot, engine, worker, clock, config, api, redis, keys
) -> None:
    api.admins[GROUP] = [LEAD]
    first = await start_bot(engine, ticks=engine.tick, tick_every=0.05)
    lan = Member(first, 2, "Lan")
    lead = await start_lesson(first, [lan])
    await lead.tap("Tiếp tục")
    await lan.vote(1)
    await first.stop()  # the process goes away mid-question

    second_engine = worker()
    second = await start_bot(second_engine, ticks=second_engine.tick, tick_every=0.05)
    clock.advance(seconds=config.groups.answer_seconds)
    await api.wait_for(lambda calls: any("Đáp án đúng" in c.text for c in calls), what="reveal")
    assert "📊 1 người đã trả lời" in reveals(api)[0].text
    lan.bot = second
    clock.advance(seconds=config.groups.card_seconds)  # the tutor moves on by itself
    await api.wait_for(
        lambda calls: sum(c.method == "sendPoll" for c in calls) == 2, what="next question"
    )
    await lan.vote(0)  # the new process counts a vote for a poll it did not send
    # Everyone who joined has answered: the second reveal comes (when the busy box gets to it).
    await api.wait_for(lambda _: len(reveals(api)) >= 2, what="second reveal")
    assert "Đáp án đúng: ✔️ Đúng" in reveals(api)[-1].text


async def test_the_bot_removed_mid_lesson_keeps_every_answer(group_bot, api, redis, keys):
    lan = Member(group_bot, 2, "Lan")
    lead = await start_lesson(group_bot, [lan])
    await lead.tap("Tiếp tục")
    await lan.vote(1)
    before = len(on_screen(api))
    await api.push(bot_removed_update(GROUP, LEAD))
    await lan.settle()
    await asyncio.sleep(0.2)  # the timer would have moved on by now, if the lesson ran
    assert len(on_screen(api)) == before
    events = [json.loads(f["e"]) for _, f in await redis.xrange(keys.outbox_of("tg:2"))]
    answers = [e for e in events if e["type"] == "answer" and e["user"] == "tg:2"]
    assert [(e["question"], e["correct"]) for e in answers] == [("q1", "1")]


def busiest(calls: list[Call], window: float) -> int:
    times = sorted(c.at for c in calls)
    return max((sum(1 for t in times if s <= t < s + window) for s in times), default=0)


async def test_a_whole_lesson_keeps_within_twenty_messages_a_minute_to_the_group(
    start_bot, store, group_store, config, clock, api, redis, keys, tmp_path
) -> None:
    """Telegram allows a group about 20 messages a minute. The same limiter with the minute
    shrunk to WINDOW seconds (here and in PTB's own limiter), a facilitator tapping as fast as
    possible through a long lesson: never more than 20 in any WINDOW, nothing lost."""
    window = 3.0
    course = load_curriculum(long_question_course(tmp_path / "course", steps=6))
    engine = build_engine(
        store, course, config, clock=clock, groups=group_store, group_platforms=("tg",)
    )
    limits = PushLimits.for_redis(
        redis, REDIS_URL, keys.prefix, per_group=RateLimitItemPerSecond(20, 3)
    )
    api.admins[GROUP] = [LEAD]
    bot = await start_bot(
        engine, ticks=engine.tick, limits=limits, group_period=window, live_every=0.1
    )
    members = [Member(bot, 10 + i, f"Bạn {i}") for i in range(4)]
    started = time.monotonic()
    lead = await start_lesson(bot, members)
    for _ in range(6):
        await lead.tap("Tiếp tục")  # the card
        for m in members[:3]:
            await m.tap("B. Có")
        await lead.tap("Xem đáp án")
        await lead.tap("Tiếp tục")  # the answer: on to the next card
    await api.wait_for(lambda calls: any("🎉" in c.text for c in calls), 30, "the summary")
    sent = on_screen(api)
    assert len(sent) > 20 and time.monotonic() - started >= window  # the limit had to act
    # A little under the window: the fake API sees each message a moment after it was let go.
    assert busiest(sent, window - 0.2) <= 20
    assert "Đã tham gia: 4 người" in transcript(api) and "🎉" in sent[-1].text


def saturday(day: int, hour: int, minute: int = 0) -> float:
    """Epoch seconds of January `day`, 2026 (the 3rd is a Saturday), local time (UTC+7)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=timezone(timedelta(hours=7))).timestamp()


def class_reminders(api: FakeBotApi) -> list[Call]:
    return [c for c in on_screen(api) if c.text.startswith("⏰ Cả nhà ơi")]


async def test_the_class_reminder_reaches_the_group_an_hour_before_once(
    start_bot, engine, clock, api, redis, keys
) -> None:
    limits = PushLimits.for_redis(redis, REDIS_URL, keys.prefix)
    api.admins[GROUP] = [LEAD]
    bot = await start_bot(engine, ticks=engine.tick, tick_every=0.05, limits=limits)
    lead, lan = Member(bot, LEAD, "Cô Hạnh"), Member(bot, 2, "Lan")
    clock.now = saturday(1, 10)
    await lan.write("/schedule thứ Bảy 19:00")
    assert "chỉ người hướng dẫn mới đổi được lịch" in on_screen(api)[-1].text
    await lead.write("/schedule thứ Bảy 19:00")
    assert "Đã đặt lịch: lớp học mỗi tuần vào Thứ Bảy 19:00" in on_screen(api)[-1].text
    budget = await limits.limiter.get_window_stats(limits.per_group, f"tg:{GROUP}")

    clock.now = saturday(3, 18)
    await api.wait_for(lambda _: class_reminders(api), what="the class reminder")
    await asyncio.sleep(0.3)  # the timer has looked again several times by now
    [reminder] = class_reminders(api)
    assert "còn 1 tiếng nữa là tới giờ học của lớp mình (Thứ Bảy 19:00)" in reminder.text
    assert [b["text"] for b in reminder.buttons] == ["▶️ Bài tiếp theo: Bài một", "📚 Chọn bài học"]
    # Pushed under the group's 20 messages a minute, shared by every worker.
    left = await limits.limiter.get_window_stats(limits.per_group, f"tg:{GROUP}")
    assert left.remaining == budget.remaining - 1
    await lead.tap("Bài tiếp theo")  # the way on: the reminder becomes the lesson's intro
    assert "Cả nhóm cùng học: «Bài một»" in on_screen(api)[-1].text
    await lead.write("/stop")

    # Taken out of the group without the bot hearing it: Telegram refuses the next reminder,
    # and the week after nothing is tried.
    api.fail("sendMessage", 403)
    clock.now = saturday(10, 18)
    await api.wait_for(lambda calls: sends(calls, 403), what="the refused reminder")
    await lead.settle()
    tried = len(sends(api.calls))
    clock.now = saturday(17, 18)
    await asyncio.sleep(0.3)
    assert len(sends(api.calls)) == tried and len(class_reminders(api)) == 1


async def test_a_group_out_of_budget_does_not_hold_back_another_groups_reminder(
    start_bot, engine, clock, api, redis, keys
) -> None:
    """Two class groups due at the same minute; the first has spent its 20 messages a minute:
    the second group's reminder goes out at once, not after the first one's wait."""
    limits = PushLimits.for_redis(redis, REDIS_URL, keys.prefix)
    other = GROUP - 100  # due at the same time, and shown after GROUP when taken in turn
    api.admins[GROUP] = api.admins[other] = [LEAD]
    bot = await start_bot(engine, ticks=engine.tick, tick_every=0.05, limits=limits)
    clock.now = saturday(1, 10)
    for chat in (GROUP, other):
        await Member(bot, LEAD, "Cô Hạnh", chat).write("/schedule thứ Bảy 19:00")
    while await limits.take_now(f"tg:{GROUP}", group=True):
        pass  # GROUP's budget is spent: its reminder must wait most of a minute
    clock.now = saturday(3, 18)
    await api.wait_for(
        lambda _: any(c.params["chat_id"] == str(other) for c in class_reminders_in(api, other)),
        timeout=5,
        what="the other group's reminder, while GROUP waits",
    )
    assert not class_reminders_in(api, GROUP)


async def test_a_group_that_became_a_supergroup_keeps_its_class_time(start_bot, engine, api):
    """Telegram moves a group to a new id when it becomes a supergroup, and says so in both
    chats: the group's class time (and any lesson) follows it."""
    supergroup = -1000000000700
    api.admins[GROUP] = api.admins[supergroup] = [LEAD]
    bot = await start_bot(engine, ticks=engine.tick, tick_every=0.05)
    lead = Member(bot, LEAD, "Cô Hạnh")
    await lead.write("/schedule thứ Bảy 19:00")
    moved = message_update(LEAD, None, "Cô Hạnh", chat_id=GROUP, migrate_to_chat_id=supergroup)
    await api.push(moved)
    arrived = message_update(LEAD, None, "Cô Hạnh", chat_id=supergroup, migrate_from_chat_id=GROUP)
    arrived["message"]["chat"]["type"] = "supergroup"
    await api.push(arrived)
    await lead.settle()
    lead.chat = supergroup
    await lead.write("/schedule")
    assert "Thứ Bảy 19:00" in on_screen(api, supergroup)[-1].text


def class_reminders_in(api: FakeBotApi, chat: int) -> list[Call]:
    return [c for c in on_screen(api, chat) if c.text.startswith("⏰ Cả nhà ơi")]


def sends(calls: list[Call], status: int | None = None) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and status in (None, c.status)]


async def test_pair_mode_notes_reach_the_helpers_private_chat(bot, api, make_phone) -> None:
    helper = make_phone(bot, user_id=601, first_name="Minh")
    elder = make_phone(bot, user_id=602, first_name="Bà Ba")
    await helper.onboard()
    await elder.onboard()
    await helper.write("/helper")
    code = helper.screen().rsplit("/helper ", 1)[1].split()[0]
    await elder.write(f"/helper {code}")
    assert "Minh muốn giúp bác học" in elder.screen()
    await elder.tap("Đồng ý")
    assert "✅ Bà Ba đã đồng ý" in helper.screen()  # sent to the helper's own chat
    await helper.write("/helper")
    assert "📊 Tiến độ của Bà Ba" in helper.screen()


async def test_a_family_lesson_as_drawn_in_the_facilitators_guide(
    start_bot, store, group_store, tg_config, clock, api
) -> None:
    """The run docs/groups.md shows: a shipped Gia đình số lesson in a family chat. Its
    transcript is written to the file HOCSO_WRITE_TRANSCRIPT names, when set."""
    course = load_curriculum(Path(__file__).resolve().parents[2] / "lessons")
    tg_config.telegram = tg_config.telegram.model_copy(update={"username": "hocso_cantho_bot"})
    engine = build_engine(
        store,
        course,
        tg_config,
        clock=clock,
        groups=group_store,
        group_platforms=("tg",),
        reach={"tg": TELEGRAM.reach(tg_config)},  # the bot's link, as hocso/app.py wires it
    )
    api.admins[GROUP] = [LEAD]
    bot = await start_bot(engine, ticks=engine.tick, tick_every=0.05, live_every=0.2)
    lead = Member(bot, LEAD, "Hạnh")
    ba, tu, minh = Member(bot, 2, "Ba"), Member(bot, 3, "Tư"), Member(bot, 4, "Minh")
    await lead.write("/lesson")
    await lead.tap("Gia đình số")
    await lead.tap("Mật mã gia đình")
    await ba.tap("Tham gia")
    await tu.tap("Tham gia")
    await lead.tap("Bắt đầu")
    for _ in range(4):
        await lead.tap("Tiếp tục")  # four cards
    await minh.vote(0)  # Minh did not join: his vote counts for the group only
    await ba.vote(0)
    await tu.vote(1)
    await lead.tap("Tiếp tục")
    for _ in range(2):  # the teacher/hospital call, then keeping the code word private
        await ba.vote(0)
        await tu.vote(0)
        await lead.tap("Tiếp tục")
    await lead.write("/class_report")
    text = transcript(api)
    assert "🎉 Cả nhóm đã học xong bài «Mật mã gia đình»!" in text
    assert "• Ba: 3/3 ✅" in text and "• Tư: 2/3 ✅" in text and "Minh" not in text
    assert "https://t.me/hocso_cantho_bot" in text
    assert "Báo cáo lớp: 2 người đã tham gia" in text
    if target := os.environ.get("HOCSO_WRITE_TRANSCRIPT"):  # and its blocks, for a picture
        Path(target).write_text(text + "\n", encoding="utf-8")
        Path(f"{target}.json").write_text(json.dumps(blocks(api), ensure_ascii=False))
