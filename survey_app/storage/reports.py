"""Saved reports, and the counts a report is made of.

A saved report keeps its content as it was gathered, so a version sent to partners in
March reads the same in June whatever the team has changed since.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .db import write
from .errors import NotFound
from .surveys import utc_now


@dataclass(frozen=True)
class Saved:
    id: int
    survey_id: str
    title: str
    introduction: str
    language: str
    sections: tuple[str, ...]
    content: dict[str, Any]
    created_by: str
    created_at: str


def save(
    db: Database,
    survey_id: str,
    user_id: int | None,
    title: str,
    introduction: str,
    language: str,
    sections: Sequence[str],
    content: dict[str, Any],
    request_id: str | None = None,
) -> int:
    """A new version; the same ``request_id`` again (a double click) gives the first."""
    with write(db):
        if request_id:
            found = db.execute(
                "SELECT id FROM reports WHERE request_id = ?", [request_id]
            ).fetchone()
            if found:
                return int(found[0])
        cursor = db.execute(
            "INSERT INTO reports (survey_id, title, introduction, language, sections, content,"
            " created_by, created_at, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                survey_id,
                title,
                introduction,
                language,
                json.dumps(list(sections)),
                json.dumps(content, ensure_ascii=False),
                user_id,
                utc_now(),
                request_id,
            ],
        )
        return int(cursor.lastrowid or 0)


_COLUMNS = (
    "r.id, r.survey_id, r.title, r.introduction, r.language, r.sections, r.content,"
    " coalesce(u.name, ''), r.created_at FROM reports r LEFT JOIN users u ON u.id = r.created_by"
)


def _saved(row: Sequence[Any], content: bool = True) -> Saved:
    return Saved(
        id=int(row[0]),
        survey_id=str(row[1]),
        title=str(row[2]),
        introduction=str(row[3]),
        language=str(row[4]),
        sections=tuple(json.loads(row[5])),
        content=json.loads(row[6]) if content else {},
        created_by=str(row[7]),
        created_at=str(row[8]),
    )


def get(db: Database, survey_id: str, report_id: int) -> Saved:
    row = db.execute(
        f"SELECT {_COLUMNS} WHERE r.id = ? AND r.survey_id = ?", [report_id, survey_id]
    ).fetchone()
    if row is None:
        raise NotFound(f"report {report_id}")
    return _saved(row)


def versions(db: Database, survey_id: str) -> list[Saved]:
    """The survey's saved reports, newest first (without their content)."""
    return [
        _saved(row, content=False)
        for row in db.execute(
            f"SELECT {_COLUMNS} WHERE r.survey_id = ? ORDER BY r.id DESC", [survey_id]
        )
    ]


def gathering(db: Database, survey_id: str) -> dict[str, Any]:
    """How the responses were gathered: how many, when, in which languages and ways,
    at which events, and how many doors were knocked."""
    total, first, last, involved, assisted = db.execute(
        "SELECT count(*), min(received_at), max(received_at), coalesce(sum(contact_consent), 0),"
        " coalesce(sum(mode = 'assisted'), 0) FROM responses WHERE survey_id = ?",
        [survey_id],
    ).fetchone()
    languages = [
        [str(lang), int(n)]
        for lang, n in db.execute(
            "SELECT language, count(*) FROM responses WHERE survey_id = ?"
            " GROUP BY language ORDER BY 2 DESC, 1",
            [survey_id],
        )
    ]
    events = [
        {"name": str(name), "kind": str(kind), "date": str(day or ""), "responses": int(n)}
        for name, kind, day, n in db.execute(
            "SELECT e.name, e.kind, e.starts_on, (SELECT count(*) FROM responses r"
            " WHERE r.event_id = e.id) FROM events e WHERE e.survey_id = ?"
            " ORDER BY e.starts_on, e.name",
            [survey_id],
        )
    ]
    doors, completed = db.execute(
        "SELECT count(*), coalesce(sum(d.outcome = 'completed'), 0) FROM counted_doors d"
        " JOIN events e ON e.id = d.event_id WHERE e.survey_id = ?",
        [survey_id],
    ).fetchone()
    return {
        "responses": int(total),
        "first": str(first or "")[:10],
        "last": str(last or "")[:10],
        "assisted": int(assisted),
        "involved": int(involved),
        "languages": languages,
        "events": events,
        "doors": int(doors),
        "doors_completed": int(completed),
    }


def attribute_counts(
    db: Database, survey_id: str, question_ids: Sequence[str]
) -> dict[str, list[list[Any]]]:
    """Responses counted by each attribute question's answer ('' for no answer)."""
    found: dict[str, list[list[Any]]] = {}
    for question_id in question_ids:
        found[question_id] = [
            [str(value), int(n)]
            for value, n in db.execute(
                "SELECT coalesce(a.value, ''), count(*) FROM responses r LEFT JOIN answers a"
                " ON a.response_id = r.id AND a.question_id = ? AND a.position = 0"
                " WHERE r.survey_id = ? GROUP BY 1 ORDER BY 2 DESC, 1",
                [question_id, survey_id],
            )
        ]
    return found


def review_figures(db: Database, survey_id: str, question_id: str) -> dict[str, int]:
    """How the themes were found and reviewed: analysis runs, the team's decisions and
    the answers placed by a person."""
    runs, decisions, by_person = db.execute(
        "SELECT (SELECT count(*) FROM analysis_runs WHERE survey_id = ? AND question_id = ?"
        " AND status = 'done'), (SELECT count(*) FROM review_log WHERE survey_id = ?"
        " AND question_id = ? AND undone_at IS NULL), (SELECT count(*) FROM theme_members m"
        " JOIN themes t ON t.id = m.theme_id WHERE t.survey_id = ? AND t.question_id = ?"
        " AND m.placed_by = 'person')",
        [survey_id, question_id] * 3,
    ).fetchone()
    return {"runs": int(runs), "decisions": int(decisions), "placed_by_person": int(by_person)}
