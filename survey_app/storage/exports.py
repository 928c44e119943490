"""What leaves the app as a file: the rows of each export, and the record of who took it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .db import write
from .residents import erased_hash
from .surveys import utc_now

CHUNK = 500


@dataclass(frozen=True)
class ResponseRow:
    """One response as an export row: its facts, its answers and each free-text
    answer's themes. Contact details are never part of it."""

    id: str
    survey_version: int
    language: str
    mode: str
    event: str
    created_at: str
    received_at: str
    started_at: str
    device: str
    # The staff member whose tablet sent it (ODK's username); "" for a resident's own phone.
    username: str
    quote_consent: bool
    contact_consent: bool
    answers: dict[str, str]
    glosses: dict[str, str]
    spoken: dict[str, str]
    themes: dict[str, list[str]]
    # Answers given by voice: "transcribed", "not transcribed" or "audio waiting".
    voice: dict[str, str]


def responses(db: Database, survey_id: str) -> Iterator[ResponseRow]:
    """Every response to the survey, oldest first, read a chunk at a time so that memory
    stays flat however many there are. Several choices are joined with spaces, as
    XLSForm tools do."""
    last: tuple[str, str] = ("", "")
    while True:
        chunk = list(
            db.execute(
                "SELECT r.id, r.survey_version, r.language, r.mode, coalesce(r.event_id, ''),"
                " r.created_at, r.received_at, r.quote_consent, r.contact_consent,"
                " coalesce(r.started_at, ''), coalesce(r.device_id, ''), coalesce(u.name, '')"
                " FROM responses r LEFT JOIN devices d ON d.id = r.device_id"
                " LEFT JOIN users u ON u.id = d.user_id"
                " WHERE r.survey_id = ? AND (r.received_at, r.id) > (?, ?)"
                " ORDER BY r.received_at, r.id LIMIT ?",
                [survey_id, *last, CHUNK],
            )
        )
        if not chunk:
            return
        last = (str(chunk[-1][6]), str(chunk[-1][0]))
        ids = [str(row[0]) for row in chunk]
        marks = ",".join("?" * len(ids))
        answers: dict[str, dict[str, list[str]]] = {i: {} for i in ids}
        glosses: dict[str, dict[str, str]] = {i: {} for i in ids}
        spoken: dict[str, dict[str, str]] = {i: {} for i in ids}
        for rid, question_id, value, gloss, language in db.execute(
            "SELECT response_id, question_id, value, gloss, language FROM answers"
            f" WHERE response_id IN ({marks}) ORDER BY response_id, question_id, position",
            ids,
        ):
            answers[rid].setdefault(question_id, []).append(str(value))
            if gloss:
                glosses[rid][question_id] = str(gloss)
            if language:
                spoken[rid][question_id] = str(language)
        themes: dict[str, dict[str, list[str]]] = {i: {} for i in ids}
        for rid, question_id, name in db.execute(
            "SELECT m.response_id, t.question_id, CASE WHEN t.name != '' THEN t.name"
            " ELSE t.label END FROM theme_members m JOIN themes t ON t.id = m.theme_id"
            f" WHERE m.response_id IN ({marks}) ORDER BY t.position, t.id",
            ids,
        ):
            themes[rid].setdefault(question_id, []).append(str(name))
        voice: dict[str, dict[str, str]] = {i: {} for i in ids}
        for rid, question_id, arrived, transcript in db.execute(
            "SELECT response_id, question_id, stored_name IS NOT NULL,"
            f" trim(coalesce(transcript, '')) != '' FROM recordings WHERE response_id IN ({marks})",
            ids,
        ):
            voice[rid][question_id] = (
                "audio waiting"
                if not arrived
                else "transcribed"
                if transcript
                else "not transcribed"
            )
        for row in chunk:
            rid = str(row[0])
            yield ResponseRow(
                id=rid,
                survey_version=int(row[1]),
                language=str(row[2]),
                mode=str(row[3]),
                event=str(row[4]),
                created_at=str(row[5]),
                received_at=str(row[6]),
                quote_consent=bool(row[7]),
                contact_consent=bool(row[8]),
                started_at=str(row[9]),
                device=str(row[10]),
                username=str(row[11]),
                answers={q: " ".join(v) for q, v in answers[rid].items()},
                glosses=glosses[rid],
                spoken=spoken[rid],
                themes=themes[rid],
                voice=voice[rid],
            )


def contacts(db: Database, survey_id: str) -> list[tuple[str, str, str, str]]:
    """(name, phone, email, date) of residents who agreed to be contacted: nothing of
    what they said, and no response id to join it back to their answers."""
    return [
        (str(n or ""), str(p or ""), str(e or ""), str(at)[:10])
        for n, p, e, at in db.execute(
            "SELECT c.name, c.phone, c.email, c.created_at FROM contacts c"
            " JOIN responses r ON r.id = c.response_id"
            " WHERE r.survey_id = ? AND r.contact_consent = 1"
            " AND (coalesce(c.name, '') != '' OR coalesce(c.phone, '') != ''"
            " OR coalesce(c.email, '') != '') ORDER BY c.created_at",
            [survey_id],
        )
    ]


def record(
    db: Database, user_id: int | None, survey_id: str | None, what: str, fmt: str, rows: int
) -> None:
    """A line in the export log: who took which file, when, and how many rows it held."""
    with write(db):
        db.execute(
            "INSERT INTO export_log (at, user_id, survey_id, what, format, rows)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [utc_now(), user_id, survey_id, what, fmt, rows],
        )


@dataclass(frozen=True)
class Logged:
    at: str
    who: str
    what: str
    format: str
    rows: int


def recent(db: Database, survey_id: str, limit: int = 20) -> list[Logged]:
    return [
        Logged(str(at), str(who or ""), str(what), str(fmt), int(rows))
        for at, who, what, fmt, rows in db.execute(
            "SELECT l.at, u.name, l.what, l.format, l.rows FROM export_log l"
            " LEFT JOIN users u ON u.id = l.user_id WHERE l.survey_id = ?"
            " ORDER BY l.id DESC LIMIT ?",
            [survey_id, limit],
        )
    ]


def codebook(
    db: Database, survey_id: str, question_ids: Sequence[str], *, refs: bool = False
) -> list[dict[str, Any]]:
    """Each question's themes as the team left them, largest first, with the quotes
    the team pinned (only from residents who agreed to be quoted).

    ``refs``: each quote also carries its response's hashed id, so that a saved report can
    lose exactly that resident's quote later (two residents may have said the same words).
    """
    out: list[dict[str, Any]] = []
    for question_id in question_ids:
        themes = []
        for tid, label, name, description, keywords, reviewed, locked, size in db.execute(
            "SELECT t.id, t.label, t.name, t.description, t.keywords, t.reviewed, t.locked,"
            " (SELECT count(*) FROM theme_members m WHERE m.theme_id = t.id)"
            " FROM themes t WHERE t.survey_id = ? AND t.question_id = ?"
            " ORDER BY 8 DESC, t.position",
            [survey_id, question_id],
        ):
            quotes = [
                {"text": str(v), "language": str(lang), "gloss": g}
                | ({"ref": erased_hash(str(rid))} if refs else {})
                for v, lang, g, rid in db.execute(
                    "SELECT a.value, a.language, a.gloss, p.response_id FROM pinned_quotes p"
                    " JOIN responses r ON r.id = p.response_id AND r.quote_consent = 1"
                    " JOIN answers a ON a.response_id = p.response_id"
                    " AND a.question_id = ? AND a.position = 0"
                    " WHERE p.theme_id = ? ORDER BY p.pinned_at",
                    [question_id, tid],
                )
            ]
            themes.append(
                {
                    "id": str(tid),
                    "name": str(name or label),
                    "engine_label": str(label),
                    "description": str(description),
                    "keywords": json.loads(keywords or "[]"),
                    "reviewed": bool(reviewed),
                    "locked": bool(locked),
                    "answers": int(size),
                    "pinned_quotes": quotes,
                }
            )
        out.append({"question": question_id, "themes": themes})
    return out
