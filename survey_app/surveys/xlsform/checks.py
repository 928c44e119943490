"""The first pass over the sheets: every problem with its sheet, row and reason."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import openpyxl
from flask_babel import gettext
from openpyxl.utils.exceptions import InvalidFileException

from ..expressions import ExpressionError, UnsupportedFunction, parse
from ..model import (
    CONSENT_FLAGS,
    CONTACT_FIELDS,
)
from .common import (
    FORM_ID,
    NAME,
    SELECT_TYPES,
    Problem,
    condition,
    language_code,
)
from .kinds import known
from .sheets import _columns, _sheet_rows, _split_type

TWO_WORD = {"begin_group", "end_group", "begin_repeat", "end_repeat"}


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
            if language_code(language, languages) is None:
                problems.append(
                    Problem(
                        sheet,
                        1,
                        gettext(
                            "The column '%(column)s' names a language the app does not "
                            "know: '%(language)s'. Add its code in brackets, as in "
                            "'%(base)s::Tigrinya (ti)'.",
                            column=column,
                            language=language,
                            base=base,
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
    names: dict[str, int] = {}  # each name's first row
    places: dict[tuple[tuple[str, ...], str], int] = {}  # (groups around it, name): row
    path: list[str] = []
    every_name = {row.get("name", "") for row in survey}
    depth = 0
    repeats: list[int] = []  # the depths at which open repeats began
    for row in survey:
        number = row["__row__"]
        kind, list_name = _split_type(row.get("type", ""))
        name = row.get("name", "")
        if not kind:
            if any(k != "__row__" for k in row):
                problems.append(Problem("survey", number, gettext("This row has no type.")))
            continue
        if kind in TWO_WORD and row["type"] != row["type"].casefold():
            # pyxform reads these four only in lower case, and says so only as an unmatched end.
            problems.append(
                Problem(
                    "survey",
                    number,
                    gettext(
                        "Write '%(type)s' in lower case: '%(lower)s'.",
                        type=row["type"],
                        lower=row["type"].casefold(),
                    ),
                )
            )
        where = tuple(path)  # the groups around this row
        if kind in {"begin_group", "begin_repeat"}:
            depth += 1
            path.append(name)
            if kind == "begin_repeat":
                repeats.append(depth)
        if kind in {"end_group", "end_repeat"}:
            if repeats and repeats[-1] == depth:
                repeats.pop()
            depth -= 1
            if path:
                path.pop()
            if depth < 0:
                problems.append(
                    Problem(
                        "survey",
                        number,
                        gettext("'%(type)s' without a 'begin' row before it.", type=kind),
                    )
                )
                depth = 0
            continue
        if kind in SELECT_TYPES and list_name and list_name.startswith("${"):
            pass  # choices from earlier answers (select_one ${name}): pyxform checks the name
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
        elif kind not in {"begin_group", "begin_repeat"} and not known(row["type"]):
            problems.append(
                Problem(
                    "survey",
                    number,
                    gettext(
                        "The question type '%(type)s' is not an XLSForm type: check its "
                        "spelling against the XLSForm specification.",
                        type=row.get("type", kind),
                    ),
                )
            )
        if repeats:
            # Kept for the export, not collected yet: nothing inside a repeat is worked out.
            names.setdefault(name, number)
            continue
        if not name:
            if kind != "audit":  # ODK names the audit itself
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
        elif (where, name) in places:
            # Twice in one group is refused, as pyxform does; in two groups it is allowed.
            problems.append(
                Problem(
                    "survey",
                    number,
                    gettext(
                        "The name '%(name)s' is used twice (first on row %(row)s).",
                        name=name,
                        row=places[(where, name)],
                    ),
                )
            )
        else:
            places[(where, name)] = number
            names.setdefault(name, number)
        for column in ("relevant", "constraint", "calculation", "choice_filter"):
            source = row.get(column)
            if not source:
                continue
            try:
                # In a choice filter a bare word is a column of the choices sheet.
                expression = parse(condition(source), columns=column == "choice_filter")
            except ExpressionError as error:
                if isinstance(error, UnsupportedFunction):
                    continue  # kept and not applied: the import says so

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
        problems.append(
            Problem("survey", None, gettext("A 'begin_group' or 'begin_repeat' has no end row."))
        )
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
        if default and language_code(default, languages) is None:
            problems.append(
                Problem(
                    "settings",
                    row["__row__"],
                    gettext(
                        "The default_language '%(language)s' is not a language the app knows: "
                        "write its name and code, as in 'Tigrinya (ti)'.",
                        language=default,
                    ),
                )
            )
    return problems
