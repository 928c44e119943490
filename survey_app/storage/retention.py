"""How long a survey keeps its answers and its residents' contact details, and the purge
that removes what is past it (audio included), saying what it removed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from . import audit, residents
from .db import write
from .errors import NotFound

# Sessions ended (or idle) this long ago are of no more use, even to the audit log.
SESSIONS_KEPT_DAYS = 30


@dataclass(frozen=True)
class Periods:
    answers_days: int | None
    contacts_days: int | None


def periods(db: Database, survey_id: str) -> Periods:
    row = db.execute(
        "SELECT keep_answers_days, keep_contacts_days FROM surveys WHERE id = ?", [survey_id]
    ).fetchone()
    if row is None:
        raise NotFound(f"survey {survey_id}")
    return Periods(row[0], row[1])


def set_periods(
    db: Database, actor_id: int | None, survey_id: str, answers: int | None, contacts: int | None
) -> None:
    periods(db, survey_id)  # raises NotFound
    with write(db):
        db.execute(
            "UPDATE surveys SET keep_answers_days = ?, keep_contacts_days = ? WHERE id = ?",
            [answers, contacts, survey_id],
        )
        audit.record(
            db,
            actor_id,
            "retention",
            survey=survey_id,
            answers_days=answers,
            contacts_days=contacts,
        )


def _cutoff(now: datetime, days: int) -> str:
    return (now - timedelta(days=days)).isoformat(timespec="seconds")


def purge(db: Database, folder: Path, now: datetime | None = None) -> dict[str, int]:
    """Remove every response and every set of contact details past its survey's period.

    Each response goes as an erasure does (everything about it, audio included), one
    transaction each; the totals are recorded once in the audit log.
    """
    now = now or datetime.now(UTC)
    counts = {"responses": 0, "answers": 0, "recordings": 0, "contacts": 0, "report_quotes": 0}
    expired = [
        str(rid)
        for (rid,) in db.execute(
            "SELECT r.id FROM responses r JOIN surveys s ON s.id = r.survey_id"
            " WHERE s.keep_answers_days IS NOT NULL"
            " AND r.created_at < strftime('%Y-%m-%dT%H:%M:%S', ?, '-' || s.keep_answers_days"
            " || ' days')",
            [now.isoformat(timespec="seconds")],
        ).fetchall()
    ]
    for rid in expired:
        try:
            erased = residents.erase(db, folder, None, rid, record=False)
        except NotFound:  # erased by a coordinator meanwhile
            continue
        counts["responses"] += 1
        for key in ("answers", "recordings", "report_quotes"):
            counts[key] += erased[key]
    with write(db):
        counts["contacts"] = db.execute(
            "DELETE FROM contacts WHERE response_id IN (SELECT r.id FROM responses r"
            " JOIN surveys s ON s.id = r.survey_id WHERE s.keep_contacts_days IS NOT NULL"
            " AND r.created_at < strftime('%Y-%m-%dT%H:%M:%S', ?, '-' || s.keep_contacts_days"
            " || ' days'))",
            [now.isoformat(timespec="seconds")],
        ).rowcount
        db.execute(
            "DELETE FROM staff_sessions WHERE coalesce(ended_at, last_seen) < ?",
            [_cutoff(now, SESSIONS_KEPT_DAYS)],
        )
        if counts["responses"] or counts["contacts"]:
            audit.record(db, None, "purged", **counts)
    return counts
