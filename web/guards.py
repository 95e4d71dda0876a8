"""Guards around the pages: the brake on guessing certificate codes, and the headers that
keep pages holding data out of caches and other sites' frames."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from storage import metrics
from web.brake import VERIFY
from web.site import SITE, render

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def braked_lookups(handler: Handler) -> Handler:
    """/verify/CODE is public: a code that finds nothing counts against the address (counted
    before the look-up, taken back when it finds one), so codes cannot be tried by the
    thousand; past VERIFY's free ones the page asks to wait a minute."""

    async def lookup(request: web.Request) -> web.StreamResponse:
        site = request.app[SITE]
        tried, wait = await site.brake.reserve(site.brake.verify_counts(request.remote or "?"))
        if tried is None:
            refused = await render(request, "error.html", status=429, message="verify_wait")
            refused.headers["Retry-After"] = str(min(int(wait) + 1, int(VERIFY.longest)))
            return refused
        response = await handler(request)
        if response.status == 200:
            await site.brake.take_back(tried)
        return response

    return lookup


async def metrics_page(request: web.Request) -> web.StreamResponse:
    """Prometheus' scrape of this process (failed logins): from this machine only, unless
    HOCSO_METRICS_FROM allows more (storage/metrics.py); others see no such page."""
    if not metrics.may_scrape(request.remote or "", request.headers):
        raise web.HTTPNotFound
    body, content_type = metrics.exposition()
    return web.Response(body=body, headers={"Content-Type": content_type})


async def headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every response, static files and errors too (an `on_response_prepare` hook): no
    server version to look up known holes by, no framing by old browsers that ignore CSP's
    frame-ancestors, and nothing but the stylesheet and script kept in caches (pages and CSVs
    hold learners' numbers and names, and a shared computer's cache outlives a logout)."""
    response.headers["Server"] = "hocso"
    response.headers["X-Frame-Options"] = "DENY"
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
