"""The tables that say where to act: week by week, age bands and platforms, a class's
members, the certified list, and the short "what next" list. Like web/grids.py, each is shown
as HTML and downloaded as the very same rows (CSV, Excel)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.certificate.routes import show_code
from bot.config import OTHER_AREA
from storage.sql.models import ERASED
from storage.sql.reports import certificates
from web import members, pace, profiles
from web import queries as q
from web.grids import Standing
from web.tables import Column, Grid, Share, cell
from web.views import View, lesson_title, ward_name


def weeks_grid(v: View, weeks: list[pace.Week]) -> Grid:
    """Newest week first."""
    grid = Grid(
        "weeks",
        [
            Column("week", v.t("week_of")),
            Column("started", v.t("started_week"), True),
            Column("certified", v.t("certified_week"), True),
            Column("change", v.t("change"), True),
            Column("certified_total", v.t("certified_total"), True),
        ],
    )
    for w in reversed(weeks):
        change = "–" if w.change is None else f"{w.change:+.0%}"
        grid.rows.append([w.monday, w.started, w.certified, change, w.certified_total])
    return grid


def _profile_grid(
    v: View, name: str, label: str, rows: list[tuple[str, int, int]], names: dict[str, str]
) -> Grid:
    grid = Grid(
        name,
        [
            Column("key", label),
            Column("started", v.t("started"), True),
            Column("certified", v.t("certified"), True),
            Column("share", v.t("certified_share"), True),
        ],
    )
    for key, started, certified in rows:
        grid.rows.append([names.get(key, key), started, certified, Share(certified, started)])
    return grid


async def profile_grids(v: View, s: AsyncSession, counted: datetime | None) -> tuple[Grid, Grid]:
    found = await profiles.profiles(v.site.db, s, v.scope, counted)
    bands = {b.id: b.label(v.lang) for b in v.site.config.age_bands}
    bands |= {"": v.t("not_given"), ERASED: v.t("erased")}
    platforms = {
        key: profiles.platform_name(key, v.t("erased"), v.t("demo_platform"))
        for key, _, _ in found.platforms
    }
    return (
        _profile_grid(v, "ages", v.t("age_band"), found.ages, bands),
        _profile_grid(v, "platforms", v.t("platform"), found.platforms, platforms),
    )


async def members_grid(v: View, s: AsyncSession, code: str) -> Grid:
    zone = ZoneInfo(v.site.config.timezone)
    grid = Grid(
        "members",
        [
            Column("member", v.t("member")),
            Column("platform", v.t("platform")),
            Column("started_on", v.t("started_on")),
            Column("last_lesson", v.t("last_lesson")),
            Column("last_active", v.t("last_active")),
            Column("stuck", v.t("is_stuck")),
            Column("certified", v.t("is_certified")),
        ],
    )
    now = datetime.now(zone)
    for m in await members.class_members(s, code, now):
        lesson = (
            lesson_title(v.site, m.last_lesson, v.lang) if m.last_lesson else v.t("no_lesson_yet")
        )
        if m.last_lesson and not m.last_passed:
            lesson += " " + v.t("failed_mark")
        grid.rows.append(
            [
                m.name or v.t("member_n", n=m.number),
                profiles.platform_name(m.platform, v.t("erased"), v.t("demo_platform")),
                m.started_at.astimezone(zone).date(),
                lesson,
                m.last_active.astimezone(zone).replace(tzinfo=None),
                m.stuck,
                m.certified,
            ]
        )
    return grid


async def certified_grid(v: View) -> Grid:
    """The certified learners for confirmation (as `hocso certificate export`), with
    Vietnamese headers."""
    zone = ZoneInfo(v.site.config.timezone)
    bands = {b.id: b.label(v.lang) for b in v.site.config.age_bands}
    grid = Grid(
        "certified",
        [
            Column("code", v.t("cert_code")),
            Column("name", v.t("cert_name")),
            Column("issued", v.t("issued")),
            Column("ward", v.t("ward")),
            Column("age_band", v.t("age_band")),
            Column("class", v.t("class")),
        ],
    )
    for c in await certificates(v.site.db):
        grid.rows.append(
            [
                show_code(c.code),
                c.name,
                c.issued_at.astimezone(zone).date(),
                ward_name(v.site, c.area, v.lang) if c.area else "",
                bands.get(c.age_band, c.age_band),
                c.class_code,
            ]
        )
    return grid


@dataclass
class NextSteps:
    """What an official should look at first."""

    empty: list[tuple[str, str]] = field(default_factory=list)  # (name, link): no learners
    slowest: list[tuple[str, str, str]] = field(default_factory=list)  # (name, link, words)
    stuck_classes: list[tuple[str, str, int]] = field(default_factory=list)  # (name, link, n)


SHOWN = 5


async def next_steps(v: View, s: AsyncSession, standing: Standing) -> NextSteps:
    out = NextSteps()
    for w in standing.wards:
        if w.key in v.site.wards and not w.group.started and w.key != OTHER_AREA.id:
            out.empty.append(
                (ward_name(v.site, w.key, v.lang), "/overview?" + v.query(ward=w.key))
            )
    ranked = [w for w in standing.wards if w.rank and w.group.started]
    ranked.sort(key=lambda w: -w.rank)
    of = sum(1 for w in standing.wards if w.rank)
    for w in ranked[:SHOWN]:
        share = cell(Share(w.group.certified, w.target), v.lang)
        words = v.t("rank_of", place=w.rank, of=of) + " · " + share
        out.slowest.append(
            (ward_name(v.site, w.key, v.lang), "/overview?" + v.query(ward=w.key), words)
        )
    rows, _ = await q.class_rows(s, v.scope, "stuck", True, 0, SHOWN)
    for c in rows:
        if c.stuck:
            out.stuck_classes.append(
                (f"{c.name or c.code} ({c.code})", f"/classes/{c.code}", c.stuck)
            )
    return out


def range_of(start: str, end: str) -> tuple[date | None, date | None]:
    """?from=2026-01-01&to=2026-01-31 (either may be missing or unreadable: then no limit)."""

    def day(text: str) -> date | None:
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None

    return day(start), day(end)
