"""The data pages of `hocso web` and their downloads (CSV and Excel): overview (with the pace
toward the deadline), wards (with their targets, uploaded here), modules and questions,
classes. Each needs a login; what it shows is narrowed to what the viewer may see
(web/views.py); its tables come from web/grids.py and web/act_grids.py. A class's own pages
are in web/class_pages.py.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from aiohttp.web_request import FileField
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import OTHER_AREA
from web import charts, pace
from web import queries as q
from web.act_grids import (
    certified_grid,
    members_grid,
    next_steps,
    profile_grids,
    range_of,
    weeks_grid,
)
from web.grids import (
    PAGE_ROWS,
    band_of,
    classes_grid,
    days_grid,
    funnel_grid,
    modules_grid,
    questions_grid,
    sorted_grid,
    stuck_grid,
    ward_standing,
    wards_grid,
)
from web.site import SITE, lang_of, render
from web.tables import Column, Grid, cell, csv_response
from web.targets import TargetsRefused, parse_targets, save_targets, ward_targets
from web.texts import TEXTS, number, percent, text, when
from web.views import (
    View,
    filters_of,
    login_required,
    officials_only,
    view_of,
    viewer,
    ward_name,
)
from web.xlsx import xlsx_response


@login_required
async def overview(request: web.Request) -> web.Response:
    v = view_of(request)
    start, end = range_of(request.query.get("from", ""), request.query.get("to", ""))
    async with v.site.db.session() as s:
        info = await q.meta(s)
        totals = await q.totals(s, v.scope)
        every_day = await q.days(s, v.scope)
        days = await days_grid(v, s, start, end, every_day)
        newest = await q.last_event(s)
        ages, platforms = await profile_grids(v, s, info.refreshed_at)
        campaign_days = every_day if v.scope.area is None else None
        standing = await ward_standing(v, s, campaign_days) if v.user.is_official else None
        steps = await next_steps(v, s, standing) if standing and not v.ward else None
    funnel = funnel_grid(v, totals)
    zone = ZoneInfo(v.site.config.timezone)
    line = charts.line(
        days.dates("day")[::-1],  # the table is newest first, time runs left to right
        [(v.t("started"), days.numbers("started_total")[::-1]),
         (v.t("certified"), days.numbers("certified_total")[::-1])],
        v.t("over_time"),
        _line_words(v, days),
    )  # fmt: skip
    reached = funnel.numbers("learners")
    funnel_chart = charts.bars(
        list(zip(funnel.texts("stage"), reached, strict=True)),
        v.t("funnel"),
        v.t("funnel_words", **dict(zip(("started", "lesson", "module", "certified"),
                                       (number(n, v.lang) for n in reached), strict=True))),
        shown=[f"{number(n, v.lang)} ({percent(n, totals.started, v.lang)})" for n in reached],
        colour=charts.COLOURS[1],
    )  # fmt: skip
    weeks = pace.weeks(every_day, start, end)
    week_grid = weeks_grid(v, weeks)
    week_chart = _bars(
        v,
        [cell(d, v.lang) for d in week_grid.column("week")],
        week_grid.numbers("certified"),
        v.t("weekly_chart"),
        colour=charts.COLOURS[1],
    )
    # The target of what is shown: the campaign's, or the ward's own.
    target = 0
    ward = None
    if v.user.is_official and v.scope.classes is None:
        if v.ward and standing:
            ward = next((w for w in standing.wards if w.key == v.ward), None)
            target = ward.target if ward else 0
        elif not v.ward:
            target = v.site.config.campaign.target
    today = datetime.now(zone).date()
    deadline = v.site.config.campaign.deadline
    progress = words = None
    if target:
        words = v.t(
            "of_target",
            value=number(totals.certified, v.lang),
            target=number(target, v.lang),
            share=percent(totals.certified, target, v.lang),
        )
        progress = charts.progress(totals.certified, target, v.t("target"), words)
    return await render(
        request,
        "overview.html",
        v=v,
        info=info,
        totals=totals,
        days=days,
        funnel=funnel,
        line=line,
        funnel_chart=funnel_chart,
        progress=progress,
        target_words=words,
        newest=when(newest.astimezone(zone) if newest else None, v.lang),
        counted=when(info.refreshed_at.astimezone(zone) if info.refreshed_at else None, v.lang),
        filters=filters_of(v),
        weeks=week_grid,
        week_chart=week_chart,
        pace=pace.pace(every_day, target, deadline, today) if target else None,
        deadline=deadline,
        ward=ward,
        band=band_of(v, ward.band) if ward else None,
        ranked=sum(1 for w in standing.wards if w.rank) if standing else 0,
        steps=steps,
        ages=ages,
        platforms=platforms,
        range_from=start.isoformat() if start else "",
        range_to=end.isoformat() if end else "",
        range_query=v.query(**{"from": request.query.get("from", ""),
                               "to": request.query.get("to", "")}),
    )  # fmt: skip


def _line_words(v: View, days: Grid) -> str:
    if not days.rows:
        return v.t("none_yet")
    return v.t(  # the table is newest first
        "line_desc",
        day=cell(days.rows[0][0], v.lang),
        started=number(days.numbers("started_total")[0], v.lang),
        certified=number(days.numbers("certified_total")[0], v.lang),
    )


def _bars(
    v: View, labels: list[str], values: list[int], title: str, colour: str = charts.COLOURS[0]
) -> Markup:
    """Bars with a description that says what they show: the highest and the lowest."""
    rows = list(zip(labels, values, strict=False))
    if rows:
        top = max(rows, key=lambda r: r[1])
        low = min(rows, key=lambda r: r[1])
        desc = v.t(
            "bars_desc",
            top=top[0],
            top_n=number(top[1], v.lang),
            low=low[0],
            low_n=number(low[1], v.lang),
        )
    else:
        desc = v.t("none_yet")
    return charts.bars(
        rows, title, desc, shown=[number(n, v.lang) for _, n in rows], colour=colour
    )


CHART_BARS = 25


@login_required
async def wards(request: web.Request) -> web.Response:
    v = view_of(request)
    async with v.site.db.session() as s:
        info = await q.meta(s)
        standing = await ward_standing(v, s)
        grid = sorted_grid(request, await wards_grid(v, s, standing))
    measure = request.query.get("sort", "")
    numeric = {c.key for c in grid.columns if c.numeric} - {"share", "of_target", "rank"}
    measure = measure if measure in numeric else "started"
    label = next(c.label for c in grid.columns if c.key == measure)
    # A province has a hundred wards: the chart draws the table's first ones, in its order
    # (never the pinned rows at its end).
    shown = len(grid.rows) - grid.pinned
    values = [int(x) if isinstance(x, int) else 0 for x in grid.column(measure)[:shown]]
    values = values[:CHART_BARS]
    chart = _bars(v, grid.texts("ward")[: len(values)], values, v.t("wards_chart", measure=label))
    cut = shown > CHART_BARS
    return await render(
        request,
        "wards.html",
        v=v,
        info=info,
        grid=grid,
        chart=chart,
        chart_note=v.t("chart_first", n=CHART_BARS) if cut else "",
        filters=filters_of(v),
        expected=percent(round(standing.expected * 10000), 10000, v.lang),
        upload=request.get(UPLOAD),
        request_saved=int(saved) if (saved := request.query.get("saved", "")).isdigit() else 0,
    )


async def ward_line(v: View, s: AsyncSession) -> str:
    """An official's filtered page says how the ward stands against its own target."""
    if not (v.ward and v.user.is_official and v.scope.classes is None):
        return ""
    standing = await ward_standing(v, s)
    ward = next((w for w in standing.wards if w.key == v.ward), None)
    if ward is None:
        return ""
    words = [ward_name(v.site, ward.key, v.lang), str(band_of(v, ward.band))]
    if ward.target:
        words.append(
            v.t(
                "of_target",
                value=number(ward.group.certified, v.lang),
                target=number(ward.target, v.lang),
                share=percent(ward.group.certified, ward.target, v.lang),
            )
        )
    if ward.rank:
        words.append(v.t("rank_of", place=ward.rank, of=sum(1 for w in standing.wards if w.rank)))
    return " · ".join(words)


@login_required
async def modules(request: web.Request) -> web.Response:
    v = view_of(request)
    async with v.site.db.session() as s:
        info = await q.meta(s)
        totals = await q.totals(s, v.scope)
        grid = await modules_grid(v, s, totals.started)
        questions, options = await questions_grid(v, s)
        standing = await ward_line(v, s)
    chart = _bars(
        v, grid.texts("module"), grid.numbers("finished"), v.t("modules_chart"), charts.COLOURS[1]
    )
    return await render(
        request,
        "modules.html",
        v=v,
        info=info,
        grid=grid,
        chart=chart,
        questions=questions,
        options=options,
        filters=filters_of(v),
        standing=standing,
    )


@login_required
async def classes(request: web.Request) -> web.Response:
    v = view_of(request)
    asked = request.query.get("page", "1")
    page = int(asked) if asked.isdigit() and 0 < int(asked) < 100_000 else 1
    async with v.site.db.session() as s:
        info = await q.meta(s)
        grid, total = await classes_grid(v, s, request, page)
        standing = await ward_line(v, s)
    first = (page - 1) * PAGE_ROWS
    sort = {"sort": request.query.get("sort", ""), "desc": request.query.get("desc", "")}
    return await render(
        request,
        "classes.html",
        v=v,
        info=info,
        grid=grid,
        total=total,
        first=first + 1,
        last=first + len(grid.rows),
        previous=v.query(**sort, page=str(page - 1)) if page > 1 else "",
        next_page=v.query(**sort, page=str(page + 1)) if first + PAGE_ROWS < total else "",
        filters=filters_of(v, classes=False),
        standing=standing,
    )


# -- downloads ---------------------------------------------------------------------------


async def _grid(request: web.Request, name: str) -> Grid:
    v = view_of(request)
    if name == "certified":
        if not v.user.is_official:
            raise web.HTTPForbidden()
        return await certified_grid(v)
    async with v.site.db.session() as s:
        if name == "days":
            start, end = range_of(request.query.get("from", ""), request.query.get("to", ""))
            return await days_grid(v, s, start, end)
        if name == "weeks":
            start, end = range_of(request.query.get("from", ""), request.query.get("to", ""))
            return weeks_grid(v, pace.weeks(await q.days(s, v.scope), start, end))
        if name == "funnel":
            return funnel_grid(v, await q.totals(s, v.scope))
        if name == "wards":
            return sorted_grid(request, await wards_grid(v, s))
        if name == "modules":
            return await modules_grid(v, s, (await q.totals(s, v.scope)).started)
        if name == "questions":
            return (await questions_grid(v, s))[0]
        if name == "classes":
            return (await classes_grid(v, s, request))[0]
        if name == "stuck":
            return await stuck_grid(v, s)
        if name in ("ages", "platforms"):
            ages, platforms = await profile_grids(v, s, (await q.meta(s)).refreshed_at)
            return ages if name == "ages" else platforms
        if name == "members" and v.klass:
            return await members_grid(v, s, v.klass)
    raise web.HTTPNotFound()


@login_required
async def download(request: web.Request) -> web.StreamResponse:
    grid = await _grid(request, request.match_info["name"])
    return csv_response(grid.csv(), f"{grid.name}.csv")


@login_required
async def download_xlsx(request: web.Request) -> web.StreamResponse:
    grid = await _grid(request, request.match_info["name"])
    return await asyncio.to_thread(xlsx_response, grid, text("nav_" + grid.name, lang_of(request))
                                   if "nav_" + grid.name in TEXTS else grid.name)  # fmt: skip


# -- ward targets ------------------------------------------------------------------------

UPLOAD = web.RequestKey("targets_upload", list)


@officials_only
async def upload_targets(request: web.Request) -> web.StreamResponse:
    site = request.app[SITE]
    form = await request.post()
    sent = form.get("file")
    data = sent.file.read(1_000_000) if isinstance(sent, FileField) else b""
    official = {k: w.label("vi") for k, w in site.wards.items() if k != OTHER_AREA.id}
    lang = lang_of(request)
    try:
        found = parse_targets(data, official)
    except TargetsRefused as refused:
        request[UPLOAD] = [en if lang == "en" else vi for vi, en in refused.lines]
        return await wards(request)
    await save_targets(site.db, found, viewer(request).username)
    raise web.HTTPSeeOther(f"/wards?saved={len(found)}")


@officials_only
async def targets_template(request: web.Request) -> web.StreamResponse:
    """Every official ward code with its name and its target now: fill in, upload."""
    site = request.app[SITE]
    lang = lang_of(request)
    async with site.db.session() as s:
        goal = await ward_targets(s, site.config.campaign.ward_targets)
    grid = Grid(
        "targets",
        [Column("code", text("code", lang)), Column("ward", text("ward", lang)),
         Column("target", text("target", lang), True)],
    )  # fmt: skip
    for k, w in site.wards.items():
        if k != OTHER_AREA.id:
            grid.rows.append([k, w.label(lang), goal.get(k, "")])
    return csv_response(grid.csv(), "targets.csv")
