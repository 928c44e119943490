"""Label piping: ``${name}`` inside a label, hint or choice shows that question's answer.

The server writes each reference as a ``<span data-pipe="name">`` holding the answer it
knows; ``static/js/survey.js`` keeps the span up to date as the person answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import Markup, escape

from .model import Survey

REFERENCE = re.compile(r"\$\{([A-Za-z_][\w.-]*)\}")
# KoboToolbox forms colour or embolden labels with HTML (<span style="…">); the app shows
# the words, not the tags (the form itself keeps them, for its export).
TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def plain(text: str) -> str:
    """A form's text without the HTML tags some forms put around words."""
    return TAG.sub("", text) if "<" in text else text


def piped(survey: Survey, text: str, raw: Mapping[str, list[str]] | None = None) -> Markup:
    """``text`` safe for HTML, each ``${name}`` replaced by a span with the answer so far."""
    text = plain(text)
    if "${" not in text:
        return Markup(escape(text))
    kept = survey.effective_answers(raw or {})
    parts = REFERENCE.split(text)
    html = [escape(part) for part in parts[0::2]]
    out: list[Markup] = [Markup(html[0])]
    for name, after in zip(parts[1::2], html[1:], strict=True):
        value = " ".join(kept.get(name, ()))
        out.append(Markup('<span class="piped" data-pipe="{}">{}</span>').format(name, value))
        out.append(Markup(after))
    return Markup("").join(out)
