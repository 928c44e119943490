"""A form's repeats as the app asks them: each a step asked once per instance.

A ``begin repeat`` at the top of the form, or directly inside a top-level group, becomes
a step whose questions are asked for each instance (each person in a household), as many
times as ``repeat_count`` says or as the person adds. A repeat inside a repeat is kept as a
notice, and an expression naming a question inside it is kept for the export, not applied.
After a repeat, expressions read its answers as a set (``sum(${age})``, ``count()``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext

from ..expressions import POSITION, ExpressionError, parse
from .common import condition
from .questions import and_, own_condition, questions_of, workable
from .texts import Texts


def page_of(node: Mapping[str, Any], texts: Texts) -> dict[str, Any]:
    """A group's or a repeat's page: its name, and its label and hint as title and intro."""
    name = str(node["name"])
    step: dict[str, Any] = {"id": name}
    title = texts.pick(node.get("label"), f"step.{name}.title")
    if title:
        step["title"] = title
    intro = texts.pick(node.get("hint"), f"step.{name}.intro")
    if intro:
        step["intro"] = intro
    return step


def repeat_step(
    node: Mapping[str, Any],
    texts: Texts,
    relevant: list[str],
    notices: list[str],
    metadata: list[dict[str, str]],
) -> dict[str, Any]:
    """The step that asks ``node``'s questions once for each instance."""
    name = str(node["name"])
    step = {**page_of(node, texts), "repeat": {}}
    kept: dict[str, Any] = {}
    conditions = [*relevant, *own_condition(node, kept)]
    if conditions:
        step["relevant"] = and_(conditions)
    if kept:
        step["kept_relevant"] = kept["relevant"]
    count = node.get("control", {}).get("jr:count")
    if count not in (None, ""):
        source = condition(count)
        if workable(source):
            step["repeat"]["count"] = source
        else:
            step["repeat"]["kept_count"] = source
            notices.append(
                gettext(
                    "The repeat_count of '%(name)s' (%(expression)s) uses a function the app "
                    "cannot work out yet: it is kept, and the person adds each instance.",
                    name=name,
                    expression=source,
                )
            )
    step["questions"] = questions_of(node.get("children", []), texts, [], notices, metadata)
    _keep_aside_own_indexes(step["questions"], notices)
    return step


def _keep_aside_own_indexes(questions: list[dict[str, Any]], notices: list[str]) -> None:
    """indexed-repeat() of the repeat's own questions (the person before this one) is not
    worked out yet: kept for the export, said on upload."""
    own = {q["id"] for q in questions}
    for question in questions:
        for key in _EXPRESSIONS:
            source = question.get(key)
            if not source:
                continue
            try:
                picks = parse(source, key == "choice_filter").indexes_into(own)
            except ExpressionError:
                continue
            if picks:
                _keep_aside(question, key, notices)


_EXPRESSIONS = ("relevant", "constraint", "calculation", "choice_filter")


def _names(source: str, columns: bool) -> set[str]:
    try:
        return parse(source, columns).references()
    except ExpressionError:
        return set()


def _kept_names(rows: list[dict[str, Any]]) -> set[str]:
    """The names inside a repeat kept as a notice (a repeat inside a repeat)."""
    names: set[str] = set()
    for row in rows:
        names.add(str(row.get("name", "")))
        names |= _kept_names(row.get("rows", []))
    return names


def keep_aside_outside_references(steps: list[dict[str, Any]], notices: list[str]) -> None:
    """Expressions naming what the app does not ask (a question in a repeat inside a repeat,
    ``position(..)`` outside any repeat) are kept for the export, not applied."""
    unasked = {POSITION}
    for step in steps:
        for question in step.get("questions", []):
            if question.get("asks") == "repeat":
                unasked |= _kept_names(question.get("xlsform", {}).get("rows", []))
    for step in steps:
        # Inside a repeat, position(..) is its own instance's number.
        here = unasked - {POSITION} if "repeat" in step else unasked
        if step.get("relevant") and _names(step["relevant"], False) & here:
            step["kept_relevant"] = step.pop("relevant")
            notices.append(_said(step["id"], step["kept_relevant"]))
        for question in step.get("questions", []):
            for key in _EXPRESSIONS:
                source = question.get(key)
                if not source or not _names(source, key == "choice_filter") & here:
                    continue
                _keep_aside(question, key, notices)


def _keep_aside(question: dict[str, Any], key: str, notices: list[str]) -> None:
    """The expression ``key`` kept for the export, not applied; said on upload."""
    source = question.pop(key)
    kept = question.setdefault("xlsform", {})
    kept[key] = source
    notices.append(_said(question["id"], source))
    if key == "calculation":
        # No value here, as for a function the app does not know; exported as it was.
        if question["type"] == "calculate":
            kept.setdefault("type", "calculate")
        question.update(type="unsupported", asks="calculation")


def _said(name: str, expression: str) -> str:
    return gettext(
        "'%(name)s' uses answers from inside a repeat (%(expression)s), which the app cannot "
        "work out yet: it is kept for the export, and not applied here.",
        name=name,
        expression=expression,
    )
