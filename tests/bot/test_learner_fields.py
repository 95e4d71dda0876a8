"""A learner's state in Redis stays small, and states stored by earlier versions still load.

Redis keeps a hash in its compact listpack encoding (about half the memory) only while every
value is at most 64 bytes with its default settings; bot/learner.py stores longer values in
pieces and the review list in a compact form (bench/state_footprint.py measures the memory).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.learner import Learner, ReviewItem, Stage, from_fields, to_fields

LESSONS = [f"bai-hoc-so-{n:02d}-ve-dien-thoai" for n in range(60)]  # long ids, as authors write


def a_learner_who_did_everything() -> Learner:
    """Sixty lessons done, forty questions to review (the cap), a long Vietnamese name."""
    review = [ReviewItem(LESSONS[n], f"cau-hoi-{n}", n % 4, 740_000 + n) for n in range(39)]
    review.append(ReviewItem("bai-chua-qua", "cau-kho", 0, 739_990))  # a lesson not passed
    return Learner(
        user="tg:1",
        stage=Stage.MENU,
        done=list(LESSONS),
        review=review,
        review_queue=[i.key for i in review[:5]],
        certificate="ABCDE23456",
        certificate_name="Nguyễn Thị Thu Hường " * 5,
        consent_at=1_767_225_600,
    )


def test_every_stored_value_fits_redis_compact_encoding_and_reads_back():
    learner = a_learner_who_did_everything()
    fields = to_fields(learner)
    assert max(len(v.encode()) for v in fields.values()) <= 64
    assert len(fields) < 128  # Redis's default hash-max-listpack-entries
    assert from_fields("tg:1", fields) == learner


def test_the_review_list_takes_much_less_room_than_it_did():
    learner = a_learner_who_did_everything()
    fields = to_fields(learner)
    stored = sum(len(v) for k, v in fields.items() if k.startswith("ri"))
    before = len(" ".join(f"{i.key}:{i.box}:{i.due}" for i in learner.review))
    assert stored < before * 0.6


def test_a_state_stored_by_the_previous_version_loads_the_same():
    learner = a_learner_who_did_everything()
    previous = {  # one field per value, the review list with whole ids and days
        "st": "menu",
        "ct": "1767225600",
        "dn": " ".join(learner.done),
        "rv": " ".join(f"{i.key}:{i.box}:{i.due}" for i in learner.review),
        "rq": " ".join(learner.review_queue),
        "ce": learner.certificate,
        "cn": learner.certificate_name,
    }
    assert from_fields("tg:1", previous) == learner


def test_a_damaged_review_item_is_left_out_not_fatal():
    fields = to_fields(a_learner_who_did_everything())
    fields["ri"] = fields["ri"].replace("#0/", "#999/", 1)  # points past the lessons done
    loaded = from_fields("tg:1", fields)
    assert len(loaded.review) == 39 and loaded.done == LESSONS


async def test_a_learner_stored_before_finds_their_review_and_is_stored_compact(
    chat, redis, keys, config, clock
):
    today = datetime.fromtimestamp(clock(), ZoneInfo(config.timezone)).date().toordinal()
    key = keys.learner(chat.user)
    previous = {"v": "7", "st": "menu", "ct": str(int(clock())), "dn": "l1"}
    await redis.hset(key, mapping=previous | {"rv": f"l1/q1:0:{today}"})
    await chat.send("/menu")
    assert "🔁 Ôn tập (1)" in [b.label for b in chat.buttons]  # the missed question is due
    stored = await redis.hgetall(key)
    assert "rv" not in stored and stored["ri"] == f"{today} #0/q1:0:0"
    await chat.tap("Ôn tập")
    assert "Câu hỏi một?" in chat.text
