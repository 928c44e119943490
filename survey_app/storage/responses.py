"""Responses, their answers and the contact details kept apart from them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from sqlite_utils import Database

from ..surveys.answers import Submission
from ..surveys.model import Survey
from .db import write
from .errors import NotFound, ResponseConflict
from .surveys import utc_now

Outcome = Literal["created", "duplicate"]


@dataclass(frozen=True)
class StoredResponse:
    id: str
    survey_id: str
    survey_version: int
    language: str
    mode: str
    created_at: str
    received_at: str
    consent_version: str
    flags: dict[str, bool]
    answers: dict[str, list[str]]
    glosses: dict[str, str]
    contact: dict[str, str]
    # The language of each answer's words (the screen's unless a volunteer said otherwise).
    languages: dict[str, str]


def _content_hash(
    survey: Survey, language: str, mode: str, submission: Submission, event_id: str | None
) -> str:
    """What makes two sends of one response the same response; arrival times do not."""
    content: dict[str, Any] = {
        "survey": [survey.id, survey.version],
        "language": language,
        "mode": mode,
        "answers": submission.answers,
        "glosses": submission.glosses,
        "flags": submission.flags,
        "contact": submission.contact,
    }
    # Only answers in another language than the screen's change what a response is, so
    # responses sent before answers had a language keep the same hash.
    other = {qid: code for qid, code in submission.languages.items() if code != language}
    if other:
        content["answer_languages"] = other
    if event_id is not None:
        content["event"] = event_id
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def save(
    db: Database,
    *,
    response_id: str,
    survey: Survey,
    language: str,
    mode: str,
    submission: Submission,
    created_at: str | None = None,
    device_id: str | None = None,
    event_id: str | None = None,
) -> Outcome:
    """Store a response once, in one transaction.

    Sending the same response again writes nothing and answers ``"duplicate"``;
    the same id with other content raises :class:`ResponseConflict` and the
    stored response is left as it was.
    """
    digest = _content_hash(survey, language, mode, submission, event_id)
    received = utc_now()
    with write(db):
        existing = db.execute(
            "SELECT content_hash FROM responses WHERE id = ?", [response_id]
        ).fetchone()
        if existing is not None:
            if existing[0] == digest:
                return "duplicate"
            raise ResponseConflict(response_id)
        db.execute(
            "INSERT INTO responses (id, survey_id, survey_version, language, mode, created_at,"
            " received_at, consent_given, consent_version, quote_consent, contact_consent,"
            " content_hash, device_id, event_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                response_id,
                survey.id,
                survey.version,
                language,
                mode,
                created_at or received,
                received,
                int(submission.flags["consent"]),
                survey.consent_version,
                int(submission.flags["quote_consent"]),
                int(submission.flags["contact_consent"]),
                digest,
                device_id,
                event_id,
            ],
        )
        db.conn.executemany(
            "INSERT INTO answers (response_id, question_id, position, value, gloss, language)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    response_id,
                    qid,
                    position,
                    value,
                    submission.glosses.get(qid) if position == 0 else None,
                    submission.languages.get(qid, language),
                )
                for qid, values in submission.answers.items()
                for position, value in enumerate(values)
            ],
        )
        if submission.contact:
            db.execute(
                "INSERT INTO contacts (response_id, name, phone, email, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    response_id,
                    submission.contact.get("name"),
                    submission.contact.get("phone"),
                    submission.contact.get("email"),
                    received,
                ],
            )
    return "created"


def get(db: Database, response_id: str) -> StoredResponse:
    row = db.execute(
        "SELECT id, survey_id, survey_version, language, mode, created_at, received_at,"
        " consent_given, consent_version, quote_consent, contact_consent"
        " FROM responses WHERE id = ?",
        [response_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"response {response_id}")
    answers: dict[str, list[str]] = {}
    glosses: dict[str, str] = {}
    languages: dict[str, str] = {}
    for qid, value, gloss, spoken in db.execute(
        "SELECT question_id, value, gloss, language FROM answers WHERE response_id = ?"
        " ORDER BY question_id, position",
        [response_id],
    ):
        answers.setdefault(qid, []).append(value)
        languages[qid] = spoken
        if gloss:
            glosses[qid] = gloss
    contact_row = db.execute(
        "SELECT name, phone, email FROM contacts WHERE response_id = ?", [response_id]
    ).fetchone()
    contact = (
        {k: v for k, v in zip(("name", "phone", "email"), contact_row, strict=True) if v}
        if contact_row
        else {}
    )
    return StoredResponse(
        id=row[0],
        survey_id=row[1],
        survey_version=row[2],
        language=row[3],
        mode=row[4],
        created_at=row[5],
        received_at=row[6],
        consent_version=row[8],
        flags={
            "consent": bool(row[7]),
            "quote_consent": bool(row[9]),
            "contact_consent": bool(row[10]),
        },
        answers=answers,
        glosses=glosses,
        contact=contact,
        languages=languages,
    )


def exists(db: Database, response_id: str) -> bool:
    """Whether a response is stored under this id."""
    return db.execute("SELECT 1 FROM responses WHERE id = ?", [response_id]).fetchone() is not None


def count(db: Database, survey_id: str | None = None) -> int:
    if survey_id is None:
        return int(db.execute("SELECT count(*) FROM responses").fetchone()[0])
    return int(
        db.execute("SELECT count(*) FROM responses WHERE survey_id = ?", [survey_id]).fetchone()[0]
    )


def erase_contact(db: Database, response_id: str) -> bool:
    """Delete a response's contact details, keeping its answers. True if there were any."""
    with write(db):
        cursor = db.execute("DELETE FROM contacts WHERE response_id = ?", [response_id])
    return cursor.rowcount > 0


def export_rows(db: Database, survey_id: str) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    """Each response to a survey (no contact details) with its answers, oldest first.

    Answers to several choices are joined with spaces, as XLSForm tools do.
    """
    responses = db.execute(
        "SELECT id, survey_version, language, mode, event_id, created_at, quote_consent"
        " FROM responses WHERE survey_id = ? ORDER BY received_at, id",
        [survey_id],
    )
    for response_id, version, language, mode, event_id, created_at, quote in responses:
        answers: dict[str, list[str]] = {}
        for question_id, value, gloss, spoken in db.execute(
            "SELECT question_id, value, gloss, language FROM answers WHERE response_id = ?"
            " ORDER BY question_id, position",
            [response_id],
        ):
            answers.setdefault(question_id, []).append(value)
            answers[question_id + "__language"] = [spoken or language]
            if gloss:
                answers.setdefault(question_id + "__gloss", []).append(gloss)
        yield (
            {
                "response_id": response_id,
                "survey_version": version,
                "language": language,
                "mode": mode,
                "event": event_id or "",
                "created_at": created_at,
                "quote_consent": "yes" if quote else "no",
            },
            {key: " ".join(values) for key, values in answers.items()},
        )
