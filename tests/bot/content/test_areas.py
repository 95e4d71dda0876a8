"""Where learners live: the official ward list of the configured province, from the package
vietnam-provinces, and a learner finding their ward among 103 by typing a few letters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from redis.asyncio import Redis
from vietnam_provinces import ProvinceCode, Ward

from bot.config import OTHER_AREA, Areas, Choice, Config
from bot.content.areas import closest, matching, official_wards
from bot.features import build_engine
from hocso.settings import load_config
from storage.redis.keys import Keys
from storage.redis.state import StateStore

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def shipped() -> Config:
    return load_config(ROOT / "config.yaml", env={})


@pytest.fixture(scope="module")
def can_tho(shipped: Config) -> list[Choice]:
    return shipped.areas.wards


def test_shipped_config_lists_the_103_official_units_of_can_tho(shipped, can_tho):
    assert shipped.areas.province == "Thành phố Cần Thơ"
    official = [w for w in can_tho if w.id != OTHER_AREA.id]
    assert len(official) == 103
    assert sum(w.vi.startswith("Phường ") for w in official) == 31
    assert sum(w.vi.startswith("Xã ") for w in official) == 72
    package = {f"{int(w.code):05d}" for w in Ward.iter_by_province(ProvinceCode(92))}
    assert {w.id for w in official} == package  # the statistics office's codes, as ids
    assert Choice(id="31135", vi="Phường Ninh Kiều") in official


def test_somewhere_else_is_always_there_last(can_tho):
    assert can_tho[-1] == OTHER_AREA
    mine = Areas(wards=[Choice(id="a", vi="Phường A")])
    assert [w.id for w in mine.wards] == ["a", "khac"]
    assert Areas().wards == []  # no province, no list: the question is not asked


@pytest.mark.parametrize(
    "province", [92, "92", "Thành phố Cần Thơ", "Cần Thơ", "thanh pho can tho"]
)
def test_province_by_code_or_name(province, can_tho):
    areas = Areas(province=province)
    assert areas.province == "Thành phố Cần Thơ"
    assert areas.wards == can_tho


def test_another_province_deploys_without_hand_typing():
    name, wards = official_wards("Cà Mau")
    assert name == "Cà Mau" and len(wards) > 50
    assert all(len(code) == 5 and code.isdecimal() for code, _ in wards)
    assert all("  " not in ward for _, ward in wards)  # the data's double spaces are gone


def test_unknown_province_is_explained():
    with pytest.raises(ValueError, match="no province 'Atlantis'.*92 or Cần Thơ"):
        official_wards("Atlantis")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("ninh kieu", ["Phường Ninh Kiều"]),  # no accents
        ("THOT NOT", ["Phường Thốt Nốt"]),
        ("phuong cai khe", ["Phường Cái Khế"]),
        ("xa phong dien", ["Xã Phong Điền"]),
        ("cai", ["Phường Cái Khế", "Phường Cái Răng"]),
        ("long phu", ["Xã Long Phú", "Phường Long Phú 1"]),  # both offered, the exact one first
        ("atlantis", []),
    ],
)
def test_typed_letters_find_the_ward(can_tho, typed, found):
    assert [w.vi for w in matching(typed, can_tho)] == found


def test_a_slip_of_the_finger_still_finds_the_closest(can_tho):
    assert matching("ninh kiu", can_tho) == []
    assert [w.vi for w in closest("ninh kiu", can_tho)] == ["Phường Ninh Kiều"]
    assert [w.vi for w in closest("thot nôt", can_tho)][:1] == ["Phường Thốt Nốt"]
    assert closest("atlantis", can_tho) == []


# -- a learner picking their ward among the 103, through the real engine --------------------


@pytest.fixture
def official_chat(store: StateStore, curriculum, shipped: Config, clock, make_chat):
    return make_chat(build_engine(store, curriculum, shipped, clock=clock))


async def outbox(redis: Redis, keys: Keys, user: str) -> list[dict[str, str]]:
    return [json.loads(f["e"]) for _, f in await redis.xrange(keys.outbox_of(user))]


async def at_the_ward_question(chat) -> None:
    """Consent, then the first lesson passed: the optional ward question comes next."""
    await chat.send("/start")
    await chat.tap("Đồng ý")
    await chat.tap("Tiếp tục")
    await chat.tap("Đúng rồi")
    await chat.tap("Đúng")
    assert "Giúp phường/xã" in chat.text


async def test_typing_a_ward_without_accents_saves_its_official_code(official_chat, redis, keys):
    await at_the_ward_question(official_chat)
    await official_chat.send("thot not")
    assert "độ tuổi" in official_chat.text  # picked: on to the next question
    await official_chat.tap("Từ 60")
    profile = [e for e in await outbox(redis, keys, official_chat.user) if e["type"] == "learner"]
    assert profile[-1]["area"] == "31212"  # Phường Thốt Nốt, by its official code


async def test_several_matches_come_as_buttons_with_somewhere_else_and_skip(official_chat):
    await at_the_ward_question(official_chat)
    await official_chat.send("long phu")
    labels = [b.label for b in official_chat.buttons]
    assert labels == ["Xã Long Phú", "Phường Long Phú 1", "Nơi khác", "⏭ Bỏ qua"]
    await official_chat.tap("Long Phú 1")
    assert "độ tuổi" in official_chat.text


async def test_a_typo_offers_the_closest_ward(official_chat):
    await at_the_ward_question(official_chat)
    await official_chat.send("ninh kiu")
    assert [b.label for b in official_chat.buttons][0] == "Phường Ninh Kiều"


async def test_paging_through_103_keeps_somewhere_else_and_skip_on_every_page(official_chat):
    await at_the_ward_question(official_chat)
    seen: list[str] = []
    for _ in range(30):
        labels = [b.label for b in official_chat.buttons]
        assert labels[-2:] == ["Nơi khác", "⏭ Bỏ qua"]
        seen += [x for x in labels if x.startswith(("Phường ", "Xã "))]
        if "➡️ Xem thêm" not in labels:
            break
        await official_chat.tap("Xem thêm")
    assert len(seen) == 103 and len(set(seen)) == 103
