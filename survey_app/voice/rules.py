"""A response's voice answers checked against its survey: which questions, how long."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from flask_babel import gettext

from ..surveys.model import Survey
from .formats import SLACK_SECONDS, Declared, max_bytes


def recording_errors(
    survey: Survey,
    recordings: Sequence[Declared],
    applies: Collection[str],
    voice_consent: bool,
) -> dict[str, str]:
    """Messages for recordings the survey cannot take; empty when all are fine.

    ``applies`` holds the ids of the questions these answers lead to: a voice answer
    to a question that no longer applies is refused, as a typed one is.
    """
    if not recordings:
        return {}
    if survey.voice_seconds == 0:
        return {"recordings": gettext("This survey does not take voice answers.")}
    if not voice_consent:
        return {
            "voice_consent": gettext(
                "A voice answer is kept only when the resident has agreed to it being kept."
            )
        }
    questions = {q.id: q for q in survey.questions()}
    seen: set[str] = set()
    ids: set[str] = set()
    for declared in recordings:
        question = questions.get(declared.question_id)
        if question is None or not question.free_text or question.contact:
            return {"recordings": gettext("Only a question answered in words takes a recording.")}
        if declared.question_id not in applies:
            return {"recordings": gettext("This question does not apply, given the other answers.")}
        if declared.question_id in seen or declared.id in ids:
            return {"recordings": gettext("Each question takes one recording.")}
        seen.add(declared.question_id)
        ids.add(declared.id)
        too_long = declared.seconds > survey.voice_seconds + SLACK_SECONDS
        if too_long or declared.size > max_bytes(survey.voice_seconds):
            return {
                "recordings": gettext(
                    "This recording is longer than the survey allows (%(seconds)s seconds).",
                    seconds=survey.voice_seconds,
                )
            }
    return {}
