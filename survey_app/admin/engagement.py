"""Engagement: QI run charts of responses, doors knocked and completion rate, and their CSV."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, render_template, request
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from analysis.runcharts import RunChart, run_chart

from .. import storage
from ..auth.access import role_required
from ..charts import explain, render_svg
from ..exports.files import csv_response
from ..storage.measures import MEASURES, PERIODS
from . import bp
from .forms import KIND_NAMES

# Whole sentences, not stitched words: other languages inflect them differently.
PERIOD_NAMES = {"day": _l("Each day"), "week": _l("Each week"), "month": _l("Each month")}
MEASURE_NAMES = {
    "responses": _l("Responses"),
    "doors": _l("Doors knocked"),
    "completion": _l("Completion rate (per cent of doors knocked)"),
}
CHART_TITLES = {
    ("responses", "day"): _l("Responses per day"),
    ("responses", "week"): _l("Responses per week"),
    ("responses", "month"): _l("Responses per month"),
    ("doors", "day"): _l("Doors knocked per day"),
    ("doors", "week"): _l("Doors knocked per week"),
    ("doors", "month"): _l("Doors knocked per month"),
    ("completion", "day"): _l("Completion rate per day (%)"),
    ("completion", "week"): _l("Completion rate per week (%)"),
    ("completion", "month"): _l("Completion rate per month (%)"),
}
DATE_FORMATS = {"day": "d MMM yyyy", "week": "d MMM yyyy", "month": "MMM yyyy"}


def _points(raw: str) -> list[int]:
    """'3, 8' → [2, 7]: people count points from 1, lists from 0. Anything else is ignored."""
    return [
        int(part) - 1
        for part in raw.replace(" ", "").split(",")
        if part.isdigit() and int(part) > 0
    ]


@dataclass(frozen=True)
class ChartOptions:
    measure: str
    period: str
    kind: str
    baseline: int | None
    breaks: str
    excluded: str
    astronomical: str

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> ChartOptions:
        measure, period, kind = (
            args.get("measure", ""),
            args.get("period", ""),
            args.get("kind", ""),
        )
        baseline = args.get("baseline", type=int)
        return cls(
            measure=measure if measure in MEASURES else "responses",
            period=period if period in PERIODS else "week",
            kind=kind if kind in KIND_NAMES else "",
            baseline=baseline if baseline and baseline > 0 else None,
            breaks=args.get("breaks", "")[:200],
            excluded=args.get("excluded", "")[:200],
            astronomical=args.get("astronomical", "")[:200],
        )

    @property
    def title(self) -> str:
        return str(CHART_TITLES[(self.measure, self.period)])


def _chart(options: ChartOptions) -> tuple[list[str], list[float | None], RunChart]:
    series = storage.measures.series(
        storage.get_db(), options.measure, options.period, options.kind or None
    )
    labels = [format_date(start, DATE_FORMATS[options.period]) for start, _value in series]
    values = [value for _start, value in series]
    chart = run_chart(
        values,
        baseline=options.baseline,
        breaks=_points(options.breaks),
        excluded=_points(options.excluded),
    )
    return labels, values, chart


@bp.get("/engagement")
@role_required("coordinator", "analyst")
def engagement() -> str:
    options = ChartOptions.from_args(request.args)
    labels, values, chart = _chart(options)
    astronomical = set(_points(options.astronomical))
    rows = [
        (i + 1, label, value, chart.centre_at(i), i in chart.excluded, i in astronomical)
        for i, (label, value) in enumerate(zip(labels, values, strict=True))
    ]
    return render_template(
        "admin/engagement.html",
        options=options,
        rows=rows,
        svg=render_svg(chart, labels, options.title, "engagement-chart", astronomical),
        findings=explain(chart, [labels[i] for i in sorted(astronomical) if i < len(labels)]),
        periods=PERIOD_NAMES,
        measures=MEASURE_NAMES,
        kinds=KIND_NAMES,
    )


@bp.get("/engagement.csv")
@role_required("coordinator", "analyst")
def engagement_csv() -> Response:
    options = ChartOptions.from_args(request.args)
    _labels, values, chart = _chart(options)
    series = storage.measures.series(
        storage.get_db(), options.measure, options.period, options.kind or None
    )
    astronomical = set(_points(options.astronomical))
    header = ["point", "period_start", options.measure, "median", "excluded", "astronomical"]
    rows = [
        [
            i + 1,
            start.isoformat(),
            "" if value is None else value,
            chart.centre_at(i),
            int(i in chart.excluded),
            int(i in astronomical),
        ]
        for i, (start, value) in enumerate(series)
    ]
    name = f"{options.measure}-per-{options.period}.csv"
    storage.exports.record(
        storage.get_db(), int(current_user.user.id), None, f"chart {name}", "csv", len(rows)
    )
    return csv_response([header, *rows], name)
