"""The survey back as an XLSForm that pyxform accepts and that reads back the same."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import openpyxl

from ..model import (
    flatten_texts,
)
from .attached import external_lists
from .common import STEP_PARTS, TRANSLATABLE, YES_NO_LIST, column_label, hidden


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
    columns += [
        "required",
        "relevant",
        "constraint",
        "calculation",
        "default",
        "appearance",
        "parameters",
        "repeat_count",
        "choice_filter",
        "read_only",
        "records",
        "contact",
    ]
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
        kept: Mapping[str, str] = question.get("xlsform", {})
        row(
            kind,
            question["id"],
            f"question.{question['id']}",
            required="yes" if question.get("required") else "",
            relevant=relevant
            or question.get("relevant", "")
            or kept.get("relevant", "")
            or _show_if(question),
            constraint=kept.get("constraint", question.get("constraint", "")),
            calculation=question.get("calculation") or kept.get("calculation", ""),
            default=question.get("default") or kept.get("default", ""),
            appearance=" ".join(
                [
                    *(["multiline"] if question["type"] == "long_text" else []),
                    question.get("appearance", ""),
                ]
            ).strip(),
            # A search() question's filter is its appearance's own, not a column of its own.
            choice_filter=kept.get("choice_filter", "")
            if "search" in kept
            else question.get("choice_filter") or kept.get("choice_filter", ""),
            read_only="yes" if question.get("read_only") else "",
            parameters=kept.get("parameters", ""),
            records=question.get("records", ""),
            contact=question.get("contact", ""),
        )
        if kind == "begin_repeat":
            inner_rows(kept.get("rows", []))
            survey.append(["end_repeat", question["id"]])

    def inner_rows(rows: Any) -> None:
        """A repeat's rows as they were read: the app keeps them without collecting them."""
        for kept in rows:
            values = {c: "" for c in columns}
            values.update(type=kept["type"], name=kept["name"])
            values[f"label::{column_label(default)}"] = kept.get("label", "")
            for column in ("relevant", "constraint", "calculation", "required"):
                values[column] = kept.get(column, "")
            survey.append([values[c] for c in columns])
            if kept["type"] in {"begin_group", "begin_repeat"}:
                inner_rows(kept.get("rows", []))
                survey.append([kept["type"].replace("begin", "end"), kept["name"]])

    for item in definition.get("metadata", []):
        survey.append([item["type"], item["name"]])
    for step in definition["steps"]:
        questions = step.get("questions", [])
        step_relevant = step.get("relevant") or step.get("kept_relevant") or _show_if(step)
        if "repeat" in step:
            counted = step["repeat"].get("count") or step["repeat"].get("kept_count", "")
            row(
                "begin_repeat",
                step["id"],
                f"step.{step['id']}",
                relevant=step_relevant,
                repeat_count=counted,
            )
            for question in questions:
                question_row(question)
            survey.append(["end_repeat", step["id"]])
            continue
        shown = [q for q in questions if not hidden(q)]
        if not shown:  # calculations between repeats: rows of their own, as they were read
            for question in questions:
                question_row(question, step_relevant)
            continue
        alone = (
            len(shown) == 1
            and shown[0]["id"] == step["id"]
            and not step.get("title")
            and not step.get("intro")
            and not shown[0].get("relevant")
        )
        if alone:
            for question in questions:
                question_row(question, step_relevant if question is shown[0] else "")
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

    def choice_sheet(name: str, lists: Mapping[str, Any], written: Mapping[str, str]) -> None:
        """One sheet of choice lists: each label in every language, then the columns a
        choice_filter reads ("area"); ``written`` names a list as the form named it."""
        sheet = book.create_sheet(name)
        extra = sorted(
            {c for entries in lists.values() for e in entries for c in e.get("columns", {})}
        )
        sheet.append(["list_name", "name", *[f"label::{column_label(c)}" for c in codes], *extra])
        for list_name, entries in lists.items():
            for choice in entries:
                key = f"choice.{list_name}.{choice['value']}"
                own = choice.get("columns", {})
                columns = [own.get(c, "") for c in extra]
                written_name = written.get(list_name, list_name)
                sheet.append([written_name, choice["value"], *cells(base, key), *columns])

    lists = dict(definition.get("choices", {}))
    # A select_one_external's list goes back to the form's external_choices sheet.
    external = {app: name for name, app in external_lists(dict(definition)).items()}
    outside = {n: lists.pop(n) for n in list(lists) if n in external}
    if any(q["type"] == "yes_no" for s in definition["steps"] for q in s.get("questions", [])):
        lists.setdefault(YES_NO_LIST, [{"value": "yes"}, {"value": "no"}])
    choice_sheet("choices", lists, {})
    if outside:
        choice_sheet("external_choices", outside, external)
    settings = book.create_sheet("settings")
    voice = ["voice_seconds"] if "voice_seconds" in definition else []
    settings.append(["form_title", "form_id", "version", "default_language", *voice])
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
            *[str(definition["voice_seconds"]) for _ in voice],
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
    kept = question.get("xlsform", {}).get("type")
    if kept:
        return str(kept)  # as the form had it: range, hidden, image
    if kind == "datetime":
        return "dateTime"
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
