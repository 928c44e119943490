"""Read-only lists of drafted translations; approving them comes with survey authoring."""

from __future__ import annotations

from typing import Any

from flask import abort, g, render_template

from .. import i18n, storage
from ..surveys.loader import DEFAULT_SURVEY_ID, texts_needing_review
from . import bp


@bp.url_value_preprocessor
def _language_from_url(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    chosen = i18n.by_tag(values.pop("lang_tag", "") if values else "")
    if chosen is None:
        abort(404)
    g.language = chosen


@bp.url_defaults
def _language_into_urls(_endpoint: str, values: dict[str, Any]) -> None:
    values.setdefault("lang_tag", i18n.current_language().tag)


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
