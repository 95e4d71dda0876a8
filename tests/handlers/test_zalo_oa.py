"""The tutor on a Zalo Official Account, end to end: Zalo (the fake OA on loopback, speaking
the wire format of research/zalo-oa.md) posts a learner's signed events to a worker's
webhook, and we read the consultation messages the OA sent back."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import aiohttp
import pytest
from fake_zalo_oa import OA_ID, FakeZaloOA, follow_event, media_event, seen_event, text_event
from learner_scripts import walk_stuck
from oa_phone import OAPhone, OAWorker, OAWorkers, oa_settings
from PIL import Image
from redis.asyncio import Redis

from bot.content.lessons import Curriculum, load_curriculum
from bot.engine import Engine
from bot.events import Event, Reply
from handlers.push import Unreachable
from handlers.zalo_oa.keys import OAKeys
from handlers.zalo_oa.send import PREFIX, layout, tapped
from handlers.zalo_oa.window import Reach
from storage.redis.keys import Keys


async def outbox(redis: Redis, keys: Keys, user: str) -> list[dict[str, str]]:
    return [json.loads(f["e"]) for _, f in await redis.xrange(keys.outbox_of(user))]


async def completions(redis: Redis, keys: Keys, phone: OAPhone) -> list[tuple[str, str]]:
    events = await outbox(redis, keys, f"zoa:{phone.user_id}")
    return [(e["lesson"], e["passed"]) for e in events if e["type"] == "completion"]


async def test_a_learner_who_only_taps_finishes_a_lesson_and_the_profile(
    oa_phone: OAPhone, oa_fake: FakeZaloOA, redis: Redis, keys: Keys
) -> None:
    assert "Chào" in await oa_phone.write("Xin chào")
    titles = [b["title"] for b in oa_phone.latest().buttons]
    assert titles == ["✅ Đồng ý", "❌ Không đồng ý", "🌐 English"]
    await oa_phone.tap("Đồng ý")
    await oa_phone.tap("Tiếp tục")
    assert "✅ Đúng rồi! Giỏi quá." in await oa_phone.tap("Đúng rồi")
    answer = await oa_phone.tap("Đúng")
    assert "🎉 Bác đã học xong bài «Bài một»!" in answer
    # Nine choices (six wards, more, elsewhere, skip): all as numbered lines, and buttons
    # for the first two and the last three, so a tapper can always go on.
    wards = oa_phone.latest()
    assert "1. Phường Ninh Kiều" in wards.text and "9. ⏭ Bỏ qua" in wards.text
    assert [b["title"] for b in wards.buttons] == [
        "1. Phường Ninh Kiều",
        "2. Phường Cái Khế",
        "7. ➡️ Xem thêm",
        "8. Nơi khác",
        "9. ⏭ Bỏ qua",
    ]
    await oa_phone.tap("Xem thêm")  # the next page of wards
    await oa_phone.tap("Thốt Nốt")
    await oa_phone.tap("Bỏ qua")  # the age band
    assert "Cảm ơn bác!" in oa_phone.screen()
    assert await completions(redis, keys, oa_phone) == [("l1", "1")]
    for sent in oa_fake.sent:  # every message kept Zalo's limits
        assert len(sent.buttons) <= 5 and all(len(b["title"]) <= 20 for b in sent.buttons)
        assert all(b["payload"].startswith(PREFIX) for b in sent.buttons)


async def test_a_learner_who_only_types_finishes_a_lesson_numbers_and_words_without_accents(
    oa_phone: OAPhone, redis: Redis, keys: Keys
) -> None:
    await oa_phone.write("xin chao")
    await oa_phone.choose("Đồng ý")  # "1"
    await oa_phone.write("tiep tuc")  # the card, in words without accents
    answer = await oa_phone.write("dung roi")  # question one, in words
    assert "✅ Đúng rồi! Giỏi quá." in answer and "Câu hỏi hai?" in answer
    answer = await oa_phone.choose("Đúng")  # question two, by its number
    assert "🎉 Bác đã học xong bài «Bài một»!" in answer
    await oa_phone.write("ninh kieu")  # the ward, accents left out
    await oa_phone.write("bo qua")  # the age band
    assert "Cảm ơn bác!" in oa_phone.screen()
    assert await completions(redis, keys, oa_phone) == [("l1", "1")]


async def test_a_forged_or_missing_signature_is_refused_with_401_and_nothing_else(
    oa_worker: OAWorker, oa_fake: FakeZaloOA
) -> None:
    event = text_event("u-forger", "/start")
    body = json.dumps(event).encode()
    forged = oa_fake.sign(body, event["timestamp"], key="the-app-secret-not-the-oa-key")
    for signature in (forged, "", "mac=" + "0" * 64):
        delivery = await oa_fake.post(oa_worker.url, event, signature=signature, redeliver=False)
        assert delivery.status == 401
    await oa_worker.settle()
    assert oa_fake.sent == []  # nothing was processed, nothing answered
    assert (await oa_fake.post(oa_worker.url, event)).status == 200
    await oa_worker.settle()
    assert "Chào" in oa_fake.to("u-forger")[0].text


async def test_the_unsigned_probe_and_a_get_are_answered_and_nothing_else(
    oa_worker: OAWorker, oa_fake: FakeZaloOA
) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(oa_worker.url, data=b"{}") as response:
            assert response.status == 200
        async with session.get(oa_worker.url) as response:
            assert response.status == 200
    await oa_worker.settle()
    assert oa_fake.sent == [] and oa_fake.calls == []


async def test_a_redelivered_event_is_answered_once(
    oa_phone: OAPhone, oa_fake: FakeZaloOA
) -> None:
    event = text_event(oa_phone.user_id, "/start")
    assert (await oa_phone.send(event)).status == 200
    sent = len(oa_phone.received())
    # Zalo did not see our 200 and delivers it again, twice, marked as retries.
    assert (await oa_phone.send(event, retry=1)).status == 200
    assert (await oa_phone.send(event, retry=2)).status == 200
    assert len(oa_phone.received()) == sent
    # Two copies at the same moment: still once.
    again = text_event(oa_phone.user_id, "1")
    await asyncio.gather(oa_phone.send(again), oa_phone.send(again))
    await oa_phone.worker.settle()
    assert oa_phone.screen().count("Mình vào bài đầu tiên luôn nhé") == 1


async def test_an_event_answered_200_is_not_lost_when_its_worker_dies(
    oa_fake: FakeZaloOA, oa_workers: OAWorkers, engine: Engine
) -> None:
    _, refresh = oa_fake.grant()
    stuck = asyncio.Event()

    async def dies_while_deciding(event: Event) -> list[Reply]:
        await stuck.wait()  # the process is killed before it answers
        return []

    settings = oa_settings(oa_fake, refresh)
    first = await oa_workers.start(settings, lease=0.5, sweep_every=0.1)
    first.adapter.handle = dies_while_deciding
    event = text_event("u-durable", "/start")
    delivery = await oa_fake.post(first.url, event, redeliver=False)
    assert delivery.status == 200 and delivery.seconds < 2  # answered at once
    first.kill()
    # Another worker (another process) finds the event its lease left, and answers it.
    second = await oa_workers.start(settings, own_redis=True, lease=0.5, sweep_every=0.1)
    await oa_fake.wait_for(lambda: oa_fake.to("u-durable"), what="the answer")
    await second.settle()
    assert "Chào" in oa_fake.to("u-durable")[0].text
    assert await second.adapter.inbox.waiting() == 0


async def test_a_reply_lost_when_its_worker_dies_after_the_save_is_shown_by_the_next(
    oa_fake: FakeZaloOA, oa_workers: OAWorkers, redis: Redis, keys: Keys
) -> None:
    """Issue 24, defect 5: stored, then killed before the reply went out; the next worker takes
    the event from the inbox and shows what it answered, counting nothing again."""
    _, refresh = oa_fake.grant()
    settings = oa_settings(oa_fake, refresh)
    first = await oa_workers.start(settings, lease=0.5, sweep_every=0.1)
    dead = asyncio.Event()

    async def die() -> None:
        first.kill()
        dead.set()

    oa_fake.crash = die
    event = text_event("u-crash", "/start")
    assert (await oa_fake.post(first.url, event, redeliver=False)).status == 200
    await asyncio.wait_for(dead.wait(), 10)
    assert oa_fake.to("u-crash") == []  # the learner saw nothing
    stored = await redis.hgetall(keys.learner("zoa:u-crash"))
    assert stored  # but the learner's start was stored

    second = await oa_workers.start(settings, own_redis=True, lease=0.5, sweep_every=0.1)
    await oa_fake.wait_for(lambda: oa_fake.to("u-crash"), what="the answer")
    await second.settle()
    assert [m.text for m in oa_fake.to("u-crash")].count(oa_fake.to("u-crash")[0].text) == 1
    assert "Chào" in oa_fake.to("u-crash")[0].text
    assert await redis.hgetall(keys.learner("zoa:u-crash")) == stored  # not decided again
    assert await second.adapter.inbox.waiting() == 0


async def test_receipts_and_echoes_are_ignored(oa_phone: OAPhone, oa_fake: FakeZaloOA) -> None:
    await oa_phone.write("/start")
    sent = len(oa_fake.sent)
    ids = [s.message_id for s in oa_phone.received()]
    assert (await oa_phone.send(seen_event(oa_phone.user_id, ids))).status == 200
    echo = text_event(OA_ID, "hello from staff")
    echo["event_name"] = "oa_send_text"
    echo["recipient"] = {"id": oa_phone.user_id}
    assert (await oa_phone.send(echo)).status == 200
    assert len(oa_fake.sent) == sent


async def test_follow_greets_and_unfollow_stops_every_message(
    oa_phone: OAPhone, oa_fake: FakeZaloOA, redis: Redis, keys: Keys
) -> None:
    await oa_phone.send(follow_event(oa_phone.user_id))
    assert "Chào" in oa_phone.screen()  # greeted, asked for consent
    await oa_phone.tap("Đồng ý")
    sent = len(oa_fake.sent)
    await oa_phone.send(follow_event(oa_phone.user_id, "unfollow"))
    assert len(oa_fake.sent) == sent  # nothing is written to someone who left
    window = oa_phone.worker.adapter.window
    assert await window.state(oa_phone.user_id) is Reach.AWAY
    assert await redis.hget(keys.learner(f"zoa:{oa_phone.user_id}"), "ia") == "1"
    assert "Chào mừng bác quay lại" in await oa_phone.write("/start")  # and answered
    assert await window.state(oa_phone.user_id) is Reach.FREE  # writing again reopens it


async def test_a_sticker_gets_a_kind_answer_with_a_way_on(
    oa_phone: OAPhone, oa_fake: FakeZaloOA
) -> None:
    await oa_phone.write("/start")
    await oa_phone.tap("Đồng ý")
    before = len(oa_phone.received())
    await oa_phone.send(media_event(oa_phone.user_id, "sticker"))
    answer = oa_phone.received()[before:]
    assert answer and any(s.buttons for s in answer)  # something to tap next


async def test_a_forged_or_stale_payload_gets_a_kind_answer(oa_phone: OAPhone) -> None:
    await oa_phone.write("/start")
    await oa_phone.tap("Đồng ý")
    for forged in (f"{PREFIX}zz:nonsense", f"{PREFIX}", f"{PREFIX}a b"):
        answer = await oa_phone.write(forged)
        assert answer.strip() and "Traceback" not in answer
    # An old button tapped again (no edits on the OA: old buttons stay) is safe to replay.
    consent = next(s for s in oa_phone.received() if "Đồng ý" in str(s.buttons))
    payload = consent.buttons[0]["payload"]
    answer = await oa_phone.write(payload)
    assert answer.strip()
    assert oa_phone.screen().count("Mình vào bài đầu tiên luôn nhé") == 1


def test_payloads_and_layout() -> None:
    assert tapped("#hs:c:yes") == "c:yes" and tapped("hello") is None and tapped("#hs:") == ""
    from bot.events import Button

    few = [Button("Có", "a"), Button("Không", "b")]
    assert layout(few) == (
        False,
        [
            {"title": "Có", "type": "oa.query.hide", "payload": "#hs:a"},
            {"title": "Không", "type": "oa.query.hide", "payload": "#hs:b"},
        ],
    )
    long = [Button("Gọi lại số tổng đài chính thức của ngân hàng", "x"), Button("Bỏ qua", "y")]
    numbered, buttons = layout(long)
    assert numbered and [b["title"] for b in buttons] == ["1. Gọi lại số tổng…", "2. Bỏ qua"]


async def test_minus_230_marks_the_learner_out_of_reach_without_retries(
    oa_phone: OAPhone, oa_fake: FakeZaloOA, oa_workers: OAWorkers
) -> None:
    await oa_phone.write("/start")
    oa_fake.fail("/v3.0/oa/message/cs", -230)
    attempts = len(oa_fake.sent)
    started = asyncio.get_running_loop().time()
    await oa_phone.write("1")
    assert asyncio.get_running_loop().time() - started < 1.5  # nothing waited on them
    refused = [c for c in oa_fake.calls[-5:] if c[1] == -230]
    assert len(refused) == 1  # one try, no retry
    assert len(oa_fake.sent) == attempts  # nothing more was sent after the refusal
    window = oa_phone.worker.adapter.window
    assert await window.state(oa_phone.user_id) is Reach.AWAY
    # Another learner is served as usual meanwhile.
    other = OAPhone(oa_fake, oa_phone.worker, "9990001112223334445")
    assert "Chào" in await other.write("/start")
    # The learner writes again: back in reach, answered.
    assert await oa_phone.write("/menu")
    assert await window.state(oa_phone.user_id) is Reach.FREE


async def test_minus_32_pauses_every_worker_then_the_message_goes(
    oa_fake: FakeZaloOA, oa_workers: OAWorkers, keys: Keys, redis: Redis
) -> None:
    _, refresh = oa_fake.grant()
    settings = oa_settings(oa_fake, refresh)
    first = await oa_workers.start(settings, rate_pause=0.6)
    second = await oa_workers.start(settings, own_redis=True, rate_pause=0.6)
    oa_fake.fail("/v3.0/oa/message/cs", -32)
    lan, binh = OAPhone(oa_fake, first, "111"), OAPhone(oa_fake, second, "222")
    lan_writes = asyncio.create_task(lan.write("/start"))
    await oa_fake.wait_for(lambda: any(c[1] == -32 for c in oa_fake.calls), what="the -32")
    await asyncio.sleep(0.05)
    # The pause is the fleet's: the second worker holds its message too.
    assert await first.adapter.limits.paused_for() > 0
    started = asyncio.get_running_loop().time()
    await binh.write("/start")
    assert asyncio.get_running_loop().time() - started >= 0.3
    await lan_writes
    assert "Chào" in lan.screen() and "Chào" in binh.screen()  # nothing lost


async def test_long_text_is_split_never_cut(oa_phone: OAPhone, oa_fake: FakeZaloOA) -> None:
    sender = oa_phone.worker.adapter.sender
    assert sender is not None
    await oa_phone.write("/start")  # the learner wrote: the window is open
    words = "\n".join(f"Dòng {i}: " + "chữ " * 40 for i in range(40))  # about 6,700 characters
    await sender.show(oa_phone.user_id, [Reply(words)])
    pieces = oa_fake.to(oa_phone.user_id)[-4:]
    assert all(len(p.text) <= 2000 for p in pieces)
    assert "\n".join(p.text for p in pieces).endswith(words.splitlines()[-1])
    assert oa_fake.refused(-210) == []


def big_picture(path: Path) -> bytes:
    """A PNG of noise, about 3 MB: over the OA's 1 MB."""
    import random

    rng = random.Random(7)
    image = Image.frombytes(
        "RGB", (1000, 1000), bytes(rng.getrandbits(8) for _ in range(3_000_000))
    )
    image.save(path, "PNG")
    return path.read_bytes()


def picture_course(root: Path) -> Curriculum:
    module = root / "m"
    module.mkdir(parents=True)
    (module / "module.yaml").write_text("id: m\norder: 1\ntitle: { vi: Ảnh }\n")
    big_picture(module / "anh.png")
    (module / "l.yaml").write_text(
        "id: anh\nversion: 1\norder: 1\ntitle: { vi: Bài ảnh }\n"
        "objectives: [{ vi: Xem ảnh }]\nminutes: 1\nsources: [test]\nsteps:\n"
        "  - type: card\n    text: { vi: Đây là biểu tượng }\n    image: anh.png\n"
        "    image_alt: { vi: Một biểu tượng }\n"
        "  - type: truefalse\n    id: q\n    prompt: { vi: Thấy rồi }\n    answer: true\n"
        "    explanation: { vi: Vậy đó }\n"
    )
    return load_curriculum(root)


async def test_a_picture_is_uploaded_within_limits_reused_and_uploaded_again_when_expired(
    oa_fake: FakeZaloOA, oa_workers: OAWorkers, engine: Engine, tmp_path: Path
) -> None:
    engine.curriculum = picture_course(tmp_path / "lessons")
    _, refresh = oa_fake.grant()
    worker = await oa_workers.start(oa_settings(oa_fake, refresh))
    lan = OAPhone(oa_fake, worker, "301")
    await lan.write("/start")
    await lan.tap("Đồng ý")  # the lesson begins with the picture card
    (upload,) = oa_fake.uploads.values()
    assert len(upload.data) <= 1024**2  # shrunk from about 3 MB
    Image.open(io.BytesIO(upload.data)).verify()  # still a picture
    card = next(s for s in lan.received() if s.attachment_id)
    assert card.attachment_id == upload.attachment_id
    assert "Đây là biểu tượng" in card.text and card.buttons  # caption and choice ride on it
    # Another learner: the same picture is not uploaded again.
    binh = OAPhone(oa_fake, worker, "302")
    await binh.write("/start")
    await binh.tap("Đồng ý")
    assert len(oa_fake.uploads) == 1
    # A week later Zalo has forgotten it (-100): uploaded again, and the card still shows.
    oa_fake.expire_uploads()
    chi = OAPhone(oa_fake, worker, "303")
    await chi.write("/start")
    await chi.tap("Đồng ý")
    assert len(oa_fake.uploads) == 2
    assert any(s.attachment_id for s in chi.received())
    assert "Thấy rồi" in await chi.tap("Tiếp tục")


async def test_a_choice_typed_as_a_copy_of_a_payload_is_the_same_as_a_tap(
    oa_phone: OAPhone,
) -> None:
    await oa_phone.write("/start")
    payload = oa_phone.button("Đồng ý")["payload"]
    assert "Mình vào bài đầu tiên luôn nhé" in await oa_phone.write(payload)


async def test_the_window_is_recorded_and_the_paid_part_needs_the_setting(
    oa_phone: OAPhone, redis: Redis, keys: Keys
) -> None:
    import time

    from handlers.zalo_oa.window import Window

    await oa_phone.write("/start")
    oa_keys = OAKeys(keys, OA_ID)
    now = time.time()
    free, paid = Window(redis, oa_keys), Window(redis, oa_keys, paid=True)
    assert await free.state(oa_phone.user_id, now) is Reach.FREE
    later = now + 3 * 86400  # three days on: billed
    assert await free.state(oa_phone.user_id, later) is Reach.PAID
    assert not await free.may_send(oa_phone.user_id, later)
    assert await paid.may_send(oa_phone.user_id, later)
    assert await free.state(oa_phone.user_id, now + 8 * 86400) is Reach.CLOSED
    assert await free.state("never-wrote", now) is Reach.CLOSED


@pytest.mark.parametrize("code", [-230, -232])
async def test_a_learner_silent_for_over_7_days_is_out_of_reach_until_they_write(
    oa_phone: OAPhone, oa_fake: FakeZaloOA, code: int
) -> None:
    import time

    oa_fake.window_code = code  # UNKNOWN which of the two Zalo answers: both are handled
    await oa_phone.write("/start")
    oa_fake.users[oa_phone.user_id] = time.time() - 8 * 86400  # as Zalo sees it
    sender = oa_phone.worker.adapter.sender
    assert sender is not None
    with pytest.raises(Unreachable):
        await sender.show(oa_phone.user_id, [Reply("Bác ơi, mình học tiếp nhé?")])
    assert len(oa_fake.refused(code)) == 1  # tried once, not again
    window = oa_phone.worker.adapter.window
    assert await window.state(oa_phone.user_id) is Reach.AWAY
    assert "Chào bác" in await oa_phone.write("/start")  # they write: answered at once
    assert await window.state(oa_phone.user_id) is Reach.FREE


@pytest.mark.parametrize("who", ["tapper", "typer"])
async def test_the_shipped_course_offers_a_way_on_at_every_step(
    oa_fake: FakeZaloOA, oa_workers: OAWorkers, engine: Engine, who: str
) -> None:
    """A learner who only taps (the first button) or only types (a number, or words at a
    typed question) goes through the real lessons: every message leaves something to tap."""
    engine.curriculum = load_curriculum(Path(__file__).resolve().parents[2] / "lessons")
    _, refresh = oa_fake.grant()
    worker = await oa_workers.start(oa_settings(oa_fake, refresh))
    phone = OAPhone(oa_fake, worker, f"80{len(who)}")
    await phone.write("xin chao")
    finished = 0
    for _ in range(40):
        latest = phone.received()[-1]
        assert latest.buttons, f"nothing to tap under:\n{latest.text}"
        if "✍️" in latest.text:
            await phone.write("khong biet")  # a typed question: words, as anyone types them
        elif who == "tapper":
            await phone.write(latest.buttons[0]["payload"])
        else:
            await phone.write("1")
        finished += "🎉" in phone.received()[-1].text
    assert finished >= 1  # a lesson was completed on the way


async def test_a_stuck_typer_gets_new_words_each_time_and_a_way_on(oa_phone: OAPhone) -> None:
    await oa_phone.write("xin chao")
    await oa_phone.choose("Đồng ý")  # the first lesson's card
    await walk_stuck(oa_phone.write)
