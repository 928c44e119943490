"""Starting an analysis and watching it: the page never waits on the engine."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import storage
from ..auth.access import role_required
from . import bp, runner
from .common import REVIEWERS, in_hand, language_name
from .forms import RunForm

STAGES = {
    "": _l("Waiting to start"),
    "reading": _l("Reading the answers"),
    "vectors": _l("Reading the meaning of new answers"),
    "themes": _l("Finding themes"),
    "placing": _l("Placing new answers into the themes"),
    "saving": _l("Saving"),
}

ERRORS = {
    "no answers": _l("There are no answers to analyse with these limits."),
    "no themes yet": _l("There are no themes yet to place new answers into."),
    "interrupted": _l("The analysis stopped because the server restarted. Please start it again."),
}


def run_form(survey_id: str, question_id: str) -> RunForm:
    db = storage.get_db()
    form = RunForm()
    form.event.choices = [("", gettext("All events"))] + storage.answer_lists.events_of(
        db, survey_id
    )
    form.language.choices = [("", gettext("All languages"))] + [
        (lc.language, language_name(lc.language))
        for lc in storage.answer_lists.languages(db, survey_id, question_id)
    ]
    return form


@bp.post("/<survey_id>/<question_id>/run")
@role_required(*REVIEWERS)
def start_run(survey_id: str, question_id: str) -> BaseResponse | tuple[str, int]:
    hand = in_hand(survey_id, question_id)
    form = run_form(survey_id, question_id)
    kind = request.form.get("kind", "find")
    if kind not in ("find", "place"):
        abort(400)
    if not form.validate_on_submit():
        from .review import themes_page

        return themes_page(hand, run_form=form), 400
    scope: dict[str, Any] = {}
    if form.event.data:
        scope["events"] = [form.event.data]
    if form.language.data:
        scope["languages"] = [form.language.data]
    if form.since.data:
        scope["since"] = form.since.data.isoformat()
    if form.until.data:
        scope["until"] = form.until.data.isoformat()
    db = storage.get_db()
    if kind == "place":
        # New answers go into the themes within the limits the themes were found with.
        last = storage.analysis_runs.latest(db, survey_id, question_id, "find", done=True)
        scope = last.scope if last else {}
    try:
        run_id = storage.analysis_runs.start(
            db,
            survey_id,
            question_id,
            kind,
            scope,
            form.themes_wanted.data if kind == "find" else None,
            current_user.user.id,
        )
    except storage.analysis_runs.Busy:
        flash(
            gettext(
                "An analysis of this question is already running. Please wait for it to finish."
            )
        )
        active = storage.analysis_runs.latest(db, survey_id, question_id)
        if active and active.active:
            return redirect(
                url_for(".run", survey_id=survey_id, question_id=question_id, run_id=active.id)
            )
        return redirect(url_for(".themes", survey_id=survey_id, question_id=question_id))
    runner.submit(current_app._get_current_object(), run_id)  # type: ignore[attr-defined]
    return redirect(url_for(".run", survey_id=survey_id, question_id=question_id, run_id=run_id))


def _run_of(survey_id: str, question_id: str, run_id: int) -> storage.analysis_runs.Run:
    try:
        run = storage.analysis_runs.get(storage.get_db(), run_id)
    except storage.NotFound:
        abort(404)
    if (run.survey_id, run.question_id) != (survey_id, question_id):
        abort(404)
    return run


def error_text(run: storage.analysis_runs.Run) -> str:
    if run.error in ERRORS:
        return str(ERRORS[str(run.error)])
    return gettext("The analysis could not finish. The team's work so far is unchanged.")


@bp.get("/<survey_id>/<question_id>/runs/<int:run_id>")
@role_required(*REVIEWERS)
def run(survey_id: str, question_id: str, run_id: int) -> str:
    hand = in_hand(survey_id, question_id)
    found = _run_of(survey_id, question_id, run_id)
    return render_template(
        "workspace/run.html",
        hand=hand,
        run=found,
        stage=STAGES.get(found.stage, found.stage),
        error=error_text(found) if found.status == "failed" else "",
    )


@bp.get("/<survey_id>/<question_id>/runs/<int:run_id>.json")
@role_required(*REVIEWERS)
def run_status(survey_id: str, question_id: str, run_id: int) -> BaseResponse:
    found = _run_of(survey_id, question_id, run_id)
    return jsonify(
        status=found.status,
        progress=found.progress,
        stage=str(STAGES.get(found.stage, found.stage)),
        error=error_text(found) if found.status == "failed" else "",
    )
