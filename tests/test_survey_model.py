"""Survey definitions: what a valid survey is, and what is refused with a reason."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from survey_app.surveys.loader import (
    bundled_survey_dir,
    load_definition,
    texts_needing_review,
)
from survey_app.surveys.model import SurveyDefinitionError, flatten_texts, parse_survey

LANGUAGES = ["bn", "so", "ur", "ar", "tr", "pl", "es", "pt", "it", "lt", "zh_Hans"]


@pytest.fixture
def definition() -> dict[str, Any]:
    return copy.deepcopy(load_definition(bundled_survey_dir()))


def test_default_survey_has_what_the_issue_asks_for(definition: dict[str, Any]) -> None:
    survey = parse_survey(definition)
    types = {q.id: q.type for q in survey.questions()}
    assert types["consent"] == "consent"
    for question in ("what_matters", "good_life", "gets_in_the_way", "change_one_thing"):
        assert types[question] == "long_text"
    assert types["home_languages"] == "multiple_choice" and types["quote_consent"] == "yes_no"
    ethnicity = [c.value for c in survey.choice_lists["ethnicity"]]
    assert len(ethnicity) == 20 and {"bangladeshi", "arab", "roma", "prefer-not"} <= set(ethnicity)
    assert survey.recording("contact_consent") is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_translates_every_survey_text(
    definition: dict[str, Any], language: str
) -> None:
    assert set(definition["translations"][language]) == set(flatten_texts(definition))


def test_drafted_survey_texts_are_listed_for_review(definition: dict[str, Any]) -> None:
    pending = texts_needing_review(definition, "bn")
    assert len(pending) == len(flatten_texts(definition))
    definition["review"]["bn"] = {"status": "draft", "reviewed_keys": ["title"]}
    assert "title" not in {key for key, _en, _bn in texts_needing_review(definition, "bn")}
    definition["review"]["bn"] = {"status": "reviewed"}
    assert texts_needing_review(definition, "bn") == []


def test_configured_neighbourhoods_replace_the_place_names() -> None:
    definition = load_definition(bundled_survey_dir(), neighbourhoods=["Bow", "Mile End"])
    values = [c["value"] for c in definition["choices"]["neighbourhood"]]
    assert values == ["bow", "mile-end", "elsewhere", "prefer-not"]


def _break(definition: dict[str, Any], how: str) -> None:
    steps = definition["steps"]
    if how == "no consent":
        steps[0]["questions"] = []
    elif how == "optional consent":
        steps[0]["questions"][0]["required"] = False
    elif how == "contact without consent":
        del steps[-1]["show_if"]
    elif how == "unknown type":
        steps[1]["questions"][0]["type"] = "essay"
    elif how == "missing choice list":
        steps[4]["questions"][0]["choices"] = "nowhere"
    elif how == "duplicate id":
        steps[2]["questions"][1]["id"] = "good_life"
    elif how == "condition on a later question":
        steps[1]["questions"][0]["show_if"] = {"question": "get_involved", "equals": "yes"}


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("no consent", "consent question"),
        ("optional consent", "consent question"),
        ("contact without consent", "only after contact consent"),
        ("unknown type", "unknown question type"),
        ("missing choice list", "choice list that does not exist"),
        ("duplicate id", "used twice"),
        ("condition on a later question", "not asked before it"),
    ],
)
def test_broken_definitions_are_refused_with_the_reason(
    definition: dict[str, Any], how: str, reason: str
) -> None:
    _break(definition, how)
    with pytest.raises(SurveyDefinitionError, match=reason):
        parse_survey(definition)


def test_survey_file_is_valid_json_with_a_version() -> None:
    raw = json.loads((bundled_survey_dir() / "survey.json").read_text("utf-8"))
    assert raw["version"] >= 1 and raw["consent_version"]
