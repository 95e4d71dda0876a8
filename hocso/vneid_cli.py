"""`hocso vneid`: learners' own answers about their VNeID confirmation (bot/confirm.py).

Usage:
    hocso vneid help-list [--class CODE] [--ward WARD_ID] [-o FILE]
        the learners who asked for someone to help them get confirmed, as CSV, for a
        facilitator to visit: class, class name, ward, the day they asked, and their name
        only if they agreed to share it. No chat ids. SELF-REPORTED answers.

The counts per ward and per class are in `hocso report` (tables vneid_by_area,
vneid_by_class) and `hocso class list`.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Awaitable
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from hocso import report_cli
from hocso.settings import Deployment
from storage.sql.confirmations import SELF_REPORTED, HelpRequest, help_requests
from storage.sql.db import Database, with_database
from storage.sql.reports import no_formula

HEADER = ["class", "class_name", "ward", "asked_on", "name", "answer"]


def add_commands(commands: argparse._SubParsersAction) -> None:
    vneid = commands.add_parser(
        "vneid",
        help="learners' own answers about VNeID confirmation: who asked for help",
        description=__doc__.split("Usage:", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = vneid.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("help-list", help="who asked for help, as CSV")
    listing.add_argument("--class", dest="class_code", metavar="CODE", help="only this class")
    listing.add_argument("--ward", metavar="WARD_ID", help="only this ward (an areas.wards id)")
    listing.add_argument("-o", "--output", type=Path, help="write to a file, not the screen")


def run_command(args: argparse.Namespace, config: Deployment) -> int:
    def work(db: Database) -> Awaitable[int]:
        return _help_list(db, config, args)

    return with_database(config.database, config.data_dir, work)


async def _help_list(db: Database, config: Deployment, args: argparse.Namespace) -> int:
    await db.ensure_schema()
    classes = (args.class_code.strip().upper(),) if args.class_code else None
    found = await help_requests(db, classes, args.ward)
    with report_cli.output(args.output) as out:
        write_help_list(found, config, out)
    return 0


def write_help_list(found: list[HelpRequest], config: Deployment, out: TextIO) -> None:
    """The CSV a facilitator gets: ward names from config, days in the campaign's time zone,
    every learner-typed text kept from running as a spreadsheet formula."""
    zone = ZoneInfo(config.timezone)
    wards = {w.id: w.vi for w in config.areas.wards}
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for r in found:
        day = r.asked_at.astimezone(zone).date().isoformat()
        ward = wards.get(r.area, r.area)
        cells = [r.class_code, r.class_name, ward, day, r.name, f"help ({SELF_REPORTED})"]
        writer.writerow([no_formula(c) for c in cells])
