"""ODK's ``search()`` appearance: a select whose choices come from a CSV file sent with the form.

``search('clinics')`` reads ``clinics.csv``; the question's choice list has one row whose
``name`` is the file's column for the value and whose labels are its columns for the label
in each language. ``search('clinics', 'matches', 'area', ${area})`` keeps only the rows whose
``area`` column is the answer (also ``contains``, ``startswith``, ``endswith``).
"""

from __future__ import annotations

import re
from typing import Any

_SEARCH = re.compile(
    r"search\(\s*'(?P<file>[^']+)'\s*"
    r"(?:,\s*'(?P<how>matches|contains|startswith|endswith)'\s*,\s*'(?P<column>[\w.-]+)'\s*"
    r",\s*(?P<value>\$\{\w[\w.-]*\}|'[^']*')\s*)?\)"
)
# How each way of matching is written as a choice_filter the app works out.
_FILTERS = {
    "matches": "{column} = {value}",
    "contains": "contains({column}, {value})",
    "startswith": "starts-with({column}, {value})",
    "endswith": "ends-with({column}, {value})",
}


def has_search(appearance: str) -> bool:
    return "search(" in appearance.replace(" ", "")


def read(appearance: str) -> dict[str, str] | None:
    """The file a search() appearance reads and the filter it applies, if the app can read it."""
    found = _SEARCH.search(appearance)
    if found is None:
        return None
    read_as: dict[str, str] = {"file": found["file"] + ".csv"}
    if found["how"]:
        read_as["filter"] = _FILTERS[found["how"]].format(
            column=found["column"], value=found["value"]
        )
    return read_as


def without_search(appearance: str) -> str:
    """The appearance with its search() taken out: what is left is shown as usual."""
    return _SEARCH.sub("", appearance).strip()


def columns(definition: dict[str, Any], question: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The file's column for the value, and its column for the label in each language."""
    template = definition.get("choices", {}).get(question["xlsform"]["search"]["list"], [])
    if not template:
        return "name", {}
    first = template[0]
    labels = {str(definition.get("default_language", "en")): str(first.get("label", ""))}
    key = f"choice.{question['xlsform']['search']['list']}.{first['value']}"
    for code, texts in definition.get("translations", {}).items():
        if texts.get(key):
            labels[code] = texts[key]
    return str(first["value"]), labels
