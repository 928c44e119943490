"""A choice_filter in the page: which choices show, and what the browser needs to follow it.

The server hides the choices the answers it knows rule out (so a page without JavaScript
offers the right ones); each choice carries its columns and the list carries the filter's
tree and the earlier answers it reads, so that ``static/js/survey.js`` can follow answers
given on the same page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from markupsafe import Markup

from . import piping
from .model import Choice, Question, Survey


def answers_that_count(
    survey: Survey, question: Question, raw: Mapping[str, list[str]] | None
) -> Mapping[str, list[str]] | None:
    """The answers the question's filter reads, or ``None`` when it has no filter."""
    if question.choice_filter is None:
        return None
    return piping.answers_that_count(survey, raw)


def list_attributes(question: Question, kept: Mapping[str, list[str]] | None) -> Markup:
    """``data-choice-filter`` and ``data-known`` for the element around the choices."""
    if question.choice_filter is None or kept is None:
        return Markup("")
    known = {name: kept[name] for name in question.choice_filter.references() if name in kept}
    return Markup(" data-choice-filter='{}' data-known='{}'").format(
        json.dumps(question.choice_filter.tree), json.dumps(known, ensure_ascii=False)
    )


def choice_attributes(
    question: Question, choice: Choice, kept: Mapping[str, list[str]] | None
) -> Markup:
    """``data-columns`` for one choice, and ``hidden`` when the filter rules it out."""
    if question.choice_filter is None or kept is None:
        return Markup("")
    columns = choice.filter_columns()
    shown = question.choice_filter.keeps(kept, columns)
    return Markup(" data-columns='{}'{}").format(
        json.dumps(columns, ensure_ascii=False), Markup("") if shown else Markup(" hidden")
    )
