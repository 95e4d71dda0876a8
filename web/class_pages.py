"""A class's pages, for its facilitator and for officials: its members and numbers, how to
join it on each platform (and its QR code), its printable list and certificates, and the
reminders asked for its stuck members."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.certificate.routes import show_code
from bot.groups.class_card import draw_card
from bot.onboarding.routes import CLASS_CODE
from storage.sql.reports import certificates
from web import queries as q
from web.act_grids import members_grid
from web.grids import modules_grid, questions_grid, stuck_grid
from web.joining import join_ways
from web.reminding import Outcome, ask_reminders
from web.site import SITE, lang_of, render
from web.tables import Grid, cell
from web.texts import text, when
from web.views import View, login_required, viewer, ward_name

log = logging.getLogger(__name__)


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
        people = await members_grid(v, s, code)
    ways = join_ways(site.config, code)
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
        members=people,
        ways=ways,
        qr=any(w.link for w in ways),
        reminded=Outcome.of(request.query),
        stuck_members=stuck_members(people),
    )


def stuck_members(people: Grid) -> list[tuple[int, str]]:
    """(place in the class, name) of the members who are stuck: whom to remind."""
    return [
        (n, str(name))
        for n, (name, stuck) in enumerate(
            zip(people.column("member"), people.column("stuck"), strict=True), 1
        )
        if stuck
    ]


async def _class_of(request: web.Request) -> tuple[str, q.ClassInfo | None]:
    code = _class_code(request)
    async with request.app[SITE].db.session() as s:
        return code, (await q.registered_classes(s, [code])).get(code)


@login_required
async def class_qr(request: web.Request) -> web.StreamResponse:
    code, row = await _class_of(request)
    link = next((w.link for w in join_ways(request.app[SITE].config, code) if w.link), "")
    if not link:
        raise web.HTTPNotFound()
    name = (row.name if row else "") or code
    png = await asyncio.to_thread(_qr_png, link, code, name)
    return web.Response(
        body=png,
        content_type="image/png",
        headers={"Content-Disposition": f'attachment; filename="{code}.png"'},
    )


@login_required
async def class_print(request: web.Request) -> web.Response:
    """The class list, on paper: its members and how far each is."""
    code, row = await _class_of(request)
    site = request.app[SITE]
    v = View(site, viewer(request), lang_of(request), q.Scope(None, (code,)), "", code)
    async with site.db.session() as s:
        people = await members_grid(v, s, code)
    return await render(
        request, "class_print.html", v=v, code=code, row=row, members=people,
        ways=join_ways(site.config, code),
        printed=when(datetime.now(ZoneInfo(site.config.timezone)), v.lang),
    )  # fmt: skip


@login_required
async def class_certificates(request: web.Request) -> web.Response:
    """The certificates of a class's certified members, one a page, to print and hand out."""
    code, row = await _class_of(request)
    site = request.app[SITE]
    zone = ZoneInfo(site.config.timezone)
    lang = lang_of(request)
    found = [c for c in await certificates(site.db) if c.class_code == code]
    cards = [
        {
            "name": c.name or text("no_name_printed", lang),
            "code": show_code(c.code),
            "issued": cell(c.issued_at.astimezone(zone).date(), lang),
        }
        for c in found
    ]
    return await render(
        request, "class_certificates.html", code=code, row=row, cards=cards,
        issuer=site.config.certificate.issuer, campaign_name=site.config.campaign.name,
    )  # fmt: skip


@login_required
async def class_remind(request: web.Request) -> web.StreamResponse:
    """ "Nhắc cả lớp" / "nhắc người này": handed to the bot's reminders (web/reminding.py),
    which send them with their claims, quiet hours, platform windows and limits."""
    code = _class_code(request)
    form = await request.post()
    member = str(form.get("member", ""))
    place = int(member) if member.isdigit() and len(member) < 6 else None
    done = await ask_reminders(request.app, code, place)
    raise web.HTTPSeeOther(f"/classes/{code}?{done.query()}#members")


def _qr_png(link: str, code: str, name: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return draw_card(Path(folder) / "card.png", link, code, name).read_bytes()
