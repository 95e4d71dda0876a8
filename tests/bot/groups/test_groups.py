"""Group lessons through the real engine on real Redis (bot/groups/): what
the group sees, who may lead, how answers are counted, and each member's credit."""

from __future__ import annotations

import asyncio
import json

from redis.asyncio import Redis

from bot.engine import Engine
from bot.events import Event, Reply
from bot.features import build_engine
from bot.groups.chats import GroupChats, NoFacilitators
from bot.groups.routes import GroupAnswer, GroupJoin, GroupPoll
from bot.learner import from_fields
from bot.payloads import parse
from storage.redis.keys import Keys

CHAT = "-100500"
LEAD = "tg:1"  # a group admin


class Group:
    """A group chat: members send commands, tap buttons, vote in polls; we read what the
    group would see (replies) and each tapper's toast (notices)."""

    def __init__(self, engine: Engine, chat: str = CHAT) -> None:
        self.engine = engine
        self.chat = chat
        self.seen: list[Reply] = []  # everything posted or edited in the group, in order
        self.private: list[Reply] = []  # replies sent to someone's private chat

    async def event(self, user: str, kind: str, **data: object) -> list[Reply]:
        replies = await self.engine.handle(
            Event(user, kind, chat=self.chat, group=True, **data)  # type: ignore[arg-type]
        )
        self.seen += [r for r in replies if not r.notice and not r.to]
        self.private += [r for r in replies if r.to]
        return replies

    async def command(self, user: str, command: str, admin: bool = False) -> list[Reply]:
        return await self.event(user, "command", command=command, admin=admin)

    async def tap(self, user: str, label: str, admin: bool = False, name: str = "") -> str:
        """Tap the newest button labelled `label`; returns the toast ("" for none)."""
        return await self.press(user, self.payload(label), admin, name)

    async def press(self, user: str, payload: str, admin: bool = False, name: str = "") -> str:
        replies = await self.event(
            user, "button", payload=payload, admin=admin, name=name or user.split(":")[1]
        )
        return "\n".join(r.text for r in replies if r.notice)

    async def vote(self, user: str, option: int, name: str = "") -> list[Reply]:
        poll = self.latest_poll()
        return await self.event(
            user, "poll", payload=poll.tag, options=(option,), name=name, poll="p1"
        )

    async def tick(self) -> list[tuple[str, list[Reply]]]:
        out = await self.engine.tick("tg")
        for _, replies in out:
            self.seen += replies
        return out

    def payload(self, label: str) -> str:
        for reply in reversed(self.seen):
            for row in reply.buttons:
                for button in row:
                    if label in button.label:
                        return button.payload
        raise AssertionError(f"no button {label!r}; last: {self.text[-600:]}")

    def latest_poll(self):
        return next(r.poll for r in reversed(self.seen) if r.poll)

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.seen)

    async def start(self, *joiners: str) -> None:
        """The facilitator starts lesson one; `joiners` tap "Tham gia"."""
        await self.command(LEAD, "lesson", admin=True)
        await self.tap(LEAD, "Bài tiếp theo", admin=True)
        for user in joiners:
            await self.tap(user, "Tham gia", name=f"Người {user[3:]}")

    def answer(self, user: str, choice: int) -> str:
        """The payload of `user` tapping option `choice` of the open question."""
        tap = parse(self.payload("Xem đáp án"))
        assert tap is not None
        return GroupAnswer(tap.run, tap.step, choice).pack()  # type: ignore[attr-defined]


async def outbox(redis: Redis, keys: Keys, user: str) -> list[dict[str, str]]:
    """The reporting events of `user` (their shard's outbox holds others' too)."""
    events = [json.loads(f["e"]) for _, f in await redis.xrange(keys.outbox_of(user))]
    return [e for e in events if e["user"] == user]


async def learner(redis: Redis, keys: Keys, user: str) -> dict[str, str]:
    return await redis.hgetall(keys.learner(user))


async def test_a_whole_lesson_with_the_group(engine, redis, keys) -> None:
    group = Group(engine)
    await group.command(LEAD, "lesson", admin=True)
    assert "Cả nhóm học bài nào" in group.text
    await group.tap(LEAD, "Bài tiếp theo: Bài một", admin=True)
    intro = group.seen[-1]
    assert "Cả nhóm cùng học: «Bài một»" in intro.text
    assert "/forget" in intro.text and "lưu tiến độ học" in intro.text  # what joining keeps

    toast = await group.tap("tg:2", "Tham gia", name="Lan")
    assert "Bác đã tham gia" in toast
    assert "Đã tham gia: 1 người" in group.seen[-1].text and group.seen[-1].edit == "intro"
    await group.tap("tg:3", "Tham gia", name="Hùng")

    await group.tap(LEAD, "Bắt đầu", admin=True)
    assert "Thẻ một" in group.seen[-1].text
    await group.tap(LEAD, "Tiếp tục", admin=True)
    question = group.seen[-1]
    assert question.poll is not None and question.poll.correct == 1
    assert [b.label for row in question.buttons for b in row][:2] == ["A. Sai bét", "B. Đúng rồi"]

    assert await group.press("tg:2", group.answer("tg:2", 1)) == "Bác chọn B ✔"
    assert "1 người đã trả lời" in group.seen[-1].text and group.seen[-1].live
    assert await group.press("tg:9", group.answer("tg:9", 0)) == (
        "Bác chọn A ✔\nBấm «✋ Tham gia» để được tính điểm riêng."
    )
    # The last participant's answer shows the answer at once, with how many chose what.
    assert await group.press("tg:3", group.answer("tg:3", 0)) == "Bác chọn A ✔"
    reveal = group.seen[-1]
    assert reveal.edit == "q1" and "Đáp án đúng: B. Đúng rồi" in reveal.text
    assert "📊 3 người đã trả lời" in reveal.text
    assert "✅ B. Đúng rồi: 1" in reveal.text and "▫️ A. Sai bét: 2" in reveal.text
    assert "💡 Giải thích một" in reveal.text

    await group.tap(LEAD, "Tiếp tục", admin=True)  # the true/false question, by poll this time
    await group.vote("tg:2", 0)
    await group.vote("tg:3", 0)
    reveal = group.seen[-1]
    assert "Đáp án đúng: ✔️ Đúng" in reveal.text and reveal.edit == "q2"
    await group.tap(LEAD, "Tiếp tục", admin=True)  # it was the last step: the summary
    summary = group.seen[-1].text
    assert "🎉 Cả nhóm đã học xong bài «Bài một»!" in summary
    assert "Cả nhóm đúng 3/5 câu trả lời (60%)" in summary
    assert "• Lan: 2/2 ✅" in summary and "• Hùng: 1/2 ✅" in summary  # pass mark 50%
    assert "🥇 Lan (2/2)" in summary and "Chăm chỉ trả lời đủ mọi câu: Lan, Hùng" in summary
    assert "Bài tiếp theo của nhóm: «Bài hai»" in summary

    # Each member's own progress, and one completion each, marked as a group's.
    for user, score in (("tg:2", "2"), ("tg:3", "1")):
        assert (await learner(redis, keys, user))["dn"] == "l1"
        done = [e for e in await outbox(redis, keys, user) if e["type"] == "completion"]
        assert [(e["score"], e["total"], e["passed"], e["group"]) for e in done] == [
            (score, "2", "1", "1")
        ]
    wrong = [e for e in await outbox(redis, keys, "tg:3") if e["type"] == "answer"]
    assert [(e["question"], e["correct"]) for e in wrong] == [("q1", "0"), ("q2", "1")]
    stored = from_fields("tg:3", await learner(redis, keys, "tg:3"))
    assert "l1/q1" in [item.key for item in stored.review]  # comes back for review
    # The run is over: nothing of it is left beside the group's state.
    assert await redis.exists(keys.group(f"tg:{CHAT}", "a"), keys.group(f"tg:{CHAT}", "n")) == 0


async def test_several_members_answering_at_once_are_each_counted_once(engine, redis, keys):
    group = Group(engine)
    members = [f"tg:{n}" for n in range(10, 30)]
    await group.start(*members)
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    taps = [group.press(u, group.answer(u, 1)) for u in members for _ in range(2)]
    toasts = await asyncio.gather(*taps)
    assert toasts.count("Bác chọn B ✔") == 20
    assert toasts.count("Bác đã trả lời câu này rồi: B ✅") == 20
    reveal = next(r for r in reversed(group.seen) if "Đáp án đúng" in r.text)
    assert "📊 20 người đã trả lời" in reveal.text and "✅ B. Đúng rồi: 20" in reveal.text
    # …and a poll: twenty votes at once (Telegram allows one each in a quiz).
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await asyncio.gather(*(group.vote(u, 0) for u in members))
    assert "✅ ✔️ Đúng: 20" in group.text
    for user in members[:3]:
        answers = [e for e in await outbox(redis, keys, user) if e["type"] == "answer"]
        assert [e["question"] for e in answers] == ["q1", "q2"]


async def test_a_double_tap_counts_once_and_says_so(engine) -> None:
    group = Group(engine)
    await group.start("tg:2", "tg:3")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    first = await group.press("tg:2", group.answer("tg:2", 0))
    second = await group.press("tg:2", group.answer("tg:2", 1))  # changed their mind: too late
    assert (first, second) == ("Bác chọn A ✔", "Bác đã trả lời câu này rồi: A ✅")
    assert "1 người đã trả lời" in group.seen[-1].text
    # The facilitator's own double tap on "Tiếp tục" moves on once.
    await group.press("tg:3", group.answer("tg:3", 1))
    next_payload = group.payload("Tiếp tục")
    await group.press(LEAD, next_payload, admin=True)
    assert await group.press(LEAD, next_payload, admin=True) == "Nhóm đã sang bước khác rồi ạ."
    assert sum("Câu hỏi hai" in r.text for r in group.seen) == 1


async def test_only_the_facilitator_leads_and_others_are_told_once(engine) -> None:
    group = Group(engine)
    await group.command("tg:5", "lesson")
    await group.command("tg:5", "lesson")
    assert group.text.count("chỉ người hướng dẫn") == 1  # one note, then quiet
    await group.start("tg:5")
    toasts = [await group.tap("tg:5", "Bắt đầu") for _ in range(2)]
    assert toasts[0].startswith("Dạ, chỉ người hướng dẫn") and toasts[1] == ""
    assert "Thẻ một" not in group.text  # nothing moved
    await group.command("tg:5", "stop")
    assert "Đã dừng bài" not in group.text
    await group.tap(LEAD, "Bắt đầu", admin=True)
    assert "Thẻ một" in group.text


async def test_a_registered_facilitator_leads_without_being_an_admin(
    store, group_store, curriculum, config, clock, redis, keys
) -> None:
    class Registered(NoFacilitators):
        async def class_of(self, user: str, username: str) -> str | None:
            return "TOCNS-1" if username == "chi_lan" else None

    engine = build_engine(
        store,
        curriculum,
        config,
        clock=clock,
        groups=group_store,
        facilitators=Registered(),
        group_platforms=("tg",),
    )
    group = Group(engine)
    replies = await group.event("tg:8", "command", command="lesson", username="chi_lan")
    assert "Cả nhóm học bài nào" in replies[0].text
    await group.event("tg:8", "button", payload=group.payload("Bài tiếp theo"), username="chi_lan")
    await group.tap("tg:2", "Tham gia", name="Lan")
    assert (await learner(redis, keys, "tg:2"))["cl"] == "TOCNS-1"  # joined the class too


async def test_a_second_lesson_while_one_runs_shows_where_the_group_is(engine) -> None:
    group = Group(engine)
    await group.start("tg:2")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.command(LEAD, "lesson", admin=True)
    assert "Nhóm đang học «Bài một» (bước 1/3)" in group.seen[-1].text
    stale_menu = next(r for r in group.seen if "Cả nhóm học bài nào" in r.text)
    pick = next(b.payload for row in stale_menu.buttons for b in row if "Bài tiếp" in b.label)
    assert (
        await group.press(LEAD, pick, admin=True)
        == "Nhóm đang học một bài rồi ạ. Mỗi lần một bài thôi."
    )
    await group.tap(LEAD, "Tiếp tục", admin=True)  # from the status message: goes on
    assert "Câu hỏi một" in group.seen[-1].text


async def test_the_answer_is_revealed_by_the_facilitator(engine) -> None:
    group = Group(engine)
    await group.start("tg:2", "tg:3")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.press("tg:2", group.answer("tg:2", 1))
    assert await group.tap("tg:3", "Xem đáp án") != ""  # not theirs to do
    assert "Đáp án đúng" not in group.text
    await group.tap(LEAD, "Xem đáp án", admin=True)
    assert "Đáp án đúng: B. Đúng rồi" in group.seen[-1].text
    late = await group.press("tg:3", group_answer_of(group, 1))
    assert late == "Câu này đã có đáp án rồi ạ."


def group_answer_of(group: Group, choice: int) -> str:
    """An answer to the question just revealed (its buttons were on the question message)."""
    question = next(r for r in reversed(group.seen) if r.key.startswith("q"))
    tap = parse(question.buttons[0][0].payload)
    return GroupAnswer(tap.run, tap.step, choice).pack()  # type: ignore[union-attr]


async def test_the_answer_is_revealed_when_the_time_is_up(engine, clock, config) -> None:
    group = Group(engine)
    await group.start("tg:2", "tg:3")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    clock.advance(seconds=config.groups.card_seconds - 1)
    assert await group.tick() == []  # not yet
    clock.advance(seconds=1)
    await group.tick()  # the card moves on by itself
    assert "Câu hỏi một" in group.seen[-1].text
    await group.press("tg:2", group.answer("tg:2", 1))
    clock.advance(seconds=config.groups.answer_seconds)
    await group.tick()
    assert "Đáp án đúng" in group.seen[-1].text and "📊 1 người đã trả lời" in group.seen[-1].text


async def test_a_restarted_process_resumes_the_lesson(engine, worker, clock, config, redis, keys):
    group = Group(engine)
    await group.start("tg:2")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.press("tg:2", group.answer("tg:2", 1))
    restarted = Group(worker())  # a new process: nothing in memory
    restarted.seen = list(group.seen)  # the same chat on screen
    clock.advance(seconds=config.groups.answer_seconds)
    await restarted.tick()
    assert "Đáp án đúng" in restarted.seen[-1].text
    await restarted.tap(LEAD, "Tiếp tục", admin=True)
    await restarted.vote("tg:2", 0)
    await restarted.tap(LEAD, "Tiếp tục", admin=True)
    assert "🎉 Cả nhóm đã học xong" in restarted.text
    assert (await learner(redis, keys, "tg:2"))["dn"] == "l1"


async def test_nothing_personal_is_kept_for_a_member_who_did_not_join(engine, redis, keys):
    group = Group(engine)
    await group.start("tg:2")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    outsider = "tg:777001"
    toast = await group.press(outsider, group.answer(outsider, 1), name="Bà Tư")
    assert "Tham gia" in toast
    await group.press(outsider, group.answer(outsider, 0), name="Bà Tư")  # counted once
    await group.tap(outsider, "Tiếp tục", name="Bà Tư")  # tries to lead: told, once
    assert "📊 1 người đã trả lời" in group.text or "1 người đã trả lời" in group.seen[-1].text

    async def everything() -> str:
        dump = []
        async for key in redis.scan_iter(match=f"{keys.prefix}:*"):
            dump.append(key)
            kind = await redis.type(key)
            if kind == "hash":
                dump.append(json.dumps(await redis.hgetall(key), ensure_ascii=False))
            elif kind == "set":
                dump.append(" ".join(await redis.smembers(key)))
            elif kind == "string":
                dump.append(str(await redis.get(key)))
            elif kind == "stream":
                dump.append(str(await redis.xrange(key)))
            elif kind == "zset":
                dump.append(str(await redis.zrange(key, 0, -1)))
        return "\n".join(dump)

    during = await everything()
    assert "777001" not in during and "Bà Tư" not in during
    await group.tap(LEAD, "Xem đáp án", admin=True)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.vote(outsider, 0, name="Bà Tư")
    await group.vote("tg:2", 0)
    after = await everything()
    assert "777001" not in after and "Bà Tư" not in after
    assert "Đúng rồi: 1" in group.text  # their answer still counted, anonymously


async def test_a_member_who_never_wrote_privately_finds_the_credit(
    engine, redis, keys, make_chat
) -> None:
    group = Group(engine)
    await group.start("tg:4242")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.press("tg:4242", group.answer("tg:4242", 1))
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.vote("tg:4242", 0)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    assert "🎉" in group.text and "nhắn riêng cho mình" in group.text

    chat = make_chat(engine, user="tg:4242")  # later, they open the bot
    await chat.send("/start")
    await chat.tap("Đồng ý")
    assert "Bài hai" in chat.text and "Bài một" not in chat.text  # lesson one is theirs
    await chat.send("/progress")
    assert "Bài đã học xong: 1/3" in chat.text


async def test_the_bot_removed_mid_lesson_loses_nothing_answered(engine, redis, keys) -> None:
    group = Group(engine)
    await group.start("tg:2", "tg:3")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.press("tg:2", group.answer("tg:2", 1))  # not revealed yet
    removed = await group.event(LEAD, "blocked")  # an admin took the bot out
    assert removed == []  # nothing can be sent there now
    answers = [e for e in await outbox(redis, keys, "tg:2") if e["type"] == "answer"]
    assert [(e["question"], e["correct"]) for e in answers] == [("q1", "1")]
    assert not [e for e in await outbox(redis, keys, "tg:2") if e["type"] == "completion"]
    state = await redis.hgetall(keys.group(f"tg:{CHAT}"))
    assert "rn" not in state and "ph" not in state  # no lesson left running
    assert await redis.zcard(keys.group_due_of(f"tg:{CHAT}")) == 0
    # Added back later, the facilitator starts afresh.
    await group.command(LEAD, "lesson", admin=True)
    assert "Cả nhóm học bài nào" in group.seen[-1].text


async def test_credit_is_applied_once_even_when_ending_is_repeated(engine, redis, keys) -> None:
    group = Group(engine)
    await group.start("tg:2")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.press("tg:2", group.answer("tg:2", 1))
    await group.tap(LEAD, "Tiếp tục", admin=True)
    # A crash between storing the end and crediting: the chat is left "ending".
    classroom = group_chats(engine)
    assert classroom is not None
    settle = classroom._settle

    async def crash(turn) -> None:
        if turn.end:
            raise ConnectionError("process died")
        await settle(turn)

    await group.vote("tg:2", 0)
    classroom._settle = crash  # type: ignore[method-assign]
    await group.tap(LEAD, "Tiếp tục", admin=True)
    assert not [e for e in await outbox(redis, keys, "tg:2") if e["type"] == "completion"]
    classroom._settle = settle  # type: ignore[method-assign]
    await classroom._credit_member(  # a credit already given, offered again
        "tg:2", await _group(engine), []
    )
    engine.clock.advance(seconds=60)  # type: ignore[attr-defined]
    await group.tick()  # the timer finishes the ending
    await group.tick()
    completions = [e for e in await outbox(redis, keys, "tg:2") if e["type"] == "completion"]
    answers = [e for e in await outbox(redis, keys, "tg:2") if e["type"] == "answer"]
    assert len(completions) == 1 and len(answers) == 2


async def _group(engine: Engine):
    from bot.groups.state import from_fields

    snap = await group_chats(engine).store.load_group(f"tg:{CHAT}")
    return from_fields(f"tg:{CHAT}", snap.fields)


async def test_a_member_who_forgets_leaves_the_group(engine, redis, keys, make_chat) -> None:
    group = Group(engine)
    await group.start("tg:2")
    roster = keys.group(f"tg:{CHAT}", "m")
    assert await redis.hgetall(roster) == {"tg:2": "Người 2"}
    chat = make_chat(engine, user="tg:2")
    await chat.send("/forget")
    await chat.tap("Xóa hết")
    assert await redis.hgetall(roster) == {}


async def test_class_report_for_the_facilitator(engine, config) -> None:
    group = Group(engine)
    await group.command("tg:2", "class_report")
    assert "Báo cáo lớp" not in group.text
    await group.start("tg:2", "tg:3")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.press("tg:2", group.answer("tg:2", 1))
    await group.press("tg:3", group.answer("tg:3", 0))
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.vote("tg:2", 0)
    await group.vote("tg:3", 1)  # both wrong: 0/2 does not pass
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.command(LEAD, "class_report", admin=True)
    report = group.seen[-1].text
    assert "Báo cáo lớp: 2 người đã tham gia" in report
    assert "• Người 2: đã xong 1 bài\n   ✅ Bài một" in report
    assert "• Người 3: đã xong 0 bài\n   ⏳ chưa xong: Bài một" in report

    config.groups.report_in_group = 1  # a large class: privately
    await group.command(LEAD, "class_report", admin=True)
    assert group.private[-1].to == LEAD and "Báo cáo lớp" in group.private[-1].text
    assert "tin nhắn riêng" in group.seen[-1].text


async def test_joining_is_consent_and_is_reported(engine, redis, keys) -> None:
    group = Group(engine)
    await group.start("tg:2")
    state = await learner(redis, keys, "tg:2")
    assert int(state["ct"]) > 0 and state["gj"] == f"tg:{CHAT}"
    kinds = [e["type"] for e in await outbox(redis, keys, "tg:2")]
    assert kinds == ["learner"]
    assert await group.tap("tg:2", "Tham gia") == "Bác đã tham gia rồi ạ ✅"


async def test_a_poll_tag_from_another_run_changes_nothing(engine) -> None:
    group = Group(engine)
    await group.start("tg:2")
    replies = await group.event(
        "tg:2", "poll", payload=GroupPoll("ffffffff", 1).pack(), options=(0,)
    )
    assert replies == []
    assert await group.press("tg:2", GroupJoin().pack()) == "Bác đã tham gia rồi ạ ✅"


async def test_credit_reaches_the_reporting_database_once_per_person(
    engine, redis, keys, database
) -> None:
    from sqlalchemy import select

    from storage.sql.models import Completion, Learner, Response
    from storage.sql.reporter import Reporter

    group = Group(engine)
    await group.start("tg:2", "tg:3")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.press("tg:2", group.answer("tg:2", 1))
    await group.press("tg:3", group.answer("tg:3", 0))
    await group.tap(LEAD, "Tiếp tục", admin=True)
    await group.vote("tg:2", 0)
    await group.vote("tg:3", 0)
    before_end, snap = await _group(engine), await _snapshot(engine)
    await group.tap(LEAD, "Tiếp tục", admin=True)
    # The same credits offered again (a second worker finishing the same run): no change.
    lesson = engine.curriculum.lesson("l1")
    assert lesson is not None
    await group_chats(engine)._credit(before_end, lesson, snap, [1, 2], complete=True)
    reporter = Reporter(redis, keys, database, block=0.05)
    while await reporter.step():
        pass
    async with database.session() as s:
        rows = (
            await s.execute(
                select(Learner.platform_user, Completion.score, Completion.in_group)
                .join(Learner, Completion.learner_id == Learner.id)
                .order_by(Learner.platform_user)
            )
        ).all()
        responses = (await s.execute(select(Response.question))).scalars().all()
    assert [tuple(r) for r in rows] == [("2", 2, True), ("3", 1, True)]
    assert sorted(responses) == ["q1", "q1", "q2", "q2"]


async def _snapshot(engine: Engine):
    return await group_chats(engine).store.load_group(f"tg:{CHAT}")


async def test_a_question_with_a_picture_shows_it_before_the_question(
    store, group_store, config, clock, tmp_path
) -> None:
    from bot.content.lessons import load_curriculum

    module = tmp_path / "m"
    module.mkdir()
    (module / "module.yaml").write_text("id: m\norder: 1\ntitle: { vi: Ảnh }\n")
    (module / "qr.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    (module / "l.yaml").write_text(
        "id: l\nversion: 1\norder: 1\ntitle: { vi: Mã QR }\nobjectives: [ x ]\nminutes: 2\n"
        "sources: [test]\nsteps:\n"
        "  - type: truefalse\n    id: q\n    prompt: Mã này thật?\n    answer: false\n"
        "    explanation: Vì vậy.\n    image: qr.png\n"
    )
    engine = build_engine(
        store,
        load_curriculum(tmp_path),
        config,
        clock=clock,
        groups=group_store,
        group_platforms=("tg",),
    )
    group = Group(engine)
    await group.start("tg:2")
    await group.tap(LEAD, "Bắt đầu", admin=True)
    picture, question = group.seen[-2:]
    assert picture.media is not None and picture.media.path.endswith("qr.png")
    assert question.poll is not None and question.text.startswith("❓ Mã này thật?")


def group_chats(engine: Engine) -> GroupChats:
    """The engine's side that runs group lessons."""
    return next(side for side in engine.sides if isinstance(side, GroupChats))
