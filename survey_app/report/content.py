"""What a report holds, gathered once when the team saves it.

Everything is resolved to text in the report's language at that moment (question and
choice labels, language names), so a saved version stays as it was. Only reviewed
themes go in, and only quotes the team pinned from residents who agreed to be quoted.
"""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from analysis.agreement import agreement

from .. import storage
from ..surveys.model import Survey
from ..workspace.common import breakdown_questions, free_text_questions, language_name

SECTIONS = ("gathering", "engagement", "themes", "breakdowns", "involvement", "method")


def _choice(survey: Survey, question_id: str, value: str, language: str) -> str:
    choices = survey.question(question_id).choices
    return survey.text(f"choice.{choices}.{value}", language) or value if value else ""


def gather(survey: Survey, language: str) -> dict[str, Any]:
    """The report's content for ``survey``, labels in ``language``."""
    db = storage.get_db()
    with force_locale(language):
        gathered = storage.reports.gathering(db, survey.id)
        gathered["languages"] = [[language_name(code), n] for code, n in gathered["languages"]]
        attributes = breakdown_questions(survey)
        # Doors are counted per week only when the survey had door-knocking rounds.
        measures = ["responses", "doors"] if gathered["doors"] else ["responses"]
        content: dict[str, Any] = {
            "survey_title": survey.text("title", language),
            "gathering": gathered,
            "engagement": {
                measure: [
                    [start.isoformat(), value]
                    for start, value in storage.measures.series(
                        db, measure, "week", survey_id=survey.id
                    )
                ]
                for measure in measures
            },
            "attributes": [
                {
                    "label": survey.text(f"question.{q.id}.label", language),
                    "counts": [
                        [_choice(survey, q.id, value, language), n]
                        for value, n in storage.reports.attribute_counts(db, survey.id, [q.id])[
                            q.id
                        ]
                    ],
                }
                for q in attributes
            ],
            # Questions nobody answered (an "other language" box) would only add
            # empty sections.
            "questions": [
                found
                for q in free_text_questions(survey)
                if (found := _question(survey, q.id, language, [a.id for a in attributes]))
            ],
        }
    return content


def _question(
    survey: Survey, question_id: str, language: str, attributes: list[str]
) -> dict[str, Any] | None:
    """The question's part of the report, or None when nobody answered it."""
    db = storage.get_db()
    answers = storage.themes.progress(db, survey.id, question_id).answers
    if not answers:
        return None
    (book,) = storage.exports.codebook(db, survey.id, [question_id], refs=True)
    themes = []
    for theme in (t for t in book["themes"] if t["reviewed"]):
        counts = storage.answer_lists.breakdowns(db, question_id, theme["id"], attributes)
        themes.append(
            {
                "name": theme["name"],
                "description": theme["description"],
                "answers": theme["answers"],
                "share": round(100 * theme["answers"] / answers, 1) if answers else 0.0,
                "quotes": theme["pinned_quotes"],
                "by_language": [[language_name(c), n] for c, n in counts["language"]],
                "by_attribute": [
                    {
                        "label": survey.text(f"question.{a}.label", language),
                        "counts": [[_choice(survey, a, v, language), n] for v, n in counts[a]],
                    }
                    for a in attributes
                ],
            }
        )
    rounds = []
    for found in storage.coding.rounds(db, survey.id, question_id):
        codes, _names = storage.coding.all_codes(db, found.id)
        if len(codes) >= 2:
            result = agreement(codes)
            rounds.append(
                {
                    "items": result.items,
                    "coders": len(result.coders),
                    "kappa": result.kappa,
                    "alpha": result.alpha,
                }
            )
    return {
        "label": survey.text(f"question.{question_id}.label", language),
        "answers": answers,
        "themes": themes,
        "review": storage.reports.review_figures(db, survey.id, question_id),
        "coding": rounds,
    }
