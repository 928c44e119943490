"""The first pass over the sheets: every problem with its sheet, row and reason."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import openpyxl
from flask_babel import gettext
from openpyxl.utils.exceptions import InvalidFileException

from ..expressions import ExpressionError, parse
from ..model import (
    CONSENT_FLAGS,
    CONTACT_FIELDS,
)
from .common import (
    FORM_ID,
    METADATA_TYPES,
    NAME,
    SELECT_TYPES,
    SIMPLE_TYPES,
    Problem,
    match_language,
)
from .sheets import _columns, _sheet_rows, _split_type


def check(data: bytes, languages: Sequence[str]) -> list[Problem]:
    """Every problem the first pass finds, with sheet and row; empty when all is well."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return [Problem("", None, gettext("This file is not an XLSForm spreadsheet (.xlsx)."))]
    problems: list[Problem] = []
    survey = _sheet_rows(book, "survey")
    if survey is None:
        return [Problem("survey", None, gettext("The spreadsheet has no 'survey' sheet."))]
    choices = _sheet_rows(book, "choices")
    settings = _sheet_rows(book, "settings") or []
    filled = {"survey": survey, "choices": choices or [], "settings": settings}
    for sheet in ("survey", "choices", "settings"):
        for column in _columns(book, sheet):
            if "::" not in column:
                continue
            if not any(column in row for row in filled[sheet]):
                continue  # an empty language column, as templates carry: nothing to read
            base, _, language = column.partition("::")
            if match_language(language, languages) is None:
                problems.append(
                    Problem(
                        sheet,
                        1,
                        gettext(
                            "The column '%(column)s' is in a language the app does not "
                            "offer: '%(language)s'.",
                            column=column,
                            language=language,
                        ),
                    )
                )
    if not _columns(book, "survey") or "type" not in _columns(book, "survey"):
        problems.append(Problem("survey", 1, gettext("The 'survey' sheet needs a 'type' column.")))
    lists: dict[str, set[str]] = {}
    for row in choices or []:
        list_name, name = row.get("list_name") or row.get("list name"), row.get("name")
        if not list_name or not name:
            problems.append(
                Problem(
                    "choices", row["__row__"], gettext("Each choice needs a list_name and a name.")
                )
            )
            continue
        if name in lists.setdefault(list_name, set()):
            problems.append(
                Problem(
                    "choices",
                    row["__row__"],
                    gettext(
                        "The choice '%(name)s' is in the list '%(list)s' twice.",
                        name=name,
                        list=list_name,
                    ),
                )
            )
        lists[list_name].add(name)
    names: dict[str, int] = {}
    every_name = {row.get("name", "") for row in survey}
    depth = 0
    for row in survey:
        number = row["__row__"]
        kind, list_name = _split_type(row.get("type", ""))
        name = row.get("name", "")
        if not kind:
            if any(k != "__row__" for k in row):
                problems.append(Problem("survey", number, gettext("This row has no type.")))
            continue
        if kind in {"begin_group", "begin_repeat"}:
            depth += 1
        if kind in {"end_group", "end_repeat"}:
            depth -= 1
            if depth < 0:
                problems.append(
                    Problem(
                        "survey",
                        number,
                        gettext("'end_group' without a 'begin_group' before it."),
                    )
                )
                depth = 0
            continue
        if kind == "begin_repeat":
            problems.append(
                Problem(
                    "survey", number, gettext("Repeats are not supported: use a group instead.")
                )
            )
        elif kind in SELECT_TYPES:
            if not list_name:
                problems.append(
                    Problem(
                        "survey", number, gettext("'%(type)s' needs a choice list name.", type=kind)
                    )
                )
            elif choices is None:
                problems.append(
                    Problem("choices", None, gettext("The spreadsheet has no 'choices' sheet."))
                )
            elif list_name not in lists:
                problems.append(
                    Problem(
                        "survey",
                        number,
                        gettext("The choice list '%(list)s' does not exist.", list=list_name),
                    )
                )
        elif kind not in SIMPLE_TYPES and kind != "begin_group" and kind not in METADATA_TYPES:
            problems.append(
                Problem(
                    "survey",
                    number,
                    gettext("The question type '%(type)s' is not supported.", type=kind),
                )
            )
        if not name:
            problems.append(Problem("survey", number, gettext("This row needs a name.")))
        elif not NAME.match(name):
            problems.append(
                Problem(
                    "survey",
                    number,
                    gettext(
                        "'%(name)s' cannot be a name: use letters, digits and _ only, "
                        "starting with a letter.",
                        name=name,
                    ),
                )
            )
        elif name in names:
            problems.append(
                Problem(
                    "survey",
                    number,
                    gettext(
                        "The name '%(name)s' is used twice (first on row %(row)s).",
                        name=name,
                        row=names[name],
                    ),
                )
            )
        else:
            names[name] = number
        for column in ("relevant", "constraint"):
            source = row.get(column)
            if not source:
                continue
            try:
                expression = parse(source)
            except ExpressionError as error:
                problems.append(
                    Problem(
                        "survey",
                        number,
                        gettext(
                            "The %(column)s expression '%(source)s': %(error)s.",
                            column=column,
                            # A runaway expression is named by its start, not pasted whole.
                            source=source if len(source) <= 120 else source[:117] + "…",
                            error=error,
                        ),
                    )
                )
                continue
            allowed = {n for n, at in names.items() if at < number}
            if column == "constraint" and name:
                allowed.add(name)
            for reference in sorted(expression.references() - allowed):
                if reference in every_name:
                    message = gettext(
                        "The %(column)s expression '%(source)s' uses ${%(name)s}, which comes "
                        "later: use only questions asked before this one.",
                        column=column,
                        source=source,
                        name=reference,
                    )
                else:
                    message = gettext(
                        "The %(column)s expression '%(source)s' uses ${%(name)s}, which does "
                        "not exist: use only questions asked before this one.",
                        column=column,
                        source=source,
                        name=reference,
                    )
                problems.append(Problem("survey", number, message))
            if column == "relevant" and expression.uses_current():
                problems.append(
                    Problem(
                        "survey",
                        number,
                        gettext("A relevant expression cannot use '.': %(source)s", source=source),
                    )
                )
        for extra, allowed_values in (("records", CONSENT_FLAGS), ("contact", CONTACT_FIELDS)):
            if row.get(extra) and row[extra] not in allowed_values:
                problems.append(
                    Problem(
                        "survey",
                        number,
                        gettext(
                            "'%(column)s' must be one of %(values)s.",
                            column=extra,
                            values=", ".join(sorted(allowed_values)),
                        ),
                    )
                )
    if depth > 0:
        problems.append(Problem("survey", None, gettext("A 'begin_group' has no 'end_group'.")))
    for row in settings[:1]:
        form_id = row.get("form_id")
        # KoboToolbox and ODK accept capitals; the app keeps the id in lower case.
        if form_id and not FORM_ID.match(form_id.casefold()):
            problems.append(
                Problem(
                    "settings",
                    row["__row__"],
                    gettext(
                        "The form_id '%(id)s' must be lower-case letters, digits, - and _.",
                        id=form_id,
                    ),
                )
            )
        default = row.get("default_language")
        if default and match_language(default, languages) is None:
            problems.append(
                Problem(
                    "settings",
                    row["__row__"],
                    gettext(
                        "The default_language '%(language)s' is not a language the app offers.",
                        language=default,
                    ),
                )
            )
    return problems
