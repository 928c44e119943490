"""What the workspace's pages share: the question in hand, language names, roles."""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from flask import abort, current_app

from .. import storage
from ..i18n import current_language
from ..surveys.model import Question, Survey

REVIEWERS = ("analyst", "coordinator")
GLOSSERS = ("volunteer", "analyst", "coordinator")


@dataclass(frozen=True)
class InHand:
    """A survey's free-text question, as the analysis pages are about one at a time."""

    survey: Survey
    question: Question

    @property
    def ids(self) -> tuple[str, str]:
        return self.survey.id, self.question.id


def survey_or_404(survey_id: str) -> Survey:
    """The survey's latest published version, or 404."""
    try:
        return storage.surveys.latest(storage.get_db(), survey_id)
    except storage.NotFound:
        abort(404)


def free_text_questions(survey: Survey) -> list[Question]:
    """The questions the team themes: not yet those inside a repeat, whose answers are
    stored per instance (they are in the responses export's repeat tables)."""
    return [
        q
        for step in survey.steps
        if step.repeat is None
        for q in step.questions
        if q.free_text and not q.contact
    ]


def in_hand(survey_id: str, question_id: str) -> InHand:
    """The question, or 404 (an unknown survey, or a question that is not free text)."""
    try:
        survey = storage.surveys.latest(storage.get_db(), survey_id)
        question = survey.question(question_id)
    except (storage.NotFound, KeyError):
        abort(404)
    if question not in free_text_questions(survey):
        abort(404)
    return InHand(survey, question)


def breakdown_questions(survey: Survey) -> list[Question]:
    """The choice questions the team breaks themes down by (ANALYSIS_BREAKDOWNS)."""
    wanted = current_app.config["ANALYSIS_BREAKDOWNS"]
    return [
        q
        for step in survey.steps
        if step.repeat is None
        for q in step.questions
        if q.id in wanted and q.type == "single_choice"
    ]


def language_name(code: str) -> str:
    """A language's name in the page's language (the code itself if Babel knows none)."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(current_language().code)
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return name or code


def direction(code: str) -> str:
    try:
        return str(Locale.parse(code.replace("-", "_")).text_direction)
    except (UnknownLocaleError, ValueError, TypeError):
        return "ltr"
