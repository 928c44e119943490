"""Responses, their answers and the contact details kept apart from them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlite_utils import Database

from ..surveys.answers import Submission
from ..surveys.model import Survey
from ..voice.formats import Declared
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
    survey: Survey,
    language: str,
    mode: str,
    submission: Submission,
    event_id: str | None,
    recordings: tuple[Declared, ...] = (),
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
    if recordings:
        # Responses without a voice answer keep the hash they always had.
        content["recordings"] = sorted(
            [r.id, r.question_id, r.mime, r.size, r.sha256] for r in recordings
        )
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewResponse:
    """A checked response on its way into storage."""

    id: str
    survey: Survey
    language: str
    mode: str
    submission: Submission
    created_at: str | None = None
    device_id: str | None = None
    event_id: str | None = None
    # When the person began; kept beside created_at (when they finished), not in the hash.
    started_at: str | None = None
    # Voice answers the response declares; their bytes arrive later (storage.recordings).
    recordings: tuple[Declared, ...] = ()
    voice_consent: bool | None = None
    # Who collected the consents when a volunteer helped (a device's own account is
    # looked up when this is not given).
    collected_by: int | None = None

    def content_hash(self) -> str:
        return _content_hash(
            self.survey,
            self.language,
            self.mode,
            self.submission,
            self.event_id,
            self.recordings,
        )


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
    started_at: str | None = None,
    collected_by: int | None = None,
) -> Outcome:
    """Store a response once, in one transaction.

    Sending the same response again writes nothing and answers ``"duplicate"``;
    the same id with other content raises :class:`ResponseConflict` and the
    stored response is left as it was.
    """
    entry = NewResponse(
        response_id,
        survey,
        language,
        mode,
        submission,
        created_at,
        device_id,
        event_id,
        started_at,
        collected_by=collected_by,
    )
    [outcome] = save_many(db, [entry])
    if outcome == "conflict":
        raise ResponseConflict(response_id)
    return outcome


# Stands for a response that was erased: whatever is sent again under its id is a
# duplicate, stored nowhere (the device forgets it; the resident asked for that).
ERASED = "erased"


def _stored_hashes(db: Database, ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    # SQLite allows a few hundred parameters in one statement on older builds.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for rid, digest in db.execute(
            f"SELECT id, content_hash FROM responses WHERE id IN ({marks})", chunk
        ):
            found[rid] = digest
        by_hash = {hashlib.sha256(rid.encode("utf-8")).hexdigest(): rid for rid in chunk}
        hashes = ",".join("?" * len(by_hash))
        for (gone,) in db.execute(
            f"SELECT id_hash FROM erased_responses WHERE id_hash IN ({hashes})", list(by_hash)
        ):
            found[by_hash[gone]] = ERASED
    return found


def _device_holders(db: Database, device_ids: set[str]) -> dict[str, int]:
    """Each device's account: who collected an assisted response's consents."""
    if not device_ids:
        return {}
    marks = ", ".join("?" * len(device_ids))
    return {
        str(device): int(user)
        for device, user in db.execute(
            f"SELECT id, user_id FROM devices WHERE id IN ({marks})", list(device_ids)
        )
    }


def save_many(
    db: Database, entries: list[NewResponse]
) -> list[Literal["created", "duplicate", "conflict"]]:
    """Store each response once, all in one transaction: an outcome per entry, in order.

    One look-up for every id and one insert per table, however many responses: a
    device's batch of 50 costs a handful of statements, not 250. An id already stored
    with the same content is a duplicate (nothing written), with other content a
    conflict (the stored one is kept); the same id twice in one batch counts the same way.
    """
    received = utc_now()
    outcomes: list[Literal["created", "duplicate", "conflict"]] = []
    responses: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    contacts: list[tuple[Any, ...]] = []
    recordings: list[tuple[Any, ...]] = []
    with write(db):
        known = _stored_hashes(db, [entry.id for entry in entries])
        holders = _device_holders(db, {e.device_id for e in entries if e.device_id})
        for entry in entries:
            digest = entry.content_hash()
            if entry.id in known:
                same = known[entry.id] in (digest, ERASED)
                outcomes.append("duplicate" if same else "conflict")
                continue
            known[entry.id] = digest
            outcomes.append("created")
            sub = entry.submission
            responses.append(
                (
                    entry.id,
                    entry.survey.id,
                    entry.survey.version,
                    entry.language,
                    entry.mode,
                    entry.created_at or received,
                    received,
                    int(sub.flags["consent"]),
                    entry.survey.consent_version,
                    int(sub.flags["quote_consent"]),
                    int(sub.flags["contact_consent"]),
                    digest,
                    entry.device_id,
                    entry.event_id,
                    entry.started_at,
                    None if entry.voice_consent is None else int(entry.voice_consent),
                    (entry.collected_by or holders.get(entry.device_id or ""))
                    if entry.mode == "assisted"
                    else None,
                )
            )
            recordings.extend(
                (
                    r.id,
                    entry.id,
                    entry.survey.id,
                    r.question_id,
                    r.mime,
                    r.size,
                    r.seconds,
                    r.sha256,
                    sub.languages.get(r.question_id, entry.language),
                )
                for r in entry.recordings
            )
            answers.extend(
                (
                    entry.id,
                    qid,
                    position,
                    value,
                    sub.glosses.get(qid) if position == 0 else None,
                    sub.languages.get(qid, entry.language),
                    entry.survey.id,
                )
                for qid, values in sub.answers.items()
                for position, value in enumerate(values)
            )
            if sub.contact:
                contacts.append(
                    (
                        entry.id,
                        sub.contact.get("name"),
                        sub.contact.get("phone"),
                        sub.contact.get("email"),
                        received,
                    )
                )
        db.conn.executemany(
            "INSERT INTO responses (id, survey_id, survey_version, language, mode, created_at,"
            " received_at, consent_given, consent_version, quote_consent, contact_consent,"
            " content_hash, device_id, event_id, started_at, voice_consent, collected_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            responses,
        )
        db.conn.executemany(
            "INSERT INTO answers (response_id, question_id, position, value, gloss, language,"
            " survey_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            answers,
        )
        if contacts:
            db.conn.executemany(
                "INSERT INTO contacts (response_id, name, phone, email, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                contacts,
            )
        if recordings:
            db.conn.executemany(
                "INSERT INTO recordings (id, response_id, survey_id, question_id, mime, size,"
                " seconds, sha256, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                recordings,
            )
    return outcomes


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
