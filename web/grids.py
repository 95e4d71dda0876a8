"""The tables of the pages, built from the queries' numbers: a page renders one as HTML and
its CSV link downloads the very same rows (web/tables.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.lessons import SingleChoice, TrueFalse
from web import queries as q
from web.tables import Column, Grid, Share
from web.views import View, lesson_title, module_title, ward_name

PAGE_ROWS = 100  # classes per page: a city has thousands


async def days_grid(v: View, s: AsyncSession) -> Grid:
    grid = Grid(
        "days",
        [
            Column("day", v.t("day")),
            Column("started_day", v.t("started_day"), True),
            Column("certified_day", v.t("certified_day"), True),
            Column("started_total", v.t("started_total"), True),
            Column("certified_total", v.t("certified_total"), True),
        ],
    )
    started = certified = 0
    found = {d.day: d for d in await q.days(s, v.scope)}
    if not found:
        return grid
    day = min(found)
    while day <= max(found):  # every day, quiet ones too: the line's x axis is time
        d = found.get(day) or q.Day(day, 0, 0, 0)
        started += d.started
        certified += d.certified
        grid.rows.append([day, d.started, d.certified, started, certified])
        day += timedelta(days=1)
    return grid


def funnel_grid(v: View, totals: q.Totals) -> Grid:
    stages = [
        ("stage_started", totals.started),
        ("stage_lesson_one", totals.lesson_one),
        ("stage_module_one", totals.module_one),
        ("stage_certified", totals.certified),
    ]
    return Grid(
        "funnel",
        [
            Column("stage", v.t("stage")),
            Column("learners", v.t("learners"), True),
            Column("of_started", v.t("of_started"), True),
        ],
        [[v.t(key), n, Share(n, totals.started)] for key, n in stages],
    )


async def wards_grid(v: View, s: AsyncSession) -> Grid:
    groups = await q.by_ward(s, q.Scope(None, v.scope.classes))
    # Wards from the official list (areas.province) have the statistics office's codes as ids.
    coded = any(w.id.isdigit() for w in v.site.wards.values())
    columns = [Column("code", v.t("code"))] if coded else []
    columns += [
        Column("ward", v.t("ward")),
        Column("started", v.t("started"), True),
        Column("lessons", v.t("lessons_passed"), True),
        Column("certified", v.t("certified"), True),
        Column("share", v.t("certified_share"), True),
        Column("active", v.t("active_7"), True),
        Column("stuck", v.t("stuck"), True),
    ]
    grid = Grid("wards", columns)
    # Officials see every ward, even one nobody has started in yet; a facilitator, the
    # wards their learners live in.
    keys = [k for k in v.site.wards if v.user.is_official or k in groups]
    keys += [k for k in groups if k not in v.site.wards]
    for key in keys:
        g = groups.get(key, q.Group(key))
        if key not in v.site.wards and not (g.started or g.lessons or g.certified):
            continue
        ward = v.site.wards.get(key)
        row: list[object] = [key if key.isdigit() else ""] if coded else []
        row += [ward_name(v.site, key, v.lang), g.started, g.lessons, g.certified]
        row += [Share(g.certified, g.started), g.active, g.stuck]
        grid.rows.append(row)
        grid.links.append("/overview?" + v.query(ward=key) if ward else None)
    return grid


async def modules_grid(v: View, s: AsyncSession, started: int) -> Grid:
    counts = await q.modules(s, v.scope)
    order = [m.id for m in v.site.curriculum.modules] if v.site.curriculum else []
    keys = order + sorted(k for k in counts if k not in order)
    grid = Grid(
        "modules",
        [
            Column("module", v.t("module")),
            Column("lessons", v.t("lessons_passed"), True),
            Column("finished", v.t("finished_module"), True),
            Column("of_started", v.t("of_started"), True),
        ],
    )
    for key in keys:
        lessons, finished = counts.get(key, (0, 0))
        grid.rows.append(
            [module_title(v.site, key, v.lang), lessons, finished, Share(finished, started)]
        )
    return grid


@dataclass
class Option:
    label: str
    picked: int
    right: bool


async def questions_grid(v: View, s: AsyncSession) -> tuple[Grid, list[list[Option]]]:
    """The most-missed questions, and for each the options with how often they were picked."""
    grid = Grid(
        "questions",
        [
            Column("lesson", v.t("lesson")),
            Column("question", v.t("question")),
            Column("answers", v.t("answers"), True),
            Column("wrong", v.t("wrong"), True),
            Column("wrong_share", v.t("wrong_share"), True),
            Column("options", v.t("options")),
        ],
    )
    options: list[list[Option]] = []
    for stat in await q.most_missed(s, v.scope):
        lesson = v.site.curriculum.lesson(stat.lesson) if v.site.curriculum else None
        question = lesson.question(stat.question) if lesson else None
        prompt = question.prompt.get(v.lang) if question else v.t("question_gone")
        found = _options(v, question, stat.options)
        shown = "; ".join(f"{o.label}{' ✓' if o.right else ''}: {o.picked}" for o in found)
        if found and not any(o.picked for o in found):
            # Answered before answers carried the option picked: no counts to show.
            found, shown = [], v.t("options_unknown")
        options.append(found)
        grid.rows.append(
            [
                lesson_title(v.site, stat.lesson, v.lang),
                prompt,
                stat.answers,
                stat.wrong,
                Share(stat.wrong, stat.answers),
                shown or v.t("typed_answer"),
            ]
        )
    return grid, options


def _options(v: View, question: object, picked: dict[int, int]) -> list[Option]:
    if isinstance(question, SingleChoice):
        return [
            Option(o.text.get(v.lang), picked.get(i, 0), o.correct)
            for i, o in enumerate(question.options)
        ]
    if isinstance(question, TrueFalse):
        return [
            Option(v.t("true"), picked.get(1, 0), question.answer),
            Option(v.t("false"), picked.get(0, 0), not question.answer),
        ]
    return []


async def classes_grid(
    v: View, s: AsyncSession, request: web.Request, page: int = 0
) -> tuple[Grid, int]:
    """The classes, sorted as asked; one page of them (page 0: all, for the CSV)."""
    sort = request.query.get("sort", "code")
    offset, limit = ((page - 1) * PAGE_ROWS, PAGE_ROWS) if page else (0, None)
    rows, total = await q.class_rows(
        s, v.scope, sort, request.query.get("desc") == "1", offset, limit
    )
    grid = Grid(
        "classes",
        [
            Column("code", v.t("class_code")),
            Column("name", v.t("class_name")),
            Column("facilitator", v.t("facilitator")),
            Column("ward", v.t("ward")),
            Column("started", v.t("started"), True),
            Column("certified", v.t("certified"), True),
            Column("active", v.t("active_7"), True),
            Column("stuck", v.t("stuck"), True),
        ],
    )
    for c in rows:
        ward = ward_name(v.site, c.area, v.lang) if c.area else ""
        grid.rows.append(
            [c.code, c.name or v.t("no_name"), c.facilitator, ward]
            + [c.started, c.certified, c.active, c.stuck]
        )
        grid.links.append(f"/classes/{c.code}")
    return grid, total


async def stuck_grid(v: View, s: AsyncSession) -> Grid:
    grid = Grid(
        "stuck",
        [
            Column("lesson", v.t("last_tried")),
            Column("stuck", v.t("stuck"), True),
            Column("failed", v.t("of_them_failed"), True),
        ],
    )
    for lesson, stuck, failed in await q.stuck_by_lesson(s, v.scope):
        title = lesson_title(v.site, lesson, v.lang) if lesson else v.t("no_lesson_yet")
        grid.rows.append([title, stuck, failed])
    return grid


def sorted_grid(request: web.Request, grid: Grid) -> Grid:
    key = request.query.get("sort", "")
    return grid.sort(key, request.query.get("desc") == "1") if key else grid
