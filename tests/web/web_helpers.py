"""A small campaign of known numbers, and helpers to read the pages.

Seven learners (see SEED): wards ninh-kieu and cai-khe, classes LOP1 (in ninh-kieu) and
LOP2 (in cai-khe). Counted by hand:

    learner  ward       class  lessons passed  module m1  certificate   last active
    A        ninh-kieu  LOP1   l1 l2 l3        yes        AAAAA22222    day 2
    B        ninh-kieu  LOP1   l1              no         -             day 1 (failed l1 once)
    C        cai-khe    LOP2   l1              no         -             NOW - 2 days
    D        cai-khe    LOP2   l1 l2           yes        -             day 1
    E        cai-khe    -      -               no         -             day 0
    F        ninh-kieu  LOP1   l1 l2 l3        yes        FFFFF33333    NOW - 1 day
    G        (forgot)   -      l1              no         -             day 0

Question q1 of l1 (first answers): A right, B wrong (option 0), C wrong (0), D right,
F right, G wrong (0): 6 answers, 3 wrong; q2: 5 answers, 1 wrong.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from html.parser import HTMLParser

from aiohttp.test_utils import TestClient

from storage.sql.ingest import parse

T0 = 1_767_225_600  # 2026-01-01 00:00 UTC
DAY = 86_400
NOW = datetime(2026, 1, 20, 12, tzinfo=UTC)
NOW_TS = int(NOW.timestamp())
PASSWORD = "a-long-enough-password"
SECRET = "test-secret-of-sufficient-length"


def ev(kind: str, user: str, at: int, **data: object):
    raw = {"id": uuid.uuid4().hex, "type": kind, "user": user, "at": str(at)}
    return parse(json.dumps(raw | {k: str(v) for k, v in data.items()}))


def profile(user: str, at: int, area: str, class_code: str = ""):
    return ev(
        "learner", user, at, consent_at=at, lang="vi", area=area, age="25-39",
        class_code=class_code,
    )  # fmt: skip


def done(user: str, at: int, lesson: str, passed: int = 1):
    module = "m2" if lesson == "l3" else "m1"
    return ev(
        "completion", user, at, lesson=lesson, version=1, module=module, score=passed,
        total=1, passed=passed, started_at=at - 120, finished_at=at, group=0,
    )  # fmt: skip


def answer(user: str, at: int, question: str, correct: int, choice: int | None = None):
    extra = {} if choice is None else {"choice": choice}
    return ev(
        "answer", user, at, lesson="l1", version=1, question=question, correct=correct,
        review=0, **extra,
    )  # fmt: skip


def cert(user: str, at: int, code: str, name: str):
    return ev("certificate", user, at, code=code, name=name, date="2026-01-02")


SEED = [
    profile("tg:A", T0, "ninh-kieu", "LOP1"),
    answer("tg:A", T0 + 100, "q1", 1, 1),
    answer("tg:A", T0 + 110, "q2", 1, 1),
    done("tg:A", T0 + 200, "l1"),
    done("tg:A", T0 + DAY, "l2"),
    ev("module", "tg:A", T0 + DAY, module="m1"),
    done("tg:A", T0 + 2 * DAY, "l3"),
    ev("module", "tg:A", T0 + 2 * DAY, module="m2"),
    cert("tg:A", T0 + 2 * DAY + 60, "AAAAA22222", "Nguyễn Thị <b>Anh</b>"),
    profile("tg:B", T0 + 300, "ninh-kieu", "LOP1"),
    answer("tg:B", T0 + 400, "q1", 0, 0),
    answer("tg:B", T0 + 410, "q2", 0, 0),
    done("tg:B", T0 + 500, "l1", passed=0),
    done("tg:B", T0 + DAY, "l1"),
    profile("tg:C", T0 + 600, "cai-khe", "LOP2"),
    answer("tg:C", NOW_TS - 2 * DAY, "q1", 0, 0),
    answer("tg:C", NOW_TS - 2 * DAY + 10, "q2", 1, 1),
    done("tg:C", NOW_TS - 2 * DAY + 60, "l1"),
    profile("tg:D", T0 + 700, "cai-khe", "LOP2"),
    answer("tg:D", T0 + 800, "q1", 1, 1),
    answer("tg:D", T0 + 810, "q2", 1, 1),
    done("tg:D", T0 + 900, "l1"),
    done("tg:D", T0 + DAY, "l2"),
    ev("module", "tg:D", T0 + DAY, module="m1"),
    profile("tg:E", T0 + 800, "cai-khe"),
    profile("tg:F", T0 + DAY, "ninh-kieu", "LOP1"),
    answer("tg:F", T0 + DAY + 100, "q1", 1, 1),
    answer("tg:F", T0 + DAY + 110, "q2", 1, 1),
    done("tg:F", T0 + DAY + 200, "l1"),
    done("tg:F", T0 + 2 * DAY, "l2"),
    ev("module", "tg:F", T0 + 2 * DAY, module="m1"),
    done("tg:F", NOW_TS - DAY, "l3"),
    ev("module", "tg:F", NOW_TS - DAY, module="m2"),
    cert("tg:F", NOW_TS - DAY + 60, "FFFFF33333", ""),
    profile("tg:G", T0 + 900, "o-mon"),
    answer("tg:G", T0 + 1000, "q1", 0, 0),
    done("tg:G", T0 + 1100, "l1"),
    ev("forget", "tg:G", T0 + 2000),
]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


async def log_in(client: TestClient, username: str, password: str = PASSWORD):
    page = await client.get("/login")
    token = csrf_of(await page.text())
    return await client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token, "next": "/overview"},
        allow_redirects=False,
    )


class _Tables(HTMLParser):
    """The text of each table's cells, row by row, by the table's id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: list[list[str]] | None = None
        self.cell: list[str] | None = None
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.current = self.tables.setdefault(dict(attrs).get("id") or "", [])
        elif tag == "tr" and self.current is not None:
            self.current.append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.current is not None:
            self.current[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table(html: str, table_id: str) -> list[list[str]]:
    """The rows of one table (the header row first), as the page shows them."""
    parser = _Tables()
    parser.feed(html)
    assert table_id in parser.tables, f"no table {table_id!r} on the page"
    return parser.tables[table_id]


def big_number(html: str, element_id: str) -> int:
    found = re.search(rf'id="{element_id}">([0-9.,]+)<', html)
    assert found, f"no number #{element_id} on the page"
    return int(found.group(1).replace(".", "").replace(",", ""))
