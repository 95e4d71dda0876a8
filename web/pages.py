"""The data pages of `hocso web` and their CSV downloads: overview, wards, modules and
questions, classes. Each needs a login; what it shows is narrowed to what the viewer may see
(web/views.py); its tables come from web/grids.py.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.groups.class_card import draw_card
from bot.onboarding.routes import CLASS_CODE
from web import charts
from web import queries as q
from web.certificates import certified_list
from web.grids import (
    PAGE_ROWS,
    classes_grid,
    days_grid,
    funnel_grid,
    modules_grid,
    questions_grid,
    sorted_grid,
    stuck_grid,
    wards_grid,
)
from web.site import SITE, lang_of, render
from web.tables import csv_response
from web.texts import number, percent, when
from web.views import View, filters_of, login_required, view_of, viewer, ward_name


@login_required
async def overview(request: web.Request) -> web.Response:
    v = view_of(request)
    async with v.site.db.session() as s:
        info = await q.meta(s)
        totals = await q.totals(s, v.scope)
        days = await days_grid(v, s)
        newest = await q.last_event(s)
    funnel = funnel_grid(v, totals)
    zone = ZoneInfo(v.site.config.timezone)
    line = charts.line(
        days.dates("day"),
        [(v.t("started"), days.numbers("started_total")),
         (v.t("certified"), days.numbers("certified_total"))],
        v.t("over_time"),
        v.t("over_time_desc"),
    )  # fmt: skip
    reached = funnel.numbers("learners")
    funnel_chart = charts.bars(
        list(zip(funnel.texts("stage"), reached, strict=True)),
        v.t("funnel"),
        v.t("funnel_desc"),
        shown=[f"{number(n, v.lang)} ({percent(n, totals.started, v.lang)})" for n in reached],
        colour=charts.COLOURS[1],
    )
    target = v.site.config.campaign.target
    progress = words = None
    if v.user.is_official and v.scope == q.Scope() and target:
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
    )


CHART_BARS = 25


@login_required
async def wards(request: web.Request) -> web.Response:
    v = view_of(request)
    async with v.site.db.session() as s:
        info = await q.meta(s)
        grid = sorted_grid(request, await wards_grid(v, s))
    measure = request.query.get("sort", "")
    numeric = {c.key for c in grid.columns if c.numeric} - {"share"}
    measure = measure if measure in numeric else "started"
    label = next(c.label for c in grid.columns if c.key == measure)
    # A province has a hundred wards: the chart draws the table's first ones, in its order.
    values = grid.numbers(measure)[:CHART_BARS]
    chart = charts.bars(
        list(zip(grid.texts("ward"), values, strict=False)),
        v.t("wards_chart", measure=label),
        v.t("wards_chart", measure=label),
        shown=[number(n, v.lang) for n in values],
    )
    cut = len(grid.rows) > CHART_BARS
    return await render(
        request,
        "wards.html",
        v=v,
        info=info,
        grid=grid,
        chart=chart,
        chart_note=v.t("chart_first", n=CHART_BARS) if cut else "",
        filters=filters_of(v),
    )


@login_required
async def modules(request: web.Request) -> web.Response:
    v = view_of(request)
    async with v.site.db.session() as s:
        info = await q.meta(s)
        totals = await q.totals(s, v.scope)
        grid = await modules_grid(v, s, totals.started)
        questions, options = await questions_grid(v, s)
    finished = grid.numbers("finished")
    chart = charts.bars(
        list(zip(grid.texts("module"), finished, strict=True)),
        v.t("modules_chart"),
        v.t("modules_chart"),
        colour=charts.COLOURS[1],
        shown=[number(n, v.lang) for n in finished],
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
    )


@login_required
async def classes(request: web.Request) -> web.Response:
    v = view_of(request)
    asked = request.query.get("page", "1")
    page = int(asked) if asked.isdigit() and 0 < int(asked) < 100_000 else 1
    async with v.site.db.session() as s:
        info = await q.meta(s)
        grid, total = await classes_grid(v, s, request, page)
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
    )


def _class_code(request: web.Request) -> str:
    code = request.match_info["code"].strip().upper()
    if not CLASS_CODE.match(code):
        raise web.HTTPNotFound()
    if not viewer(request).may_see(code):
        raise web.HTTPForbidden()
    return code


@login_required
async def class_page(request: web.Request) -> web.Response:
    code = _class_code(request)
    site = request.app[SITE]
    v = View(site, viewer(request), lang_of(request), q.Scope(None, (code,)), "", code)
    async with site.db.session() as s:
        info = await q.meta(s)
        row = (await q.registered_classes(s, [code])).get(code)
        totals = await q.totals(s, v.scope)
        if row is None and not totals.started:
            raise web.HTTPNotFound()
        stuck = await stuck_grid(v, s)
        modules_ = await modules_grid(v, s, totals.started)
        questions, options = await questions_grid(v, s)
    bot = site.config.telegram.username
    return await render(
        request,
        "class.html",
        v=v,
        info=info,
        code=code,
        row=row,
        ward=ward_name(site, row.area, v.lang) if row and row.area else "",
        totals=totals,
        stuck=stuck,
        modules=modules_,
        questions=questions,
        options=options,
        link=f"https://t.me/{bot}?start={code}" if bot else "",
    )


@login_required
async def class_qr(request: web.Request) -> web.StreamResponse:
    code = _class_code(request)
    site = request.app[SITE]
    bot = site.config.telegram.username
    if not bot:
        raise web.HTTPNotFound()
    async with site.db.session() as s:
        row = (await q.registered_classes(s, [code])).get(code)
    name = (row.name if row else "") or code
    png = await asyncio.to_thread(_qr_png, f"https://t.me/{bot}?start={code}", code, name)
    return web.Response(
        body=png,
        content_type="image/png",
        headers={"Content-Disposition": f'attachment; filename="{code}.png"'},
    )


def _qr_png(link: str, code: str, name: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return draw_card(Path(folder) / "card.png", link, code, name).read_bytes()


# -- downloads ---------------------------------------------------------------------------


@login_required
async def download(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name == "certified":
        return await certified_list(request)
    v = view_of(request)
    async with v.site.db.session() as s:
        if name == "days":
            grid = await days_grid(v, s)
        elif name == "funnel":
            grid = funnel_grid(v, await q.totals(s, v.scope))
        elif name == "wards":
            grid = sorted_grid(request, await wards_grid(v, s))
        elif name == "modules":
            grid = await modules_grid(v, s, (await q.totals(s, v.scope)).started)
        elif name == "questions":
            grid = (await questions_grid(v, s))[0]
        elif name == "classes":
            grid = (await classes_grid(v, s, request))[0]
        elif name == "stuck":
            grid = await stuck_grid(v, s)
        else:
            raise web.HTTPNotFound()
    return csv_response(grid.csv(), f"{name}.csv")
