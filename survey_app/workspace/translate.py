"""The gloss queue: answers in the languages a person speaks, waiting for English."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import storage
from ..auth.access import role_required
from ..surveys.answers import get_locale_code
from . import bp
from .common import GLOSSERS, direction, free_text_questions, language_name
from .forms import CheckForm, GlossForm, TranscriptForm
from .transcripts import waiting as recordings_waiting

SHOWN = 10


def _questions() -> list[tuple[str, str]]:
    db = storage.get_db()
    found = []
    for row in storage.surveys.all_surveys(db):
        if row.version:
            survey = storage.surveys.latest(db, row.id)
            found += [(survey.id, q.id) for q in free_text_questions(survey)]
    return found


def _question_label(survey_id: str, question_id: str) -> str:
    survey = storage.surveys.latest(storage.get_db(), survey_id)
    return survey.text(f"question.{question_id}.label", get_locale_code())


@bp.route("/translate", methods=["GET", "POST"])
@role_required(*GLOSSERS)
def translate() -> tuple[str, int] | BaseResponse:
    db = storage.get_db()
    user = current_user.user
    form = GlossForm()
    failed: str | None = None
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                storage.glosses.save(
                    db,
                    form.survey_id.data,
                    form.response_id.data,
                    form.question_id.data,
                    form.gloss.data,
                    user.id,
                    languages=user.languages if user.role == "volunteer" else None,
                )
            except storage.NotFound:
                abort(404)
            flash(gettext("Gloss saved. The analysis uses it from now on."))
            return redirect(url_for(".translate"))
        failed = form.response_id.data
    questions = _questions()
    waiting, total = storage.glosses.queue(db, questions, user.languages, limit=SHOWN)
    to_check, check_total = storage.glosses.queue(
        db, questions, user.languages, to_check_for=user.id, limit=SHOWN
    )
    spoken, spoken_total = recordings_waiting(questions)
    return render_template(
        "workspace/translate.html",
        spoken=spoken,
        spoken_total=spoken_total,
        transcript_form=TranscriptForm(),
        question_label=_question_label,
        waiting=waiting,
        total=total,
        to_check=to_check,
        check_total=check_total,
        form=form,
        failed=failed,
        check_form=CheckForm(),
        speaks=[code for code in user.languages if code != "en"],
        speaks_names=", ".join(language_name(c) for c in user.languages if c != "en"),
        language_name=language_name,
        direction=direction,
    ), (400 if failed else 200)


@bp.post("/translate/check")
@role_required(*GLOSSERS)
def check_gloss() -> BaseResponse:
    form = CheckForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        storage.glosses.check(
            storage.get_db(),
            form.survey_id.data,
            form.response_id.data,
            form.question_id.data,
            current_user.user.id,
        )
    except storage.NotFound:
        abort(404)
    except storage.Refused:
        flash(gettext("A gloss is checked by someone other than the person who wrote it."))
        return redirect(url_for(".translate"))
    flash(gettext("Thank you: the gloss is marked as checked."))
    return redirect(url_for(".translate"))
