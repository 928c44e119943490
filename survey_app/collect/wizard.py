"""Moving through a survey's steps. Pure functions of the survey and the answers so far."""

from __future__ import annotations

from collections.abc import Mapping

from ..surveys.answers import GLOSS_SUFFIX
from ..surveys.model import Question, Step, Survey

Raw = Mapping[str, list[str]]


def _pages(survey: Survey, raw: Raw) -> list[Step]:
    """The steps a person goes through: those that apply and show something (a step of
    calculations only is worked out on the way, never shown as an empty page)."""
    return [s for s in survey.applicable_steps(raw) if not s.shows_nothing()]


def current_step(survey: Survey, step_id: str, raw: Raw) -> Step:
    """The step named in the form, or the first one if it no longer applies."""
    steps = _pages(survey, raw)
    return next((s for s in steps if s.id == step_id), steps[0])


def neighbour(survey: Survey, step: Step, raw: Raw, offset: int) -> Step | None:
    """The applicable step ``offset`` places from ``step`` (-1 back, +1 on)."""
    steps = _pages(survey, raw)
    ids = [s.id for s in steps]
    index = ids.index(step.id) + offset if step.id in ids else -1
    return steps[index] if 0 <= index < len(steps) else None


def shown_questions(survey: Survey, step: Step, raw: Raw) -> list[Question]:
    """The questions a step shows.

    A question that depends on another question of the same step is shown,
    so that it works without JavaScript (the script hides it until needed);
    the server drops its answer if the condition does not hold.
    """
    same_step = {q.id for q in step.questions}
    kept = survey.effective_answers(raw)
    return [
        q
        for q in step.questions
        if q.relevant is None or q.relevant.references() & same_step or q.relevant.holds(kept)
    ]


def carried(survey: Survey, step: Step, raw: Raw) -> list[tuple[str, str]]:
    """Hidden ``(name, value)`` pairs for answers given on other steps."""
    shown = {q.id for q in shown_questions(survey, step, raw)}
    pairs: list[tuple[str, str]] = []
    for question in survey.questions():
        if question.id in shown:
            continue
        for name in (question.id, question.id + GLOSS_SUFFIX):
            pairs.extend((name, value) for value in raw.get(name, []))
    return pairs


def position(survey: Survey, step: Step, raw: Raw) -> tuple[int, int]:
    """``(number of this step, number of steps)`` for the person's path."""
    ids = [s.id for s in _pages(survey, raw)]
    return (ids.index(step.id) + 1 if step.id in ids else 1), len(ids)
