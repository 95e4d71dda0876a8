"""The `hocso` command.

Usage:
    hocso chat [--script FILE]  talk to the tutor in this terminal (or replay a learner's lines)
    hocso run [--only SERVICE]  serve Telegram and Zalo learners, store reports, send reminders
                                (bot, reporter, reminders, all)
    hocso reminders status      reminders per shard: scheduled, due, in flight, sent, opted out
    hocso lessons check [PATH]  check lesson files; one line per problem
    hocso db upgrade | report | certificate verify CODE | certificate export
                                reporting, see hocso/report_cli.py and `hocso report --help`
    hocso class add CODE --name NAME | class list
                                facilitators' classes, their links and QR codes: hocso/class_cli.py
    hocso vneid help-list [--class CODE] [--ward ID]
                                who asked for help to get confirmed on VNeID (self-reported), CSV
    hocso zalo-oa connect       an OA admin's consent; the OA's tokens stored (docs/zalo-oa.md)
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from pathlib import Path
from types import ModuleType

from bot.content.facts import ALLOWLIST, Allowlist, check_facts
from bot.content.lessons import LessonError, load_curriculum
from hocso.errors import ServiceError
from hocso.settings import ConfigError, Deployment, load_config

# The commands defined in modules of their own, loaded only when named (each pulls in its
# libraries: SQL, pictures, the web page's), so `hocso chat` or `hocso run` starts without
# them. `hocso --help` (no command) loads them all, to list them.
COMMAND_MODULES = {
    "db": "hocso.report_cli",
    "report": "hocso.report_cli",
    "certificate": "hocso.report_cli",
    "class": "hocso.class_cli",
    "vneid": "hocso.vneid_cli",
    "web": "web.cli",
    "demo-data": "web.cli",
    "zalo-oa": "handlers.zalo_oa.cli",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hocso", description="Chat tutor for digital skills.")
    commands = parser.add_subparsers(dest="command", required=True)
    chat = commands.add_parser("chat", help="talk to the tutor in this terminal")
    chat.add_argument("--user", default="local", help="learner name for this terminal")
    chat.add_argument("--script", type=Path, help="replay a learner's lines from FILE")
    run = commands.add_parser(
        "run", help="serve Telegram and Zalo learners, store reports, until SIGINT/SIGTERM"
    )
    run.add_argument("--only", choices=("all", "bot", "reporter", "reminders"), default="all")
    reminders = commands.add_parser("reminders", help="reminders pushed to learners")
    reminders.add_subparsers(dest="action", required=True).add_parser(
        "status", help="per shard: scheduled, due, in flight, sent today, opted out"
    )
    lessons = commands.add_parser("lessons", help="lesson files")
    lesson_commands = lessons.add_subparsers(dest="action", required=True)
    check = lesson_commands.add_parser("check", help="validate lesson files")
    check.add_argument("path", nargs="?", type=Path, help="lessons folder (default: config)")
    modules = command_modules(sys.argv[1:] if argv is None else argv)
    for module in modules.values():
        module.add_commands(commands)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        config = load_config()
        if args.command == "lessons":
            return check_lessons(args.path or config.lessons_dir)
        if args.command == "chat":
            if args.script and not args.script.is_file():
                print(f"hocso: no script file {args.script}", file=sys.stderr)
                return 2
            asyncio.run(chat_in_terminal(config, args.user, args.script))
        elif args.command == "run":
            from hocso.run import run_command

            return run_command(config, args.only)
        elif args.command in COMMAND_MODULES:
            status: int = modules[COMMAND_MODULES[args.command]].run_command(args, config)
            return status
        elif args.command == "reminders":
            asyncio.run(reminders_status(config))
    except ConfigError as exc:
        for line in str(exc).splitlines():
            print(f"hocso: bad configuration: {line}", file=sys.stderr)
        return 2
    except ServiceError as exc:
        print(f"hocso: {exc}", file=sys.stderr)
        return 2
    except LessonError as exc:
        print(f"hocso: the lessons have problems\n{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def command_modules(argv: list[str]) -> dict[str, ModuleType]:
    """The modules of the command named in `argv` (all of them when it names none of theirs,
    so `hocso --help` lists every command), by name, each once."""
    named = next((a for a in argv if not a.startswith("-")), "")
    wanted = [COMMAND_MODULES[named]] if named in COMMAND_MODULES else COMMAND_MODULES.values()
    if named in ("chat", "run", "reminders", "lessons"):
        wanted = []
    return {name: importlib.import_module(name) for name in dict.fromkeys(wanted)}


def check_lessons(path: Path) -> int:
    try:
        curriculum = load_curriculum(path)
    except LessonError as exc:
        for problem in exc.problems:
            print(problem, flush=True)
        print(f"{len(exc.problems)} problem(s) found.", file=sys.stderr)
        return 1
    allowlist = path / ALLOWLIST
    if not allowlist.exists():  # checking one module's folder: the list is beside it
        allowlist = path.parent / ALLOWLIST
    if allowlist.exists():
        problems = check_facts(curriculum, Allowlist.load(allowlist))
        for problem in problems:
            print(problem, flush=True)
        if problems:
            print(f"{len(problems)} problem(s) found.", file=sys.stderr)
            return 1
    count = len(curriculum.lessons)
    checked = f", numbers and addresses checked against {ALLOWLIST}" if allowlist.exists() else ""
    print(f"OK: {len(curriculum.modules)} module(s), {count} lesson(s) in {path}{checked}")
    return 0


async def chat_in_terminal(config: Deployment, user: str, script: Path | None = None) -> None:
    from handlers.console import run_console, run_script
    from hocso.app import open_app
    from storage.sql.reporter import background_reporter

    # Reports from this terminal reach the database too (SQLite in data_dir by default).
    async with (
        open_app(config) as app,
        background_reporter(app.redis, app.keys, app.database),
    ):
        if script:
            return await run_script(app.engine.handle, f"console:{user}", script)
        await run_console(app.engine.handle, f"console:{user}")


async def reminders_status(config: Deployment) -> None:
    import time

    from handlers import platforms
    from hocso.app import open_app
    from hocso.reminders import print_status
    from storage.redis.schedule import Schedule

    async with open_app(config) as app:
        schedule = Schedule(app.redis, app.keys)
        now = time.time()
        for line in await print_status(schedule, now, config.timezone):
            print(line)
        for platform in platforms.enabled(config):  # each platform's own part (the OA's cost)
            if platform.status:
                print()
                for line in await platform.status(config, app.redis, app.keys, now):
                    print(line)


if __name__ == "__main__":
    sys.exit(main())
