"""Registered facilitators (storage/sql/facilitators.py): a Telegram @username or platform id in a
class's facilitator field lets that person lead group lessons."""

from __future__ import annotations

from storage.sql.classes import save_class
from storage.sql.facilitators import ClassFacilitators, handles


def test_handles_are_found_in_what_the_facilitator_field_says() -> None:
    assert handles("Chị Lan @ChiLan_CanTho") == {"chilan_cantho"}
    assert handles("Anh Hùng (tg:123456), @hung_tocns") == {"tg:123456", "hung_tocns"}
    assert handles("Cô Hạnh") == set()  # a name alone names nobody on Telegram
    assert handles("email lan@example.vn") == set()


async def test_a_registered_facilitator_is_recognised_by_username_or_id(database) -> None:
    await save_class(database, "TOCNS-1", "Tổ CNS An Hòa", facilitator="Chị Lan @chilan_cantho")
    await save_class(database, "LOP-2", "Lớp 2", facilitator="Anh Hùng tg:777")
    clock = [0.0]
    found = ClassFacilitators(database, clock=lambda: clock[0])
    assert await found.class_of("tg:1", "ChiLan_CanTho") == "TOCNS-1"
    assert await found.class_of("tg:777", "") == "LOP-2"
    assert await found.class_of("tg:2", "someone_else") is None
    await save_class(database, "LOP-3", "Lớp 3", facilitator="@new_one")
    assert await found.class_of("tg:3", "new_one") is None  # read a moment ago
    clock[0] += 61
    assert await found.class_of("tg:3", "new_one") == "LOP-3"
