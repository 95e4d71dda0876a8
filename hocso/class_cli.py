"""The class commands of `hocso`, for facilitators: register a class, get its link and QR code.

Usage:
    hocso class add CODE --name NAME [--facilitator NAME] [--area WARD_ID] [--bot USERNAME]
                    [--schedule "thứ Bảy 19:00"]
        save the class in the reporting database, print the link learners open
        (https://t.me/<bot>?start=CODE) and draw it as a QR code: data_dir/classes/CODE.png;
        with Zalo configured, say how Zalo learners join (Zalo bots have no such link); a
        Telegram @username in --facilitator lets that person lead group lessons (docs/groups.md);
        --zalo-group [GROUP_ID] creates (or links) the class's group on the Zalo OA and prints
        its join link and a one-time facilitator code (docs/zalo-oa.md)
    hocso class list
        every class with its learners so far: started and certified
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from bot.content.areas import closest, matching
from bot.groups import class_schedule
from bot.groups.class_card import draw_card
from bot.onboarding.routes import CLASS_CODE
from handlers.platforms import PLATFORMS, join_link
from hocso import report_cli
from hocso.settings import Deployment
from storage.sql.classes import save_class
from storage.sql.confirmations import class_answers
from storage.sql.db import Database, with_database
from storage.sql.models import Class
from storage.sql.reports import Table, class_summaries

NAME_MAX = Class.name.type.length  # the column's size


class BadInput(Exception):
    """What the facilitator typed cannot be used; the message says how to fix it."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    classes = commands.add_parser(
        "class",
        help="classes: register one and get its link and QR code; list them",
        description=__doc__.split("Usage:", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = classes.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add", help="register a class (or update it), print its link, draw its QR code"
    )
    add.add_argument("code", help="1 to 32 of A-Z a-z 0-9 _ - (no spaces or accents), e.g. LOP-1A")
    add.add_argument("--name", required=True, help="the class's name, printed under the QR code")
    add.add_argument(
        "--facilitator",
        metavar="NAME",
        help="who runs it (kept if not given); add their Telegram @username so they can lead "
        "group lessons without being a group admin, e.g. 'Chị Lan @chilan_cantho'",
    )
    add.add_argument(
        "--area", metavar="WARD_ID", help="its ward/commune: an id of areas.wards in config.yaml"
    )
    add.add_argument(
        "--schedule",
        metavar="DAY HH:MM",
        help="its weekly time, e.g. 'thứ Bảy 19:00' (accents optional; Thứ Hai ... Chủ nhật, "
        "or Monday ... Sunday); '' removes it. Kept if not given",
    )
    add.add_argument(
        "--bot", metavar="USERNAME", help="the bot's username (default: telegram.username)"
    )
    add.add_argument(
        "--zalo-group",
        nargs="?",
        const="new",
        metavar="GROUP_ID",
        help="its group chat on the Zalo OA: created (GMF, ZALO_OA_GMF_ASSET), or the OA's "
        "group GROUP_ID linked; prints the join link and a one-time facilitator code",
    )
    actions.add_parser("list", help="classes with their learners: started, certified")


def run_command(args: argparse.Namespace, config: Deployment) -> int:
    """Run `class add` or `class list`; returns the exit status."""
    if args.action == "list":
        return with_database(
            config.database, config.data_dir, lambda db: list_classes(db, config, sys.stdout)
        )
    try:
        code, name, facilitator, area, config = _checked(args, config)
        schedule = _schedule(args.schedule)
    except BadInput as exc:
        print(f"hocso: {exc}", file=sys.stderr)
        return 2
    status = with_database(
        config.database,
        config.data_dir,
        lambda db: add_class(db, config, code, name, facilitator, area, schedule),
    )
    if status or getattr(args, "zalo_group", None) is None:
        return status
    import asyncio

    tie = next(p.class_group for p in PLATFORMS if p.class_group)
    return asyncio.run(tie(config, code, name, args.zalo_group, sys.stdout))


def _schedule(typed: str | None) -> str | None:
    """--schedule as stored ("6 19:00"); "" to remove it, None to keep it."""
    if typed is None or not typed.strip():
        return typed if typed is None else ""
    try:
        return class_schedule.parse(typed)
    except ValueError:
        raise BadInput(
            f"bad --schedule {typed!r}: a weekday and a time, e.g. 'thứ Bảy 19:00', "
            "'thu bay 19h' or 'Saturday 19:00'"
        ) from None


def _checked(
    args: argparse.Namespace, config: Deployment
) -> tuple[str, str, str | None, str | None, Deployment]:
    """The code, name, facilitator and ward, tidied, and the settings with --bot's handle;
    BadInput if one is wrong."""
    code = args.code.strip().upper()  # as the engine stores it: "lop-1a" is LOP-1A
    if not CLASS_CODE.match(code):
        raise BadInput(
            f"bad class code {args.code!r}: use 1 to 32 of A-Z a-z 0-9 _ - "
            "(no spaces or accents), e.g. LOP-1A"
        )
    name = " ".join(args.name.split())
    if not name or len(name) > NAME_MAX:
        raise BadInput(f"--name: give the class a name of 1 to {NAME_MAX} characters")
    facilitator = " ".join(args.facilitator.split()) if args.facilitator is not None else None
    if facilitator and len(facilitator) > NAME_MAX:
        raise BadInput(f"--facilitator: at most {NAME_MAX} characters")
    area = args.area.strip() if args.area is not None else None
    if area:
        area = _ward_id(area, config)
    if args.bot is not None:  # the bot whose links to print, whatever the settings say
        rehandle = next(p.rehandle for p in PLATFORMS if p.rehandle)
        try:
            config = rehandle(config, args.bot)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
    return code, name, facilitator, area, config


def _ward_id(typed: str, config: Deployment) -> str:
    """--area by official code or by name (accents optional); else the closest few, not all
    of a province's hundred wards."""
    wards = config.areas.wards
    if any(w.id == typed for w in wards):
        return typed
    named = matching(typed, wards)
    if len(named) == 1:
        return named[0].id
    if not wards:
        raise BadInput(f"unknown ward {typed!r} for --area: none are configured")
    near = (named or closest(typed, wards))[:5]
    hint = ", ".join(f"{w.id} ({w.vi})" for w in near) if near else "see areas in config.yaml"
    raise BadInput(f"unknown ward {typed!r} for --area: did you mean {hint}?")


async def add_class(
    database: Database,
    config: Deployment,
    code: str,
    name: str,
    facilitator: str | None,
    area: str | None,
    schedule: str | None = None,
) -> int:
    """Save the class, then print its link and draw its QR code (or say what is missing)."""
    created = await save_class(database, code, name, facilitator, area, schedule)
    print(f"Class {code} {'added' if created else 'updated'}: {name}")
    if schedule:
        print(f"Weekly class time: {class_schedule.shown(schedule)} (members who chose no "
              "reminder time of their own are reminded then)")  # fmt: skip
    path = config.data_dir / "classes" / f"{code}.png"
    # The first platform whose links carry a class code makes the link and the QR code.
    link = join_link(config, code)
    if not link:
        # A QR code of "/start CODE" would open as plain text in a phone's camera, not the
        # bot, so without a link there is no picture at all.
        print(f"Learners join by sending the bot this message: /start {code}")
        hints = "; or ".join(p.link_hint for p in PLATFORMS if p.link_hint)
        print(
            f"No link and no QR code: they need the bot's username. {hints}, and run this again."
        )
        if path.exists():
            print(f"The QR code drawn before is left as it was: {path}")
        _join_hints(config, code)
        return 0
    print(f"Link for learners: {link}")
    try:
        draw_card(path, link, code, name)
    except OSError as exc:
        print(f"hocso: could not write the QR code to {path}: {exc}", file=sys.stderr)
        return 2
    print(f"QR code of the link (print it, or send it to the group chat): {path}")
    _join_hints(config, code)
    return 0


def _join_hints(config: Deployment, code: str) -> None:
    """How learners join on the platforms that have no link carrying the code."""
    for platform in PLATFORMS:
        if hint := platform.join_hint(config, code):
            print(hint)


async def list_classes(database: Database, config: Deployment, out: TextIO) -> int:
    """Every class, by code, with its ward and its learners started and certified so far."""
    await database.ensure_schema()
    wards = {w.id: w.vi for w in config.areas.wards}
    columns = ["code", "name", "facilitator", "ward", "schedule", "started", "certified"]
    columns += ["vneid confirmed (self-reported)", "asked for help"]
    answers = await class_answers(database)
    rows: list[list[object]] = [
        [
            c.code,
            c.name or "(no name)",
            c.facilitator,
            wards.get(c.area, c.area),
            class_schedule.shown(c.schedule),
            c.started,
            c.certified,
            answers[c.code].yes if c.code in answers else 0,
            answers[c.code].help if c.code in answers else 0,
        ]
        for c in await class_summaries(database)
    ]
    out.write(
        "Classes and their learners so far (started, certified; VNeID confirmation as the "
        "learners say, SELF-REPORTED)\n"
    )
    report_cli.write_rows(Table("classes", "Classes", columns, rows), out)
    if not rows:
        out.write("Add one with: hocso class add CODE --name NAME\n")
    for platform in PLATFORMS:  # the class's group chats (the Zalo OA's)
        if platform.class_lines:
            for line in await platform.class_lines(config, [str(r[0]) for r in rows]):
                out.write(line + "\n")
    return 0
