"""The webhook server: Telegram POSTs updates here instead of us polling for them.

POST {path of webhook_url}  an update; refused (403) without Telegram's secret token header.
GET  /health                200 when Redis answers, 503 otherwise (for load balancers).

Each update is processed before Telegram gets its 200, so a crash mid-way means Telegram
sends it again. The update_id check keeps a finished one from running twice; one still
marked busy (by a worker that may have died) gets 503, so Telegram tries again later.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from urllib.parse import urlsplit

from aiohttp import web
from redis.asyncio import Redis
from telegram import Update
from telegram.ext import Application

from bot.config import TelegramSettings
from storage.keys import Keys

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(
    application: Application, settings: TelegramSettings, redis: Redis, keys: Keys
) -> web.Application:
    expected = settings.webhook_secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secrets.compare_digest(given, expected):
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), application.bot)
        except Exception:  # noqa: BLE001  (not JSON, or not an update)
            return web.Response(status=400, text="not an update")
        if await _in_progress(redis, keys, update.update_id):
            return web.Response(status=503, text="in progress elsewhere; try again later")
        processor = application.update_processor
        await processor.process_update(update, application.process_update(update))
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        try:
            ok = bool(await redis.ping())
        except Exception:  # noqa: BLE001
            ok = False
        return web.json_response({"ok": ok}, status=200 if ok else 503)

    web_app = web.Application(client_max_size=1024**2)
    web_app.router.add_post(urlsplit(settings.webhook_url).path or "/telegram", receive)
    web_app.router.add_get("/health", health)
    return web_app


async def _in_progress(redis: Redis, keys: Keys, update_id: int) -> bool:
    try:
        state = await redis.get(keys.telegram_update(update_id))
    except Exception:  # noqa: BLE001  (without Redis, processing answers "busy" to the learner)
        return False
    return state in (b"busy", "busy")


async def serve_webhook(
    application: Application,
    settings: TelegramSettings,
    redis: Redis,
    keys: Keys,
    stop: asyncio.Event,
    allowed_updates: list[str],
) -> None:
    """Listen, tell Telegram where to post, and serve until `stop` is set."""
    runner = web.AppRunner(webhook_app(application, settings, redis, keys), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.listen, settings.port)
    await site.start()
    try:
        await application.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=allowed_updates,
        )
        await stop.wait()
    finally:
        await runner.cleanup()  # finishes the requests in progress
