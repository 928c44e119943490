"""Translations side by side with the English: anyone may read them; a signed-in
bilingual volunteer approves or corrects them, and the correction shows at once."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from babel.messages.pofile import write_po
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import i18n, storage
from ..auth.access import role_required
from ..auth.forms import EmptyForm
from ..surveys.model import flatten_texts
from . import bp

REVIEWERS = ("volunteer", "coordinator")


@dataclass(frozen=True)
class Row:
    domain: str
    key: str
    english: str
    text: str
    reviewed: bool


def _interface_rows(code: str) -> list[Row]:
    catalog = i18n.catalogue(code)
    if catalog is None:
        return []
    verdicts = storage.reviews.reviewed(storage.get_db(), code, storage.reviews.INTERFACE)
    rows = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue  # plural forms are reviewed in the .po file itself
        text = verdicts.get(message.id) or str(message.string or "")
        reviewed = message.id in verdicts or (
            i18n.NEEDS_REVIEW not in message.flags and bool(message.string)
        )
        rows.append(Row(storage.reviews.INTERFACE, message.id, message.id, text, reviewed))
    return rows


def _survey_rows(code: str) -> list[Row]:
    db = storage.get_db()
    rows = []
    for survey_id in storage.surveys.published_ids(db):
        survey = storage.surveys.published(db, survey_id)
        if code == survey.default_language:
            continue
        domain = storage.reviews.survey_domain(survey_id)
        verdicts = storage.reviews.reviewed(db, code, domain)
        shipped = survey.translations.get(code, {})
        review = survey.definition.get("review", {}).get(code, {})
        shipped_reviewed = set(review.get("reviewed_keys", ()))
        if review.get("status") == "reviewed":
            shipped_reviewed = set(shipped)
        for key, english in flatten_texts(survey.definition).items():
            text = verdicts.get(key) or shipped.get(key, "")
            reviewed = key in verdicts or (key in shipped_reviewed and bool(shipped.get(key)))
            rows.append(Row(domain, key, english, text, reviewed))
    return rows


def _may_review(code: str) -> bool:
    """Coordinators review any language; a volunteer, the languages their account lists."""
    if not current_user.is_authenticated or current_user.role not in REVIEWERS:
        return False
    return current_user.role == "coordinator" or code in current_user.user.languages


def _option(code: str) -> i18n.Language:
    option = i18n.by_tag(code)
    if option is None:
        abort(404)
    return option


@bp.get("/")
def overview() -> str:
    progress = []
    for option in i18n.offered():
        if option.code == "en":
            continue
        interface, survey_texts = _interface_rows(option.code), _survey_rows(option.code)
        progress.append(
            (
                option,
                sum(r.reviewed for r in interface),
                len(interface),
                sum(r.reviewed for r in survey_texts),
                len(survey_texts),
            )
        )
    return render_template("translations/overview.html", progress=progress)


@bp.get("/<code>")
def language_detail(code: str) -> str:
    option = _option(code)
    show = request.args.get("show", "waiting")
    sections = [
        (gettext("Survey texts"), _survey_rows(option.code)),
        (gettext("Interface texts"), _interface_rows(option.code)),
    ]
    if show != "all":
        sections = [(caption, [r for r in rows if not r.reviewed]) for caption, rows in sections]
    can_review = _may_review(option.code)
    return render_template(
        "translations/detail.html",
        option=option,
        sections=sections,
        show=show,
        can_review=can_review,
        form=EmptyForm(),
    )


@bp.post("/<code>/review")
@role_required(*REVIEWERS)
def review(code: str) -> BaseResponse:
    option = _option(code)
    if not _may_review(option.code):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    domain, key = request.form.get("domain", ""), request.form.get("key", "")
    known = {(r.domain, r.key): r for r in _interface_rows(option.code) + _survey_rows(option.code)}
    row = known.get((domain, key))
    if row is None:
        abort(404)
    text = (request.form.get("text") or "").strip()
    if request.form.get("action") == "correct" and not text:
        flash(gettext("A correction cannot be empty. Nothing was changed."))
    elif request.form.get("action") == "correct" and text != row.text:
        storage.reviews.record(
            storage.get_db(), option.code, domain, key, text, current_user.user.id
        )
        flash(gettext("Correction saved. It shows in the app now."))
    else:
        storage.reviews.record(
            storage.get_db(),
            option.code,
            domain,
            key,
            _kept(option.code, row),
            current_user.user.id,
        )
        flash(gettext("Marked as reviewed."))
    return redirect(
        url_for(".language_detail", code=code, show=request.args.get("show", "waiting"))
    )


def _kept(code: str, row: Row) -> str | None:
    """An approval keeps an earlier correction; otherwise the shipped text stands."""
    return storage.reviews.corrections(storage.get_db(), code, row.domain).get(row.key)


@bp.get("/<code>/messages.po")
@role_required("coordinator")
def export_po(code: str) -> BaseResponse:
    """The shipped catalogue with every correction in it and reviewed entries unflagged."""
    option = _option(code)
    catalog = i18n.catalogue(option.code)
    if catalog is None:
        abort(404)
    verdicts: dict[str, Any] = storage.reviews.reviewed(
        storage.get_db(), option.code, storage.reviews.INTERFACE
    )
    for message in catalog:
        if isinstance(message.id, str) and message.id in verdicts:
            if verdicts[message.id]:
                message.string = verdicts[message.id]
            message.flags.discard(i18n.NEEDS_REVIEW)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100)
    response = BaseResponse(buffer.getvalue(), mimetype="text/x-gettext-translation")
    response.headers["Content-Disposition"] = f"attachment; filename={option.tag}-messages.po"
    return response
