"""Who is looking and at what: the login guards, the viewer's filter (a ward, a class) checked
against what their role may see, and the names shown for wards, lessons and modules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from bot.onboarding.routes import CLASS_CODE
from storage.sql.models import ERASED
from web import auth
from web import queries as q
from web.site import SITE, Site, lang_of
from web.texts import text

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def viewer(request: web.Request) -> auth.User:
    """The logged-in account (a page behind login_required always has one)."""
    user = request[auth.USER]
    if user is None:
        raise web.HTTPSeeOther("/login?" + urlencode({"next": request.path_qs}))
    return user


def login_required(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        if request[auth.USER] is None:
            raise web.HTTPSeeOther("/login?" + urlencode({"next": request.path_qs}))
        return await handler(request)

    return guarded


def officials_only(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        if not viewer(request).is_official:
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
    user = viewer(request)
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


def filters_of(v: View, classes: bool = True) -> dict[str, object]:
    """What the filter form offers this viewer: every ward; a facilitator's own classes."""
    wards = [(w.id, w.label(v.lang)) for w in v.site.config.areas.wards]
    mine = list(v.user.classes) if classes and not v.user.is_official else []
    return {"wards": wards, "classes": mine, "ward": v.ward, "class": v.klass}
