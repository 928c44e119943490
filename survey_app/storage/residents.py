"""A resident's own data: found by their reference or contact details, given to them
whole, their contact or quote consent withdrawn, or all of it erased.

Erasing reaches everything the app keeps about a response: answers, glosses,
transcripts, contact details, consents, stored vectors, theme placements and pinned
quotes, coding, review decisions (their undo records), quotes in saved report
versions, and the audio files. The erasure is recorded with counts only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from . import audio, audit
from .db import write
from .errors import NotFound
from .references import id_prefix, normalise, reference_for
from .surveys import utc_now


@dataclass(frozen=True)
class Found:
    """One response a look-up found, with no answer or contact detail in it."""

    id: str
    reference: str
    survey_id: str
    created_at: str
    language: str
    has_contact: bool
    can_quote: bool


_FOUND = (
    "SELECT r.id, r.survey_id, r.created_at, r.language,"
    " EXISTS (SELECT 1 FROM contacts c WHERE c.response_id = r.id), r.quote_consent"
    " FROM responses r"
)


def _found(rows: list[Any]) -> list[Found]:
    return [
        Found(
            str(rid),
            reference_for(str(rid)),
            str(survey),
            str(at),
            str(lang),
            bool(contact),
            bool(quote),
        )
        for rid, survey, at, lang, contact, quote in rows
    ]


def find(db: Database, typed: str) -> list[Found]:
    """Responses whose reference, or whose contact email, phone or name, is ``typed``.

    Contact details match whole (case and spaces aside), never in part: a look-up
    for "07" must not list every resident with a mobile number.
    """
    typed = typed.strip()
    if not typed:
        return []
    reference = normalise(typed)
    if reference is not None:
        prefix = id_prefix(reference)
        # Ids are lower-case UUIDs: everything that starts with the prefix sorts before "~".
        by_reference = db.execute(
            _FOUND + " WHERE r.id >= ? AND r.id < ? ORDER BY r.created_at",
            [prefix, prefix + "~"],
        ).fetchall()
        if by_reference:
            return _found(by_reference)
    # A phone number as typed in any usual way; anything else (an email with digits in it)
    # is not looked up as one.
    looks_like_phone = all(ch.isdigit() or ch in " +-()." for ch in typed)
    digits = "".join(ch for ch in typed if ch.isdigit()) if looks_like_phone else ""
    return _found(
        db.execute(
            _FOUND + " JOIN contacts k ON k.response_id = r.id"
            " WHERE lower(trim(k.email)) = lower(?) OR lower(trim(k.name)) = lower(?)"
            " OR (length(?) >= 6 AND replace(replace(replace(replace(k.phone, ' ', ''),"
            " '-', ''), '+', ''), '(', '') LIKE '%' || ?)"
            " ORDER BY r.created_at",
            [typed, typed, digits, digits[-9:]],
        ).fetchall()
    )


def erased_hash(response_id: str) -> str:
    """How an erased response (or recording) is remembered: its random id's SHA-256."""
    return hashlib.sha256(response_id.encode("utf-8")).hexdigest()


def was_erased(db: Database, any_id: str) -> bool:
    """Whether a response or recording with this id was erased."""
    return (
        db.execute(
            "SELECT 1 FROM erased_responses WHERE id_hash = ?", [erased_hash(any_id)]
        ).fetchone()
        is not None
    )


def erased_since(db: Database, hashes: set[str], folder: Path) -> int:
    """Erase again, in a restored database, the responses in ``hashes`` (erased after the
    backup was made); remember them all as erased. How many were erased again."""
    again = [
        str(rid)
        for (rid,) in db.execute("SELECT id FROM responses").fetchall()
        if erased_hash(str(rid)) in hashes
    ]
    for rid in again:
        erase(db, folder, None, rid, record=False)
    with write(db):
        db.conn.executemany(
            "INSERT OR IGNORE INTO erased_responses (id_hash, at) VALUES (?, ?)",
            [(h, utc_now()) for h in sorted(hashes)],
        )
        if again:
            audit.record(db, None, "erased_after_restore", responses=len(again))
    return len(again)


def _rows(db: Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def everything(db: Database, response_id: str) -> dict[str, Any]:
    """All the app keeps about one response, for the resident to take away."""
    found = _rows(
        db,
        "SELECT id, survey_id, survey_version, language, mode, started_at,"
        " created_at, received_at, event_id FROM responses WHERE id = ?",
        [response_id],
    )
    if not found:
        raise NotFound(f"response {response_id}")
    response = {"reference": reference_for(response_id), **found[0]}
    return {
        "response": response,
        "answers": _rows(
            db,
            "SELECT question_id, position, value, language, gloss FROM answers"
            " WHERE response_id = ? ORDER BY question_id, position",
            [response_id],
        ),
        "consents": _rows(
            db,
            "SELECT kind, given, at, language, wording, collected_by, withdrawn_at FROM consents"
            " WHERE response_id = ? ORDER BY kind",
            [response_id],
        ),
        "contact": _rows(
            db, "SELECT name, phone, email FROM contacts WHERE response_id = ?", [response_id]
        ),
        "themes": _rows(
            db,
            "SELECT t.question_id, coalesce(nullif(t.name, ''), t.label) AS theme, m.placed_by"
            " FROM theme_members m JOIN themes t ON t.id = m.theme_id WHERE m.response_id = ?"
            " ORDER BY t.question_id, 2",
            [response_id],
        ),
        "quotes": _rows(
            db,
            "SELECT t.question_id, coalesce(nullif(t.name, ''), t.label) AS theme, p.pinned_at"
            " FROM pinned_quotes p JOIN themes t ON t.id = p.theme_id WHERE p.response_id = ?"
            " ORDER BY p.pinned_at",
            [response_id],
        ),
        "recordings": _rows(
            db,
            "SELECT id, question_id, mime, seconds, language, arrived_at, transcript"
            " FROM recordings WHERE response_id = ? ORDER BY question_id",
            [response_id],
        ),
    }


def audio_files(db: Database, response_id: str) -> list[tuple[str, str, str]]:
    """(recording id, mime type, stored file name) of each arrived recording."""
    return [
        (str(rid), str(mime), str(name))
        for rid, mime, name in db.execute(
            "SELECT id, mime, stored_name FROM recordings WHERE response_id = ?"
            " AND stored_name IS NOT NULL ORDER BY question_id",
            [response_id],
        )
    ]


def withdraw_contact(db: Database, actor_id: int | None, response_id: str) -> bool:
    """The resident no longer wants to be contacted: their details are deleted and they
    leave every contact list and export. True if the consent stood until now."""
    with write(db):
        # The consent record keeps that it was given; the withdrawal is dated beside it.
        given = db.execute(
            "SELECT contact_consent FROM responses WHERE id = ?", [response_id]
        ).fetchone()
        removed = db.execute("DELETE FROM contacts WHERE response_id = ?", [response_id])
        withdrawn = db.execute(
            "INSERT OR IGNORE INTO consent_withdrawals (response_id, kind, at, by)"
            " SELECT ?, 'contact', ?, ? WHERE ?",
            [response_id, utc_now(), actor_id, bool(given and given[0])],
        )
        # Everything that lists or counts who may be contacted reads the current state.
        db.execute("UPDATE responses SET contact_consent = 0 WHERE id = ?", [response_id])
        changed = withdrawn.rowcount + removed.rowcount > 0
        if changed:
            audit.record(db, actor_id, "contact_withdrawn")
    return changed


def withdraw_quote(db: Database, actor_id: int | None, response_id: str) -> int | None:
    """The resident no longer allows quoting: their pinned quotes are unpinned and their
    words leave every saved report version; their answers stay in the themes.

    Returns how many quotes were taken out of saved reports, or None if they had not
    allowed quoting (nothing changes then).
    """
    with write(db):
        row = db.execute(
            "SELECT survey_id, quote_consent FROM responses WHERE id = ?", [response_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"response {response_id}")
        if not row[1]:
            return None
        taken = _scrub_reports(db, str(row[0]), response_id)
        unpinned = db.execute(
            "DELETE FROM pinned_quotes WHERE response_id = ?", [response_id]
        ).rowcount
        db.execute(
            "INSERT OR IGNORE INTO consent_withdrawals (response_id, kind, at, by)"
            " VALUES (?, 'quote', ?, ?)",
            [response_id, utc_now(), actor_id],
        )
        # Reports, exports and the themes pages quote only while this column says yes.
        db.execute("UPDATE responses SET quote_consent = 0 WHERE id = ?", [response_id])
        audit.record(db, actor_id, "quote_withdrawn", pinned=unpinned, report_quotes=taken)
    return taken


def _said(db: Database, response_id: str) -> set[str]:
    """Every text of one response that a report could quote: answers and transcripts."""
    return {
        str(value)
        for (value,) in db.execute("SELECT value FROM answers WHERE response_id = ?", [response_id])
    } | {
        str(text)
        for (text,) in db.execute(
            "SELECT transcript FROM recordings WHERE response_id = ? AND transcript IS NOT NULL",
            [response_id],
        )
    }


def _without(value: Any, response_id: str) -> Any:
    """``value`` (a review record's JSON) with every trace of one response removed."""
    if isinstance(value, list):
        return [
            _without(item, response_id)
            for item in value
            if item != response_id and not (isinstance(item, list) and response_id in item)
        ]
    if isinstance(value, dict):
        return {
            key: None if item == response_id else _without(item, response_id)
            for key, item in value.items()
        }
    return value


def _scrub_reports(db: Database, survey_id: str, response_id: str) -> int:
    """Take one response's quotes out of every saved report version; how many.

    A quote saved with its response's hashed id is matched by it, so another resident who
    said the same words keeps their quote; versions saved before quotes carried it are
    matched by the words (any of this response's answers or transcripts).
    """
    ref = erased_hash(response_id)
    said = _said(db, response_id)
    removed = 0
    for report_id, content in db.execute(
        "SELECT id, content FROM reports WHERE survey_id = ?", [survey_id]
    ).fetchall():
        stored = json.loads(content)
        taken = 0
        for question in stored.get("questions", []):
            for theme in question.get("themes", []):
                quotes = theme.get("quotes", [])
                kept = [
                    quote
                    for quote in quotes
                    if (quote["ref"] != ref if "ref" in quote else quote.get("text") not in said)
                ]
                taken += len(quotes) - len(kept)
                theme["quotes"] = kept
        if taken:
            db.execute(
                "UPDATE reports SET content = ? WHERE id = ?",
                [json.dumps(stored, ensure_ascii=False), report_id],
            )
            removed += taken
    return removed


def _scrub_records(db: Database, response_id: str) -> int:
    """Remove the response from review decisions and analysis runs; rows changed."""
    changed = 0
    for table, columns in (
        ("review_log", ("detail", "before", "after")),
        ("analysis_runs", ("changes", "confidence")),
    ):
        like = " OR ".join(f"{column} LIKE ?" for column in columns)
        pattern = f"%{response_id}%"
        for row in db.execute(
            f"SELECT id, {', '.join(columns)} FROM {table} WHERE {like}",
            [pattern] * len(columns),
        ).fetchall():
            cleaned = [
                json.dumps(_without(json.loads(text), response_id), ensure_ascii=False)
                if text
                else text
                for text in row[1:]
            ]
            sets = ", ".join(f"{column} = ?" for column in columns)
            db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*cleaned, row[0]])
            changed += 1
    return changed


def erase(
    db: Database, folder: Path, actor_id: int | None, response_id: str, record: bool = True
) -> dict[str, int]:
    """Erase everything about one response, in one transaction, then its audio files.

    Returns what was erased, as counts; the audit log keeps only those counts (a purge
    records its totals instead: ``record=False``).
    """
    with write(db):
        row = db.execute("SELECT survey_id FROM responses WHERE id = ?", [response_id]).fetchone()
        if row is None:
            raise NotFound(f"response {response_id}")
        survey_id = str(row[0])
        files = [name for _rid, _mime, name in audio_files(db, response_id)]
        waiting = [
            str(rid)
            for (rid,) in db.execute(
                "SELECT id FROM recordings WHERE response_id = ?", [response_id]
            )
        ]
        counts = {
            "answers": int(
                db.execute(
                    "SELECT count(*) FROM answers WHERE response_id = ?", [response_id]
                ).fetchone()[0]
            ),
            "recordings": len(waiting),
            "report_quotes": _scrub_reports(db, survey_id, response_id),
            "review_records": _scrub_records(db, response_id),
        }
        # The knock still counts for the round; which door it was no longer says whose.
        counts["doors"] = db.execute(
            "UPDATE doors SET response_id = NULL, door = NULL WHERE response_id = ?",
            [response_id],
        ).rowcount
        # Answers, contact details, consents, vectors, theme places, pinned quotes,
        # coding items and recordings' rows all go with the response (ON DELETE CASCADE).
        db.execute("DELETE FROM responses WHERE id = ?", [response_id])
        # A tablet that still holds it must not bring it back (storage.responses), and is
        # told its recordings are gone so that it deletes them (voice.upload).
        db.conn.executemany(
            "INSERT OR IGNORE INTO erased_responses (id_hash, at) VALUES (?, ?)",
            [(erased_hash(i), utc_now()) for i in [response_id, *waiting]],
        )
        if record:
            audit.record(db, actor_id, "erased", survey=survey_id, **counts)
    for name in files:
        audio.remove(folder, name)
    for recording_id in waiting:
        audio.discard_partial(folder, recording_id)
    return counts
