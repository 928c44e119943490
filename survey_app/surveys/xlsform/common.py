"""What every step of reading and writing XLSForms shares: constants, problems, languages."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError

TRANSLATABLE = ("label", "hint", "required_message", "constraint_message")
SELECT_TYPES = {"select_one": "single_choice", "select_multiple": "multiple_choice"}
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
FORM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
ROW_NOTE = re.compile(r"\[row\s*:\s*(\d+)\]")
YES_NO_LIST = "yes_no"
STEP_PARTS = {"label": "title", "hint": "intro"}


# pyxform writes the condition of the text question it adds for ``or_other`` as a path
# (``../name``); older forms write absolute paths (``/data/group/name``). Outside quotes a
# "/" in XPath is always a path: division is ``div``.
_QUOTED = re.compile(r"('[^']*'|\"[^\"]*\")")
_PATH = re.compile(r"(?:\.\.|\.)?(?:/[A-Za-z_][\w.-]*)+")


def condition(source: Any) -> str:
    """An expression as the app reads it: a path to a question becomes ``${name}``."""
    parts = _QUOTED.split(str(source))
    for i in range(0, len(parts), 2):  # the parts outside quotes
        parts[i] = _PATH.sub(lambda m: "${" + m.group(0).rsplit("/", 1)[1] + "}", parts[i])
    return "".join(parts)


def hidden(question: Mapping[str, Any]) -> bool:
    """Worked out, never shown: a calculation, which has no page of its own (a read-only
    question shows what its calculation works out, so it is not one of these)."""
    if question.get("read_only"):
        return False
    return question["type"] == "calculate" or question.get("asks") == "calculation"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload, where it is."""

    sheet: str
    row: int | None
    message: str


class XLSFormError(ValueError):
    """An upload the app cannot use; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)


@dataclass
class Imported:
    definition: dict[str, Any]
    notices: list[str] = field(default_factory=list)
    # The form had no form_id: the id was made from its title or file name.
    made_up_id: bool = False


# Names in everyday English use that CLDR spells otherwise ("Bangla") or qualifies.
ALIASES = {"bengali": "bn", "chinese": "zh", "mandarin": "zh", "farsi": "fa", "panjabi": "pa"}


def _language_names(code: str) -> set[str]:
    try:
        locale = Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return {code.casefold()}
    names = {code.casefold(), code.replace("_", "-").casefold(), str(locale.language)}
    names |= {name for name, alias in ALIASES.items() if alias == locale.language}
    for name in (locale.get_display_name("en"), locale.get_language_name("en")):
        if name:
            names.add(name.casefold())
    for name in (locale.display_name, locale.language_name):
        if name:
            names.add(name.casefold())
    return names


def match_language(column_language: str, languages: Sequence[str]) -> str | None:
    """The app language an XLSForm language ("Bengali (bn)", "bn", "Bengali") names."""
    text = column_language.strip()
    inside = re.search(r"\(([^)]+)\)\s*$", text)
    candidates = [inside.group(1).strip()] if inside else []
    candidates.append(re.sub(r"\s*\([^)]*\)\s*$", "", text))
    for candidate in candidates:
        wanted = candidate.replace("-", "_").casefold()
        for code in languages:
            if wanted == code.casefold() or candidate.casefold() in _language_names(code):
                return code
        base = wanted.split("_")[0]
        for code in languages:
            if base == code.split("_")[0].casefold():
                return code
    return None


@lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    """Every language CLDR names, by its English name: 'tigrinya' → 'ti'."""
    return {name.casefold(): code for code, name in Locale("en").languages.items()}


def language_code(column_language: str, languages: Sequence[str]) -> str | None:
    """The code of the language an XLSForm column names: an offered one if it is one
    (:func:`match_language`), else any language CLDR knows ("Tigrinya (ti)", "Oromo")."""
    offered = match_language(column_language, languages)
    if offered is not None:
        return offered
    text = column_language.strip()
    inside = re.search(r"\(([^)]+)\)\s*$", text)
    names = _english_names()
    if inside:
        code = inside.group(1).strip().replace("-", "_")
        if code.split("_")[0].casefold() in names.values():
            return code
    return names.get(re.sub(r"\s*\([^)]*\)\s*$", "", text).casefold())


def column_label(code: str) -> str:
    """How an exported column names a language: ``Bengali (bn)``."""
    try:
        name = Locale.parse(code).get_display_name("en") or code
    except (ValueError, UnknownLocaleError):
        name = code
    return f"{name} ({code.replace('_', '-')})"
