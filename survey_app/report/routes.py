"""The report: choose sections, write an introduction, save a dated version, print it
or take it as a PDF made on the server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from analysis.runcharts import run_chart

from .. import storage
from ..auth.access import role_required
from ..charts import render_svg
from ..exports.files import download
from ..i18n import current_language, language
from ..workspace.common import REVIEWERS, direction, survey_or_404
from . import bp
from .content import SECTIONS, gather
from .forms import SECTION_NAMES, ReportForm


@bp.route("/analysis/<survey_id>/report", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def report(survey_id: str) -> str | BaseResponse:
    survey = survey_or_404(survey_id)
    db = storage.get_db()
    form = ReportForm()
    if request.method == "GET":
        form.title.data = gettext("What matters to you: what residents told us")
    if form.validate_on_submit():
        chosen = [s for s in SECTIONS if s in (form.sections.data or [])]
        report_id = storage.reports.save(
            db,
            survey.id,
            int(current_user.user.id),
            form.title.data or "",
            form.introduction.data or "",
            current_language().code,
            chosen,
            gather(survey, current_language().code),
            form.request_id.data or None,
        )
        flash(gettext("Report saved. This version will stay as it is now."))
        return redirect(url_for(".saved", survey_id=survey.id, report_id=report_id))
    return render_template(
        "report/report.html",
        survey=survey,
        form=form,
        versions=storage.reports.versions(db, survey.id),
        section_names=SECTION_NAMES,
    )


def _saved_or_redirect(
    survey_id: str, report_id: int, endpoint: str
) -> storage.reports.Saved | BaseResponse:
    try:
        saved = storage.reports.get(storage.get_db(), survey_id, report_id)
    except storage.NotFound:
        abort(404)
    offered = current_app.config["LANGUAGES"]
    if saved.language != current_language().code and saved.language in offered:
        # A report reads in the language it was written in, whoever opens it.
        tag = language(saved.language).tag
        return redirect(url_for(endpoint, lang_tag=tag, survey_id=survey_id, report_id=report_id))
    return saved


CHART_TITLES = {
    "responses": (_l("Responses per week"), _l("Responses per week: the chart's data")),
    "doors": (_l("Doors knocked per week"), _l("Doors knocked per week: the chart's data")),
}


@dataclass(frozen=True)
class Chart:
    measure: str
    title: str
    caption: str
    svg: Markup
    rows: list[tuple[str, float | None]]


def _charts(engagement: dict[str, list[list[Any]]]) -> list[Chart]:
    charts = []
    for measure, points in engagement.items():
        if measure not in CHART_TITLES or not points:
            continue
        labels = [format_date(date.fromisoformat(start), "d MMM yyyy") for start, _ in points]
        values = [value for _, value in points]
        title, caption = (str(text) for text in CHART_TITLES[measure])
        svg = render_svg(run_chart(values), labels, title, f"report-chart-{measure}")
        charts.append(Chart(measure, title, caption, svg, list(zip(labels, values, strict=True))))
    return charts


def _document(saved: storage.reports.Saved) -> Markup:
    return Markup(
        render_template(
            "report/_document.html",
            saved=saved,
            content=saved.content,
            sections=set(saved.sections),
            charts=_charts(saved.content.get("engagement", {})),
            direction=direction,
            section_names=SECTION_NAMES,
        )
    )


@bp.get("/analysis/<survey_id>/report/<int:report_id>")
@role_required(*REVIEWERS)
def saved(survey_id: str, report_id: int) -> str | BaseResponse:
    found = _saved_or_redirect(survey_id, report_id, ".saved")
    if not isinstance(found, storage.reports.Saved):
        return found
    return render_template(
        "report/saved.html",
        saved=found,
        survey=survey_or_404(survey_id),
        document=_document(found),
    )


@bp.get("/analysis/<survey_id>/report/<int:report_id>.pdf")
@role_required(*REVIEWERS)
def pdf(survey_id: str, report_id: int) -> BaseResponse:
    found = _saved_or_redirect(survey_id, report_id, ".pdf")
    if not isinstance(found, storage.reports.Saved):
        return found
    try:
        data = to_pdf(pdf_html(found))
    except OSError:
        # WeasyPrint could not load Pango: the machine lacks libpango (docs/report.md).
        flash(
            gettext(
                "The PDF could not be made on this server. Print this page from the browser "
                "instead (choose “Save as PDF”), and ask whoever runs the server "
                "to install Pango."
            )
        )
        return redirect(url_for(".saved", survey_id=survey_id, report_id=report_id))
    storage.exports.record(
        storage.get_db(), int(current_user.user.id), survey_id, f"report {report_id}", "pdf", 1
    )
    return download(data, "application/pdf", f"{survey_id}-report-{report_id}.pdf")


def pdf_html(found: storage.reports.Saved) -> str:
    """The page the PDF is made from: the saved version, its styles inline."""
    css = (Path(current_app.static_folder or "") / "css" / "report.css").read_text("utf-8")
    return render_template(
        "report/pdf.html", saved=found, document=_document(found), report_css=Markup(css)
    )


def to_pdf(html: str) -> bytes:
    """The page as a PDF, shaped by HarfBuzz with the Noto fonts: Bengali, Arabic, Urdu
    and Chinese set as on screen. Imported here: WeasyPrint loads Pango on import."""
    from weasyprint import HTML

    from .pdf_text import install

    install()  # Bengali copies out of the PDF as written
    # No base URL: the page is self-contained (inline CSS and SVG), so nothing is fetched.
    return bytes(HTML(string=html).write_pdf())
