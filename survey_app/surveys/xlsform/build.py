"""From pyxform's reading of a form to the app's survey definition."""

from __future__ import annotations

import copy
import io
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from flask_babel import gettext
from pyxform.errors import PyXFormError
from pyxform.xls2json import parse_file_to_json

from ..loader import bundled_survey_dir, load_definition
from ..model import (
    SurveyDefinitionError,
    parse_survey,
)
from .checks import check
from .common import (
    FORM_ID,
    METADATA_TYPES,
    ROW_NOTE,
    SIMPLE_TYPES,
    Imported,
    Problem,
    XLSFormError,
    match_language,
)
from .sheets import _sheet_rows


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
