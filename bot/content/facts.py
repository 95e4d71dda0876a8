"""Facts a lesson may show: phone numbers and web addresses only from the allow-list.

A wrong hotline or a look-alike address in a lesson about scams would do real harm, so every
number to call and every address in the lessons must be listed in `allowlist.yaml` (beside the
lesson folders), each with the source it was checked against.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel

from bot.content.lessons import Accepted, Curriculum, Problem, Text

ALLOWLIST = "allowlist.yaml"
_SOURCE = re.compile(r"^(S\d+)[a-z]?: \S")  # "S9d: ..." is item d of source S9

_DIGIT_RUN = re.compile(r"(?<![\d/])\+?\d(?:[ .\-]?\d)*(?![\d/])")
_CURRENCY_AFTER = re.compile(r"^\s*(?:đồng|đ\b|VND|triệu|tỷ)", re.IGNORECASE)
_DIAL_WORD = re.compile(
    r"(?:gọi|nhắn(?: tin)?|tổng đài|đường dây nóng|hotline|đầu số|call|text|dial|sms)"
    r"(?:\s+(?:miễn phí|free))?(?:\s+(?:tới|đến|to))?(?:\s+(?:số|number))?\s*:?\s*$",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]}>\"']+", re.IGNORECASE)
_TLDS = "vn|com|net|org|gov|edu|info|io|me|app|xyz|top|online|site|link|ly|co|biz|click|shop|store"
_DOMAIN = re.compile(
    rf"(?<![\w@-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})(?![\w-])", re.IGNORECASE
)


def phone_numbers(text: str) -> list[str]:
    """Phone-number-like digit strings: long numbers, 1800/1900 lines, short codes to dial."""
    found = []
    for m in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if _CURRENCY_AFTER.match(text[m.end() :]):
            continue  # an amount of money, not a number to call
        long_number = len(digits) >= 8
        premium = digits.startswith(("1800", "1900"))
        short_code = 3 <= len(digits) <= 6 and _DIAL_WORD.search(
            text[max(0, m.start() - 40) : m.start()]
        )
        if long_number or premium or short_code:
            found.append(("+" if m.group().startswith("+") else "") + digits)
    return found


def web_addresses(text: str) -> list[str]:
    found = [m.group().rstrip(".,;:!?") for m in _URL.finditer(text)]
    rest = _URL.sub(" ", text)
    found += [m.group() for m in _DOMAIN.finditer(rest)]
    return found


def host(address: str) -> str:
    address = re.sub(r"^(?:https?://)?", "", address.lower())
    return address.split("/")[0].removeprefix("www.")


@dataclass(frozen=True)
class Allowlist:
    phones: frozenset[str]
    web: frozenset[str]
    sources: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> Allowlist:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(
            frozenset(str(p["number"]) for p in data.get("phones", [])),
            frozenset(str(w["address"]).lower() for w in data.get("web", [])),
            dict(data.get("sources", {})),
        )

    def unlisted(self, text: str) -> list[str]:
        """Phone numbers and web addresses in `text` that are not listed."""
        bad = [f"phone {p}" for p in phone_numbers(text) if p not in self.phones]
        bad += [f"address {a}" for a in web_addresses(text) if host(a) not in self.web]
        return bad


def texts_of(obj: object, where: str) -> Iterator[tuple[str, Text | Accepted]]:
    """Every learner-facing text inside a model, with its field path."""
    if isinstance(obj, Text | Accepted):
        yield where, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from texts_of(getattr(obj, name), f"{where}.{name}" if where else name)
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            yield from texts_of(item, f"{where}[{i}]")


def by_language(item: Text | Accepted) -> list[tuple[str, str]]:
    """(language, text) pairs: a typed answer's accepted answers count one by one."""
    pairs = []
    for lang in ("vi", "en"):
        value = getattr(item, lang)
        pairs += [(lang, v) for v in (value if isinstance(value, list) else [value]) if v]
    return pairs


def strings(item: Text | Accepted) -> list[str]:
    return [text for _, text in by_language(item)]


def check_facts(course: Curriculum, allow: Allowlist) -> list[Problem]:
    """One problem per unlisted phone number or address, and per unknown source tag."""
    problems = []
    fix = f"use one listed in {ALLOWLIST}, or add it there with the source that confirms it"
    for module in course.modules:
        for lesson in module.lessons:
            file = str(module.files.get(lesson.id, module.folder))
            for where, item in texts_of(lesson, ""):
                for lang, text in by_language(item):
                    for bad in allow.unlisted(text):
                        what = f"{bad} is not allowed"
                        problems.append(Problem(file, f"{where}.{lang}", what, fix))
            for i, source in enumerate(lesson.sources):
                tag = _SOURCE.match(source)
                if tag is None or tag.group(1) not in allow.sources:
                    what = f"source {source[:40]!r} is not one of {ALLOWLIST}'s sources"
                    how = "write it as 'S20: short title', with a tag listed there"
                    problems.append(Problem(file, f"sources[{i}]", what, how))
    return problems
