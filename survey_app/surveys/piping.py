"""Label piping: ``${name}`` inside a label, hint or choice shows that question's answer.

The server writes each reference as a ``<span data-pipe="name">`` holding the answer it
knows; ``static/js/survey.js`` keeps the span up to date as the person answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import g, has_request_context
from markupsafe import Markup, escape

from .model import Survey

# A question, or its copy in one instance of a repeat (``${members[2]/name}``).
REFERENCE = re.compile(r"\$\{([A-Za-z_][\w.-]*(?:\[[0-9]+\]/[A-Za-z_][\w.-]*)?)\}")
# KoboToolbox forms colour or embolden labels with HTML (<span style="…">); the app shows
# the words, not the tags (the form itself keeps them, for its export).
TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def plain(text: str) -> str:
    """A form's text without the HTML tags some forms put around words."""
    return TAG.sub("", text) if "<" in text else text


def answers_that_count(
    survey: Survey, raw: Mapping[str, list[str]] | None
) -> Mapping[str, list[str]]:
    """``survey.effective_answers(raw)``, worked out once per page: a page of many steps
    pipes many labels and filters many lists from the same answers."""
    if not has_request_context():
        return survey.effective_answers(raw or {})
    found: dict[tuple[int, int], Mapping[str, list[str]]] = g.setdefault("answers_that_count", {})
    key = (id(survey), id(raw))
    if key not in found:
        found[key] = survey.effective_answers(raw or {})
    return found[key]


def piped(survey: Survey, text: str, raw: Mapping[str, list[str]] | None = None) -> Markup:
    """``text`` safe for HTML, each ``${name}`` replaced by a span with the answer so far."""
    text = plain(text)
    if "${" not in text:
        return Markup(escape(text))
    kept = answers_that_count(survey, raw)
    parts = REFERENCE.split(text)
    html = [escape(part) for part in parts[0::2]]
    out: list[Markup] = [Markup(html[0])]
    for name, after in zip(parts[1::2], html[1:], strict=True):
        value = " ".join(kept.get(name, ()))
        out.append(Markup('<span class="piped" data-pipe="{}">{}</span>').format(name, value))
        out.append(Markup(after))
    return Markup("").join(out)
