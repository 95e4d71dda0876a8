"""Charts drawn on the server as SVG: no script, no chart library, nothing from the internet.

They are drawn 400 units wide with 14-unit text and scale to the screen, so on a phone the
text stays about as large as the page's. Each chart has a title and a description for screen
readers; the page shows its numbers in a table beside it. Every label is escaped.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

WIDTH = 400
INK = "#1f2328"
GRID = "#d0d7de"
COLOURS = ("#0969da", "#1a7f37", "#bf8700", "#8250df")
_ids = itertools.count(1)


def _open(height: int, title: str, desc: str) -> tuple[str, str]:
    n = next(_ids)
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart{n}t chart{n}d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart{n}t">{escape(title)}</title><desc id="chart{n}d">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def _text(x: float, y: float, content: str, size: int = 14, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{INK}">{escape(content)}</text>'
    )


def bars(
    rows: Sequence[tuple[str, int]],
    title: str,
    desc: str,
    shown: Sequence[str] | None = None,
    colour: str = COLOURS[0],
) -> Markup:
    """Horizontal bars, one per row, its label above it and its number (or `shown`) after it:
    long ward names need the width of a phone screen, not a cramped axis."""
    top = max((v for _, v in rows), default=0) or 1
    labels = shown or [f"{v:,}" for _, v in rows]
    room = 8 * max((len(x) for x in labels), default=0) + 12  # for the number after a bar
    row_height = 44
    height = max(row_height * len(rows), 30)
    head, tail = _open(height, title, desc)
    parts = [head]
    for i, (label, value) in enumerate(rows):
        y = i * row_height
        length = (WIDTH - room) * value / top
        parts.append(_text(0, y + 15, label))
        parts.append(
            f'<rect x="0" y="{y + 21}" width="{max(length, 1):.1f}" height="16" rx="2" '
            f'fill="{colour}"/>'
        )
        parts.append(_text(length + 6, y + 34, labels[i]))
    if not rows:
        parts.append(_text(0, 20, "—"))
    parts.append(tail)
    return Markup("".join(parts))


def line(
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[int]]],
    title: str,
    desc: str,
    day_format: str = "%d/%m",
) -> Markup:
    """Lines over time (e.g. learners started and certified so far), with a legend above."""
    left, right, top, bottom = 52, 12, 34, 26
    height = 240
    head, tail = _open(height, title, desc)
    parts = [head]
    for i, (name, _) in enumerate(series):
        x = left + i * 150
        parts.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{COLOURS[i]}"/>')
        parts.append(_text(x + 20, 18, name))
    high = max((max(values, default=0) for _, values in series), default=0) or 1
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 5, _short(round(high * fraction)), 12, "end"))
    if days:
        span = max(len(days) - 1, 1)
        for i, (_, values) in enumerate(series):
            points = " ".join(
                f"{left + plot_w * n / span:.1f},{top + plot_h * (1 - v / high):.1f}"
                for n, v in enumerate(values)
            )
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{COLOURS[i]}" '
                f'stroke-width="2.5" stroke-linejoin="round"/>'
            )
        marks = sorted({0, len(days) // 2, len(days) - 1})
        for n in marks:
            at = left + plot_w * n / span
            anchor = "start" if n == 0 else "end" if n == len(days) - 1 else "middle"
            parts.append(_text(at, height - 6, days[n].strftime(day_format), 12, anchor))
    else:
        parts.append(_text(left + 10, top + plot_h / 2, "—"))
    parts.append(tail)
    return Markup("".join(parts))


def progress(value: int, target: int, title: str, desc: str) -> Markup:
    """One bar: how far toward the target (the page writes the numbers under it)."""
    head, tail = _open(24, title, desc)
    share = min(1.0, value / target) if target else 0.0
    return Markup(
        f'{head}<rect x="0" y="2" width="{WIDTH}" height="20" rx="3" fill="{GRID}"/>'
        f'<rect x="0" y="2" width="{max(WIDTH * share, 2):.1f}" height="20" rx="3" '
        f'fill="{COLOURS[1]}"/>{tail}'
    )


def _short(n: int) -> str:
    """Axis numbers short enough for a phone: 12k, 1.2M."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M".replace(".0M", "M")
    if n >= 10_000:
        return f"{n // 1000}k"
    return str(n)
