""" "You said, we did": the team writes what is being done about each theme; a public
page shows residents the themes, a few consented quotes and those actions."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import storage
from ..admin.events import LOCAL_HOSTS, public_url
from ..admin.qr import qr_svg
from ..auth.access import role_required
from ..auth.forms import EmptyForm
from ..i18n import language as language_of
from ..surveys.model import Survey
from ..workspace.common import REVIEWERS, direction, language_name, survey_or_404
from . import bp
from .forms import ActionForm


def _published(survey_id: str) -> Survey:
    try:
        return storage.surveys.published(storage.get_db(), survey_id)
    except storage.NotFound:
        abort(404)


@bp.route("/analysis/<survey_id>/you-said-we-did", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def team(survey_id: str) -> str | BaseResponse:
    """The team's page: which reviewed themes residents see, and what is being done."""
    survey = survey_or_404(survey_id)
    db = storage.get_db()
    form = ActionForm()
    theme_id = request.form.get("theme_id", "")
    if request.method == "POST" and form.validate_on_submit():
        try:
            storage.actions.add(
                db,
                survey_id,
                theme_id,
                (form.text.data or "").strip(),
                form.happened_on.data.isoformat() if form.happened_on.data else "",
                int(current_user.user.id),
            )
        except storage.NotFound:
            abort(404)
        flash(gettext("Saved. Residents see it on the public page if the theme is shown there."))
        return redirect(url_for(".team", survey_id=survey_id) + f"#theme-{theme_id}")
    link = public_url(url_for(".public", survey_id=survey_id))
    return render_template(
        "report/said_did_team.html",
        survey=survey,
        link=link,
        qr=qr_svg(link, gettext("QR code for %(link)s", link=link)),
        address_unset=not current_app.config["PUBLIC_URL"],
        local_address=request.host.split(":")[0] in LOCAL_HOSTS,
        themes=storage.actions.reviewed_themes(db, survey_id),
        form=form,
        failed_theme=theme_id if form.errors else "",
        button=EmptyForm(),
    )


@bp.post("/analysis/<survey_id>/you-said-we-did/<theme_id>/show")
@role_required(*REVIEWERS)
def show(survey_id: str, theme_id: str) -> BaseResponse:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        storage.actions.set_public(
            storage.get_db(), survey_id, theme_id, request.form.get("public") == "1"
        )
    except storage.NotFound:
        abort(404)
    return redirect(url_for(".team", survey_id=survey_id) + f"#theme-{theme_id}")


@bp.post("/analysis/<survey_id>/you-said-we-did/actions/<int:action_id>/remove")
@role_required(*REVIEWERS)
def remove(survey_id: str, action_id: int) -> BaseResponse:
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not storage.actions.remove(storage.get_db(), survey_id, action_id):
        abort(404)
    flash(gettext("Removed."))
    return redirect(url_for(".team", survey_id=survey_id))


@bp.get("/you-said/<survey_id>")
def public(survey_id: str) -> str:
    """For residents: no names, no door, no contact details; only themes the team chose
    to show and quotes from residents who agreed to be quoted."""
    survey = _published(survey_id)
    offered = [survey.default_language, *sorted(survey.translations)]
    return render_template(
        "report/said_did.html",
        survey=survey,
        themes=storage.actions.reviewed_themes(storage.get_db(), survey_id, only_public=True),
        languages=[language_of(code) for code in offered if _known(code)],
        direction=direction,
        language_name=language_name,
    )


def _known(code: str) -> bool:
    return code in current_app.config["LANGUAGES"]
