"""Surveys: XLSForm upload, preview in every language, publish, versions, texts, export."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from babel import Locale
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response as BaseResponse

from .. import i18n, storage
from ..auth.access import role_required, signed_in_id
from ..auth.forms import EmptyForm
from ..exports.routes import responses_file
from ..surveys import xlsform
from ..surveys.model import flatten_texts, set_text
from ..surveys.xlsform import attached
from . import bp
from .forms import ChoicesFileForm, RetentionForm, XLSFormUploadForm

MAX_XLSFORM_BYTES = 5 * 1024 * 1024


def _languages() -> list[str]:
    return [option.code for option in i18n.offered()]


def _list_page(form: XLSFormUploadForm, problems: list[xlsform.Problem], status: int) -> Any:
    page = render_template(
        "admin/surveys.html",
        surveys=storage.surveys.all_surveys(storage.get_db()),
        form=form,
        problems=problems,
    )
    return page, status


@bp.get("/surveys")
@role_required("coordinator")
def surveys() -> Any:
    return _list_page(XLSFormUploadForm(), [], 200)


@bp.post("/surveys")
@role_required("coordinator")
def upload_survey() -> Any:
    """An XLSForm becomes a survey's working copy; any problem and nothing changes."""
    form = XLSFormUploadForm()
    if not form.validate_on_submit():
        return _list_page(form, [], 422)
    data = form.file.data.read(MAX_XLSFORM_BYTES + 1)
    if len(data) > MAX_XLSFORM_BYTES:
        form.file.errors = [gettext("This file is too large for a survey spreadsheet.")]
        return _list_page(form, [], 422)
    try:
        imported = xlsform.read(data, _languages(), form.file.data.filename or "")
    except xlsform.XLSFormError as error:
        return _list_page(form, error.problems, 422)
    db = storage.get_db()
    if imported.made_up_id:
        # Two forms without a form_id never overwrite each other.
        taken = {row.id for row in storage.surveys.all_surveys(db)}
        xlsform.give_free_id(imported.definition, taken)
    survey_id = storage.surveys.save_draft(db, imported.definition)
    flash(gettext("The survey was read. Preview it, then publish it when it is ready."))
    if imported.made_up_id:
        flash(
            gettext(
                "The form has no form_id, so the app calls it '%(id)s'. Add a form_id to the "
                "settings sheet to update this survey with a later upload.",
                id=survey_id,
            )
        )
    for notice in imported.notices:
        flash(notice)
    return redirect(url_for(".survey", survey_id=survey_id))


def _draft_or_404(survey_id: str) -> dict[str, Any]:
    try:
        return storage.surveys.draft_definition(storage.get_db(), survey_id)
    except storage.NotFound:
        abort(404)


def _survey_page(
    survey_id: str,
    problems: Sequence[xlsform.Problem] = (),
    status: int = 200,
    retention: RetentionForm | None = None,
) -> Any:
    definition = _draft_or_404(survey_id)
    db = storage.get_db()
    if retention is None:
        kept = storage.retention.periods(db, survey_id)
        retention = RetentionForm(
            formdata=None, answers_days=kept.answers_days, contacts_days=kept.contacts_days
        )
    row = next(r for r in storage.surveys.all_surveys(db) if r.id == survey_id)
    page = render_template(
        "admin/survey.html",
        row=row,
        definition=definition,
        versions=storage.surveys.versions(db, survey_id),
        languages=i18n.offered(),
        form=EmptyForm(),
        files=attached.files(definition),
        file_form=ChoicesFileForm(),
        problems=problems,
        retention=retention,
    )
    return page, status


@bp.post("/surveys/<survey_id>/retention")
@role_required("coordinator")
def set_retention(survey_id: str) -> Any:
    _draft_or_404(survey_id)
    form = RetentionForm()
    if not form.validate_on_submit():
        return _survey_page(survey_id, status=422, retention=form)
    storage.retention.set_periods(
        storage.get_db(), signed_in_id(), survey_id, form.answers_days.data, form.contacts_days.data
    )
    flash(gettext("How long answers and contact details are kept is saved."))
    return redirect(url_for(".survey", survey_id=survey_id))


@bp.get("/surveys/<survey_id>")
@role_required("coordinator")
def survey(survey_id: str) -> Any:
    return _survey_page(survey_id)


@bp.post("/surveys/<survey_id>/files")
@role_required("coordinator")
def attach_file(survey_id: str) -> Any:
    """A file of choices the form reads: its questions become choice questions."""
    definition = _draft_or_404(survey_id)
    form = ChoicesFileForm()
    if not form.validate_on_submit():
        message = " ".join(str(e) for e in form.file.errors) or gettext(
            "Choose the file to attach."
        )
        return _survey_page(survey_id, [xlsform.Problem(form.name.data or "", None, message)], 422)
    data = form.file.data.read(MAX_XLSFORM_BYTES + 1)
    name = form.name.data or ""
    try:
        if len(data) > MAX_XLSFORM_BYTES:
            raise xlsform.XLSFormError(
                [xlsform.Problem(name, None, gettext("This file is too large."))]
            )
        count = attached.attach(definition, name, data, _languages())
    except xlsform.XLSFormError as error:
        return _survey_page(survey_id, error.problems, 422)
    storage.surveys.save_draft(storage.get_db(), definition)
    flash(
        ngettext(
            "%(file)s is attached: %(num)d choice.",
            "%(file)s is attached: %(num)d choices.",
            count,
            file=name,
        )
    )
    return redirect(url_for(".survey", survey_id=survey_id))


@bp.get("/surveys/<survey_id>/preview")
@role_required("coordinator")
def preview(survey_id: str) -> str:
    """Every step and question of the working copy, in the page's language."""
    _draft_or_404(survey_id)
    draft = storage.surveys.draft(storage.get_db(), survey_id)
    form_only = i18n.form_only(draft.languages())
    shown = next((lang for lang in form_only if lang.code == request.args.get("texts")), None)
    return render_template(
        "admin/preview.html",
        survey=draft,
        languages=i18n.offered(),
        form_languages=form_only,
        survey_language=shown,
        # Named in the coordinator's language in the sentence that explains it.
        survey_language_name=Locale.parse(shown.code).get_display_name(i18n.current_language().code)
        if shown
        else "",
        # The language residents see the app's own words in around these texts.
        interface_name=Locale.parse(
            i18n.closest_offered(shown.code, draft.default_language).code
        ).get_display_name(i18n.current_language().code)
        if shown
        else "",
        raw={},
        errors={},
    )


@bp.post("/surveys/<survey_id>/publish")
@role_required("coordinator")
def publish(survey_id: str) -> BaseResponse:
    if not EmptyForm().validate_on_submit():
        abort(400)
    needed = attached.missing(_draft_or_404(survey_id))
    if needed:
        # The file's choices are the question's answers: without them it cannot be asked.
        flash(
            gettext(
                "Attach the form's files of choices before publishing: %(files)s.",
                files=", ".join(needed),
            )
        )
        return redirect(url_for(".survey", survey_id=survey_id))
    published = storage.surveys.publish_draft(storage.get_db(), survey_id)
    flash(
        gettext("Published: residents now answer version %(version)s.", version=published.version)
    )
    return redirect(url_for(".survey", survey_id=survey_id))


@bp.post("/surveys/<survey_id>/unpublish")
@role_required("coordinator")
def unpublish(survey_id: str) -> BaseResponse:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        storage.surveys.unpublish(storage.get_db(), survey_id)
    except storage.NotFound:
        abort(404)
    flash(gettext("Unpublished: residents can no longer open this survey."))
    return redirect(url_for(".survey", survey_id=survey_id))


@bp.get("/surveys/<survey_id>/xlsform")
@role_required("coordinator")
def download_xlsform(survey_id: str) -> BaseResponse:
    data = xlsform.write(_draft_or_404(survey_id))
    response = BaseResponse(
        data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response.headers["Content-Disposition"] = f"attachment; filename={survey_id}.xlsx"
    return response


@bp.get("/surveys/<survey_id>/responses.csv")
@role_required("coordinator", "analyst")
def responses_csv(survey_id: str) -> BaseResponse:
    """Every response with the version it answered; contact details are never in it."""
    return responses_file(survey_id, "csv")


@bp.route("/surveys/<survey_id>/texts/<language_tag>", methods=["GET", "POST"])
@role_required("coordinator")
def edit_texts(survey_id: str, language_tag: str) -> Any:
    """Question and choice texts, in the survey's language or a translation, in the app."""
    option = i18n.by_tag(language_tag)
    definition = _draft_or_404(survey_id)
    if option is None:
        abort(404)
    english = flatten_texts(definition)
    default = definition.get("default_language", "en")
    translated = definition.setdefault("translations", {}).setdefault(option.code, {})
    form = EmptyForm()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        for key in english:
            text = (request.form.get(f"text-{key}") or "").strip()
            if option.code == default:
                if not text and (key.endswith(".label") or key == "title"):
                    errors[key] = gettext("This text cannot be empty.")
                else:
                    set_text(definition, key, text)
            elif text:
                translated[key] = text
            else:
                translated.pop(key, None)
        if not errors:
            storage.surveys.save_draft(storage.get_db(), definition)
            flash(gettext("Texts saved. Publish the survey for residents to see them."))
            return redirect(url_for(".edit_texts", survey_id=survey_id, language_tag=language_tag))
    return render_template(
        "admin/survey_texts.html",
        survey_id=survey_id,
        option=option,
        is_default=option.code == default,
        rows=[(key, text, translated.get(key, "")) for key, text in english.items()],
        typed=request.form,
        errors=errors,
        form=form,
    ), (422 if errors else 200)
