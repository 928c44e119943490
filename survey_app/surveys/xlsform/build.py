"""From pyxform's reading of a form to the app's survey definition."""

from __future__ import annotations

import copy
import io
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from babel import Locale, UnknownLocaleError
from flask_babel import gettext
from pyxform.errors import PyXFormError
from pyxform.xls2json import parse_file_to_json

from ..answers import get_locale_code
from ..loader import bundled_survey_dir, load_definition
from ..model import (
    SurveyDefinitionError,
    parse_survey,
)
from .attached import attach_external
from .checks import check
from .common import (
    FORM_ID,
    ROW_NOTE,
    Imported,
    Problem,
    XLSFormError,
    hidden,
    language_code,
)
from .questions import (
    and_,
    not_collected_notice,
    own_condition,
    questions_of,
    read_choice,
    unapplied_relevant,
    unique_names,
)
from .repeats import keep_aside_outside_references, page_of, repeat_step
from .sheets import _sheet_rows
from .texts import Texts


def _group_part(
    step: dict[str, Any],
    children: list[dict[str, Any]],
    parts: int,
    texts: Texts,
    notices: list[str],
    metadata: list[dict[str, str]],
    steps: list[dict[str, Any]],
    waiting: list[dict[str, Any]],
) -> int:
    """One page of a group (the whole group, unless a repeat splits it); returns how many."""
    page = dict(step) if parts == 0 else {**step, "id": f"{step['id']}_{parts + 1}"}
    page["questions"] = [*waiting, *questions_of(children, texts, [], notices, metadata)]
    steps.append(page)
    return parts + 1


def _without_empty_pages(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A group of calculations only would be a blank page: its questions join a step beside,
    never a repeat's (they would be worked out once per instance)."""
    kept: list[dict[str, Any]] = []
    carried: list[dict[str, Any]] = []
    for step in steps:
        questions = step.get("questions", [])
        if questions and all(hidden(q) for q in questions) and "repeat" not in step:
            for question in questions:
                if step.get("relevant"):
                    own = [question["relevant"]] if question.get("relevant") else []
                    question["relevant"] = and_([step["relevant"], *own])
            if kept and "repeat" not in kept[-1]:
                kept[-1]["questions"].extend(questions)
            else:
                carried.extend(questions)
            continue
        if carried and "repeat" not in step:
            step["questions"] = [*carried, *questions]
            carried = []
        elif carried:  # between two repeats: before the next, which may count by them
            kept.append({"id": carried[0]["id"], "questions": carried})
            carried = []
        kept.append(step)
    if carried and kept:  # after the last repeat, with nothing after it: a page of their own
        kept.append({"id": carried[0]["id"], "questions": carried})
    elif carried:
        raise _no_question()
    return kept


def _no_question() -> XLSFormError:
    return XLSFormError(
        [Problem("survey", None, gettext("The form has calculations but no question."))]
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


def _stem(filename: str) -> str:
    """The upload's own name without folders or extension: pyxform's title when none is set."""
    return Path(filename.replace("\\", "/")).stem.strip() or "survey"


def _xlsform_json(data: bytes, filename: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        # Named as the upload, so that pyxform's default title and id are the file's name.
        path = Path(folder) / (re.sub(r"[^\w.-]+", "_", _stem(filename))[:100] + ".xlsx")
        path.write_bytes(data)
        try:
            result: dict[str, Any] = parse_file_to_json(str(path), warnings=[])
        except PyXFormError as error:
            message = str(error)
            row = ROW_NOTE.search(message)
            sheet = "choices" if "choices" in message.split("sheet")[0] else "survey"
            clean = ROW_NOTE.sub("", message).strip()
            # pyxform speaks English only; the sentence around it is the coordinator's.
            said = gettext("pyxform (the XLSForm reader ODK uses) says: %(message)s", message=clean)
            raise XLSFormError([Problem(sheet, int(row.group(1)) if row else None, said)]) from None
    return result


def _all_problems(data: bytes, languages: Sequence[str], filename: str) -> dict[str, Any]:
    """pyxform's reading of the form, or every problem the app's checks and pyxform find."""
    problems = check(data, languages)
    if any(p.sheet == "" for p in problems):
        raise XLSFormError(problems)  # not a workbook: nothing more to ask pyxform
    try:
        form = _xlsform_json(data, filename)
    except XLSFormError as error:
        seen = {(p.sheet, p.row) for p in problems}
        problems += [p for p in error.problems if (p.sheet, p.row) not in seen or p.row is None]
    if problems:
        raise XLSFormError(problems)
    return form


def _form_id(settings: Mapping[str, Any], filename: str) -> tuple[str, bool]:
    """The survey's id, and whether the app made it up (the form has no form_id)."""
    given = str(settings.get("form_id") or "")
    # A title in Arabic or Bengali makes no id of Latin letters: the file's name may.
    for source in (given, str(settings.get("form_title") or ""), _stem(filename)):
        form_id = source.casefold()
        if not FORM_ID.match(form_id):
            form_id = re.sub(r"[^a-z0-9_-]+", "-", form_id).strip("-_")[:64].strip("-_")
        if form_id:
            return form_id, not given
    return "survey", True


def _language_name(code: str) -> str:
    """A language's name in the coordinator's language: "Tigrinya (ti)"."""
    try:
        name = Locale.parse(code).get_display_name(get_locale_code()) or code
    except (ValueError, UnknownLocaleError):
        name = code
    return f"{name} ({code})"


def give_free_id(definition: dict[str, Any], taken: set[str]) -> None:
    """Give a survey whose id the app made up an id no other survey has."""
    base, number = definition["id"], 1
    while definition["id"] in taken:
        number += 1
        definition["id"] = f"{base[:60]}-{number}"
    definition["consent_version"] = f"{definition['id']}-{definition.get('form_version') or 1}"


def read(data: bytes, languages: Sequence[str], filename: str = "") -> Imported:
    """The survey definition an XLSForm describes, or :class:`XLSFormError` with every problem.

    A form without a form_id gets one from its title or file name; ``Imported.made_up_id``
    says so, and the caller keeps it from overwriting another survey.
    """
    form = _all_problems(data, languages, filename)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    settings = (_sheet_rows(book, "settings") or [{}])[0]
    default = language_code(settings.get("default_language", ""), languages) or (
        "en" if "en" in languages else languages[0]
    )
    texts = Texts(default, languages)
    notices: list[str] = unique_names(form)
    steps: list[dict[str, Any]] = []
    metadata: list[dict[str, str]] = []
    # Calculations outside any group have no page of their own: each goes with the step
    # before it, or, before the first step, with the next one.
    waiting: list[dict[str, Any]] = []
    for node in form.get("children", []):
        kind = str(node.get("type", ""))
        if node.get("control", {}).get("bodyless"):
            # ODK's own "meta" group: its instanceID is the app's response id; an audit
            # the form asked for is said to be left out, and goes back out in the export.
            audits = [c for c in node.get("children", []) if c.get("type") == "audit"]
            questions_of(audits, texts, [], notices, metadata)
            continue
        if kind == "group":
            name = str(node["name"])
            step = page_of(node, texts)
            kept: dict[str, Any] = {}
            for source in own_condition(node, kept):
                step["relevant"] = source
            if kept:
                # A page's condition the app cannot work out: kept for the export, said.
                step["kept_relevant"] = kept["relevant"]
                notices.append(unapplied_relevant(name, kept["relevant"]))
            # A repeat inside the group is a step of its own: the group's page stops before
            # it and goes on after it (under the same condition).
            part: list[dict[str, Any]] = []
            parts = repeats = 0
            for child in node.get("children", []):
                if child.get("type") != "repeat":
                    part.append(child)
                    continue
                repeats += 1
                if part:
                    parts = _group_part(step, part, parts, texts, notices, metadata, steps, waiting)
                    waiting, part = [], []
                inner = [step["relevant"]] if step.get("relevant") else []
                steps.append(repeat_step(child, texts, inner, notices, metadata))
            if part or not (parts or repeats):  # a group holding only a repeat: no page
                _group_part(step, part, parts, texts, notices, metadata, steps, waiting)
                waiting = []
            continue
        if kind == "repeat":
            if waiting:  # calculations between two repeats, before the one that may count by them
                steps.append({"id": waiting[0]["id"], "questions": waiting})
                waiting = []
            steps.append(repeat_step(node, texts, [], notices, metadata))
            continue
        for question in questions_of([node], texts, [], notices, metadata):
            if hidden(question):
                # Not into a repeat before it: it would be worked out once per instance.
                joins = steps and "repeat" not in steps[-1]
                (steps[-1]["questions"] if joins else waiting).append(question)
                continue
            step = {"id": question["id"], "questions": [*waiting, question]}
            waiting = []
            if "relevant" in question:
                step["relevant"] = question.pop("relevant")
            steps.append(step)
    if waiting and steps:  # calculations after the last repeat: a page of their own
        steps.append({"id": waiting[0]["id"], "questions": waiting})
        waiting = []
    steps = _without_empty_pages(steps)
    keep_aside_outside_references(steps, notices)
    if waiting:  # calculations and nothing else: no page to put them on
        raise _no_question()
    choice_lists: dict[str, list[dict[str, str]]] = {}
    for list_name, choices in form.get("choices", {}).items():
        choice_lists[list_name] = [read_choice(list_name, c, texts) for c in choices]
    form_id, made_up = _form_id(settings, filename)
    for code in sorted({*texts.translations, default} - set(languages)):
        # Each is one Babel knows: the checks refuse a column naming any other.
        notices.append(
            gettext(
                "The form's texts in %(language)s are kept, and go back out in its export. "
                "Residents can answer in %(language)s: the app's own words, such as buttons, "
                "are then shown in the closest language it has.",
                language=_language_name(code),
            )
        )
    translations = texts.translations
    if not any(q.get("records") == "consent" for s in steps for q in s.get("questions", [])):
        taken = {s["id"] for s in steps} | {q["id"] for s in steps for q in s["questions"]}
        consent_step, consent_texts = _standard_consent(taken)
        if steps and "repeat" not in steps[0]:
            # Calculations at the very top now follow the consent, as the export writes them
            # (not a repeat's own, which are worked out once per instance).
            while steps[0]["questions"] and hidden(steps[0]["questions"][0]):
                consent_step["questions"].append(steps[0]["questions"].pop(0))
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
        **({"metadata": metadata} if metadata else {}),
        # Our own settings column: how long a voice answer may be (0: typing only).
        **(
            {"voice_seconds": str(settings["voice_seconds"]).strip()}
            if str(settings.get("voice_seconds") or "").strip()
            else {}
        ),
        "review": {code: {"status": "draft"} for code in translations},
    }
    external = _sheet_rows(book, "external_choices")
    if external:
        # Kept in the form itself: the app reads them as ODK reads the itemsets.csv made of them.
        for name, kind in attach_external(definition, external, languages):
            notices = [n for n in notices if n != not_collected_notice(name, kind)]
    try:
        parse_survey(definition)
    except SurveyDefinitionError as error:
        raise XLSFormError([Problem("survey", None, str(error))]) from None
    return Imported(definition, notices, made_up_id=made_up)
