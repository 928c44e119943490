"""English glosses written after collection: the queue, saving one, and a second check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .db import write
from .errors import NotFound, Refused
from .surveys import utc_now


@dataclass(frozen=True)
class Waiting:
    """An answer waiting for a gloss (or for a check of one)."""

    response_id: str
    survey_id: str
    question_id: str
    text: str
    language: str
    received_at: str
    gloss: str | None
    gloss_by: str | None


def _questions_clause(questions: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    if not questions:
        return "0", []
    clause = " OR ".join("(a.survey_id = ? AND a.question_id = ?)" for _ in questions)
    return f"({clause})", [part for pair in questions for part in pair]


def queue(
    db: Database,
    questions: Sequence[tuple[str, str]],
    languages: Sequence[str],
    *,
    to_check_for: int | None = None,
    limit: int = 20,
) -> tuple[list[Waiting], int]:
    """Answers in ``languages`` to the free-text ``questions`` with no gloss yet, oldest
    first, and how many there are; with ``to_check_for`` (a user id), glosses someone
    else wrote that nobody has checked."""
    wanted = [code for code in languages if code != "en"]
    if not wanted:
        return [], 0
    clause, names = _questions_clause(questions)
    params: list[Any] = list(names)
    language = "COALESCE(a.language, r.language)"
    where = (
        f" FROM answers a JOIN responses r ON r.id = a.response_id"
        f" LEFT JOIN users u ON u.id = a.gloss_by"
        f" WHERE {clause} AND a.position = 0 AND trim(a.value) != ''"
        f" AND {language} IN ({','.join('?' * len(wanted))})"
    )
    params += wanted
    if to_check_for is None:
        where += " AND (a.gloss IS NULL OR trim(a.gloss) = '')"
    else:
        where += (
            " AND trim(coalesce(a.gloss, '')) != '' AND a.gloss_by IS NOT NULL"
            " AND a.gloss_by != ? AND a.gloss_checked_by IS NULL"
        )
        params.append(to_check_for)
    total = int(db.execute("SELECT count(*)" + where, params).fetchone()[0])
    rows = db.execute(
        f"SELECT r.id, r.survey_id, a.question_id, a.value, {language}, r.received_at,"
        " a.gloss, u.name" + where + " ORDER BY r.received_at, r.id, a.question_id LIMIT ?",
        [*params, limit],
    )
    return [Waiting(*row) for row in rows], total


def save(
    db: Database,
    survey_id: str,
    response_id: str,
    question_id: str,
    gloss: str,
    user_id: int,
    languages: Sequence[str] | None = None,
) -> None:
    """Write or correct a gloss; a changed gloss waits for a new check. With
    ``languages``, only an answer in one of them (a volunteer glosses what they speak)."""
    sql = (
        "UPDATE answers SET gloss = ?, gloss_by = ?, gloss_at = ?, gloss_checked_by = NULL,"
        " gloss_checked_at = NULL WHERE response_id = ? AND question_id = ? AND position = 0"
        " AND response_id IN (SELECT id FROM responses WHERE survey_id = ?"
    )
    params: list[Any] = [gloss.strip(), user_id, utc_now(), response_id, question_id, survey_id]
    if languages is not None:
        sql += (
            " AND COALESCE(answers.language, responses.language)"
            f" IN ({','.join('?' * len(languages)) or 'NULL'})"
        )
        params += list(languages)
    with write(db):
        changed = db.execute(sql + ")", params).rowcount
    if not changed:
        raise NotFound(f"answer {response_id}/{question_id}")


def check(db: Database, survey_id: str, response_id: str, question_id: str, user_id: int) -> None:
    """A second person confirms a gloss; its author cannot."""
    with write(db):
        row: Any = db.execute(
            "SELECT a.gloss_by FROM answers a JOIN responses r ON r.id = a.response_id"
            " WHERE a.response_id = ? AND a.question_id = ? AND a.position = 0"
            " AND r.survey_id = ? AND trim(coalesce(a.gloss, '')) != ''",
            [response_id, question_id, survey_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"gloss {response_id}/{question_id}")
        if row[0] == user_id:
            raise Refused("own gloss")
        db.execute(
            "UPDATE answers SET gloss_checked_by = ?, gloss_checked_at = ?"
            " WHERE response_id = ? AND question_id = ? AND position = 0",
            [user_id, utc_now(), response_id, question_id],
        )
