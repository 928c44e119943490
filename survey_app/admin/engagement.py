"""Engagement: QI run charts of responses per day, week or month, and their CSV."""

from __future__ import annotations

import csv
import io

from flask import Response, render_template, request
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from analysis.runcharts import RunChart, run_chart

from .. import storage
from ..auth.access import role_required
from ..charts import explain, render_svg
from . import bp

# Whole sentences, not stitched words: other languages inflect them differently.
PERIOD_NAMES = {"day": _l("Each day"), "week": _l("Each week"), "month": _l("Each month")}
CHART_TITLES = {
    "day": _l("Responses per day"),
    "week": _l("Responses per week"),
    "month": _l("Responses per month"),
}


def _engagement(period: str, baseline: int | None) -> tuple[list[str], list[int], RunChart]:
    series = storage.responses.counts_by_period(storage.get_db(), period)
    formats = {"day": "d MMM yyyy", "week": "d MMM yyyy", "month": "MMM yyyy"}
    labels = [format_date(start, formats[period]) for start, _count in series]
    values = [count for _start, count in series]
    return labels, values, run_chart([float(v) for v in values], baseline=baseline)


def _period_and_baseline() -> tuple[str, int | None]:
    period = request.args.get("period", "week")
    if period not in storage.responses.PERIODS:
        period = "week"
    baseline = request.args.get("baseline", type=int)
    return period, baseline if baseline and baseline > 0 else None


@bp.get("/engagement")
@role_required("coordinator", "analyst")
def engagement() -> str:
    period, baseline = _period_and_baseline()
    labels, values, chart = _engagement(period, baseline)
    title = str(CHART_TITLES[period])
    return render_template(
        "admin/engagement.html",
        period=period,
        baseline=baseline,
        rows=list(
            zip(labels, values, [chart.centre_at(i) for i in range(len(values))], strict=True)
        ),
        svg=render_svg(chart, labels, title, "responses-chart"),
        findings=explain(chart),
        title=title,
        periods=[(key, str(name)) for key, name in PERIOD_NAMES.items()],
    )


@bp.get("/engagement.csv")
@role_required("coordinator", "analyst")
def engagement_csv() -> Response:
    period, baseline = _period_and_baseline()
    labels, values, chart = _engagement(period, baseline)
    series = storage.responses.counts_by_period(storage.get_db(), period)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["period_start", "responses", "median"])
    for i, (start, count) in enumerate(series):
        writer.writerow([start.isoformat(), count, chart.centre_at(i)])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=responses-per-{period}.csv"
    return response
