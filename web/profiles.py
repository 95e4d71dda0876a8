"""Learners by age band and by platform (Telegram, Zalo Bot, Zalo OA), as `hocso report`
splits them: started and certified.

Counted from the learners table itself (grouped by its two short columns, narrowed by the ward
or class index), once per recount and scope: the answer is kept in memory until the next
recount, so a page reads it for free. app.py counts the whole campaign's right after each
recount, so no official waits for it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from weakref import WeakKeyDictionary

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.platforms import platform_names
from storage.sql.db import Database
from storage.sql.models import ERASED, Certificate, Learner
from web import queries as q

# A learner's platform is the start of their id ("tg:123"); names as officials know them,
# from the registry of platforms (a Zalo Official Account is named there once it is added).
PLATFORMS = platform_names()
KEEP = 256  # scopes remembered (wards, classes), newest first


@dataclass
class Profiles:
    ages: list[tuple[str, int, int]] = field(default_factory=list)  # (band id, started, certified)
    platforms: list[tuple[str, int, int]] = field(default_factory=list)  # (platform, ...)


# Per database (forgotten with it), the newest scopes asked for.
_caches: WeakKeyDictionary[Database, OrderedDict[tuple, Profiles]] = WeakKeyDictionary()


async def profiles(
    db: Database, s: AsyncSession, scope: q.Scope, counted: datetime | None
) -> Profiles:
    """The scope's learners by age band and platform, as of the last recount."""
    cache = _caches.setdefault(db, OrderedDict())
    key = (scope, counted)
    found = cache.get(key)
    if found is not None:
        cache.move_to_end(key)
        return found
    found = Profiles(await _by(s, scope, Learner.age_band), await _by(s, scope, Learner.platform))
    cache[key] = found
    while len(cache) > KEEP:
        cache.popitem(last=False)
    return found


async def _by(s: AsyncSession, scope: q.Scope, column) -> list[tuple[str, int, int]]:  # noqa: ANN001
    certified = select(Certificate.learner_id).distinct().subquery()
    query = (
        select(column, func.count(), func.count(certified.c.learner_id))
        .select_from(Learner)
        .outerjoin(certified, certified.c.learner_id == Learner.id)
        .group_by(column)
        .order_by(func.count().desc(), column)
    )
    if scope.area is not None:
        query = query.where(Learner.area == scope.area)
    if scope.classes is not None:
        query = query.where(Learner.class_code.in_(scope.classes))
    return [(key or "", int(n), int(c)) for key, n, c in await s.execute(query)]


def platform_name(key: str, erased: str, demo: str) -> str:
    if key == ERASED:
        return erased
    if key == "demo":
        return demo
    return PLATFORMS.get(key, key)
