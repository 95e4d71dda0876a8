"""A table as an Excel workbook, beside each CSV: Excel set to Vietnamese opens a comma CSV
badly (its list separator is ";" there), a workbook always right. Written by openpyxl in
write-only mode (streamed rows: the ten thousand classes of a city fit in little memory)."""

from __future__ import annotations

import io
from datetime import date, datetime, time

from aiohttp import web
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from web.tables import Badge, Grid, Rank, Share

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(grid: Grid, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "hocso")  # Excel's limit for a sheet's name
    bold = Font(bold=True)
    header = []
    for c in grid.columns:
        cell = WriteOnlyCell(sheet, value=c.label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in grid.rows:
        sheet.append([_value(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(sheet, value: object) -> object:  # noqa: ANN001 - an openpyxl write-only sheet
    if isinstance(value, Share):
        cell = WriteOnlyCell(sheet, value=value.part / value.whole if value.whole else None)
        cell.number_format = "0.0%"
        return cell
    if isinstance(value, Rank):
        return value.place or None
    if isinstance(value, Badge):
        return value.label
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))  # local time, as shown
        cell.number_format = "dd/mm/yyyy hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=datetime.combine(value, time()))
        cell.number_format = "dd/mm/yyyy"
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # a typed name stays text, never a formula
        return cell
    return value


def xlsx_response(grid: Grid, title: str) -> web.Response:
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    return web.Response(
        body=workbook(grid, title),
        content_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{stamp}-{grid.name}.xlsx"'},
    )
