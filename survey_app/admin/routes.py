"""Devices (registered to whom, revoking one) and importing a device's saved file."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l

from analysis.runcharts import RunChart, run_chart
from werkzeug.wrappers import Response as BaseResponse

from .. import storage
from ..auth.access import role_required
from ..auth.forms import EmptyForm
from ..charts import explain, render_svg
from ..sync.batch import store_batch
from ..sync.payload import MAX_BATCH
from . import bp
from .forms import ImportForm


# Whole sentences, not stitched words: other languages inflect them differently.
PERIOD_NAMES = {"day": _l("Each day"), "week": _l("Each week"), "month": _l("Each month")}
CHART_TITLES = {
    "day": _l("Responses per day"),
    "week": _l("Responses per week"),
    "month": _l("Responses per month"),
}


@bp.get("/devices")
@role_required("coordinator")
def devices() -> str:
    return render_template(
        "admin/devices.html",
        devices=storage.accounts.list_devices(storage.get_db()),
        form=EmptyForm(),
    )


@bp.post("/devices/<device_id>/revoke")
@role_required("coordinator")
def revoke(device_id: str) -> BaseResponse:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        device = storage.accounts.revoke_device(storage.get_db(), device_id)
    except storage.NotFound:
        abort(404)
    flash(gettext("%(label)s can no longer send answers.", label=device.label))
    return redirect(url_for(".devices"))


@bp.route("/import", methods=["GET", "POST"])
@role_required("coordinator")
def import_file() -> str:
    """Responses a volunteer saved to a file: stored exactly as the sync API would."""
    form = ImportForm()
    receipts: list[dict[str, object]] = []
    if form.validate_on_submit():
        try:
            saved = json.loads(form.file.data.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            saved = None
        items = saved.get("responses") if isinstance(saved, dict) else None
        if not isinstance(items, list):
            form.file.errors = [gettext("This is not a file of saved answers.")]
        else:
            for start in range(0, len(items), MAX_BATCH):
                receipts += store_batch(items[start : start + MAX_BATCH])
    counts = Counter(str(receipt["status"]) for receipt in receipts)
    problems = [r for r in receipts if r["status"] in ("conflict", "rejected")]
    return render_template(
        "admin/import.html", form=form, counts=counts, problems=problems, imported=bool(receipts)
    )


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
