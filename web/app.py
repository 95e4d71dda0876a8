"""The aiohttp application of `hocso web`: its parts, routes and middlewares in one place.

    build_app(config, database, curriculum, secret)  the application (tests serve it too)
    serve(config)                                    run it until Ctrl+C / SIGTERM

Pages are rendered on the server (Jinja2, every value escaped); a little script only
submits a filter when it changes. Nothing is loaded from the internet.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import jinja2
from aiohttp import web
from aiohttp_session import get_session, session_middleware
from redis.asyncio import Redis
from sqlalchemy.exc import SQLAlchemyError

from bot.content.lessons import Curriculum, LessonError, load_curriculum
from storage.redis.asks import ClassAsks
from storage.redis.keys import Keys
from storage.redis.url import open_redis
from storage.sql.db import Database, SchemaMissing, open_database
from web import auth, certificates, class_pages, confirmations, guards, login, pages, reminding
from web.brake import Brake
from web.rollup import refresh
from web.settings import WebConfig
from web.site import SITE, Site, errors_middleware, local_path
from web.tables import cell
from web.texts import LANGS

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_app(
    config: WebConfig,
    db: Database,
    curriculum: Curriculum | None,
    secret: str,
    recount: bool = True,
    login_delay: float = 0.5,
    redis: Redis | None = None,
) -> web.Application:
    """The application; with `recount`, it recounts the numbers every `web.refresh` seconds.
    `redis` keeps the brakes' counts for every process (None: this process only) and takes
    the reminders facilitators ask for to the bot (None: the page says it cannot send them)."""
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templates.globals["cell"] = cell
    brake = Brake(redis, config.redis.prefix, hashlib.sha256(b"brake:" + secret.encode()).digest())
    site = Site(config, db, curriculum, templates, login_delay, brake)
    app = web.Application(
        middlewares=[
            auth.https_middleware,
            session_middleware(auth.session_storage(secret)),
            errors_middleware,
            auth.csrf_middleware,
            auth.user_middleware(db),
        ]
    )
    app[SITE] = site
    app.on_response_prepare.append(guards.headers)
    app.router.add_get("/", home)
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", guards.metrics_page)
    app.router.add_get("/login", login.login_form)
    app.router.add_post("/login", login.login)
    app.router.add_post("/logout", login.logout)
    app.router.add_get("/lang/{lang}", choose_language)
    app.router.add_get("/overview", pages.overview)
    app.router.add_get("/wards", pages.wards)
    app.router.add_get("/modules", pages.modules)
    app.router.add_get("/classes", pages.classes)
    app.router.add_get("/classes/{code}", class_pages.class_page)
    app.router.add_get("/classes/{code}/qr.png", class_pages.class_qr)
    app.router.add_get("/certificates", certificates.certificates)
    app.router.add_get("/verify", certificates.verify_form)
    app.router.add_get("/verify/{code}", guards.braked_lookups(certificates.verify))
    app.router.add_get("/csv/{name}.csv", pages.download)
    app.router.add_get("/vneid.csv", confirmations.counts_csv)  # self-reported, issue 25
    app.router.add_get("/vneid-help.csv", confirmations.help_csv)
    app.router.add_get("/xlsx/{name}.xlsx", pages.download_xlsx)
    app.router.add_post("/wards/targets", pages.upload_targets)
    app.router.add_get("/wards/targets.csv", pages.targets_template)
    app.router.add_get("/classes/{code}/print", class_pages.class_print)
    app.router.add_get("/classes/{code}/certificates", class_pages.class_certificates)
    app.router.add_post("/classes/{code}/remind", class_pages.class_remind)
    if redis is not None:  # the bot's reminders take the page's requests there
        app[reminding.ASKS] = ClassAsks(redis, Keys(config.redis.prefix, config.redis.shards))
    app.router.add_static("/static", HERE / "static", append_version=False)
    if recount:
        app.cleanup_ctx.append(_recount_loop)
    return app


async def _recount_loop(app: web.Application) -> AsyncIterator[None]:
    site = app[SITE]
    task = asyncio.create_task(recount_forever(site))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def recount_forever(site: Site) -> None:
    """Recount now, then every `web.refresh` seconds (or ten times as long as a recount took,
    if that is longer: a slow database is not kept busy recounting)."""
    pause = float(site.config.web.refresh)
    while True:
        try:
            took = await refresh(site.db, site.config.timezone, site.course)
            pause = max(float(site.config.web.refresh), 10 * took)
        except Exception:
            log.exception("could not recount the numbers; trying again later")
        await asyncio.sleep(pause)


async def home(request: web.Request) -> web.StreamResponse:
    return _redirect("/overview")


async def health(request: web.Request) -> web.StreamResponse:
    return web.Response(text="ok")


async def choose_language(request: web.Request) -> web.StreamResponse:
    lang = request.match_info["lang"]
    session = await get_session(request)
    if lang in LANGS:
        session["lang"] = lang
    return _redirect(local_path(request.query.get("next", "/")))


def _redirect(location: str) -> web.StreamResponse:
    raise web.HTTPSeeOther(location)


# -- running -----------------------------------------------------------------------------


def serve(config: WebConfig) -> int:
    """`hocso web`: serve until Ctrl+C or SIGTERM; 2 with one line if it cannot start."""
    secret = config.web.secret
    if not secret:
        if not auth.is_loopback(config.web.listen):
            print(
                f"hocso: web.secret (HOCSO_WEB_SECRET) is needed to listen on "
                f"{config.web.listen}: set 16 or more random characters, e.g. from "
                "`openssl rand -hex 32`",
                flush=True,
            )
            return 2
        # Only this computer can reach the page: a secret of this run will do (logins end
        # when it stops).
        secret = secrets.token_urlsafe(32)
    try:
        curriculum = load_curriculum(config.lessons_dir)
    except LessonError:
        curriculum = None  # the page then shows lesson and question ids instead of titles
    db = open_database(config.database, config.data_dir)

    async def start() -> web.Application:
        await db.ensure_schema()
        redis = None
        if config.redis.url:  # the brakes' counts, shared; the bot's reminders
            redis = open_redis(
                config.redis.url,
                decode_responses=True,
                socket_connect_timeout=config.redis.connect_timeout,
                socket_timeout=config.redis.timeout,
            )
        app = build_app(config, db, curriculum, secret, redis=redis)
        app.on_cleanup.append(lambda _: db.dispose())
        if redis is not None:
            app.on_cleanup.append(lambda _: redis.aclose())
        return app

    print(f"hocso web: http://{config.web.listen}:{config.web.port}/ (Ctrl+C stops it)")
    try:
        web.run_app(start(), host=config.web.listen, port=config.web.port, print=None)
    except (SQLAlchemyError, SchemaMissing, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"hocso: the web page could not start: {first}", flush=True)
        return 2
    return 0
