"""Logging in and out (the accounts and the brake on guessing are in web/auth.py)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from aiohttp_session import get_session

from storage import metrics
from web import auth, brake
from web.site import SITE, lang_of, local_path, render
from web.texts import text

log = logging.getLogger(__name__)


async def login_form(request: web.Request) -> web.Response:
    next_path = local_path(request.query.get("next", "/overview"))
    notice = "logged_out" if "out" in request.query else ""
    if "next" in request.query:
        notice = "login_needed"
    return await render(request, "login.html", next=next_path, error="", notice=notice)


async def login(request: web.Request) -> web.StreamResponse:
    """The try is counted before the password is checked (web/brake.py says which counts)."""
    site = request.app[SITE]
    form = await request.post()
    username = str(form.get("username", "")).strip()[:64]
    password = str(form.get("password", ""))
    next_path = local_path(str(form.get("next", "/overview")))
    lang = lang_of(request)
    address = request.remote or "?"
    known = site.brake.knows(request.cookies.get(brake.KNOWN_COOKIE, ""), username)
    tried, wait = await site.brake.reserve(site.brake.login_counts(username, address, known))
    if tried is None:
        log.info("login braked for %r from %s: %.0f s to wait", username, address, wait)
        metrics.FAILED_LOGINS.labels("braked").inc()
        error = text("login_wait", lang, seconds=int(wait) + 1)
        return await _login_again(request, error, next_path, 429)
    try:
        async with site.checks.slot():
            user = await auth.check_password(site.db, username, password) if username else None
    except brake.Busy:
        await site.brake.take_back(tried)  # not checked: not a try
        metrics.FAILED_LOGINS.labels("busy").inc()
        return await _login_again(request, text("login_busy", lang), next_path, 503)
    if user is None:
        log.warning("failed login for %r from %s", username, address)
        metrics.FAILED_LOGINS.labels("wrong").inc()
        await asyncio.sleep(site.login_delay)
        return await _login_again(request, text("login_wrong", lang), next_path, 401)
    await site.brake.take_back(tried, forget=[site.brake.pair_key(username, address)])
    await auth.log_in(request, user)
    redirect = web.HTTPSeeOther(next_path)
    redirect.set_cookie(
        brake.KNOWN_COOKIE,
        site.brake.remember(request.cookies.get(brake.KNOWN_COOKIE, ""), user.username),
        max_age=brake.KNOWN_DAYS * 86400,
        httponly=True,
        samesite="Lax",
    )
    raise redirect


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
