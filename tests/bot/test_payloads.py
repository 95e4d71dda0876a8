"""Button payloads pack and check themselves: what a forged or stale button can carry."""

from __future__ import annotations

import pytest

from bot.lesson.tutor import Answer, Resume
from bot.payloads import MAX_BYTES, Payload, PayloadError, parse


def test_a_payload_comes_back_as_the_same_typed_value() -> None:
    tap = Answer("f3a9c1", 2, 0)
    assert tap.pack() == "1:a:f3a9c1:2:0"
    assert parse(tap.pack()) == tap
    assert parse(Resume().pack()) == Resume()


@pytest.mark.parametrize(
    "raw",
    [
        "1:a:f3a9c1:2",  # a field missing
        "1:a:f3a9c1:2:0:9",  # one too many
        "1:a:f3a9c1:two:0",  # not a number
        "1:a:f3a9c1:²:0",  # a digit, but not one we wrote
        "1:zz:1",  # nobody's prefix
        "2:a:f3a9c1:2:0",  # another version
        "1:a:" + "x" * MAX_BYTES + ":2:0",  # longer than any platform carries
        "",
    ],
)
def test_anything_else_is_not_ours(raw: str) -> None:
    assert parse(raw) is None


def test_a_payload_too_long_for_a_button_is_refused_when_made() -> None:
    with pytest.raises(PayloadError, match="64 bytes"):
        Answer("x" * 60, 1, 1).pack()
    with pytest.raises(PayloadError, match="64 bytes"):
        Answer("ư" * 30, 1, 1).pack()  # 37 characters, but 67 bytes: bytes are what count
    assert len(Answer("ư" * 28, 1, 1).pack().encode()) == 64  # just fits
    with pytest.raises(PayloadError):
        Answer("a:b", 1, 1).pack()  # the separator inside a field


def test_two_kinds_of_button_cannot_share_a_prefix() -> None:
    with pytest.raises(TypeError, match="used by Answer"):

        class Again(Payload, prefix="a"):
            pass
