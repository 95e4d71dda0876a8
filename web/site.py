"""What every page of `hocso web` shares: the Site (settings, database, course, templates,
brakes on guessing), the viewer's language, and rendering a template."""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote, urlsplit

import jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.config import Choice
from bot.content.lessons import Curriculum
from storage.sql.db import Database
from web import auth
from web.brake import Brake, Checks
from web.rollup import Course
from web.settings import WebConfig
from web.texts import LANGS, text

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LANG = web.RequestKey("lang", str)


@dataclass
class Site:
    """What every page needs, made once."""

    config: WebConfig
    db: Database
    curriculum: Curriculum | None
    templates: jinja2.Environment
    login_delay: float = 0.5  # seconds added to each failed login
    # The brakes on guessing (web/brake.py): counts in Redis, or in this process.
    brake: Brake = field(default_factory=lambda: Brake(None, "hocso", secrets.token_bytes(32)))
    checks: Checks = field(default_factory=Checks)

    @cached_property
    def wards(self) -> dict[str, Choice]:
        return {w.id: w for w in self.config.areas.wards}

    @property
    def course(self) -> Course:
        return course_of(self.curriculum)


def course_of(curriculum: Curriculum | None) -> Course:
    """The funnel's first lesson and first module (none known: any lesson, any module)."""
    if not curriculum or not curriculum.modules:
        return Course()
    first = curriculum.modules[0]
    return Course(first.lessons[0].id if first.lessons else "", first.id)


SITE = web.AppKey("site", Site)


def lang_of(request: web.Request) -> str:
    return request.get(LANG, "vi")


async def render(
    request: web.Request, template: str, status: int = 200, **context: object
) -> web.Response:
    site = request.app[SITE]
    session = await get_session(request)
    lang = lang_of(request)
    html = site.templates.get_template(template).render(
        lang=lang,
        t=lambda key, **values: text(key, lang, **values),
        user=request.get(auth.USER),
        csrf=auth.csrf_token(session),
        path=request.path,
        here=quote(request.path_qs, safe="/"),
        sort_key=request.query.get("sort", ""),
        sort_desc=request.query.get("desc") == "1",
        campaign=site.config.campaign.name,
        **context,
    )
    return web.Response(text=html, content_type="text/html", status=status)


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The chosen language for this request; kind pages for 403 and 404."""
    session = await get_session(request)
    chosen = session.get("lang")
    request[LANG] = chosen if isinstance(chosen, str) and chosen in LANGS else "vi"
    try:
        return await handler(request)
    except auth.CsrfRefused:
        raise  # it says what to do itself
    except web.HTTPForbidden:
        return await render(request, "error.html", status=403, message="forbidden")
    except web.HTTPNotFound:
        return await render(request, "error.html", status=404, message="not_found")


# Browsers drop tabs and line breaks anywhere in a URL (and other controls at its ends):
# "/\t/evil.example" would be followed as "//evil.example", another site.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def local_path(target: str) -> str:
    """Only a path on this site: a link cannot send someone elsewhere after logging in."""
    target = _CONTROLS.sub("", target).strip()
    parts = urlsplit(target)
    if (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or parts.scheme
        or parts.netloc
    ):
        return "/overview"
    return target
