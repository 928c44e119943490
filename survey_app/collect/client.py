"""What the offline client is given: the survey's structure and the messages it shows."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext

from ..i18n import Language
from ..surveys.answers import MESSAGES
from ..surveys.model import Condition, Survey


def _condition(condition: Condition | None) -> dict[str, str] | None:
    if condition is None:
        return None
    return {"question": condition.question, "equals": condition.equals}


def client_survey(
    survey: Survey,
    language: Language,
    mode: str,
    max_length: int,
    event: str | None = None,
    kiosk: bool = False,
    response_id: str | None = None,
) -> dict[str, Any]:
    """The survey's rules as plain data, so the browser applies the server's rules offline."""
    return {
        "id": survey.id,
        "version": survey.version,
        "language": language.code,
        "tag": language.tag,
        "mode": mode,
        "event": event,
        "kiosk": kiosk,
        "response_id": response_id,
        "start": url_for("collect.start", kiosk="1") if kiosk else url_for("collect.start"),
        "max_length": max_length,
        "api": url_for("sync.receive_responses"),
        "steps": [
            {
                "id": step.id,
                "show_if": _condition(step.show_if),
                "require_one_of": list(step.require_one_of),
                "questions": [
                    {
                        "id": q.id,
                        "type": q.type,
                        "required": q.required,
                        "show_if": _condition(q.show_if),
                        "choices": [c.value for c in survey.choices_for(q)],
                        "gloss": q.gloss,
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
    )
    return messages
