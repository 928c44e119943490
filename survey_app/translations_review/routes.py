"""Read-only lists of drafted translations; approving them comes with survey authoring."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template

from .. import i18n, storage
from ..surveys.loader import DEFAULT_SURVEY_ID, texts_needing_review
from . import bp


def _survey_definition() -> dict[str, Any]:
    return dict(storage.surveys.latest(storage.get_db(), DEFAULT_SURVEY_ID).definition)


@bp.get("/")
def overview() -> str:
    definition = _survey_definition()
    rows = [
        (
            option,
            len(i18n.strings_needing_review(option.code)),
            len(texts_needing_review(definition, option.code)),
        )
        for option in i18n.offered()
        if option.code != definition.get("default_language", "en")
    ]
    return render_template("translations/overview.html", rows=rows)


@bp.get("/<code>")
def language_detail(code: str) -> str:
    option = i18n.by_tag(code)
    if option is None:
        abort(404)
    return render_template(
        "translations/detail.html",
        option=option,
        interface=i18n.strings_needing_review(option.code),
        survey_texts=texts_needing_review(_survey_definition(), option.code),
    )
