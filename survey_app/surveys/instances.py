"""Repeats asked once per instance: a survey expanded for some answers.

``Survey.expanded`` copies each repeat's questions once per instance (``members[2]/age``),
their expressions renamed to name the same instance's answers and ``position(..)`` its
number, after a count the repeat's own id answers; what follows a repeat reads its answers
as a set (``sum(${age})``). Everything else then works on the copies as on any question.
``static/js/repeats.js`` does the same in the browser (expandSteps).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping

from .expressions import Expression, aggregated, parse, renamed
from .model import MAX_INSTANCES, Question, Step, Survey, instance_key


def expand(survey: Survey, raw: Mapping[str, list[str]]) -> Survey:
    """``survey`` with each repeat asked as many times as ``raw`` says (Survey.expanded)."""
    if not survey.has_repeats():
        return survey
    steps: list[Step] = []
    # What comes after a repeat reads its answers as a set (sum(${age}), count()).
    copies: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for step in survey.steps:
        if step.repeat is not None and step.repeat.instances is not None:
            steps.append(step)
            continue
        step = _aggregated_step(step, copies, counts)
        if step.repeat is None:
            steps.append(step)
            continue
        before = dataclasses.replace(survey, steps=tuple(steps))
        kept = before.effective_answers(raw)
        if step.repeat.count is not None:
            wanted = step.repeat.count.value(kept)
        else:
            wanted = (raw.get(step.id) or ["1"])[0]
        number = _how_many(wanted)
        steps.append(_instances(step, number))
        counts[step.id] = number
        for question in step.questions:
            copies[question.id] = [
                instance_key(step.id, n, question.id) for n in range(1, number + 1)
            ]
    return dataclasses.replace(survey, steps=tuple(steps))


def _how_many(value: str) -> int:
    """A number of instances from an answer or a count: whole, and within bounds."""
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return 0
    return max(0, min(number, MAX_INSTANCES))


def _aggregated_step(
    step: Step, copies: Mapping[str, list[str]], counts: Mapping[str, int]
) -> Step:
    """A step after a repeat, its expressions reading the repeat's answers as a set."""
    if not copies and not counts:
        return step

    def over(expression: Expression | None) -> Expression | None:
        return aggregated(expression, copies, counts) if expression is not None else None

    questions = tuple(
        dataclasses.replace(
            q,
            relevant=over(q.relevant),
            constraint=over(q.constraint),
            calculation=over(q.calculation),
            choice_filter=over(q.choice_filter),
        )
        for q in step.questions
    )
    repeat = step.repeat
    if repeat is not None and repeat.count is not None:
        repeat = dataclasses.replace(repeat, count=over(repeat.count))
    return dataclasses.replace(
        step, questions=questions, relevant=over(step.relevant), repeat=repeat
    )


def _renamed(
    expression: Expression | None, names: Mapping[str, str], position: int
) -> Expression | None:
    return renamed(expression, names, position) if expression is not None else None


def _copies(step: Step, n: int) -> list[Question]:
    """Instance ``n``'s copies of a repeat's questions."""
    names = {q.id: instance_key(step.id, n, q.id) for q in step.questions}
    return [
        dataclasses.replace(
            q,
            id=names[q.id],
            instance=n,
            relevant=_renamed(q.relevant, names, n),
            constraint=_renamed(q.constraint, names, n),
            calculation=_renamed(q.calculation, names, n),
            choice_filter=_renamed(q.choice_filter, names, n),
        )
        for q in step.questions
    ]


def _instances(step: Step, number: int) -> Step:
    """A repeat step holding the count, then each instance's copies of its questions."""
    assert step.repeat is not None
    count = Question(id=step.id, type="calculate", calculation=parse(str(number)))
    copies: list[Question] = [count]
    for n in range(1, number + 1):
        copies += _copies(step, n)
    repeat = dataclasses.replace(step.repeat, instances=number, template=step.questions)
    return dataclasses.replace(step, questions=tuple(copies), repeat=repeat)


# The number the offline client's pattern of an instance carries, replaced by each instance's
# own in the browser: far beyond MAX_INSTANCES, so never a real instance's.
PATTERN_NUMBER = 999999


def instance_pattern(step: Step) -> list[Question]:
    """One instance's questions numbered PATTERN_NUMBER, for the browser to copy."""
    assert step.repeat is not None
    origin = step.repeat.template or step.questions
    return _copies(dataclasses.replace(step, questions=origin), PATTERN_NUMBER)


# A copy's own text key (``question.members[2]/age.label``): its texts are its question's.
COPY_KEY = re.compile(
    r"^question\.(?P<repeat>[^\[/]+)\[(?P<n>[0-9]+)\]/(?P<id>[^/]+)\.(?P<part>\w+)$"
)
_PIPE = re.compile(r"\$\{([A-Za-z_][\w.-]*)\}")


def copy_text(survey: Survey, key: str, read: Callable[[str], str]) -> str | None:
    """The text of a copy's key, read from its question's key by ``read``, with ``${age}``
    naming the same instance's age; None when ``key`` is not a copy's."""
    found = COPY_KEY.match(key)
    if found is None:
        return None
    text = read(f"question.{found['id']}.{found['part']}")
    if "${" not in text:
        return text
    number = int(found["n"])
    step = next((s for s in survey.steps if s.id == found["repeat"]), None)
    if step is None or step.repeat is None:
        return text
    siblings = {q.id for q in (step.repeat.template or step.questions)}

    def name(match: re.Match[str]) -> str:
        if match[1] not in siblings:
            return match[0]
        return "${" + instance_key(found["repeat"], number, match[1]) + "}"

    return _PIPE.sub(name, text)
