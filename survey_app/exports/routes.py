"""The exports page and its files. Every file taken is recorded: who, when, what."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence

from flask import abort, render_template, request
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import storage
from ..auth.access import role_required
from ..storage.exports import ResponseRow
from ..surveys.model import DISPLAY_TYPES, Question, Survey, instance_key
from ..workspace.common import REVIEWERS, free_text_questions, survey_or_404
from . import bp
from .files import XLSX, csv_response, download, xlsx_file

FORMATS = ("csv", "xlsx")


def _versions(survey: Survey) -> list[Survey]:
    """The latest version, then every older one still holding responses' questions."""
    db = storage.get_db()
    older = [
        storage.surveys.get_version(db, survey.id, version)
        for version, _at, _n in storage.surveys.versions(db, survey.id)
        if version != survey.version
    ]
    return [survey, *older]


def _exported(questions: Iterable[Question], found: dict[str, Question]) -> None:
    for q in questions:
        shown = q.type not in DISPLAY_TYPES  # notes, and notices of what is not collected
        if q.id not in found and not q.contact and not q.records and shown:
            found[q.id] = q


def _shown(survey: Survey) -> list[Question]:
    """The questions an export carries, those of every published version: the latest
    version's in its order, then questions only older versions asked, so that answers to
    a question later removed stay in the export. Never contact details or the consent
    records (those are columns of their own), never notes or notices; calculated values
    are columns like answers. A repeat is one column, how many instances it has; its
    questions are columns of its own table (:func:`repeat_table`)."""
    found: dict[str, Question] = {}
    for each in _versions(survey):
        for step in each.steps:
            if step.repeat is None:
                _exported(step.questions, found)
            elif step.id not in found:
                found[step.id] = Question(id=step.id, type="integer")
    return list(found.values())


def repeats(survey: Survey) -> dict[str, list[Question]]:
    """Each repeat of any version, with the questions its table carries."""
    found: dict[str, dict[str, Question]] = {}
    for each in _versions(survey):
        for step in each.steps:
            if step.repeat is not None:
                _exported(step.questions, found.setdefault(step.id, {}))
    return {repeat: list(questions.values()) for repeat, questions in found.items()}


def repeat_table(survey: Survey, repeat: str, questions: list[Question]) -> Iterator[list[object]]:
    """One row per instance of a repeat (each person in a household), as KoboToolbox and
    ODK export them: the response it belongs to, its number, then its answers."""
    header: list[object] = ["response_id", "instance"]
    for q in questions:
        header.append(q.id)
        if q.free_text:
            header += [q.id + "__gloss", q.id + "__language"]
    yield header
    for row in storage.exports.responses(storage.get_db(), survey.id):
        try:
            count = int(row.answers.get(repeat, "0"))
        except ValueError:
            count = 0
        for number in range(1, count + 1):
            cells: list[object] = [row.id, number]
            for q in questions:
                key = instance_key(repeat, number, q.id)
                cells.append(row.answers.get(key, ""))
                if q.free_text:
                    cells += [
                        row.glosses.get(key, ""),
                        row.spoken.get(key, row.language) if key in row.answers else "",
                    ]
            yield cells


# An XLSForm's metadata (start, end …) as columns named as the form names them, as the
# exports of KoboToolbox and ODK Central have them: what the app records of each response.
METADATA_CELLS: dict[str, Callable[[ResponseRow], str]] = {
    "start": lambda row: row.started_at or row.created_at,
    "end": lambda row: row.created_at,
    "today": lambda row: (row.started_at or row.created_at)[:10],
    "deviceid": lambda row: row.device,
    "username": lambda row: row.username,
}


def response_table(survey: Survey) -> Iterator[list[object]]:
    """The header, then one row per response: its facts, both consents, every answer
    (free text with its gloss, the language it was said in and its themes)."""
    questions = _shown(survey)
    metadata = [(name, kind) for name, kind in survey.metadata.items() if kind in METADATA_CELLS]
    header: list[object] = [
        "response_id",
        "survey_version",
        "language",
        "mode",
        "event",
        "created_at",
        "received_at",
        "quote_consent",
        "contact_consent",
        *(name for name, _kind in metadata),
    ]
    for q in questions:
        header.append(q.id)
        if q.free_text:
            header += [q.id + "__gloss", q.id + "__language", q.id + "__themes"]
            if survey.voice_seconds:
                header.append(q.id + "__voice")  # spoken? transcribed? (never the audio)
    yield header
    row: ResponseRow
    for row in storage.exports.responses(storage.get_db(), survey.id):
        cells: list[object] = [
            row.id,
            row.survey_version,
            row.language,
            row.mode,
            row.event,
            row.created_at,
            row.received_at,
            "yes" if row.quote_consent else "no",
            "yes" if row.contact_consent else "no",
            *(METADATA_CELLS[kind](row) for _name, kind in metadata),
        ]
        for q in questions:
            cells.append(row.answers.get(q.id, ""))
            if q.free_text:
                cells += [
                    row.glosses.get(q.id, ""),
                    row.spoken.get(q.id, row.language) if q.id in row.answers else "",
                    "; ".join(row.themes.get(q.id, ())),
                ]
                if survey.voice_seconds:
                    cells.append(row.voice.get(q.id, ""))
        yield cells


class _Counted:
    """Rows passed through, counted, so that the log says how many left."""

    def __init__(self, rows: Iterator[Sequence[object]]) -> None:
        self.rows, self.count = rows, -1  # the header is not a response

    def __iter__(self) -> Iterator[Sequence[object]]:
        for row in self.rows:
            self.count += 1
            yield row


def export_name(what: str) -> str:
    """What the log calls a file, in the reader's language."""
    if what.startswith("report "):
        return gettext("Report, version %(number)s", number=what.removeprefix("report "))
    if what.startswith("chart "):
        return gettext("A chart's data")
    names = {
        "responses": gettext("Responses"),
        "themes": gettext("Themes and codebook"),
        "contacts": gettext("Contact list"),
    }
    return names.get(what, what)


def _who() -> int:
    return int(current_user.user.id)


@bp.get("/<survey_id>/exports")
@role_required(*REVIEWERS)
def exports(survey_id: str) -> str:
    survey = survey_or_404(survey_id)
    db = storage.get_db()
    return render_template(
        "exports/exports.html",
        survey=survey,
        responses=storage.responses.count(db, survey_id),
        log=storage.exports.recent(db, survey_id),
        export_name=export_name,
        questions=free_text_questions(survey),
        repeats=repeats(survey),
    )


@bp.get("/<survey_id>/exports/responses.<fmt>")
@role_required(*REVIEWERS)
def responses(survey_id: str, fmt: str) -> BaseResponse:
    return responses_file(survey_id, fmt)


def responses_file(survey_id: str, fmt: str) -> BaseResponse:
    """The responses as CSV or XLSX, recorded in the export log."""
    if fmt not in FORMATS:
        abort(404)
    survey = survey_or_404(survey_id)
    rows = _Counted(response_table(survey))
    name = f"{survey_id}-responses.{fmt}"
    tables = repeats(survey)
    wanted = request.args.get("repeat")
    if fmt == "csv" and wanted is not None:
        # A repeat's own table: CSV has one table to a file.
        if wanted not in tables:
            abort(404)
        rows = _Counted(repeat_table(survey, wanted, tables[wanted]))
        response = csv_response(rows, f"{survey_id}-{wanted}.csv")
    elif fmt == "csv":
        response = csv_response(rows, name)
    else:
        sheets: list[tuple[str, Iterable[Sequence[object]]]] = [("responses", rows)]
        sheets += [(r, repeat_table(survey, r, qs)) for r, qs in tables.items()]
        response = download(xlsx_file(sheets), XLSX, name)
    storage.exports.record(storage.get_db(), _who(), survey_id, "responses", fmt, rows.count)
    return response


@bp.get("/<survey_id>/exports/themes.json")
@role_required(*REVIEWERS)
def themes(survey_id: str) -> BaseResponse:
    survey = survey_or_404(survey_id)
    db = storage.get_db()
    questions = storage.exports.codebook(db, survey_id, [q.id for q in free_text_questions(survey)])
    body = {"survey": survey_id, "version": survey.version, "questions": questions}
    storage.exports.record(
        db, _who(), survey_id, "themes", "json", sum(len(q["themes"]) for q in questions)
    )
    return download(
        json.dumps(body, ensure_ascii=False, indent=2),
        "application/json",
        f"{survey_id}-themes.json",
    )


@bp.get("/<survey_id>/exports/contacts.csv")
@role_required("coordinator")
def contacts(survey_id: str) -> BaseResponse:
    """Only residents who agreed to be contacted, and nothing of what they said."""
    survey_or_404(survey_id)
    db = storage.get_db()
    found = storage.exports.contacts(db, survey_id)
    storage.exports.record(db, _who(), survey_id, "contacts", "csv", len(found))
    return csv_response([["name", "phone", "email", "date"], *found], f"{survey_id}-contacts.csv")
