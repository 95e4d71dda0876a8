"""Typed button payloads: each kind of button is a small class that packs and unpacks itself.

    class Answer(Payload, prefix="a"):
        attempt: str
        index: int
        choice: int

    Answer("f3a9c1", 2, 0).pack()  ->  "1:a:f3a9c1:2:0"
    parse("1:a:f3a9c1:2:0")        ->  Answer(attempt="f3a9c1", index=2, choice=0)

Format: `1:<prefix>[:<field>...]`, at most 64 bytes (Telegram's limit for callback data, checked
here once for every platform). A payload that is not one of ours, has the wrong number of
fields or a field of the wrong type parses to None: the engine treats it as a stale or forged
button and changes nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Self, dataclass_transform

VERSION = "1"
MAX_BYTES = 64
SEPARATOR = ":"

_KINDS: dict[str, type[Payload]] = {}


class PayloadError(ValueError):
    """A payload that cannot be made: too long, or a field holding the separator."""


@dataclass_transform(frozen_default=True)
class Payload:
    """Base of every button payload; subclasses are frozen dataclasses with str/int fields."""

    prefix: ClassVar[str]
    _names: ClassVar[tuple[str, ...]]  # the fields, in order (looked up once, not per pack)

    def __init_subclass__(cls, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix in _KINDS:
            raise TypeError(f"payload prefix {prefix!r} is used by {_KINDS[prefix].__name__}")
        if not prefix or SEPARATOR in prefix:
            raise TypeError(f"bad payload prefix {prefix!r}")
        cls.prefix = prefix
        dataclasses.dataclass(frozen=True)(cls)
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.type not in ("str", "int", str, int):
                raise TypeError(f"{cls.__name__}.{f.name}: payload fields are str or int")
        cls._names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
        _KINDS[prefix] = cls

    def pack(self) -> str:
        # Every button of every screen is packed: one join, then cheap checks on its result.
        values = [str(getattr(self, name)) for name in self._names]
        packed = SEPARATOR.join([VERSION, self.prefix, *values])
        if packed.count(SEPARATOR) != len(self._names) + 1:
            raise PayloadError(f"{self!r}: a field holds {SEPARATOR!r}")
        if (len(packed) if packed.isascii() else len(packed.encode())) > MAX_BYTES:
            raise PayloadError(f"payload too long for a chat button ({MAX_BYTES} bytes): {packed}")
        return packed

    @classmethod
    def _from_parts(cls, parts: list[str]) -> Self | None:
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        if len(parts) != len(fields):
            return None
        values: list[object] = []
        for f, raw in zip(fields, parts, strict=True):
            if f.type in ("int", int):
                if not (raw.isascii() and raw.isdecimal()):
                    return None
                values.append(int(raw))
            else:
                values.append(raw)
        return cls(*values)


def parse(raw: str) -> Payload | None:
    """The payload a button carries; None when it is not one of ours."""
    if len(raw.encode()) > MAX_BYTES:
        return None
    version, _, rest = raw.partition(SEPARATOR)
    if version != VERSION:
        return None
    prefix, *parts = rest.split(SEPARATOR)
    kind = _KINDS.get(prefix)
    return kind._from_parts(parts) if kind else None


def kinds() -> dict[str, type[Payload]]:
    """Every payload class by prefix (for the router's checks and the docs test)."""
    return dict(_KINDS)
