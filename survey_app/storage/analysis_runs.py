"""Analysis runs: one at a time per question, with progress the page can show."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .db import write
from .errors import NotFound, StorageError
from .surveys import utc_now


class Busy(StorageError):
    """An analysis of this question is already waiting or running."""


@dataclass(frozen=True)
class Run:
    id: int
    survey_id: str
    question_id: str
    kind: str
    status: str
    progress: float
    stage: str
    scope: dict[str, Any]
    themes_wanted: int | None
    started_at: str
    finished_at: str | None
    error: str | None
    settings: dict[str, Any]
    confidence: dict[str, Any]
    changes: dict[str, Any]
    started_by: int | None = None

    @property
    def active(self) -> bool:
        return self.status in ("waiting", "running")


_COLUMNS = (
    "id, survey_id, question_id, kind, status, progress, stage, scope, themes_wanted,"
    " started_at, finished_at, error, settings, confidence, changes, started_by"
)


def _run(row: tuple[Any, ...]) -> Run:
    return Run(
        id=int(row[0]),
        survey_id=str(row[1]),
        question_id=str(row[2]),
        kind=str(row[3]),
        status=str(row[4]),
        progress=float(row[5]),
        stage=str(row[6]),
        scope=json.loads(row[7]),
        themes_wanted=row[8],
        started_at=row[9],
        finished_at=row[10],
        error=row[11],
        settings=json.loads(row[12] or "{}"),
        confidence=json.loads(row[13] or "{}"),
        changes=json.loads(row[14] or "{}"),
        started_by=row[15],
    )


def start(
    db: Database,
    survey_id: str,
    question_id: str,
    kind: str,
    scope: dict[str, Any],
    themes_wanted: int | None,
    user_id: int | None,
) -> int:
    """A waiting run; :class:`Busy` when one for the question is waiting or running."""
    try:
        with write(db):
            cursor = db.execute(
                "INSERT INTO analysis_runs (survey_id, question_id, kind, status, scope,"
                " themes_wanted, started_by, started_at) VALUES (?, ?, ?, 'waiting', ?, ?, ?, ?)",
                [
                    survey_id,
                    question_id,
                    kind,
                    json.dumps(scope),
                    themes_wanted,
                    user_id,
                    utc_now(),
                ],
            )
    except sqlite3.IntegrityError as exc:
        raise Busy(question_id) from exc
    return int(cursor.lastrowid or 0)


def report(db: Database, run_id: int, progress: float, stage: str) -> None:
    with write(db):
        db.execute(
            "UPDATE analysis_runs SET status = 'running', progress = ?, stage = ?"
            " WHERE id = ? AND status IN ('waiting', 'running')",
            [round(min(max(progress, 0.0), 1.0), 3), stage, run_id],
        )


def finish(
    db: Database,
    run_id: int,
    settings: dict[str, Any],
    confidence: dict[str, Any],
    changes: dict[str, Any],
) -> None:
    """Inside the transaction that saved the run's themes."""
    db.execute(
        "UPDATE analysis_runs SET status = 'done', progress = 1, stage = '', finished_at = ?,"
        " settings = ?, confidence = ?, changes = ? WHERE id = ?",
        [
            utc_now(),
            json.dumps(settings),
            json.dumps(confidence, ensure_ascii=False),
            json.dumps(changes, ensure_ascii=False),
            run_id,
        ],
    )


def fail(db: Database, run_id: int, error: str) -> None:
    with write(db):
        db.execute(
            "UPDATE analysis_runs SET status = 'failed', finished_at = ?, error = ?"
            " WHERE id = ? AND status IN ('waiting', 'running')",
            [utc_now(), error, run_id],
        )


def fail_interrupted(db: Database) -> int:
    """Runs the server was stopped in the middle of: failed, so a new one may start."""
    with write(db):
        return int(
            db.execute(
                "UPDATE analysis_runs SET status = 'failed', finished_at = ?,"
                " error = 'interrupted' WHERE status IN ('waiting', 'running')",
                [utc_now()],
            ).rowcount
        )


def get(db: Database, run_id: int) -> Run:
    row = db.execute(f"SELECT {_COLUMNS} FROM analysis_runs WHERE id = ?", [run_id]).fetchone()
    if row is None:
        raise NotFound(f"run {run_id}")
    return _run(row)


def latest(
    db: Database, survey_id: str, question_id: str, kind: str | None = None, done: bool = False
) -> Run | None:
    """The newest run of the question (of ``kind``; finished well, if ``done``)."""
    sql = f"SELECT {_COLUMNS} FROM analysis_runs WHERE survey_id = ? AND question_id = ?"
    params: list[Any] = [survey_id, question_id]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    if done:
        sql += " AND status = 'done'"
    row = db.execute(sql + " ORDER BY id DESC LIMIT 1", params).fetchone()
    return _run(row) if row else None
