"""Voice answers: the row a response declares, its arrival, transcript and deletion.

The bytes are files (``storage.audio``); a row's ``stored_name`` is set in the same
transaction that says the file arrived, so a row without one is still waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from . import audio
from .db import write
from .errors import NotFound
from .surveys import utc_now

_COLUMNS = (
    "g.id, g.response_id, g.survey_id, g.question_id, g.mime, g.size, g.seconds, g.sha256,"
    " g.language, g.stored_name, g.arrived_at, g.transcript, g.transcript_machine,"
    " r.device_id, r.received_at"
)


@dataclass(frozen=True)
class Recording:
    id: str
    response_id: str
    survey_id: str
    question_id: str
    mime: str
    size: int
    seconds: int
    sha256: str | None
    language: str
    stored_name: str | None
    arrived_at: str | None
    transcript: str | None
    transcript_machine: bool
    device_id: str | None
    received_at: str

    @property
    def arrived(self) -> bool:
        return self.stored_name is not None


def _recording(row: Sequence[Any]) -> Recording:
    values = list(row)
    values[12] = bool(values[12])
    return Recording(*values)


def get(db: Database, recording_id: str) -> Recording:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM recordings g JOIN responses r ON r.id = g.response_id"
        " WHERE g.id = ?",
        [recording_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"recording {recording_id}")
    return _recording(row)


def for_responses(db: Database, response_ids: Sequence[str]) -> dict[tuple[str, str], Recording]:
    """Each (response, question) that has a voice answer, for exports and answer lists."""
    found: dict[tuple[str, str], Recording] = {}
    for start in range(0, len(response_ids), 500):
        chunk = list(response_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for row in db.execute(
            f"SELECT {_COLUMNS} FROM recordings g JOIN responses r ON r.id = g.response_id"
            f" WHERE g.response_id IN ({marks})",
            chunk,
        ):
            recording = _recording(row)
            found[(recording.response_id, recording.question_id)] = recording
    return found


def mark_arrived(db: Database, recording_id: str, stored_name: str) -> bool:
    """Say the file has arrived, once: False if it had already (or the row is gone)."""
    with write(db):
        cursor = db.execute(
            "UPDATE recordings SET stored_name = ?, arrived_at = ? WHERE id = ?"
            " AND stored_name IS NULL",
            [stored_name, utc_now(), recording_id],
        )
    return cursor.rowcount == 1


def stored_names(db: Database) -> set[str]:
    return {
        row[0]
        for row in db.execute("SELECT stored_name FROM recordings WHERE stored_name IS NOT NULL")
    }


def waiting_ids(db: Database) -> set[str]:
    """Recordings declared whose bytes have not all arrived."""
    return {row[0] for row in db.execute("SELECT id FROM recordings WHERE stored_name IS NULL")}


@dataclass(frozen=True)
class Spoken:
    """A question's voice answers: still arriving, and arrived but not written down."""

    arriving: int
    untranscribed: int


def spoken(db: Database, survey_id: str, question_id: str) -> Spoken:
    row = db.execute(
        "SELECT coalesce(sum(stored_name IS NULL), 0),"
        " coalesce(sum(stored_name IS NOT NULL AND trim(coalesce(transcript, '')) = ''), 0)"
        " FROM recordings WHERE survey_id = ? AND question_id = ?",
        [survey_id, question_id],
    ).fetchone()
    return Spoken(int(row[0]), int(row[1]))


def to_transcribe(
    db: Database, questions: Sequence[tuple[str, str]], languages: Sequence[str], limit: int = 10
) -> tuple[list[Recording], int]:
    """Arrived recordings in ``languages`` with no transcript yet, oldest first, and how many."""
    if not questions or not languages:
        return [], 0
    pairs = " OR ".join("(g.survey_id = ? AND g.question_id = ?)" for _ in questions)
    where = (
        f" FROM recordings g JOIN responses r ON r.id = g.response_id WHERE ({pairs})"
        " AND g.stored_name IS NOT NULL AND trim(coalesce(g.transcript, '')) = ''"
        f" AND g.language IN ({','.join('?' * len(languages))})"
    )
    params: list[Any] = [part for pair in questions for part in pair] + list(languages)
    total = int(db.execute("SELECT count(*)" + where, params).fetchone()[0])
    rows = db.execute(
        f"SELECT {_COLUMNS}" + where + " ORDER BY r.received_at, g.id LIMIT ?", [*params, limit]
    )
    return [_recording(row) for row in rows], total


def save_transcript(
    db: Database, recording_id: str, transcript: str, user_id: int, gloss: str | None = None
) -> None:
    """Keep a person's transcript; where the resident typed nothing, it becomes the answer
    the analysis reads (with its gloss), as a written answer would be."""
    with write(db):
        found = db.execute(
            "SELECT response_id, survey_id, question_id, language, transcript FROM recordings"
            " WHERE id = ? AND stored_name IS NOT NULL",
            [recording_id],
        ).fetchone()
        if found is None:
            raise NotFound(f"recording {recording_id}")
        response_id, survey_id, question_id, language, before = found
        now = utc_now()
        db.execute(
            "UPDATE recordings SET transcript = ?, transcript_by = ?, transcript_at = ?,"
            " transcript_machine = 0 WHERE id = ?",
            [transcript, user_id, now, recording_id],
        )
        typed = db.execute(
            "SELECT value FROM answers WHERE response_id = ? AND question_id = ? AND position = 0",
            [response_id, question_id],
        ).fetchone()
        glossed = (gloss or "").strip() or None
        if typed is None:
            db.execute(
                "INSERT INTO answers (response_id, question_id, position, value, gloss, language,"
                " survey_id, gloss_by, gloss_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)",
                [
                    response_id,
                    question_id,
                    transcript,
                    glossed,
                    language,
                    survey_id,
                    user_id if glossed else None,
                    now if glossed else None,
                ],
            )
        elif typed[0] == before:
            # The answer is this recording's earlier transcript (never what was typed).
            db.execute(
                "UPDATE answers SET value = ?,"
                " gloss = coalesce(?, gloss), gloss_by = CASE WHEN ? IS NULL THEN gloss_by"
                " ELSE ? END, gloss_at = CASE WHEN ? IS NULL THEN gloss_at ELSE ? END"
                " WHERE response_id = ? AND question_id = ? AND position = 0",
                [
                    transcript,
                    glossed,
                    glossed,
                    user_id,
                    glossed,
                    now,
                    response_id,
                    question_id,
                ],
            )


def delete_response(db: Database, folder: Path, response_id: str) -> bool:
    """Delete a response with its answers, contact details and audio. True if it existed.

    The rows go in one transaction; the files after it commits (a crash in between
    leaves files no row names, which :func:`storage.audio.sweep` removes at start).
    """
    with write(db):
        names = [
            row[0]
            for row in db.execute(
                "SELECT stored_name FROM recordings WHERE response_id = ?"
                " AND stored_name IS NOT NULL",
                [response_id],
            )
        ]
        ids = [
            row[0]
            for row in db.execute("SELECT id FROM recordings WHERE response_id = ?", [response_id])
        ]
        cursor = db.execute("DELETE FROM responses WHERE id = ?", [response_id])
    for name in names:
        audio.remove(folder, name)
    for recording_id in ids:
        audio.discard_partial(folder, recording_id)
    return cursor.rowcount == 1


def sweep(db: Database, folder: Path) -> list[str]:
    """Remove audio no row names (left by a crash) and partials no recording waits for."""
    return audio.sweep(folder, stored_names(db), waiting_ids(db))
