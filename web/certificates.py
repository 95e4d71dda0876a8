"""Certificates: officials look one up or download the certified list; anyone checks one
at /verify/CODE (its QR code opens that page), which shows only whether it is genuine, the
name printed on it and its date."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web

from bot.certificate.routes import normalize_code, show_code
from web import queries as q
from web.site import SITE, Site, lang_of, render
from web.texts import text
from web.views import officials_only, ward_name


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
