"""The tables the pages show, built once from the queries' numbers: the page renders a table
as HTML and its CSV link downloads the very same rows, so the two always agree."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from aiohttp import web
from markupsafe import Markup

from web.texts import number, percent, when


@dataclass(frozen=True)
class Share:
    """part of whole, shown as a percentage and sorted by its value."""

    part: int
    whole: int

    @property
    def value(self) -> float:
        return self.part / self.whole if self.whole else -1.0


@dataclass(frozen=True)
class Badge:
    """A word in colour (a ward's band: on track, behind, not started); sorted by `order`."""

    key: str  # its CSS class
    label: str
    order: int = 0

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Rank:
    """ "87/103": a place among many, sorted by the place."""

    place: int  # 0: not ranked
    of: int


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass
class Grid:
    name: str  # the CSV file's name
    columns: list[Column]
    rows: list[list[object]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # where each row's first cell leads
    # The last rows that stay last however the table is sorted ("Nơi khác", "(chưa cho biết)").
    pinned: int = 0

    def sort(self, key: str, descending: bool) -> Grid:
        """Sorted by a column (unknown keys leave the order as it is); pinned rows stay last."""
        index = next((i for i, c in enumerate(self.columns) if c.key == key), None)
        if index is None:
            return self
        links = self.links or [None] * len(self.rows)
        pairs = list(zip(self.rows, links, strict=True))
        cut = len(pairs) - self.pinned
        pairs = (
            sorted(pairs[:cut], key=lambda pair: _sort_key(pair[0][index]), reverse=descending)
            + pairs[cut:]
        )
        return Grid(
            self.name, self.columns, [r for r, _ in pairs], [x for _, x in pairs], self.pinned
        )

    def column(self, key: str) -> list[object]:
        index = next(i for i, c in enumerate(self.columns) if c.key == key)
        return [row[index] for row in self.rows]

    def numbers(self, key: str) -> list[int]:
        return [int(cast(int, value)) for value in self.column(key)]

    def texts(self, key: str) -> list[str]:
        return [str(value) for value in self.column(key)]

    def dates(self, key: str) -> list[date]:
        return [cast(date, value) for value in self.column(key)]

    def csv(self) -> str:
        """UTF-8 CSV with a byte-order mark, so a spreadsheet shows the diacritics."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.label for c in self.columns])
        for row in self.rows:
            writer.writerow([_csv_cell(v) for v in row])
        return out.getvalue()


def _sort_key(value: object) -> tuple:
    if isinstance(value, Share):
        return (0, value.value, "")
    if isinstance(value, Badge):
        return (0, value.order, "")
    if isinstance(value, Rank):  # the unranked after the last place
        return (0, value.place or value.of + 1, "")
    if isinstance(value, int | float):
        return (0, value, "")
    return (1, 0, str(value).casefold())


def cell(value: object, lang: str) -> str:
    """A value as the page shows it."""
    if isinstance(value, Share):
        return percent(value.part, value.whole, lang)
    if isinstance(value, Rank):
        return f"{value.place}/{value.of}" if value.place else "–"
    if isinstance(value, Badge):  # a coloured word; its colour is not all it says
        return Markup('<span class="band {}">{}</span>').format(value.key, value.label)
    if isinstance(value, datetime):
        return when(value, lang)
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int | float):
        return number(value, lang)
    if isinstance(value, date):
        return value.isoformat() if lang == "en" else value.strftime("%d/%m/%Y")
    return str(value)


def _csv_cell(value: object) -> object:
    if isinstance(value, Share):
        return f"{100 * value.part / value.whole:.1f}" if value.whole else ""
    if isinstance(value, Rank):
        return value.place or ""
    if isinstance(value, Badge):
        return value.label
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return no_formula(value)
    return value


def no_formula(text: str) -> str:
    """Names people typed must not run as formulas when the CSV opens in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(body: str, filename: str) -> web.Response:
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    return web.Response(
        body=body.encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stamp}-{filename}"'},
    )
