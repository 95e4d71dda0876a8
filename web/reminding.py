"""The reminders a facilitator asks for on a class's page ("Nhắc cả lớp", "nhắc người này"),
handed to the bot through Redis (storage/redis/asks.py): the bot's reminder loop sends them with
its own claims, quiet hours, platform windows and limits, at most one a learner a day.

The reporting tables keep each learner's platform id (storage/sql/models.py `Learner`), the
same id the bot keeps their state under ("tg:1001"), so the page can name them to the bot.
Without a shared Redis (`hocso web` alone, embedded) the page cannot reach the bot: it says so.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.redis.asks import ClassAsks
from storage.sql.models import ERASED, Learner
from web.members import LIMIT
from web.site import SITE

log = logging.getLogger(__name__)
ASKS = web.AppKey("class_asks", ClassAsks)  # absent: no Redis shared with the bot


@dataclass(frozen=True)
class Outcome:
    """What the page says after a press: `asked` queued, `already` reminded today; or that
    nothing could be sent (`off`: no bot to reach; `down`: Redis did not answer)."""

    asked: int = 0
    already: int = 0
    off: bool = False
    down: bool = False

    def query(self) -> str:
        if self.off or self.down:
            return "remind=" + ("off" if self.off else "down")
        return f"remind=ok&asked={self.asked}&already={self.already}"

    @staticmethod
    def of(query: Mapping[str, str]) -> Outcome | None:
        """The outcome named in a page's query string, or None (no press just now)."""
        said = query.get("remind")
        if said in ("off", "down"):
            return Outcome(off=said == "off", down=said == "down")
        numbers = [query.get(name, "0") for name in ("asked", "already")]
        if said != "ok" or not all(n.isdigit() and len(n) < 7 for n in numbers):
            return None
        return Outcome(int(numbers[0]), int(numbers[1]))


async def class_users(s: AsyncSession, code: str) -> list[str]:
    """The class's members' ids ("tg:1001"), in the order of the members table (place n is
    item n - 1); "" for a member who was forgotten."""
    rows = await s.execute(
        select(Learner.platform, Learner.platform_user)
        .where(Learner.class_code == code)
        .order_by(Learner.started_at, Learner.id)
        .limit(LIMIT)
    )
    return ["" if p == ERASED else f"{p}:{u}" for p, u in rows]


async def ask_reminders(app: web.Application, code: str, member: int | None) -> Outcome:
    """Ask the bot to remind the class (`member` None) or its member at place `member`."""
    asks = app.get(ASKS)
    if asks is None:
        return Outcome(off=True)
    site = app[SITE]
    async with site.db.session() as s:
        users = await class_users(s, code)
    if member is not None:
        users = users[member - 1 : member] if member >= 1 else []
    platforms = site.config.reminders.platforms
    reachable = [u for u in users if u and u.partition(":")[0] in platforms]
    day = datetime.fromtimestamp(asks.clock(), ZoneInfo(site.config.timezone)).date()
    try:
        asked = await asks.ask(reachable, day.isoformat())
    except RedisError as exc:
        log.warning("class reminders: Redis did not answer (%s)", type(exc).__name__)
        return Outcome(down=True)
    log.info("class reminders for %s: %d asked, %d already today", code, asked.queued,
             asked.already)  # fmt: skip
    return Outcome(asked.queued, asked.already)
