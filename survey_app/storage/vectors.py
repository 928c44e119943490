"""Answers' stored sentence embeddings: read, kept, and gone with their responses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from .db import write


@dataclass(frozen=True)
class FreeText:
    """One free-text answer as the analysis reads it."""

    response_id: str
    text: str
    gloss: str | None
    language: str
    quote_consent: bool


def free_text_answers(
    db: Database,
    survey_id: str,
    question_id: str,
    *,
    events: Sequence[str] = (),
    languages: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
) -> list[FreeText]:
    """Every non-empty answer to ``question_id`` in ``survey_id``, oldest first; limited,
    when asked, to some events, answer languages or days received (``since`` and ``until``
    are ISO dates, both included)."""
    sql = (
        "SELECT r.id, a.value, a.gloss, COALESCE(a.language, r.language), r.quote_consent"
        " FROM answers a JOIN responses r ON r.id = a.response_id"
        " WHERE r.survey_id = ? AND a.question_id = ? AND a.position = 0"
        " AND trim(a.value) != ''"
    )
    params: list[object] = [survey_id, question_id]
    if events:
        sql += f" AND r.event_id IN ({','.join('?' * len(events))})"
        params += list(events)
    if languages:
        sql += f" AND COALESCE(a.language, r.language) IN ({','.join('?' * len(languages))})"
        params += list(languages)
    if since:
        sql += " AND substr(r.received_at, 1, 10) >= ?"
        params.append(since)
    if until:
        sql += " AND substr(r.received_at, 1, 10) <= ?"
        params.append(until)
    rows = db.execute(sql + " ORDER BY r.received_at, r.id", params)
    return [
        FreeText(rid, text, gloss, language, bool(quote))
        for rid, text, gloss, language, quote in rows
    ]


def stored(
    db: Database, question_id: str, model: str, response_ids: Iterable[str]
) -> dict[str, tuple[str, np.ndarray]]:
    """Response id -> (hash of the text embedded, vector) for those that have one."""
    wanted = list(response_ids)
    found: dict[str, tuple[str, np.ndarray]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for rid, digest, blob in db.execute(
            "SELECT response_id, text_hash, vector FROM answer_vectors"
            f" WHERE question_id = ? AND model = ? AND response_id IN ({marks})",
            [question_id, model, *chunk],
        ):
            found[rid] = (digest, np.frombuffer(blob, dtype="<f4"))
    return found


def keep(
    db: Database, question_id: str, model: str, made: Iterable[tuple[str, str, np.ndarray]]
) -> None:
    """Store (response id, text hash, vector) rows in one transaction, replacing old ones."""
    rows = [
        (rid, question_id, model, digest, np.asarray(vector, dtype="<f4").tobytes())
        for rid, digest, vector in made
    ]
    with write(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO answer_vectors"
            " (response_id, question_id, model, text_hash, vector) VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def without_vectors(
    db: Database, survey_id: str, question_id: str, model: str, limit: int = 1000
) -> list[tuple[str, str, str | None]]:
    """(response id, answer, gloss) of answers that have no vector from ``model`` yet."""
    return [
        (str(rid), str(value), gloss)
        for rid, value, gloss in db.execute(
            "SELECT a.response_id, a.value, a.gloss FROM answers a"
            " WHERE a.survey_id = ? AND a.question_id = ? AND a.position = 0"
            " AND NOT EXISTS (SELECT 1 FROM answer_vectors v WHERE v.response_id = a.response_id"
            " AND v.question_id = a.question_id AND v.model = ?) ORDER BY a.rowid LIMIT ?",
            [survey_id, question_id, model, limit],
        )
    ]
