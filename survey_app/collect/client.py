"""What the offline client is given: the survey's structure and the messages it shows."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext

from ..i18n import Language
from ..surveys.answers import MESSAGES, answer_languages
from ..surveys.expressions import Expression
from ..surveys.model import MAX_INSTANCES, Survey


def _tree(expression: Expression | None) -> list[Any] | None:
    """The parsed tree, which static/js/expressions.js evaluates as the server does."""
    return expression.tree if expression is not None else None


def _own(survey: Survey, question_id: str, part: str, language: Language) -> str | None:
    key = f"question.{question_id}.{part}"
    return survey.text(key, language.code) if survey.has_text(key) else None


def client_survey(
    survey: Survey,
    language: Language,
    mode: str,
    max_length: int,
    event: str | None = None,
    kiosk: bool = False,
    response_id: str | None = None,
    texts: Language | None = None,
) -> dict[str, Any]:
    """The survey's rules as plain data, so the browser applies the server's rules offline.

    ``texts`` is a language only the form has that its texts are shown in: the response
    records it as the language the resident answered in.
    """
    return {
        "id": survey.id,
        "version": survey.version,
        "language": (texts or language).code,
        "tag": language.tag,
        "mode": mode,
        "event": event,
        "kiosk": kiosk,
        "response_id": response_id,
        "start": url_for("collect.start"),
        "max_length": max_length,
        "voice_seconds": survey.voice_seconds,
        "answer_languages": sorted(answer_languages(survey)),
        "api": url_for("sync.receive_responses"),
        # The form's ``today`` metadata, which expressions may name (Survey.metadata_values).
        "today_names": [name for name, kind in survey.metadata.items() if kind == "today"],
        "steps": [
            {
                "id": step.id,
                "relevant": _tree(step.relevant),
                "require_one_of": list(step.require_one_of),
                # A repeat's questions are its pattern: the browser copies them for each
                # instance, as Survey.expanded does (static/js/repeats.js expandSteps).
                "repeat": None
                if step.repeat is None
                else {"count": _tree(step.repeat.count), "max": MAX_INSTANCES},
                "questions": [
                    {
                        "id": q.id,
                        "type": q.type,
                        "required": q.required,
                        "relevant": _tree(q.relevant),
                        "constraint": _tree(q.constraint),
                        "calculation": _tree(q.calculation),
                        "read_only": q.read_only,
                        "default": q.default,
                        "required_message": _own(survey, q.id, "required_message", language),
                        "constraint_message": _own(survey, q.id, "constraint_message", language),
                        "choices": [c.value for c in survey.choices_for(q)],
                        "gloss": q.gloss,
                        "hidden": q.hidden,
                    }
                    for q in step.questions
                ],
            }
            for step in survey.steps
        ],
    }


def client_messages() -> dict[str, str]:
    """Messages in the page's language; placeholders such as %(limit)s are left for the client."""
    messages = {key: str(text) for key, text in MESSAGES.items()}
    messages.update(
        problem=gettext("There is a problem"),
        error_prefix=gettext("Error:"),
        step_of=gettext("Step %(number)s of %(total)s"),
        voice_agree_first=gettext(
            "Please tick the box first: a recording is kept only if you agree to it."
        ),
        voice_cannot=gettext("This browser cannot record sound. Please type your answer."),
        voice_refused=gettext(
            "The microphone is not allowed or not there, so nothing can be recorded. "
            "Please type your answer."
        ),
        voice_recording=gettext("Recording. Press “Stop recording” when you have finished."),
        voice_time=gettext("%(elapsed)s of %(limit)s"),
        voice_saved=gettext("Your recording is kept on this device and sent with your answers."),
        voice_limit=gettext(
            "The recording stopped at the time limit. You can listen to it or record again."
        ),
        voice_deleted=gettext("The recording is deleted."),
    )
    return messages
