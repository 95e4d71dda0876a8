"""The pages of `hocso web` and their CSV downloads.

Every page with learner data needs a login (anonymous requests are sent to /login). An
official sees everything; a facilitator sees only their classes, and a class of someone
else is refused even when its code is typed into the address. /verify/CODE is public and
shows only whether the certificate is valid, the name printed on it and its date.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web
from aiohttp_session import get_session
from sqlalchemy.ext.asyncio import AsyncSession

from bot import report_cli
from bot.certificate import normalize_code, show_code
from bot.class_cli import draw_card
from bot.engine import CLASS_CODE
from bot.lessons import SingleChoice, TrueFalse
from storage.models import ERASED
from web import auth, charts
from web import queries as q
from web.site import SITE, Site, lang_of, local_path, render
from web.tables import Column, Grid, Share
from web.texts import number, percent, text, when

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def login_required(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        if request[auth.USER] is None:
            raise web.HTTPSeeOther("/login?" + urlencode({"next": request.path_qs}))
        return await handler(request)

    return guarded


def officials_only(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        if not request[auth.USER].is_official:
            raise web.HTTPForbidden()
        return await handler(request)

    return login_required(guarded)


# -- who sees what -----------------------------------------------------------------------


@dataclass
class View:
    """One request's viewer, language and filter."""

    site: Site
    user: auth.User
    lang: str
    scope: q.Scope
    ward: str  # the ward filter ("" : all)
    klass: str  # the class filter ("" : all the viewer may see)

    def t(self, key: str, **values: object) -> str:
        return text(key, self.lang, **values)

    def query(self, **changes: str) -> str:
        """This page's filter (and sort) as a query string, with some values changed."""
        values = {"ward": self.ward, "class": self.klass} | changes
        return urlencode({k: v for k, v in values.items() if v})


def view_of(request: web.Request) -> View:
    site = request.app[SITE]
    user: auth.User = request[auth.USER]
    ward = request.query.get("ward", "")
    if ward and ward not in site.wards:
        raise web.HTTPNotFound()
    klass = request.query.get("class", "").strip().upper()
    if klass and (not CLASS_CODE.match(klass) or not user.may_see(klass)):
        raise web.HTTPForbidden()
    if klass:
        classes: tuple[str, ...] | None = (klass,)
    else:
        classes = None if user.is_official else user.classes
    return View(site, user, lang_of(request), q.Scope(ward or None, classes), ward, klass)


# -- labels ------------------------------------------------------------------------------


def ward_name(site: Site, key: str, lang: str) -> str:
    if key == ERASED:
        return text("erased", lang)
    if not key:
        return text("not_given", lang)
    ward = site.wards.get(key)
    return ward.label(lang) if ward else key


def lesson_title(site: Site, lesson_id: str, lang: str) -> str:
    lesson = site.curriculum.lesson(lesson_id) if site.curriculum else None
    return lesson.title.get(lang) if lesson else lesson_id


def module_title(site: Site, module_id: str, lang: str) -> str:
    module = site.curriculum.module(module_id) if site.curriculum else None
    return module.info.title.get(lang) if module else (module_id or text("not_given", lang))


# -- the tables (page and CSV alike) -------------------------------------------------------


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
    coded = any(w.code for w in v.site.wards.values())
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
        row: list[object] = [ward.code if ward else ""] if coded else []
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
        options.append(found)
        shown = "; ".join(f"{o.label}{' ✓' if o.right else ''}: {o.picked}" for o in found)
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


PAGE_ROWS = 100  # classes per page: a city has thousands


def sorted_grid(request: web.Request, grid: Grid) -> Grid:
    key = request.query.get("sort", "")
    return grid.sort(key, request.query.get("desc") == "1") if key else grid


# -- pages -------------------------------------------------------------------------------


async def login_form(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    next_path = local_path(request.query.get("next", "/overview"))
    notice = "logged_out" if "out" in request.query else ""
    if "next" in request.query and not error:
        notice = "login_needed"
    return await render(
        request, "login.html", status=status, next=next_path, error=error, notice=notice
    )


async def login(request: web.Request) -> web.StreamResponse:
    site = request.app[SITE]
    form = await request.post()
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    next_path = local_path(str(form.get("next", "/overview")))
    keys = (f"user:{username.casefold()}", f"address:{request.remote}")
    wait = max(site.users.wait(keys[0]), site.addresses.wait(keys[1]))
    lang = lang_of(request)
    if wait > 0:
        error = text("login_wait", lang, seconds=int(wait) + 1)
        return await _login_again(request, error, next_path, 429)
    user = await auth.check_password(site.db, username, password) if username else None
    if user is None:
        site.users.failed(keys[0])
        site.addresses.failed(keys[1])
        await asyncio.sleep(site.login_delay)
        return await _login_again(request, text("login_wrong", lang), next_path, 401)
    site.users.succeeded(keys[0])
    await auth.log_in(request, user)
    raise web.HTTPSeeOther(next_path)


async def _login_again(request: web.Request, error: str, next_path: str, status: int):  # noqa: ANN202
    return await render(
        request, "login.html", status=status, next=next_path, error=error, notice=""
    )


async def logout(request: web.Request) -> web.StreamResponse:
    user = request[auth.USER]
    if user is not None:
        await auth.end_sessions(request.app[SITE].db, user.id)
    session = await get_session(request)
    lang = session.get("lang")
    session.invalidate()
    if lang:
        session["lang"] = lang
    raise web.HTTPSeeOther("/login?out=1")


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
        days.column("day"),
        [(v.t("started"), days.column("started_total")),
         (v.t("certified"), days.column("certified_total"))],
        v.t("over_time"),
        v.t("over_time_desc"),
    )  # fmt: skip
    funnel_chart = charts.bars(
        [(row[0], row[1]) for row in funnel.rows],
        v.t("funnel"),
        v.t("funnel_desc"),
        shown=[f"{number(r[1], v.lang)} ({percent(r[1], totals.started, v.lang)})"
               for r in funnel.rows],
        colour=charts.COLOURS[1],
    )  # fmt: skip
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
        filters=_filters(v),
    )


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
    values = grid.column(measure)
    chart = charts.bars(
        [(str(name), int(n)) for name, n in zip(grid.column("ward"), values, strict=True)],
        v.t("wards_chart", measure=label),
        v.t("wards_chart", measure=label),
        shown=[number(int(n), v.lang) for n in values],
    )
    return await render(
        request, "wards.html", v=v, info=info, grid=grid, chart=chart, filters=_filters(v)
    )


@login_required
async def modules(request: web.Request) -> web.Response:
    v = view_of(request)
    async with v.site.db.session() as s:
        info = await q.meta(s)
        totals = await q.totals(s, v.scope)
        grid = await modules_grid(v, s, totals.started)
        questions, options = await questions_grid(v, s)
    chart = charts.bars(
        [(str(r[0]), int(r[2])) for r in grid.rows],
        v.t("modules_chart"),
        v.t("modules_chart"),
        colour=charts.COLOURS[1],
        shown=[number(int(r[2]), v.lang) for r in grid.rows],
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
        filters=_filters(v),
    )


@login_required
async def classes(request: web.Request) -> web.Response:
    v = view_of(request)
    page = request.query.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
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
        filters=_filters(v, classes=False),
    )


def _class_code(request: web.Request) -> str:
    code = request.match_info["code"].strip().upper()
    if not CLASS_CODE.match(code):
        raise web.HTTPNotFound()
    if not request[auth.USER].may_see(code):
        raise web.HTTPForbidden()
    return code


@login_required
async def class_page(request: web.Request) -> web.Response:
    code = _class_code(request)
    site = request.app[SITE]
    v = View(site, request[auth.USER], lang_of(request), q.Scope(None, (code,)), "", code)
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


@officials_only
async def certificates(request: web.Request) -> web.Response:
    site = request.app[SITE]
    typed = request.query.get("code", "").strip()
    found = await q.certificate(site.db, normalize_code(typed)) if typed else None
    return await render(
        request,
        "certificates.html",
        typed=typed,
        found=found,
        shown=_certificate_view(site, found, lang_of(request)) if found else None,
    )


def _certificate_view(site: Site, cert, lang: str) -> dict[str, str]:  # noqa: ANN001
    day = cert.issued_at.astimezone(ZoneInfo(site.config.timezone)).date()
    bands = {b.id: b.label(lang) for b in site.config.age_bands}
    return {
        "code": show_code(cert.code),
        "name": cert.name or text("no_name_printed", lang),
        "issued": day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat(),
        "ward": ward_name(site, cert.area, lang) if cert.area else "",
        "age": bands.get(cert.age_band, cert.age_band),
        "class": cert.class_code,
    }


async def verify_form(request: web.Request) -> web.StreamResponse:
    typed = request.query.get("code", "")
    if typed.strip():
        raise web.HTTPSeeOther(f"/verify/{normalize_code(typed) or '-'}")
    return await render(request, "verify.html", typed="", valid=None, name="", issued="")


async def verify(request: web.Request) -> web.Response:
    """Public: is this certificate genuine? Only the printed name and the date; nothing
    about where the learner lives, their age or class."""
    site = request.app[SITE]
    typed = request.match_info["code"]
    cert = await q.certificate(site.db, normalize_code(typed)[:16])
    lang = lang_of(request)
    name = issued = ""
    if cert:
        day = cert.issued_at.astimezone(ZoneInfo(site.config.timezone)).date()
        issued = day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()
        name = cert.name or text("no_name_printed", lang)
    return await render(
        request,
        "verify.html",
        status=200 if cert else 404,
        typed=show_code(cert.code) if cert else typed[:40],
        valid=cert is not None,
        name=name,
        issued=issued,
    )


# -- downloads ---------------------------------------------------------------------------


@login_required
async def download(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name == "certified":
        return await _certified_list(request)
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
    return _csv(grid.csv(), f"{name}.csv")


@officials_only
async def _certified_list(request: web.Request) -> web.StreamResponse:
    site = request.app[SITE]
    out = io.StringIO()
    await report_cli.export(site.db, site.config, out)
    return _csv("\ufeff" + out.getvalue(), "certified.csv")


def _csv(body: str, filename: str) -> web.Response:
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    return web.Response(
        body=body.encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stamp}-{filename}"'},
    )


def _filters(v: View, classes: bool = True) -> dict[str, object]:
    """What the filter form offers this viewer: every ward; a facilitator's own classes."""
    wards = [(w.id, w.label(v.lang)) for w in v.site.config.areas.wards]
    mine = list(v.user.classes) if classes and not v.user.is_official else []
    return {"wards": wards, "classes": mine, "ward": v.ward, "class": v.klass}
