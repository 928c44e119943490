"""Answers' stored sentence embeddings: read, kept, and gone with their responses."""

from __future__ import annotations

from collections.abc import Iterable
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


def free_text_answers(db: Database, survey_id: str, question_id: str) -> list[FreeText]:
    """Every non-empty answer to ``question_id`` in ``survey_id``, oldest first."""
    rows = db.execute(
        "SELECT r.id, a.value, a.gloss, COALESCE(a.language, r.language), r.quote_consent"
        " FROM answers a JOIN responses r ON r.id = a.response_id"
        " WHERE r.survey_id = ? AND a.question_id = ? AND a.position = 0"
        " AND trim(a.value) != '' ORDER BY r.received_at, r.id",
        [survey_id, question_id],
    )
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
