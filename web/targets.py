"""Each ward's own target, and how far each ward is toward it.

Targets come from config (`campaign.ward_targets`) and from a CSV an official uploads on the
wards page (kept in web_targets; it wins over config), keyed by the official ward codes.

A ward is *not started* while nobody in it has started; else *on track* when its share of
its target certified is at least the share expected by now (the time gone between the
campaign's first day and `campaign.deadline`; with no deadline, the province's own share), and
*behind* when less. Wards with a target are ranked by that share ("hạng 87/103").
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.sql.db import Database
from storage.sql.web_models import WebTarget
from web import queries as q

ON_TRACK, BEHIND, NOT_STARTED, NO_TARGET = "on_track", "behind", "not_started", "no_target"
BANDS = (ON_TRACK, BEHIND, NOT_STARTED, NO_TARGET)


async def ward_targets(s: AsyncSession, configured: dict[str, int]) -> dict[str, int]:
    """Every ward's target: config's, then the uploaded ones over them."""
    uploaded = dict((await s.execute(select(WebTarget.area, WebTarget.target))).all())
    return {**configured, **{str(k): int(v) for k, v in uploaded.items()}}


async def save_targets(db: Database, targets: dict[str, int], by: str) -> None:
    """Replace the uploaded targets with these (one transaction: all or nothing)."""
    now = datetime.now(UTC)
    rows = [
        {"area": k, "target": v, "updated_at": now, "updated_by": by} for k, v in targets.items()
    ]
    async with db.session() as s, s.begin():
        await s.execute(delete(WebTarget))
        if rows:
            await s.execute(insert(WebTarget), rows)


@dataclass
class WardProgress:
    key: str
    group: q.Group
    target: int  # 0: none set
    band: str = NO_TARGET
    rank: int = 0  # 1 = furthest along; 0: not ranked (no target)

    @property
    def share(self) -> float:
        return self.group.certified / self.target if self.target else -1.0


def expected_share(
    today: date, first_day: date | None, deadline: date | None, province_share: float
) -> float:
    """The share of its target a ward on track has certified by today."""
    if deadline and first_day and deadline > first_day:
        gone = (today - first_day).days / (deadline - first_day).days
        return min(max(gone, 0.0), 1.0)
    return province_share


def progress(
    groups: dict[str, q.Group], keys: list[str], targets: dict[str, int], expected: float
) -> list[WardProgress]:
    """Each ward's progress, band and rank (in the order of `keys`)."""
    found = [WardProgress(k, groups.get(k, q.Group(k)), targets.get(k, 0)) for k in keys]
    for w in found:
        if not w.group.started:
            w.band = NOT_STARTED
        elif w.target:
            w.band = ON_TRACK if w.share >= expected else BEHIND
    ranked = sorted((w for w in found if w.target), key=lambda w: (-w.share, -w.group.certified))
    for i, w in enumerate(ranked, 1):
        w.rank = i
    return found


# -- the uploaded CSV --------------------------------------------------------------------

CODE_HEADERS = ("ma", "code", "id")
TARGET_HEADERS = ("muc tieu", "chi tieu", "target", "dan so", "so dan", "adults", "population")
MAX_ERRORS = 10


class TargetsRefused(Exception):
    """The file cannot be used; `lines` say what to fix, each in both languages."""

    def __init__(self, lines: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(en for _, en in lines))
        self.lines = lines


def _plain(text: str) -> str:
    """Lower case without accents: "Mục tiêu" -> "muc tieu"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the mark Excel adds), else Excel's Vietnamese code page."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")


def _number(text: str) -> int | None:
    """12000, 12.000, 12,000 and 12 000 are all twelve thousand."""
    digits = text.strip().replace(".", "").replace(",", "").replace(" ", "").replace("\xa0", "")
    return int(digits) if digits.isdigit() else None


def parse_targets(data: bytes, wards: dict[str, str]) -> dict[str, int]:
    """The targets of a CSV: a column of official ward codes and one of targets (a header row
    names them: "Mã", "Mục tiêu", or English; without one, the first two columns). Commas,
    semicolons (Excel in Vietnamese) or tabs. TargetsRefused lists what to fix."""
    text = _decode(data)
    if not text.strip():
        raise TargetsRefused([("Tệp trống.", "The file is empty.")])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = [
        r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)
    ]
    header = [_plain(c) for c in rows[0]]
    code_col = next(
        (i for i, h in enumerate(header) if h in CODE_HEADERS or h.startswith("ma ")), None
    )
    target_col = next(
        (i for i, h in enumerate(header) if any(h.startswith(t) for t in TARGET_HEADERS)), None
    )
    first = 1
    if code_col is None or target_col is None:
        if _number(rows[0][-1] if rows[0] else "") is None:
            raise TargetsRefused(
                [
                    (
                        "Không thấy cột mã phường, xã và cột mục tiêu. "
                        "Dòng đầu nên là: Mã,Mục tiêu",
                        "No column of ward codes and of targets. The first line should be: "
                        "code,target",
                    )
                ]
            )
        code_col, target_col, first = 0, 1, 0
    found: dict[str, int] = {}
    errors: list[tuple[str, str]] = []
    for n, row in enumerate(rows[first:], first + 1):
        code = row[code_col].strip() if code_col < len(row) else ""
        value = _number(row[target_col]) if target_col < len(row) else None
        if code not in wards:
            errors.append(
                (
                    f"Dòng {n}: không có phường, xã mã “{code}” trong tỉnh này.",
                    f"Line {n}: no ward has the code “{code}” in this province.",
                )
            )
        elif value is None:
            shown = row[target_col] if target_col < len(row) else ""
            errors.append(
                (
                    f"Dòng {n} ({wards[code]}): “{shown}” không phải là số.",
                    f"Line {n} ({wards[code]}): “{shown}” is not a number.",
                )
            )
        elif code in found:
            errors.append(
                (
                    f"Dòng {n}: mã {code} ({wards[code]}) có hai lần.",
                    f"Line {n}: the code {code} ({wards[code]}) comes twice.",
                )
            )
        else:
            found[code] = value
    if errors:
        more = len(errors) - MAX_ERRORS
        told = errors[:MAX_ERRORS]
        if more > 0:
            told.append((f"… và {more} dòng khác.", f"… and {more} more lines."))
        raise TargetsRefused(told)
    if not found:
        raise TargetsRefused([("Tệp không có dòng nào.", "The file has no rows.")])
    return found
