"""Logging in and out (the accounts and the brake on guessing are in web/auth.py)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp_session import get_session

from web import auth
from web.site import SITE, lang_of, local_path, render
from web.texts import text


async def login_form(request: web.Request) -> web.Response:
    next_path = local_path(request.query.get("next", "/overview"))
    notice = "logged_out" if "out" in request.query else ""
    if "next" in request.query:
        notice = "login_needed"
    return await render(request, "login.html", next=next_path, error="", notice=notice)


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
