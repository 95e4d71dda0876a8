"""The tables of the pages, built from the queries' numbers: a page renders one as HTML and
its CSV link downloads the very same rows (web/tables.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import OTHER_AREA
from bot.content.lessons import SingleChoice, TrueFalse
from web import queries as q
from web import targets
from web.tables import Badge, Column, Grid, Rank, Share
from web.views import View, lesson_title, module_title, ward_name

PAGE_ROWS = 100  # classes per page: a city has thousands


async def days_grid(
    v: View,
    s: AsyncSession,
    start: date | None = None,
    end: date | None = None,
    days: list[q.Day] | None = None,  # the scope's days, if already read
) -> Grid:
    """Day by day within start..end, newest first (totals count from the first day)."""
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
    found = {d.day: d for d in (days if days is not None else await q.days(s, v.scope))}
    if not found:
        return grid
    day = min(found)
    while day <= max(found):  # every day, quiet ones too: the line's x axis is time
        d = found.get(day) or q.Day(day, 0, 0, 0)
        started += d.started
        certified += d.certified
        if (start is None or day >= start) and (end is None or day <= end):
            grid.rows.append([day, d.started, d.certified, started, certified])
        day += timedelta(days=1)
    grid.rows.reverse()
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


@dataclass
class Standing:
    """Every ward's progress against its own target, and the share expected by today."""

    wards: list[targets.WardProgress]
    expected: float
    today: date


async def ward_standing(v: View, s: AsyncSession, days: list[q.Day] | None = None) -> Standing:
    """`days`: the campaign's (or the viewer's classes') days, if already read."""
    groups = await q.by_ward(s, q.Scope(None, v.scope.classes))
    goal = await targets.ward_targets(s, v.site.config.campaign.ward_targets)
    # Officials see every ward, even one nobody has started in yet; a facilitator, the
    # wards their learners live in. Wards not on the list ("(chưa cho biết)", "(erased)")
    # and "Nơi khác" come last, whatever the sort.
    official = [k for k in v.site.wards if k != OTHER_AREA.id]
    keys = [k for k in official if v.user.is_official or k in groups]
    rest = [k for k in (OTHER_AREA.id, *groups) if k not in official and k not in keys]
    keys += [k for k in dict.fromkeys(rest) if k in groups or v.user.is_official]
    zone = ZoneInfo(v.site.config.timezone)
    today = datetime.now(zone).date()
    if days is None:
        days = await q.days(s, q.Scope(None, v.scope.classes))
    total = sum(goal.get(k, 0) for k in official)
    certified = sum(groups[k].certified for k in official if k in groups and goal.get(k))
    expected = targets.expected_share(
        today,
        days[0].day if days else None,
        v.site.config.campaign.deadline,
        certified / total if total else 0.0,
    )
    return Standing(targets.progress(groups, keys, goal, expected), expected, today)


def band_of(v: View, band: str) -> Badge:
    return Badge(band, v.t("band_" + band), targets.BANDS.index(band))


async def wards_grid(v: View, s: AsyncSession, standing: Standing | None = None) -> Grid:
    standing = standing or await ward_standing(v, s)
    # Wards from the official list (areas.province) have the statistics office's codes as ids.
    coded = any(w.id.isdigit() for w in v.site.wards.values())
    columns = [Column("ward", v.t("ward"))]
    columns += [Column("code", v.t("code"))] if coded else []
    columns += [
        Column("band", v.t("band")),
        Column("rank", v.t("rank"), True),
        Column("target", v.t("ward_target"), True),
        Column("certified", v.t("certified"), True),
        Column("of_target", v.t("of_ward_target"), True),
        Column("started", v.t("started"), True),
        Column("lessons", v.t("lessons_passed"), True),
        Column("share", v.t("certified_share"), True),
        Column("active", v.t("active_7"), True),
        Column("stuck", v.t("stuck"), True),
    ]
    grid = Grid("wards", columns)
    ranked = sum(1 for w in standing.wards if w.rank)
    for w in standing.wards:
        g = w.group
        if w.key not in v.site.wards and not (g.started or g.lessons or g.certified):
            continue
        row: list[object] = [ward_name(v.site, w.key, v.lang)]
        row += [w.key if w.key.isdigit() else ""] if coded else []
        row += [band_of(v, w.band), Rank(w.rank, ranked), w.target or "", g.certified]
        row += [Share(g.certified, w.target), g.started, g.lessons]
        row += [Share(g.certified, g.started), g.active, g.stuck]
        grid.rows.append(row)
        grid.links.append("/overview?" + v.query(ward=w.key) if w.key in v.site.wards else None)
        if w.key == OTHER_AREA.id or w.key not in v.site.wards:
            grid.pinned += 1
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
