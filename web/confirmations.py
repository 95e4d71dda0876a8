"""VNeID confirmation as learners report it (issue 25), for the web page: small additions,
kept apart from the page templates.

Two downloads behind login, scoped as every page is (an official sees everyone, a facilitator
their own classes; `?ward=` and `?class=` filter):

- /vneid.csv: per ward and per class, the learners whose newest answer is "confirmed",
  "not yet" and "asked for help" (SELF-REPORTED: hocso cannot check it);
- /vneid-help.csv: the learners who asked for help, for a facilitator to visit: class, ward,
  the day they asked, their name only if they agreed to share it. No chat ids.

`answers` gives the page the same numbers to show (see the report of issue 25 for what the
page should show).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from storage.sql.confirmations import SELF_REPORTED, Counts, counts_by, help_requests
from web import queries as q
from web.tables import csv_response, no_formula
from web.views import View, login_required, view_of, ward_name


@dataclass(frozen=True)
class Answers:
    """What the page shows: the viewer's learners' answers per ward and per class."""

    by_ward: list[Counts]
    by_class: list[Counts]

    @property
    def confirmed(self) -> int:
        return sum(c.yes for c in self.by_ward)

    @property
    def asked_for_help(self) -> int:
        return sum(c.help for c in self.by_ward)


async def answers(s: AsyncSession, scope: q.Scope) -> Answers:
    """Every answer so far of the learners the viewer may see."""
    by_ward = await counts_by(s, "area", classes=scope.classes, area=scope.area)
    by_class = await counts_by(s, "class", classes=scope.classes, area=scope.area)
    return Answers(by_ward, by_class)


@login_required
async def counts_csv(request: web.Request) -> web.StreamResponse:
    v = view_of(request)
    async with v.site.db.session() as s:
        found = await answers(s, v.scope)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["by", "name", "confirmed", "not_yet", "asked_for_help", "answered", "source"])
    for by, counts in (("ward", found.by_ward), ("class", found.by_class)):
        for c in counts:
            name = ward_name(v.site, c.key, v.lang) if by == "ward" else c.key or "-"
            writer.writerow([by, name, c.yes, c.no, c.help, c.answered, SELF_REPORTED])
    return csv_response("\ufeff" + out.getvalue(), "vneid.csv")


@login_required
async def help_csv(request: web.Request) -> web.StreamResponse:
    v = view_of(request)
    found = await help_requests(v.site.db, v.scope.classes, v.scope.area)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["class", "class_name", "ward", "asked_on", "name", "source"])
    zone = ZoneInfo(v.site.config.timezone)
    for r in found:
        day = r.asked_at.astimezone(zone).date().isoformat()
        cells = [r.class_code, r.class_name, _ward(v, r.area), day, r.name]
        writer.writerow([no_formula(c) for c in cells] + [SELF_REPORTED])
    return csv_response("\ufeff" + out.getvalue(), "vneid-help.csv")


def _ward(v: View, key: str) -> str:
    return ward_name(v.site, key, v.lang) if key else ""
