"""The web commands of `hocso`.

Usage:
    hocso web                          serve the page for officials and facilitators
                                       (web.listen:web.port, default 127.0.0.1:8090)
    hocso web user add NAME --role official|facilitator [--class CODE ...]
                                       create an account, or give it a new password, role and
                                       classes; the password is asked at the terminal, or read
                                       from HOCSO_WEB_PASSWORD (for scripts)
    hocso web user remove NAME | user list
    hocso web refresh                  recount the page's numbers now
    hocso demo-data [--learners N] [--weeks W]
                                       fill an EMPTY reporting database with a made-up campaign
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from pathlib import Path

from bot.content.lessons import LessonError, load_curriculum
from storage.sql.db import Database, with_database
from web import auth, demo
from web.app import serve
from web.rollup import refresh
from web.settings import WebConfig
from web.site import course_of

COMMANDS = ("web", "demo-data")


def add_commands(commands: argparse._SubParsersAction) -> None:
    page = commands.add_parser(
        "web",
        help="the web page for officials and facilitators; its accounts",
        description=__doc__.split("Usage:", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = page.add_subparsers(dest="action")  # none: serve the page
    user = actions.add_parser("user", help="accounts: add, remove, list")
    user_actions = user.add_subparsers(dest="user_action", required=True)
    add = user_actions.add_parser("add", help="create an account, or change one")
    add.add_argument("name", help="the username: letters, digits, . _ - @")
    add.add_argument("--role", choices=("official", "facilitator"), required=True)
    add.add_argument(
        "--class",
        dest="classes",
        action="append",
        default=[],
        metavar="CODE",
        help="a class the facilitator may see (repeat for several)",
    )
    remove = user_actions.add_parser("remove", help="delete an account")
    remove.add_argument("name")
    user_actions.add_parser("list", help="accounts, their roles and classes")
    actions.add_parser("refresh", help="recount the numbers the page shows, now")
    fill = commands.add_parser(
        "demo-data", help="fill an empty reporting database with a made-up campaign"
    )
    fill.add_argument("--learners", type=int, default=5000, help="how many (default 5000)")
    fill.add_argument("--weeks", type=int, default=8, help="over how many weeks (default 8)")
    fill.add_argument("--seed", type=int, default=1, help="another seed, another campaign")


def run_command(args: argparse.Namespace, config: WebConfig) -> int:
    """Run one of the commands above; returns the exit status."""
    if args.command == "demo-data":
        return with_database(
            config.database, config.data_dir, lambda db: fill_demo(db, config, args)
        )
    if args.action is None:
        return serve(config)
    if args.action == "refresh":
        return with_database(config.database, config.data_dir, lambda db: recount(db, config))
    if args.user_action == "add":
        try:
            password = _password()
        except auth.BadAccount as exc:
            print(f"hocso: {exc}", file=sys.stderr)
            return 2
        return with_database(
            config.database, config.data_dir, lambda db: add_user(db, args, password)
        )
    if args.user_action == "remove":
        return with_database(
            config.database, config.data_dir, lambda db: remove_user(db, args.name)
        )
    return with_database(config.database, config.data_dir, list_users)


def _password() -> str:
    given = os.environ.get("HOCSO_WEB_PASSWORD")
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise auth.BadAccount(
            "no terminal to ask the password at: set HOCSO_WEB_PASSWORD for scripts"
        )
    first = getpass.getpass("Password (10 or more characters): ")
    if getpass.getpass("The same password again: ") != first:
        raise auth.BadAccount("the two passwords differ; nothing was changed")
    return first


async def add_user(db: Database, args: argparse.Namespace, password: str) -> int:
    try:
        created = await auth.save_user(db, args.name, password, args.role, args.classes)
    except auth.BadAccount as exc:
        print(f"hocso: {exc}", file=sys.stderr)
        return 2
    what = "added" if created else "changed (its sessions have ended)"
    classes = f", classes {', '.join(sorted({c.upper() for c in args.classes}))}"
    print(f"Account {args.name.strip()} {what}: {args.role}{classes if args.classes else ''}")
    return 0


async def remove_user(db: Database, name: str) -> int:
    if await auth.remove_user(db, name):
        print(f"Account {name} removed.")
        return 0
    print(f"hocso: there is no account {name!r}", file=sys.stderr)
    return 1


async def list_users(db: Database) -> int:
    users = await auth.list_users(db)
    for user in users:
        classes = ", ".join(user.classes) if user.classes else "(all)"
        print(f"{user.username}\t{user.role}\t{classes}")
    if not users:
        print("No accounts yet. Add one with: hocso web user add NAME --role official")
    return 0


async def recount(db: Database, config: WebConfig) -> int:
    seconds = await refresh(db, config.timezone, course_of(_curriculum(config.lessons_dir)))
    print(f"The numbers are recounted ({seconds:.1f} s).")
    return 0


async def fill_demo(db: Database, config: WebConfig, args: argparse.Namespace) -> int:
    curriculum = _curriculum(config.lessons_dir)
    if curriculum is None:
        print(f"hocso: the lessons in {config.lessons_dir} have problems", file=sys.stderr)
        return 2
    plan = demo.Plan(learners=args.learners, weeks=args.weeks, seed=args.seed)
    began = time.monotonic()
    try:
        counts = await demo.fill(db, curriculum, config, plan)
    except demo.NotEmpty:
        print(
            "hocso: the reporting database already has learners; demo data goes only into an "
            "empty one (e.g. DATABASE_URL=sqlite:///demo.db hocso demo-data)",
            file=sys.stderr,
        )
        return 1
    await refresh(db, config.timezone, course_of(curriculum))
    rows = ", ".join(f"{n:,} {table}" for table, n in counts.items())
    print(f"Demo campaign written in {time.monotonic() - began:.0f} s: {rows}.")
    print("Its learners are on platform 'demo'. See them with: hocso web")
    return 0


def _curriculum(path: Path):  # noqa: ANN202
    try:
        return load_curriculum(path)
    except LessonError:
        return None
