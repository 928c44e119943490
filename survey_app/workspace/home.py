"""The analysis home and the answers list."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request

from .. import storage
from ..auth.access import role_required
from ..storage.answer_lists import Filters, LanguageCount
from ..storage.themes import Progress
from . import bp
from .common import (
    REVIEWERS,
    breakdown_questions,
    direction,
    free_text_questions,
    in_hand,
    language_name,
)

PAGE = 50


@dataclass(frozen=True)
class QuestionSummary:
    survey_id: str
    question_id: str
    progress: Progress
    languages: list[LanguageCount]
    last_run: storage.analysis_runs.Run | None
    spoken: storage.recordings.Spoken

    @property
    def glossed(self) -> int:
        return sum(lc.glossed for lc in self.languages)


@bp.get("/")
@role_required(*REVIEWERS)
def home() -> str:
    db = storage.get_db()
    surveys = []
    for row in storage.surveys.all_surveys(db):
        if not row.version:
            continue
        survey = storage.surveys.latest(db, row.id)
        questions = [
            (
                q,
                QuestionSummary(
                    survey.id,
                    q.id,
                    storage.themes.progress(db, survey.id, q.id),
                    storage.answer_lists.languages(db, survey.id, q.id),
                    storage.analysis_runs.latest(db, survey.id, q.id),
                    storage.recordings.spoken(db, survey.id, q.id),
                ),
            )
            for q in free_text_questions(survey)
        ]
        surveys.append((survey, row, questions))
    return render_template("workspace/home.html", surveys=surveys, language_name=language_name)


def _filters(attributes: list[str]) -> Filters:
    args = request.args
    return Filters(
        event=args.get("event", ""),
        language=args.get("language", ""),
        since=args.get("since", ""),
        until=args.get("until", ""),
        theme=args.get("theme", ""),
        glossed=args.get("glossed", ""),
        quote=args.get("quote", ""),
        attributes={a: args.get("a_" + a, "") for a in attributes},
    )


@bp.get("/<survey_id>/<question_id>/answers")
@role_required(*REVIEWERS)
def answers(survey_id: str, question_id: str) -> str:
    hand = in_hand(survey_id, question_id)
    db = storage.get_db()
    attributes = breakdown_questions(hand.survey)
    filters = _filters([q.id for q in attributes])
    # Past the last page is an empty page; a number SQLite cannot hold is the same.
    page = min(max(1, request.args.get("page", 1, type=int) or 1), 10**9)
    rows, total = storage.answer_lists.listing(
        db, survey_id, question_id, filters, limit=PAGE, offset=(page - 1) * PAGE
    )
    return render_template(
        "workspace/answers.html",
        hand=hand,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
        filters=filters,
        attributes=attributes,
        events=storage.answer_lists.events_of(db, survey_id),
        languages=storage.answer_lists.languages(db, survey_id, question_id),
        themes=storage.themes.themes_for(db, survey_id, question_id),
        language_name=language_name,
        direction=direction,
    )
