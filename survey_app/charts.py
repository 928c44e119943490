"""Run charts drawn on the server as SVG: readable without JavaScript, printable, accessible.

The chart carries a title and a description; the page puts the data beside it as a
table, and the signals are explained in words, so nothing depends on seeing the lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import format_decimal, gettext, ngettext
from markupsafe import Markup, escape

from analysis.runcharts import RunChart

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56


@dataclass(frozen=True)
class Explained:
    """A rule's finding in words, for the page and the chart's description."""

    text: str
    signal: bool


def explain(chart: RunChart, astronomical: Sequence[str] = ()) -> list[Explained]:
    """What each rule says about each part of the chart, in the reader's language.

    ``astronomical`` names the points a person marked as far outside the rest: no
    rule finds those, a person who knows the process does.
    """
    lines: list[Explained] = [
        Explained(gettext("Astronomical point, marked by a person: %(point)s.", point=label), True)
        for label in astronomical
    ]
    for number, part in enumerate(chart.parts, start=1):
        prefix = ""
        if len(chart.parts) > 1:
            prefix = gettext("Part %(number)s: ", number=format_decimal(number))
        if part.useful < 10:
            text = ngettext(
                "Only %(num)s point is off the median: too few to tell a change from "
                "chance yet (10 or more are needed).",
                "Only %(num)s points are off the median: too few to tell a change from "
                "chance yet (10 or more are needed).",
                part.useful,
            )
            lines.append(Explained(prefix + text, False))
            continue
        text = ngettext(
            "Longest run on one side of the median: %(num)s point (more than "
            "%(limit)s would be unusual).",
            "Longest run on one side of the median: %(num)s points (more than "
            "%(limit)s would be unusual).",
            part.longest_run,
            limit=format_decimal(part.longest_run_limit),
        )
        lines.append(Explained(prefix + text, part.runs_signal))
        text = ngettext(
            "The line crosses the median %(num)s time (fewer than %(limit)s would be unusual).",
            "The line crosses the median %(num)s times (fewer than %(limit)s would be unusual).",
            part.crossings,
            limit=format_decimal(part.crossings_limit),
        )
        lines.append(Explained(prefix + text, part.crossings_signal))
        for start, end in part.shifts:
            text = ngettext(
                "Shift: %(num)s point in a row on one side of the median.",
                "Shift: %(num)s points in a row on one side of the median.",
                end - start + 1,
            )
            lines.append(Explained(prefix + text, True))
        for start, end in part.trends:
            text = ngettext(
                "Trend: %(num)s point in a row each going the same way.",
                "Trend: %(num)s points in a row each going the same way.",
                _count(chart, start, end),
            )
            lines.append(Explained(prefix + text, True))
    return lines


def _count(chart: RunChart, start: int, end: int) -> int:
    return sum(
        1 for i in range(start, end + 1) if chart.values[i] is not None and i not in chart.excluded
    )


def _scale(chart: RunChart) -> tuple[float, float]:
    seen = [v for v in chart.values if v is not None]
    seen += [p.centre for p in chart.parts if not math.isnan(p.centre)]
    top = max(seen, default=1.0)
    bottom = min(0.0, min(seen, default=0.0))
    return bottom, (top if top > bottom else bottom + 1)


def render_svg(
    chart: RunChart,
    labels: Sequence[str],
    title: str,
    chart_id: str,
    astronomical: set[int] | frozenset[int] = frozenset(),
) -> Markup:
    """An inline SVG run chart; ``labels`` name the points along the bottom."""
    low, high = _scale(chart)
    count = max(len(chart.values), 1)

    def x(i: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (i + 0.5) / count

    def y(v: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (v - low) / (high - low))

    flagged = {i for p in chart.parts for s, e in p.shifts + p.trends for i in range(s, e + 1)}
    description = " ".join(line.text for line in explain(chart)) or gettext("No data yet.")
    out = [
        f'<svg class="run-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#484949"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#484949"/>',
    ]
    for tick in (low, (low + high) / 2, high):
        out.append(
            f'<text x="{LEFT - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'font-size="12" fill="#0b0c0c">{escape(format_decimal(round(tick, 1)))}</text>'
        )
    for part in chart.parts:
        if math.isnan(part.centre):
            continue
        out.append(
            f'<line class="centre" x1="{x(part.start) - 6:.1f}" y1="{y(part.centre):.1f}" '
            f'x2="{x(part.end - 1) + 6:.1f}" y2="{y(part.centre):.1f}" stroke="#005a30" '
            'stroke-width="2" stroke-dasharray="6 4"/>'
        )
    for part in chart.parts:
        points = [
            f"{x(i):.1f},{y(v):.1f}"
            for i, v in enumerate(chart.values)
            if part.start <= i < part.end and v is not None
        ]
        if len(points) > 1:
            out.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="#1d4f91" '
                'stroke-width="2"/>'
            )
    for i, value in enumerate(chart.values):
        if value is None:
            continue
        if i in astronomical:  # a diamond: a person's annotation
            cx, cy = x(i), y(value)
            out.append(
                f'<polygon points="{cx:.1f},{cy - 8:.1f} {cx + 8:.1f},{cy:.1f} '
                f'{cx:.1f},{cy + 8:.1f} {cx - 8:.1f},{cy:.1f}" fill="#ffdd00" '
                'stroke="#0b0c0c" stroke-width="2" data-astronomical="true"/>'
            )
        elif i in chart.excluded:  # a hollow marker: shown, not counted
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="5" fill="#ffffff" '
                'stroke="#484949" stroke-width="2" data-excluded="true"/>'
            )
        elif i in flagged:  # a square: a signal, told by shape as well as colour
            out.append(
                f'<rect x="{x(i) - 6:.1f}" y="{y(value) - 6:.1f}" width="12" height="12" '
                'fill="#b3261e" data-signal="true"/>'
            )
        else:
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="4.5" fill="#1d4f91"/>')
    step = max(1, math.ceil(count / 8))
    for i, label in enumerate(labels):
        if i % step == 0:
            out.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle" '
                f'font-size="12" fill="#0b0c0c">{escape(label)}</text>'
            )
    out.append("</svg>")
    return Markup("\n".join(out))
