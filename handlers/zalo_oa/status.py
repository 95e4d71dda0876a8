"""`hocso reminders status`, the OA's part: how its reminders went, and what they cost.

Prices are the OA owner's (ZALO_OA_PRICE_PAID, ZALO_OA_PRICE_TEMPLATE, VND a message, from
oa.zalo.me/home/pricing and the template's detail): consultation messages 48 h-7 days are
billed when sent, templates when delivered (research/zalo-oa.md §5.4), so a template is
costed on its receipts, or on its sends while no receipt came back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from handlers.zalo_oa.keys import OAKeys
from handlers.zalo_oa.reach import (
    DELIVERED,
    FREE,
    NIGHT,
    PAID,
    PAUSED,
    REFUSED,
    TEMPLATE,
    UNREACHED,
    Ledger,
    TemplatePause,
)
from handlers.zalo_oa.settings import ZaloOASettings
from storage.redis.keys import Keys

ROWS = (
    (FREE, "free consultation (under 48 h)"),
    (PAID, "paid consultation (48 h-7 days)"),
    (TEMPLATE, "template message"),
    (DELIVERED, "  of which delivered"),
    (UNREACHED, "not reached: out of window, no number/template"),
    (NIGHT, "template due at night: not sent"),
    (PAUSED, "template paused (no money): not sent"),
    (REFUSED, "refused templates: reminders stopped"),
)


def cost(counts: dict[str, int], settings: ZaloOASettings) -> float:
    templates = counts.get(DELIVERED, 0) or counts.get(TEMPLATE, 0)
    return counts.get(PAID, 0) * settings.price_paid + templates * settings.price_template


async def status_lines(
    redis: Redis, keys: Keys, settings: ZaloOASettings, now: float, timezone: str
) -> list[str]:
    oa_keys = OAKeys(keys, settings.oa_id)
    ledger = Ledger(redis, oa_keys)
    today = datetime.fromtimestamp(now, ZoneInfo(timezone)).date()
    month = [(today - timedelta(days=n)).isoformat() for n in range(30)]
    day, last30 = await ledger.days([today.isoformat()]), await ledger.days(month)
    lines = [
        f"Zalo OA {settings.oa_id}: reminders by how they went",
        f"{'':48} {'today':>8} {'30 days':>9}",
    ]
    for kind, name in ROWS:
        lines.append(f"{name:48} {day[kind]:>8,} {last30[kind]:>9,}")
    lines.append(
        f"{'estimated cost, VND':48} {cost(day, settings):>8,.0f} {cost(last30, settings):>9,.0f}"
    )
    if not settings.price_paid and not settings.price_template:
        lines.append(
            "(no prices set: ZALO_OA_PRICE_PAID, ZALO_OA_PRICE_TEMPLATE; docs/zalo-oa.md)"
        )
    if why := await TemplatePause(redis, oa_keys).why():
        lines.append(f"TEMPLATES PAUSED for every worker: {why}")
    return lines
