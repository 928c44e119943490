"""Choice lists a form keeps in a file beside it (``select_one_from_file clinics.csv``).

KoboToolbox and ODK send such files with the form. The app reads the form without them,
shows each such question as a notice, and asks the coordinator for each file before the
survey is published; once a file is attached its questions are ordinary choice questions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from flask_babel import gettext

from . import search
from .choice_files import default_columns, read_rows
from .common import Problem, XLSFormError, column_label, language_code

_FROM_FILE = re.compile(r"^(select_one|select_multiple)_from_file\s+(\S+)$")
_EXTERNAL = re.compile(r"^select_one_external\s+(\S+)$")
MAX_CHOICES = 20_000


def _questions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for s in definition["steps"] for q in s.get("questions", [])]


def _file_of(question: dict[str, Any]) -> str | None:
    kept = question.get("xlsform", {})
    if "search" in kept:
        return kept["search"].get("file")  # None: a search() the app cannot read
    match = _FROM_FILE.match(str(kept.get("type", "")))
    return match.group(2) if match else None


def files(definition: dict[str, Any]) -> dict[str, int | None]:
    """Each file the form's questions read their choices from, with the number of choices
    attached from it, or ``None`` while it is still needed."""
    found: dict[str, int | None] = {}
    for question in _questions(definition):
        name = _file_of(question)
        if name is None:
            continue
        if question["type"] == "unsupported":
            found[name] = None
        else:
            found.setdefault(name, len(definition["choices"].get(question["choices"], [])))
    return found


def missing(definition: dict[str, Any]) -> list[str]:
    return [name for name, count in files(definition).items() if count is None]


def _list_name(filename: str, taken: set[str]) -> str:
    base = "file_" + re.sub(r"\W+", "_", filename).strip("_")
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}_{number}"
    return name


def _parameters(question: dict[str, Any]) -> dict[str, str]:
    """A question's ``parameters`` cell as pairs ("value=code label=title")."""
    written = str(question.get("xlsform", {}).get("parameters", ""))
    return dict(part.split("=", 1) for part in written.split() if "=" in part)


def _rows(definition: dict[str, Any], data: bytes, filename: str) -> list[dict[str, str]]:
    """The file's choices, with the columns its questions read as value and label renamed
    ``name`` and ``label`` (and ``label::Language`` beside them)."""
    rows = read_rows(data, filename)
    value, label = default_columns(filename)
    reading = next((q for q in _questions(definition) if _file_of(q) == filename), {})
    if "search" in reading.get("xlsform", {}):
        return _searched(definition, reading, rows)
    value = _parameters(reading).get("value", value)
    label = _parameters(reading).get("label", label)
    if (value, label) == ("name", "label"):
        return rows
    renamed = []
    for row in rows:
        own: dict[str, str] = {}
        for column, text in row.items():
            if column == label or column.startswith(label + "::"):
                own["label" + column[len(label) :]] = text
            elif column in {"name", "label"} or column.startswith("label::"):
                continue  # the question reads other columns as its value and label
            else:
                own[column] = text  # the value's column too, which a choice_filter may name
        if value in row:
            own["name"] = row[value]
        renamed.append(own)
    return renamed


def _searched(
    definition: dict[str, Any], question: dict[str, Any], rows: list[dict[str, str]]
) -> list[dict[str, str]]:
    """A search() question's file, read through the columns its own choice list names."""
    value, labels = search.columns(definition, question)
    default = str(definition.get("default_language", "en"))
    renamed = []
    for row in rows:
        # The label columns are the labels; the value's column stays, for a filter to name.
        own = {k: v for k, v in row.items() if k not in {"name", "label", *labels.values()}}
        own["name"] = row.get(value, "")
        for code, column in labels.items():
            own["label" if code == default else f"label::{column_label(code)}"] = row.get(
                column, ""
            )
        renamed.append(own)
    return renamed


def attach(definition: dict[str, Any], filename: str, data: bytes, languages: Sequence[str]) -> int:
    """Make ``filename``'s choices the choices of the questions that read it; returns how
    many choices it has, or raises :class:`XLSFormError` with every problem (nothing kept)."""
    if filename not in files(definition):
        raise XLSFormError(
            [Problem(filename, None, gettext("The form does not ask for a file of this name."))]
        )
    read = _read_choices(filename, _rows(definition, data, filename), languages, definition)
    _let_go(definition, filename)
    list_name = _list_name(filename, set(definition.get("choices", {})))
    count = _store(definition, read, list_name, lambda q: _file_of(q) == filename)
    for question in _questions(definition):
        wanted = question.get("xlsform", {}).get("search", {}).get("filter")
        if wanted and _file_of(question) == filename:
            question["choice_filter"] = wanted  # search()'s matching, as the app applies it
    return count


def external_lists(definition: dict[str, Any]) -> dict[str, str]:
    """Each list a ``select_one_external`` question reads, with the app's name for it."""
    found: dict[str, str] = {}
    for question in _questions(definition):
        match = _EXTERNAL.match(str(question.get("xlsform", {}).get("type", "")))
        if match:
            found[match.group(1)] = question.get("choices") or "external_" + match.group(1)
    return found


def attach_external(
    definition: dict[str, Any], rows: list[dict[str, Any]], languages: Sequence[str]
) -> list[tuple[str, str]]:
    """The form's own ``external_choices`` sheet (KoboToolbox's cascading lists, which
    ODK reads from the itemsets.csv pyxform makes of it) as the choices of the
    ``select_one_external`` questions; returns each question it made askable, with its type."""
    made: list[tuple[str, str]] = []
    for list_name, app_name in external_lists(definition).items():
        wanted = [
            {k: str(v) for k, v in row.items() if k not in {"list_name"}}
            for row in rows
            if str(row.get("list_name", "")).strip() == list_name
        ]
        if not wanted:
            continue  # said on upload: the question stays a notice

        def reads(question: dict[str, Any], name: str = list_name) -> bool:
            return bool(question.get("xlsform", {}).get("type") == f"select_one_external {name}")

        read = _read_choices("external_choices", wanted, languages, definition)
        _store(definition, read, app_name, reads)
        made += [(q["id"], q["xlsform"]["type"]) for q in _questions(definition) if reads(q)]
    return made


Read = list[tuple[str, dict[str, str], dict[str, str]]]


def _read_choices(
    source: str, rows: list[dict[str, str]], languages: Sequence[str], definition: dict[str, Any]
) -> Read:
    """Each choice of ``rows`` (name, label, label::Language (code), other columns) with
    its labels by language and its other columns, or every problem (nothing changed)."""
    columns = {c for row in rows for c in row if c != "__row__"}
    labels = sorted(c for c in columns if c == "label" or c.startswith("label::"))
    problems = []
    if "name" not in columns or not labels:
        problems.append(
            Problem(source, 1, gettext("The file needs a 'name' and a 'label' column."))
        )
    if not rows:
        problems.append(Problem(source, None, gettext("The file has no choices.")))
    if len(rows) > MAX_CHOICES:
        problems.append(Problem(source, None, gettext("The file has too many choices.")))
    if problems:
        raise XLSFormError(problems)
    default = str(definition.get("default_language", "en"))
    seen: set[str] = set()
    read: Read = []
    for index, row in enumerate(rows, start=2):
        number = int(row.get("__row__", index))
        value = row.get("name", "")
        if not value or value in seen:
            problems.append(
                Problem(
                    source,
                    number,
                    gettext("Each choice needs a name, used once.")
                    if not value
                    else gettext("The choice '%(name)s' is in the file twice.", name=value),
                )
            )
            continue
        seen.add(value)
        texts: dict[str, str] = {}
        for column in labels:
            code = default if column == "label" else language_code(column[7:], languages)
            if code and row.get(column):
                texts.setdefault(code, row[column])
        extra = {c: row[c] for c in sorted(columns - {"name", "__row__", *labels}) if row.get(c)}
        read.append((value, texts, extra))
    if problems:
        raise XLSFormError(problems)
    return read


def _store(
    definition: dict[str, Any],
    read: Read,
    list_name: str,
    reads: Callable[[dict[str, Any]], bool],
) -> int:
    """The choices as the list ``list_name``, the choices of each question that ``reads`` it."""
    default = str(definition.get("default_language", "en"))
    choices: list[dict[str, Any]] = []
    translations = definition.setdefault("translations", {})
    for value, texts, extra in read:
        choice: dict[str, Any] = {"value": value, "label": texts.pop(default, "") or value}
        if extra:
            choice["columns"] = extra  # what a choice_filter reads
        choices.append(choice)
        for code, text in texts.items():
            translations.setdefault(code, {})[f"choice.{list_name}.{value}"] = text
    definition.setdefault("choices", {})[list_name] = choices
    for question in _questions(definition):
        if reads(question):
            single = question["xlsform"]["type"].startswith("select_one")
            question["type"] = "single_choice" if single else "multiple_choice"
            question["choices"] = list_name
            question.pop("asks", None)
    return len(choices)


def _let_go(definition: dict[str, Any], filename: str) -> None:
    """A file attached again replaces the list (and its translations) the last one made."""
    for question in _questions(definition):
        old = question.get("choices") if _file_of(question) == filename else None
        if not old or old not in definition.get("choices", {}):
            continue
        del definition["choices"][old]
        prefix = f"choice.{old}."
        for texts in definition.get("translations", {}).values():
            for key in [k for k in texts if k.startswith(prefix)]:
                del texts[key]
