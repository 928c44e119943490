"""XLSForm spreadsheets in and out: the form ODK and KoboToolbox users already write.

Reading goes through pyxform, ODK's own parser, after a first pass over the
sheets that collects every problem with its sheet and row (pyxform stops at the
first). Writing gives the same sheets back, so import, export, import gives the
same survey. Columns beyond the XLSForm standard that the app understands:
``records`` (consent, quote_consent or contact_consent) and ``contact`` (name,
phone or email: kept apart from the answers).
"""

from __future__ import annotations

import copy
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from babel import Locale, UnknownLocaleError
from flask_babel import gettext
from openpyxl.utils.exceptions import InvalidFileException
from pyxform.errors import PyXFormError
from pyxform.xls2json import parse_file_to_json

from .expressions import ExpressionError, parse
from .loader import bundled_survey_dir, load_definition
from .model import (
    CONSENT_FLAGS,
    CONTACT_FIELDS,
    SurveyDefinitionError,
    flatten_texts,
    parse_survey,
)

TRANSLATABLE = ("label", "hint", "required_message", "constraint_message")
SIMPLE_TYPES = {
    "text": "short_text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "note": "note",
    "acknowledge": "acknowledge",
}
SELECT_TYPES = {"select_one": "single_choice", "select_multiple": "multiple_choice"}
# Recorded by ODK itself; the app records the time and device of a response anyway.
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "phonenumber",
    "simserial",
    "subscriberid",
    "email",
    "audit",
}
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
FORM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
ROW_NOTE = re.compile(r"\[row\s*:\s*(\d+)\]")
YES_NO_LIST = "yes_no"
STEP_PARTS = {"label": "title", "hint": "intro"}


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


def column_label(code: str) -> str:
    """How an exported column names a language: ``Bengali (bn)``."""
    try:
        name = Locale.parse(code).get_display_name("en") or code
    except (ValueError, UnknownLocaleError):
        name = code
    return f"{name} ({code.replace('_', '-')})"


# ---------------------------------------------------------------- reading


def _sheet_rows(book: Any, name: str) -> list[dict[str, Any]] | None:
    """A sheet's rows as dicts of its header's columns, with their row numbers.

    Only the header's columns are read: a spreadsheet that once formatted a cell far to
    the right or far down makes every row as wide as that cell, and reading each padded
    cell made a 5 KB form take minutes.
    """
    sheet = next((book[s] for s in book.sheetnames if s.strip().casefold() == name), None)
    if sheet is None:
        return None
    first = next(sheet.iter_rows(values_only=True, max_row=1), ())
    header = [str(h).strip() if h is not None else "" for h in first]
    while header and not header[-1]:
        header.pop()
    if not header:
        return []
    found = []
    rows = sheet.iter_rows(min_row=2, max_col=len(header), values_only=True)
    for number, values in enumerate(rows, start=2):
        if values.count(None) == len(values):
            continue  # the padding of a styled sheet: many such rows, so skipped cheaply
        row: dict[str, Any] = {}
        for i, v in enumerate(values):
            if v is None or not header[i]:
                continue
            text = str(v).strip()
            if text:
                row[header[i]] = text
        if row:
            row["__row__"] = number
            found.append(row)
    return found


def _columns(book: Any, name: str) -> list[str]:
    sheet = next((book[s] for s in book.sheetnames if s.strip().casefold() == name), None)
    if sheet is None:
        return []
    first = next(sheet.iter_rows(values_only=True, max_row=1), ())
    return [str(h).strip() for h in first if h is not None and str(h).strip()]


# Written with a space as often as with an underscore, in any case ("Begin Repeat").
TWO_WORD_TYPES = {"begin group", "end group", "begin repeat", "end repeat"}


def _split_type(raw: str) -> tuple[str, str | None]:
    """(type, list name) as the checks name them: 'begin repeat' is 'begin_repeat', not a
    type 'begin'; case does not matter for the type, only for the list name."""
    parts = raw.split()
    if not parts:
        return "", None
    kind = parts[0].casefold()
    if kind in SELECT_TYPES:
        return kind, (parts[1] if len(parts) > 1 else None)
    if len(parts) >= 2 and f"{kind} {parts[1].casefold()}" in TWO_WORD_TYPES:
        return f"{kind}_{parts[1].casefold()}", None
    return kind, None


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
    for sheet in ("survey", "choices", "settings"):
        for column in _columns(book, sheet):
            if "::" not in column:
                continue
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
        if form_id and not FORM_ID.match(form_id):
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


class _Texts:
    """Collects a form's texts: default language into the definition, others as translations."""

    def __init__(self, default: str, languages: Sequence[str]) -> None:
        self.default = default
        self.languages = languages
        self.translations: dict[str, dict[str, str]] = {}

    def pick(self, value: Any, key: str) -> str:
        """The default-language text of ``value``; other languages go to translations."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        text = ""
        for column_language, translated in value.items():
            if not translated:
                continue
            if column_language == "default":
                code: str | None = self.default
            else:
                code = match_language(column_language, self.languages)
            if code == self.default:
                text = text or str(translated)
            elif code is not None:
                self.translations.setdefault(code, {})[key] = str(translated)
        return text


def _required(bind: Mapping[str, Any]) -> bool:
    return str(bind.get("required", "")).strip().casefold() in {"yes", "true", "true()", "1"}


def _question(node: Mapping[str, Any], texts: _Texts, relevant: list[str]) -> dict[str, Any]:
    name = str(node["name"])
    kind = str(node["type"])
    bind = node.get("bind", {})
    question: dict[str, Any] = {"id": name}
    if kind in {"select one", "select all that apply"}:
        question["type"] = "single_choice" if kind == "select one" else "multiple_choice"
        question["choices"] = node.get("list_name") or node.get("itemset")
    else:
        question["type"] = SIMPLE_TYPES[kind]
    appearance = str(node.get("control", {}).get("appearance", ""))
    if question["type"] == "short_text" and "multiline" in appearance.split():
        question["type"] = "long_text"
    contact = node.get("contact")
    if contact:
        question["contact"] = str(contact)
        if question["type"] in {"short_text", "long_text"} and contact in {"phone", "email"}:
            question["type"] = str(contact)
    if node.get("records"):
        question["records"] = str(node["records"])
        if question["type"] == "acknowledge" and node["records"] == "consent":
            question["type"] = "consent"
    if _required(bind):
        question["required"] = True
    conditions = [*relevant, *([str(bind["relevant"])] if bind.get("relevant") else [])]
    if conditions:
        question["relevant"] = _and(conditions)
    if bind.get("constraint"):
        question["constraint"] = str(bind["constraint"])
    if node.get("default") not in (None, ""):
        question["default"] = str(node["default"])
    if question["type"] in {"short_text", "long_text"}:
        question["gloss"] = question["type"] == "long_text" and "contact" not in question
    for part, value in (
        ("label", node.get("label")),
        ("hint", node.get("hint")),
        ("required_message", bind.get("jr:requiredMsg")),
        ("constraint_message", bind.get("jr:constraintMsg")),
    ):
        text = texts.pick(value, f"question.{name}.{part}")
        if text:
            question[part] = text
    return question


def _and(conditions: Sequence[str]) -> str:
    if len(conditions) == 1:
        return conditions[0]
    return " and ".join(f"({c})" for c in conditions)


def _questions_of(
    nodes: Iterable[Mapping[str, Any]], texts: _Texts, relevant: list[str], notices: list[str]
) -> list[dict[str, Any]]:
    """A group's questions; a group inside it adds its condition to each of its questions."""
    found: list[dict[str, Any]] = []
    for node in nodes:
        kind = str(node.get("type", ""))
        if kind == "group":
            inner = relevant + (
                [node["bind"]["relevant"]] if node.get("bind", {}).get("relevant") else []
            )
            found.extend(_questions_of(node.get("children", []), texts, inner, notices))
        elif kind in METADATA_TYPES:
            notices.append(_left_out(str(node["name"]), kind))
        else:
            found.append(_question(node, texts, relevant))
    return found


def _left_out(name: str, kind: str) -> str:
    return gettext(
        "'%(name)s' (%(type)s) is left out: the app records this itself.", name=name, type=kind
    )


def _standard_consent(taken: set[str]) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """The app's own consent step and its translations, for a form that asks none."""
    bundled = load_definition(bundled_survey_dir())
    step = copy.deepcopy(
        next(
            s
            for s in bundled["steps"]
            if any(q.get("records") == "consent" for q in s.get("questions", []))
        )
    )
    step["questions"] = [q for q in step["questions"] if q.get("records") == "consent"]
    old_step, old_question = step["id"], step["questions"][0]["id"]
    step["id"] = "consent_step" if old_step in taken else old_step
    step["questions"][0]["id"] = "consent_given" if old_question in taken else old_question
    renames = {
        f"step.{old_step}.": f"step.{step['id']}.",
        f"question.{old_question}.": f"question.{step['questions'][0]['id']}.",
    }
    translations: dict[str, dict[str, str]] = {}
    for code, texts in bundled.get("translations", {}).items():
        for key, text in texts.items():
            for old, new in renames.items():
                if key.startswith(old):
                    translations.setdefault(code, {})[new + key[len(old) :]] = text
    return step, translations


def _xlsform_json(data: bytes) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.xlsx"
        path.write_bytes(data)
        try:
            result: dict[str, Any] = parse_file_to_json(str(path), warnings=[])
        except PyXFormError as error:
            message = str(error)
            row = ROW_NOTE.search(message)
            sheet = "choices" if "choices" in message.split("sheet")[0] else "survey"
            clean = ROW_NOTE.sub("", message).strip()
            raise XLSFormError(
                [Problem(sheet, int(row.group(1)) if row else None, clean)]
            ) from None
    return result


def read(data: bytes, languages: Sequence[str]) -> Imported:
    """The survey definition an XLSForm describes, or :class:`XLSFormError` with every problem."""
    problems = check(data, languages)
    if problems:
        raise XLSFormError(problems)
    form = _xlsform_json(data)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    settings = (_sheet_rows(book, "settings") or [{}])[0]
    default = match_language(settings.get("default_language", ""), languages) or (
        "en" if "en" in languages else languages[0]
    )
    texts = _Texts(default, languages)
    notices: list[str] = []
    steps: list[dict[str, Any]] = []
    for node in form.get("children", []):
        kind = str(node.get("type", ""))
        if node.get("control", {}).get("bodyless"):
            continue  # ODK's own "meta" group
        if kind == "group":
            name = str(node["name"])
            step: dict[str, Any] = {"id": name}
            title = texts.pick(node.get("label"), f"step.{name}.title")
            if title:
                step["title"] = title
            intro = texts.pick(node.get("hint"), f"step.{name}.intro")
            if intro:
                step["intro"] = intro
            if node.get("bind", {}).get("relevant"):
                step["relevant"] = str(node["bind"]["relevant"])
            step["questions"] = _questions_of(node.get("children", []), texts, [], notices)
            steps.append(step)
        elif kind in METADATA_TYPES:
            notices.append(_left_out(str(node["name"]), kind))
        else:
            question = _question(node, texts, [])
            step = {"id": question["id"], "questions": [question]}
            if "relevant" in question:
                step["relevant"] = question.pop("relevant")
            steps.append(step)
    choice_lists: dict[str, list[dict[str, str]]] = {}
    for list_name, choices in form.get("choices", {}).items():
        choice_lists[list_name] = [
            {
                "value": str(choice["name"]),
                "label": texts.pick(choice.get("label"), f"choice.{list_name}.{choice['name']}")
                or str(choice["name"]),
            }
            for choice in choices
        ]
    form_id = str(settings.get("form_id") or form.get("id_string") or "survey").casefold()
    if not FORM_ID.match(form_id):
        form_id = re.sub(r"[^a-z0-9_-]+", "-", form_id).strip("-_") or "survey"
    translations = texts.translations
    if not any(q.get("records") == "consent" for s in steps for q in s.get("questions", [])):
        taken = {s["id"] for s in steps} | {q["id"] for s in steps for q in s["questions"]}
        consent_step, consent_texts = _standard_consent(taken)
        steps.insert(0, consent_step)
        for code, found in consent_texts.items():
            if code in languages:
                translations.setdefault(code, {}).update(found)
        notices.append(
            gettext("The form asks for no consent, so the app's own consent step comes first.")
        )
    title = texts.pick(form.get("title"), "title") or form_id
    definition: dict[str, Any] = {
        "id": form_id,
        "version": 1,
        "form_version": str(settings.get("version") or form.get("version") or ""),
        "default_language": default,
        "consent_version": f"{form_id}-{settings.get('version') or 1}",
        "title": title,
        "steps": steps,
        "choices": choice_lists,
        "translations": {code: found for code, found in translations.items() if found},
        "review": {code: {"status": "draft"} for code in translations},
    }
    try:
        parse_survey(definition)
    except SurveyDefinitionError as error:
        raise XLSFormError([Problem("survey", None, str(error))]) from None
    return Imported(definition, notices)


# ---------------------------------------------------------------- writing


def write(definition: Mapping[str, Any]) -> bytes:
    """The survey as an XLSForm spreadsheet, every language in its own columns."""
    default = str(definition.get("default_language", "en"))
    translations: Mapping[str, Mapping[str, str]] = definition.get("translations", {})
    codes = [default, *sorted(c for c in translations if c != default)]

    def cells(texts: Mapping[str, str], key: str) -> list[str]:
        return [texts.get(key, "")] + [translations[c].get(key, "") for c in codes[1:]]

    base = {f"choice.{YES_NO_LIST}.yes": "Yes", f"choice.{YES_NO_LIST}.no": "No"}
    base.update(flatten_texts(definition))
    columns = ["type", "name"]
    for part in TRANSLATABLE:
        columns += [f"{part}::{column_label(c)}" for c in codes]
    columns += ["required", "relevant", "constraint", "default", "appearance", "records", "contact"]
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(columns)

    def row(kind: str, name: str, key_prefix: str, **extra: str) -> None:
        values = [kind, name]
        for part in TRANSLATABLE:
            if key_prefix.startswith("step."):
                # A group's label is its step's title; its hint, the step's introduction.
                part = STEP_PARTS.get(part, "")
            values += cells(base, f"{key_prefix}.{part}") if part else [""] * len(codes)
        values += [extra.get(c, "") for c in columns[len(values) :]]
        survey.append(values)

    def question_row(question: Mapping[str, Any], relevant: str = "") -> None:
        kind = _xlsform_type(question)
        row(
            kind,
            question["id"],
            f"question.{question['id']}",
            required="yes" if question.get("required") else "",
            relevant=relevant or question.get("relevant", "") or _show_if(question),
            constraint=question.get("constraint", ""),
            default=question.get("default", ""),
            appearance="multiline" if question["type"] == "long_text" else "",
            records=question.get("records", ""),
            contact=question.get("contact", ""),
        )

    for step in definition["steps"]:
        questions = step.get("questions", [])
        step_relevant = step.get("relevant", "") or _show_if(step)
        alone = (
            len(questions) == 1
            and questions[0]["id"] == step["id"]
            and not step.get("title")
            and not step.get("intro")
            and not questions[0].get("relevant")
        )
        if alone:
            question_row(questions[0], step_relevant)
            continue
        row(
            "begin_group",
            step["id"],
            f"step.{step['id']}",
            relevant=step_relevant,
            appearance="field-list",
        )
        for question in questions:
            question_row(question)
        survey.append(["end_group", step["id"]])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *[f"label::{column_label(c)}" for c in codes]])
    lists = dict(definition.get("choices", {}))
    if any(q["type"] == "yes_no" for s in definition["steps"] for q in s.get("questions", [])):
        lists.setdefault(YES_NO_LIST, [{"value": "yes"}, {"value": "no"}])
    for list_name, entries in lists.items():
        for choice in entries:
            key = f"choice.{list_name}.{choice['value']}"
            choices.append([list_name, choice["value"], *cells(base, key)])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(
        [
            definition["title"],
            definition["id"],
            # An imported form keeps its own version, even none; a bundled one has none
            # of its own, so the definition's version stands in.
            definition["form_version"]
            if "form_version" in definition
            else str(definition.get("version", 1)),
            column_label(default),
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _show_if(node: Mapping[str, Any]) -> str:
    show_if = node.get("show_if")
    if not show_if:
        return ""
    return f"selected(${{{show_if['question']}}}, '{show_if['equals']}')"


def _xlsform_type(question: Mapping[str, Any]) -> str:
    kind = question["type"]
    if kind == "single_choice":
        return f"select_one {question['choices']}"
    if kind == "multiple_choice":
        return f"select_multiple {question['choices']}"
    if kind == "yes_no":
        return f"select_one {YES_NO_LIST}"
    if kind == "consent":
        return "acknowledge"
    if kind in {"long_text", "short_text", "email", "phone"}:
        return "text"
    return str(kind)
