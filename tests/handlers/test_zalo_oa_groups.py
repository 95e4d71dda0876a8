"""Group lessons in a Zalo OA group (GMF), end to end: members write in the group through the
fake Zalo (signed `user_send_group_text` events), the lesson runs on the real engine and
Redis, credits reach SQL through the reporter, and we read what the OA posted in the group.
Group messages carry no buttons: everyone types."""

from __future__ import annotations

import json
from functools import partial

import fake_zalo_oa
import pytest
from fake_zalo_oa import FakeZaloOA, group_text_event
from oa_phone import OAPhone, OAWorker, OAWorkers, oa_settings
from redis.asyncio import Redis
from sqlalchemy import func, select

from bot.config import Config
from bot.content.lessons import Curriculum
from bot.engine import Engine
from bot.features import build_engine
from handlers.zalo_oa.groups import Choice, understand
from handlers.zalo_oa.keys import OAKeys
from handlers.zalo_oa.leads import Leads, typed_code
from handlers.zalo_oa.webhook import parse
from storage.redis.groups import GroupRedisStore
from storage.redis.keys import Keys
from storage.redis.state import StateStore
from storage.sql.classes import add_facilitator_handle, save_class
from storage.sql.db import Database
from storage.sql.facilitators import ClassFacilitators
from storage.sql.models import Class, Completion, Learner
from storage.sql.reporter import Reporter

CLASS = "LOP-OA1"
LEAD = "u-lead-1"


class Group:
    """The OA group as its members see it: they write, and read what the OA posted."""

    def __init__(self, fake: FakeZaloOA, worker: OAWorker, group_id: str) -> None:
        self.fake, self.worker, self.group_id = fake, worker, group_id

    async def write(self, user_id: str, text: str) -> str:
        before = len(self.fake.in_group(self.group_id))
        delivery = await self.fake.post(
            self.worker.url, group_text_event(user_id, self.group_id, text)
        )
        assert delivery.status == 200
        await self.worker.settle()
        return "\n".join(self.fake.in_group(self.group_id)[before:])

    def latest(self) -> str:
        posted = self.fake.in_group(self.group_id)
        return posted[-1] if posted else ""

    def number_of(self, label: str) -> str:
        for line in reversed(self.latest().splitlines()):
            number, dot, rest = line.partition(". ")
            if dot and number.isdecimal() and label in rest:
                return number
        raise AssertionError(f"no line {label!r} in:\n{self.latest()}")


@pytest.fixture
def group_engine(
    store: StateStore, group_store: GroupRedisStore, curriculum: Curriculum, config: Config,
    clock, database: Database,
) -> Engine:  # fmt: skip
    return build_engine(
        store,
        curriculum,
        config,
        clock=clock,
        groups=group_store,
        facilitators=ClassFacilitators(database),
        group_platforms=("zoa",),
    )


@pytest.fixture
async def oa_group(
    oa_fake: FakeZaloOA, oa_workers: OAWorkers, group_engine: Engine, database: Database,
    redis: Redis, keys: Keys,
) -> Group:  # fmt: skip
    """A registered class tied to an OA group, and a worker serving the OA."""
    await save_class(database, CLASS, "Lớp học số khu phố 3", "Chị Lan", None, None)
    group_id = oa_fake.add_group("Lớp học số khu phố 3")
    _, refresh = oa_fake.grant()
    worker = await oa_workers.start(
        oa_settings(oa_fake, refresh),
        engine=group_engine,
        ticks=group_engine.tick,
        tick_every=0.05,
        register=partial(add_facilitator_handle, database),
    )
    await Leads(redis, OAKeys(keys, fake_zalo_oa.OA_ID)).link(CLASS, group_id)
    return Group(oa_fake, worker, group_id)


async def register_lead(oa_fake: FakeZaloOA, group: Group, redis: Redis, keys: Keys) -> None:
    """The ward officer's code, sent by the facilitator to the OA in private."""
    code = await Leads(redis, OAKeys(keys, fake_zalo_oa.OA_ID)).issue(CLASS, group.group_id)
    private = OAPhone(oa_fake, group.worker, LEAD)
    said = await private.write(code.lower().replace("-", " "))  # typed loosely: "gv 123456"
    assert "Đã ghi nhận" in said and CLASS in said


async def test_a_group_lesson_where_four_members_type_and_each_is_credited_once_in_sql(
    oa_fake: FakeZaloOA, oa_group: Group, redis: Redis, keys: Keys, database: Database
) -> None:
    group = oa_group
    await register_lead(oa_fake, group, redis, keys)
    async with database.session() as session:
        assert f"zoa:{LEAD}" in (await session.get(Class, CLASS)).facilitator  # type: ignore[union-attr]
    menu = await group.write(LEAD, "Bat dau hoc")  # words, no accents
    assert "✍️" in menu and "1. " in menu  # the lessons as numbered lines
    await group.write(LEAD, group.number_of("Bài tiếp theo"))
    intro = group.latest()
    assert "Tham gia" in intro and "Bắt đầu" in intro
    members = ["u-an", "u-binh", "u-chi", "u-dung"]
    oa_fake.names.update({"u-an": "An", "u-binh": "Bình", "u-dung": "Dũng"})
    # Joining is consent: typed in four ways, a mention in front of one.
    for member, typed in zip(members, ["tham gia", "Tham Gia", f"[@{group.group_id}] tham gia",
                                        group.number_of("Tham gia")], strict=True):  # fmt: skip
        await group.write(member, typed)
    await group.write(LEAD, "bat dau")
    assert "Thẻ một" in group.latest()
    await group.write(LEAD, "tiep tuc")
    question = group.latest()
    assert "Câu hỏi một?" in question and "A. Sai bét" in question and "B. Đúng rồi" in question
    assert "✍️ Trả lời: gõ A hoặc B (không cần dấu)." in question  # one short line
    answers = {"u-an": "b", "u-binh": "B", "u-chi": f"[@{LEAD}] b", "u-dung": "a"}
    for member, typed in answers.items():
        await group.write(member, typed)
    await group.write("u-an", "b")  # a second time: counted once
    reveal = "\n".join(fake_zalo_oa_tail(oa_fake, group, 3))
    assert "Đáp án đúng: B. Đúng rồi" in reveal and "4 người đã trả lời" in reveal
    await group.write(LEAD, "tiep tuc")
    second = group.latest()
    for member in members:
        await group.write(member, "1" if "1." in second else "a")
    await group.write(LEAD, "tiep tuc")
    summary = group.latest()
    assert "• An: 2/2 ✅" in summary and "• Dũng: 1/2 ✅" in summary
    assert "• ?: 2/2 ✅" in summary  # one who does not follow the OA: Zalo gives no name
    assert "🎉 Cả nhóm đã học xong bài «Bài một»!" in summary
    # Each member's completion, once, in the outbox and then in SQL through the reporter.
    for member in members:
        events = [
            json.loads(f["e"]) for _, f in await redis.xrange(keys.outbox_of(f"zoa:{member}"))
        ]
        mine = [e for e in events if e["type"] == "completion" and e["user"] == f"zoa:{member}"]
        assert len(mine) == 1
    reporter = Reporter(redis, keys, database, batch=50)
    while await reporter.step():
        pass
    await Reporter(redis, keys, database, batch=50).step()  # a second reporter: no repeats
    async with database.session() as session:
        rows = (
            await session.execute(
                select(Learner.platform, func.count(Completion.id))
                .join(Completion, Completion.learner_id == Learner.id)
                .group_by(Learner.id, Learner.platform)
            )
        ).all()
    assert sorted(rows) == [("zoa", 1)] * 4
    for text in oa_fake.in_group(group.group_id):  # never a button in a group
        assert len(text) <= 2000
    assert all(error == 0 for _, _, error in oa_fake.group_sent)


def fake_zalo_oa_tail(oa_fake: FakeZaloOA, group: Group, n: int) -> list[str]:
    return oa_fake.in_group(group.group_id)[-n:]


async def test_a_member_who_is_not_the_facilitator_cannot_start_a_lesson(
    oa_fake: FakeZaloOA, oa_group: Group, redis: Redis, keys: Keys
) -> None:
    group = oa_group
    said = await group.write("u-curious", "/lesson")
    assert "người hướng dẫn" in said.lower() or "facilitator" in said.lower()
    assert "Bài tiếp theo" not in said
    assert await group.write("u-curious", "bắt đầu học") == ""  # told once per run
    await register_lead(oa_fake, group, redis, keys)
    assert "Bài tiếp theo" in await group.write(LEAD, "/lesson")
    # The code worked once: sent again, it is refused kindly, with what to do.
    assert typed_code("GV-123456") == "GV-123456" and typed_code("gv123456") == "GV-123456"


async def test_a_disabled_group_is_told_to_the_facilitator_privately_and_nothing_is_lost(
    oa_fake: FakeZaloOA, oa_group: Group, redis: Redis, keys: Keys
) -> None:
    group = oa_group
    await register_lead(oa_fake, group, redis, keys)
    await group.write(LEAD, "/lesson")
    oa_fake.disable(group.group_id)
    await group.write(LEAD, group.number_of("Bài tiếp theo"))
    private = [s.text for s in oa_fake.to(LEAD)]
    assert "đang bị tắt" in private[-1] and "/lesson" in private[-1]
    assert [e for _, _, e in oa_fake.group_sent][-1] == -237
    # The group works again: the lesson is still there, where it was.
    oa_fake.groups[group.group_id]["disabled"] = False
    await redis.delete(OAKeys(keys, fake_zalo_oa.OA_ID).group(group.group_id, "off"))
    assert "Bài một" in await group.write(LEAD, "/lesson")


@pytest.mark.parametrize(
    "where", ["recipient.id", "recipient.group_id", "message.conversation_id"]
)
def test_the_group_is_found_wherever_the_event_names_it(where, monkeypatch) -> None:
    monkeypatch.setattr(fake_zalo_oa, "group_field", where)
    event = parse(group_text_event("u-1", "g-42", "[@u-9] B"), fake_zalo_oa.OA_ID)
    assert (event.kind, event.group_id, event.user_id) == ("group_text", "g-42", "u-1")


def test_typed_answers_ignore_accents_case_and_mentions() -> None:
    shown = [Choice("a", "A. Sai bét", "pa"), Choice("b", "B. Đúng rồi", "pb"),
             Choice("1", "👁 Xem đáp án", "pr"), Choice("2", "✋ Tham gia", "pj")]  # fmt: skip
    assert understand("[@123] b.", shown) == ("button", "pb")
    assert understand("dung roi", shown) == ("button", "pb")
    assert understand("xem dap an", shown) == ("button", "pr")
    assert understand("THAM GIA", shown) == ("button", "pj")
    assert understand("2", shown) == ("button", "pj")
    assert understand("Bắt đầu học", shown) == ("command", "lesson")
    assert understand("chào cả nhà", shown) is None  # members chatting: left alone


async def test_class_add_zalo_group_creates_the_group_and_prints_its_link_and_a_code(
    oa_fake: FakeZaloOA, oa_workers: OAWorkers, redis: Redis, keys: Keys
) -> None:
    import io

    from handlers.zalo_oa.class_group import tie_group

    _, refresh = oa_fake.grant()
    settings = oa_settings(oa_fake, refresh, gmf_asset="gmf-asset-1")
    out = io.StringIO()
    assert await tie_group(settings, redis, keys, "LOP-3B", "Lớp 3B", "new", out) == 0
    [group_id] = oa_fake.groups
    printed = out.getvalue()
    assert oa_fake.groups[group_id]["group_link"] in printed and group_id in printed
    code = typed_code(printed.split("Facilitator code: ")[1].split()[0])
    assert code and "sends this code" in printed
    leads = Leads(redis, OAKeys(keys, fake_zalo_oa.OA_ID))
    assert await leads.group_of("LOP-3B") == (group_id, oa_fake.groups[group_id]["group_link"])
    # The asset is spent: another new group is refused, kindly; an existing one is linked.
    out = io.StringIO()
    assert await tie_group(settings, redis, keys, "LOP-3C", "Lớp 3C", "new", out) == 2
    assert "ZALO_OA_GMF_ASSET" in out.getvalue() or "asset" in out.getvalue()
    other = oa_fake.add_group("Nhóm có sẵn")
    out = io.StringIO()
    assert await tie_group(settings, redis, keys, "LOP-3C", "Lớp 3C", other, out) == 0
    assert (await leads.group_of("LOP-3C"))[0] == other
    out = io.StringIO()
    assert await tie_group(settings, redis, keys, "LOP-3D", "Lớp 3D", "no-such", out) == 2
    assert "has no group no-such" in out.getvalue() and other in out.getvalue()


async def test_a_group_lesson_resumes_on_another_worker_after_a_restart(
    oa_fake: FakeZaloOA, oa_group: Group, oa_workers: OAWorkers, redis: Redis, keys: Keys,
    store: StateStore, group_store: GroupRedisStore, curriculum: Curriculum, config: Config,
    clock, database: Database,
) -> None:  # fmt: skip
    group = oa_group
    await register_lead(oa_fake, group, redis, keys)
    await group.write(LEAD, "/lesson")
    await group.write(LEAD, group.number_of("Bài tiếp theo"))
    for member in ("u-an", "u-binh"):
        await group.write(member, "tham gia")
    await group.write(LEAD, "bat dau")
    await group.write(LEAD, "tiep tuc")
    await group.write("u-an", "b")
    await group.worker.stop()  # the process goes away mid-question
    engine = build_engine(
        store, curriculum, config, clock=clock, groups=group_store,
        facilitators=ClassFacilitators(database), group_platforms=("zoa",),
    )  # fmt: skip
    _, refresh = oa_fake.grant()
    again = await oa_workers.start(oa_settings(oa_fake, refresh), engine=engine)
    group = Group(oa_fake, again, group.group_id)
    reveal = await group.write("u-binh", "B")  # the last one to answer: the answer shows
    assert "Đáp án đúng: B. Đúng rồi" in reveal and "2 người đã trả lời" in reveal
    await group.write(LEAD, "tiep tuc")
    for member in ("u-an", "u-binh"):
        await group.write(member, "1")
    assert "🎉" in await group.write(LEAD, "tiep tuc")


async def test_a_group_gets_no_more_than_its_messages_a_minute(
    oa_fake: FakeZaloOA, oa_workers: OAWorkers, group_engine: Engine, database: Database,
    redis: Redis, keys: Keys,
) -> None:  # fmt: skip
    """The bound, with the minute shrunk to a second (3 a second for 20 a minute)."""
    from limits import RateLimitItemPerSecond
    from limits.aio.storage import MemoryStorage

    from handlers.limits import PushLimits

    await save_class(database, CLASS, "Lớp", "Chị Lan", None, None)
    group_id = oa_fake.add_group()
    _, refresh = oa_fake.grant()
    limits = PushLimits(MemoryStorage(), redis, keys.prefix, per_group=RateLimitItemPerSecond(3))
    register = partial(add_facilitator_handle, database)
    settings = oa_settings(oa_fake, refresh)
    worker = await oa_workers.start(
        settings, engine=group_engine, limits=limits, register=register
    )
    await Leads(redis, OAKeys(keys, fake_zalo_oa.OA_ID)).link(CLASS, group_id)
    group = Group(oa_fake, worker, group_id)
    await register_lead(oa_fake, group, redis, keys)
    for _ in range(3):
        await group.write(LEAD, "/lesson")  # the menu, and the status of the open lesson
        if "Bài tiếp theo" in group.latest():
            await group.write(LEAD, group.number_of("Bài tiếp theo"))
        await group.write(LEAD, "bat dau")
        await group.write(LEAD, "tiep tuc")
        await group.write(LEAD, "xem dap an")
        await group.write(LEAD, "tiep tuc")
    times = oa_fake.group_times
    assert len(times) >= 8
    for n in range(len(times) - 3):
        assert times[n + 3] - times[n] >= 0.8  # never 4 in a second (arrival jitters a little)
