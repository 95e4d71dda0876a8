"""The reporting commands of `hocso`: db upgrade, report, certificate.

Usage:
    hocso db upgrade                         create or migrate the reporting database
    hocso report [--from D] [--to D] [--platform P] [--format table|csv|json] [-o FILE]
    hocso certificate verify CODE            is this certificate genuine? whose is it?
    hocso certificate export --csv [-o FILE] certified learners, for officials to confirm
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.certificate.routes import normalize_code, show_code
from handlers.platforms import options, platform_names
from hocso.app import safe_url
from hocso.settings import Deployment
from storage.sql.db import Database, with_database
from storage.sql.reports import (
    Labels,
    Report,
    Table,
    build_report,
    certificates,
    export_certificates,
)

REPORT_HELP = """\
Counts for officials, over a date range (local dates, both days included):
  totals           learners started, lessons completed (first passes), certificates
  by ward, by age band, by class, by platform (Telegram, Zalo), by module
  funnel           of the learners who started in the range: how many passed the first
                   lesson, finished the first module, were certified
  target           certificates so far against campaign.target in config.yaml
  wrong questions  the ten questions most often answered wrongly
  VNeID by ward, by class   SELF-REPORTED: learners who say they are confirmed on VNeID,
                   not yet, or asked for help (answered in the range); who asked for
                   help: hocso vneid help-list
Formats: a readable table (default), CSV (one line per number: section,row,column,value;
good for a pivot table) or JSON.
--platform telegram|zalo counts only that platform's learners (learners who asked to be
forgotten are then left out: their platform is no longer kept).
Example: hocso report --from 2026-01-01 --to 2026-03-31 --format csv -o q1.csv"""

# --platform's choices: each platform's name, lower case (handlers/platforms.py)
PLATFORM_IDS = options()


def add_commands(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help="the reporting database")
    db.add_subparsers(dest="action", required=True).add_parser(
        "upgrade", help="create or migrate its tables (PostgreSQL: run after every update)"
    )
    report = commands.add_parser(
        "report",
        help="progress counts for officials",
        description=REPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("--from", dest="start", type=date.fromisoformat, help="YYYY-MM-DD")
    report.add_argument("--to", dest="end", type=date.fromisoformat, help="YYYY-MM-DD (today)")
    report.add_argument(
        "--platform", choices=tuple(PLATFORM_IDS), help="only the learners of one platform"
    )
    report.add_argument("--format", choices=("table", "csv", "json"), default="table")
    report.add_argument("-o", "--output", type=Path, help="write to a file, not the screen")
    cert = commands.add_parser("certificate", help="check or export certificates")
    cert_commands = cert.add_subparsers(dest="action", required=True)
    verify = cert_commands.add_parser("verify", help="check a verification code")
    verify.add_argument("code")
    export = cert_commands.add_parser("export", help="certified learners as CSV")
    export.add_argument("--csv", action="store_true", help="CSV (the only format, for now)")
    export.add_argument("-o", "--output", type=Path, help="write to a file, not the screen")


def run_command(args: argparse.Namespace, config: Deployment) -> int:
    """Run one of the commands above; returns the exit status."""
    return with_database(
        config.database, config.data_dir, lambda database: _run(database, args, config)
    )


async def _run(database: Database, args: argparse.Namespace, config: Deployment) -> int:
    if args.command == "db":
        await database.upgrade()
        print(f"the reporting database is up to date ({safe_url(database.url)})")
        return 0
    if args.command == "report":
        return await report(database, config, args)
    if args.command == "certificate" and args.action == "verify":
        return await verify(database, config, args.code)
    if args.command == "certificate":
        with _output(args.output) as out:
            await export(database, config, out)
        return 0
    return 2


async def report(database: Database, config: Deployment, args: argparse.Namespace) -> int:
    zone = ZoneInfo(config.timezone)
    today = datetime.now(zone).date()
    first, last = args.start or date(2020, 1, 1), args.end or today
    start = datetime.combine(first, time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
    await database.ensure_schema()
    platform = PLATFORM_IDS[args.platform] if args.platform else None
    result = await build_report(
        database, start, end, config.campaign.target, labels(config), platform=platform
    )
    with _output(args.output) as out:
        heading = f"{config.campaign.name}: {first} to {last} ({config.timezone})"
        if args.platform:
            heading += f", {args.platform} only"
        {"table": write_table, "csv": write_csv, "json": write_json}[args.format](
            result, heading, out
        )
    return 0


def labels(config: Deployment) -> Labels:
    from bot.content.lessons import LessonError, load_curriculum

    first_lesson = first_module = ""
    try:
        curriculum = load_curriculum(config.lessons_dir)
        if curriculum.modules:
            first_module = curriculum.modules[0].id
            first_lesson = curriculum.modules[0].lessons[0].id
    except LessonError:
        pass  # the funnel then counts any lesson and any module
    return Labels(
        areas={w.id: w.vi for w in config.areas.wards},
        age_bands={b.id: b.vi for b in config.age_bands},
        first_lesson=first_lesson,
        first_module=first_module,
        platforms=platform_names(),
    )


def write_table(report: Report, heading: str, out: TextIO) -> None:
    out.write(heading + "\n")
    for table in report.tables:
        out.write(f"\n{table.title}\n")
        write_rows(table, out)


def write_rows(table: Table, out: TextIO) -> None:
    """One table as aligned text: a header, a rule, numbers to the right."""
    cells = [table.columns] + [[_cell(v) for v in row] for row in table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]
    for n, row in enumerate(cells):
        line = "  ".join(
            c.ljust(w) if i == 0 or not _numeric(c) else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        out.write(line.rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    if not table.rows:
        out.write("(none)\n")


def write_csv(report: Report, heading: str, out: TextIO) -> None:
    """Long format: one number per line, so a spreadsheet can pivot it any way."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "row", "column", "value"])
    for table in report.tables:
        for row in table.rows:
            for column, value in zip(table.columns[1:], row[1:], strict=True):
                writer.writerow([table.name, row[0], column, value])


def write_json(report: Report, heading: str, out: TextIO) -> None:
    data = {
        "title": heading,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "sections": {
            t.name: {
                "title": t.title,
                "rows": [dict(zip(t.columns, row, strict=True)) for row in t.rows],
            }
            for t in report.tables
        },
    }
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


async def verify(database: Database, config: Deployment, typed: str) -> int:
    code = normalize_code(typed)
    await database.ensure_schema()
    found = await certificates(database, code) if code else []
    if not found:
        print(f"NOT FOUND: no certificate has the code {typed!r}.")
        return 1
    cert = found[0]
    day = cert.issued_at.astimezone(ZoneInfo(config.timezone)).date()
    area = {w.id: w.vi for w in config.areas.wards}.get(cert.area, cert.area)
    print(f"VALID: certificate {show_code(cert.code)}")
    print(f"  name:   {cert.name or '(none printed)'}")
    print(f"  issued: {day.isoformat()}")
    if area:
        print(f"  ward:   {area}")
    return 0


async def export(database: Database, config: Deployment, out: TextIO) -> None:
    """Every certificate as CSV (storage/sql/reports.py `export_certificates`)."""
    wards = {w.id: w.vi for w in config.areas.wards}
    await export_certificates(database, out, ZoneInfo(config.timezone), wards, show_code)


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    buffer = io.StringIO()
    yield buffer
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _cell(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("%", "").isdigit()


# For the other commands that write a file of their own (hocso/vneid_cli.py).
output = _output
