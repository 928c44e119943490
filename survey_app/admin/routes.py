"""Devices (registered to whom, revoking one) and importing a device's saved file."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from flask import (
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from analysis.runcharts import RunChart, run_chart

from .. import i18n, storage
from ..auth.access import role_required
from ..auth.forms import EmptyForm
from ..charts import explain, render_svg
from ..surveys.loader import DEFAULT_SURVEY_ID
from ..sync.batch import store_batch
from ..sync.payload import MAX_BATCH
from . import bp
from .forms import KIND_NAMES, ROLE_NAMES, EventForm, ImportForm, InviteForm
from .qr import qr_svg

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


@bp.route("/events", methods=["GET", "POST"])
@role_required("coordinator")
def events() -> BaseResponse | str:
    form = EventForm()
    form.languages.choices = [
        SelectChoice(o.code, o.name, render_kw={"lang": o.tag}) for o in i18n.offered()
    ]
    if form.validate_on_submit():
        event = storage.events.create(
            storage.get_db(),
            kind=form.kind.data or "online",
            name=form.name.data or "",
            survey_id=DEFAULT_SURVEY_ID,
            starts_on=form.starts_on.data.isoformat() if form.starts_on.data else None,
            starts_at=form.starts_at.data.strftime("%H:%M") if form.starts_at.data else None,
            area=form.area.data or "",
            host=form.host.data or "",
            tables=form.tables.data,
            languages=tuple(form.languages.data or ()),
        )
        return redirect(url_for(".event", event_id=event.id))
    return render_template(
        "admin/events.html",
        form=form,
        kinds=KIND_NAMES,
        events=storage.events.all_events(storage.get_db()),
    )


def public_url(path: str) -> str:
    base = current_app.config["PUBLIC_URL"] or request.host_url
    return base.rstrip("/") + path


@bp.get("/events/<event_id>")
@role_required("coordinator")
def event(event_id: str) -> str:
    db = storage.get_db()
    try:
        found = storage.events.get(db, event_id)
    except storage.NotFound:
        abort(404)
    survey = storage.surveys.latest(db, found.survey_id)
    link = public_url(url_for("short_link", code=found.id))
    languages = [i18n.language(code) for code in found.languages] or [i18n.current_language()]
    leaflet = [
        (option, survey.text("title", option.code), f"{link}?lang={option.tag}")
        for option in languages
    ]
    return render_template(
        "admin/event.html",
        event=found,
        kinds=KIND_NAMES,
        link=link,
        leaflet=leaflet,
        qr=qr_svg(link, gettext("QR code for %(link)s", link=link)),
    )


@bp.route("/people", methods=["GET", "POST"])
@role_required("coordinator")
def people() -> Response:
    form = InviteForm()
    form.languages.choices = [
        SelectChoice(o.code, o.name, render_kw={"lang": o.tag}) for o in i18n.offered()
    ]
    db = storage.get_db()
    invited: tuple[str, str] | None = None
    if form.validate_on_submit():
        try:
            user, token = storage.accounts.invite_user(
                db,
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data or "volunteer",
                languages=tuple(form.languages.data or ()),
            )
        except storage.accounts.EmailTaken:
            form.email.errors = [gettext("This email address already has an account.")]
        else:
            link = public_url(url_for("auth.welcome", token=token))
            invited = (user.name, link)
            form = InviteForm(formdata=None)
            form.languages.choices = [
                SelectChoice(o.code, o.name, render_kw={"lang": o.tag}) for o in i18n.offered()
            ]
    page = render_template(
        "admin/people.html",
        form=form,
        people=storage.accounts.list_people(db),
        roles=ROLE_NAMES,
        invited=invited,
        language_names={o.code: o.name for o in i18n.offered()},
    )
    response = make_response(page)
    # An invitation link is shown once: keep it out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response
