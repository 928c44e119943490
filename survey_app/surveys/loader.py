"""Read a survey folder: ``survey.json`` plus one ``translations/<lang>.json`` per language."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .model import SurveyDefinitionError, flatten_texts

BUNDLED = Path(__file__).parent
DEFAULT_SURVEY_ID = "what-matters"


def bundled_survey_dir(survey_id: str = DEFAULT_SURVEY_ID) -> Path:
    return BUNDLED / survey_id


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "area"


def load_definition(folder: Path, *, neighbourhoods: Sequence[str] = ()) -> dict[str, Any]:
    """The survey in ``folder`` with every translation merged in.

    ``neighbourhoods`` replaces the place names of the neighbourhood list,
    keeping its "somewhere else" and "prefer not to say" choices.
    """
    try:
        definition: dict[str, Any] = json.loads((folder / "survey.json").read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise SurveyDefinitionError(f"cannot read {folder / 'survey.json'}: {error}") from None
    if neighbourhoods and "neighbourhood" in definition.get("choices", {}):
        definition = copy.deepcopy(definition)
        kept = [
            c
            for c in definition["choices"]["neighbourhood"]
            if c["value"] in {"elsewhere", "prefer-not"}
        ]
        places = [{"value": _slug(name), "label": name} for name in neighbourhoods]
        definition["choices"]["neighbourhood"] = places + kept
    keys = set(flatten_texts(definition))
    translations: dict[str, dict[str, str]] = {}
    review: dict[str, dict[str, Any]] = {}
    for path in sorted((folder / "translations").glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        language = data["language"]
        # Texts for keys the survey no longer has are dropped, not shown.
        translations[language] = {k: v for k, v in data["texts"].items() if k in keys and v}
        review[language] = data.get("review", {"status": "draft"})
    definition["translations"] = translations
    definition["review"] = review
    return definition


def texts_needing_review(definition: dict[str, Any], language: str) -> list[tuple[str, str, str]]:
    """``(key, English, translation)`` for each survey text not yet reviewed in ``language``.

    A text is reviewed when its language file says ``"status": "reviewed"`` or
    lists the key in ``reviewed_keys``; a missing translation needs review too.
    """
    english = flatten_texts(definition)
    translated = definition.get("translations", {}).get(language, {})
    review = definition.get("review", {}).get(language, {"status": "draft"})
    if review.get("status") == "reviewed":
        reviewed = set(english)
    else:
        reviewed = set(review.get("reviewed_keys", []))
    return [
        (key, text, translated.get(key, ""))
        for key, text in english.items()
        if key not in reviewed or not translated.get(key)
    ]
