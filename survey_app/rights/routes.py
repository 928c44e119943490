"""A resident asks to see, stop contact or quoting, or erase what they gave: the coordinator finds
it by their reference or contact details and does it here. Nothing personal goes in an
address: the look-up is posted, and the page after each action is a plain redirect."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response as BaseResponse

from .. import storage
from ..auth.access import role_required, signed_in_id
from ..workspace.common import language_name
from . import bp, bundle
from .forms import EraseForm, FindForm, ResponseForm


def _folder() -> Path:
    return Path(current_app.config["RECORDINGS_FOLDER"])


def _titles() -> dict[str, str]:
    return {row.id: row.title for row in storage.surveys.all_surveys(storage.get_db())}


@bp.route("/", methods=["GET", "POST"])
@role_required("coordinator")
def requests() -> str:
    form = FindForm()
    found = None
    if form.validate_on_submit():
        found = storage.residents.find(storage.get_db(), form.typed.data or "")
    return render_template(
        "rights/requests.html",
        form=form,
        found=found,
        titles=_titles(),
        language_name=language_name,
        action=ResponseForm(),
    )


def _response_or_back(form: ResponseForm) -> str | None:
    if not form.validate_on_submit():
        return None
    rid = form.response.data or ""
    return rid if storage.responses.exists(storage.get_db(), rid) else None


def _gone() -> BaseResponse:
    flash(gettext("That response is no longer stored. Look it up again."))
    return redirect(url_for(".requests"))


@bp.post("/download")
@role_required("coordinator")
def download() -> BaseResponse:
    rid = _response_or_back(ResponseForm())
    if rid is None:
        return _gone()
    db = storage.get_db()
    name, data = bundle.make(db, _folder(), rid)
    survey_id = storage.responses.get(db, rid).survey_id
    storage.exports.record(db, signed_in_id(), survey_id, "resident", "zip", 1)
    response = current_app.response_class(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/withdraw-contact")
@role_required("coordinator")
def withdraw_contact() -> BaseResponse:
    rid = _response_or_back(ResponseForm())
    if rid is None:
        return _gone()
    if storage.residents.withdraw_contact(storage.get_db(), signed_in_id(), rid):
        flash(gettext("Their contact details are deleted and they will not be contacted."))
    else:
        flash(gettext("They had not agreed to be contacted: there was nothing to withdraw."))
    return redirect(url_for(".requests"))


@bp.post("/withdraw-quote")
@role_required("coordinator")
def withdraw_quote() -> BaseResponse:
    rid = _response_or_back(ResponseForm())
    if rid is None:
        return _gone()
    taken = storage.residents.withdraw_quote(storage.get_db(), signed_in_id(), rid)
    if taken is None:
        flash(gettext("They had not agreed to be quoted: there was nothing to withdraw."))
    else:
        flash(
            gettext("Their words will not be quoted again; their answers stay in the themes.")
            + " "
            + ngettext(
                "%(num)d quote taken out of saved reports",
                "%(num)d quotes taken out of saved reports",
                taken,
            )
        )
    return redirect(url_for(".requests"))


@bp.post("/erase")
@role_required("coordinator")
def erase() -> BaseResponse | str:
    form = EraseForm()
    rid = form.response.data or ""
    db = storage.get_db()
    if not storage.responses.exists(db, rid):
        return _gone()
    if not form.validate_on_submit():
        # The first press asks to confirm; an unticked box asks again, with the reason.
        found = next((f for f in storage.residents.find(db, _reference(rid)) if f.id == rid), None)
        return render_template(
            "rights/erase.html",
            form=form,
            found=found,
            titles=_titles(),
            language_name=language_name,
            asked=request.form.get("confirming") == "1",
        )
    counts = storage.residents.erase(db, _folder(), signed_in_id(), rid)
    flash(
        ngettext(
            "Everything about this response is erased: %(num)d answer",
            "Everything about this response is erased: %(num)d answers",
            counts["answers"],
        )
        + " · "
        + ngettext("%(num)d voice recording", "%(num)d voice recordings", counts["recordings"])
        + " · "
        + ngettext(
            "%(num)d quote taken out of saved reports",
            "%(num)d quotes taken out of saved reports",
            counts["report_quotes"],
        )
    )
    return redirect(url_for(".requests"))


def _reference(response_id: str) -> str:
    return storage.references.reference_for(response_id)
