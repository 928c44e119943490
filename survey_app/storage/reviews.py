"""Bilingual volunteers' reviews of translations: approvals and corrections.

A correction is shown over the shipped catalogue or survey file at once; the
project can export them as .po files to make them part of the next release.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from .db import write

INTERFACE = "interface"


def survey_domain(survey_id: str) -> str:
    return f"survey:{survey_id}"


def record(
    db: Database, language: str, domain: str, key: str, text: str | None, user_id: int | None
) -> None:
    """Approve ``key`` as it is (``text`` None) or correct it to ``text``."""
    with write(db):
        db.execute(
            "INSERT INTO text_reviews (language, domain, key, text, reviewed_by, reviewed_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (language, domain, key) DO UPDATE SET"
            " text = excluded.text, reviewed_by = excluded.reviewed_by,"
            " reviewed_at = excluded.reviewed_at",
            [language, domain, key, text, user_id, datetime.now(UTC).isoformat(timespec="seconds")],
        )


def reviewed(db: Database, language: str, domain: str) -> dict[str, str | None]:
    """Each reviewed key with its correction, or None where it was approved as it is."""
    return {
        str(key): text
        for key, text in db.execute(
            "SELECT key, text FROM text_reviews WHERE language = ? AND domain = ?",
            [language, domain],
        )
    }


def corrections(db: Database, language: str, domain: str) -> dict[str, str]:
    return {key: text for key, text in reviewed(db, language, domain).items() if text}


def counts(db: Database, domain_prefix: str = "") -> dict[tuple[str, str], int]:
    """Reviewed texts per ``(language, domain)``."""
    return {
        (str(language), str(domain)): int(count)
        for language, domain, count in db.execute(
            "SELECT language, domain, count(*) FROM text_reviews WHERE domain LIKE ?"
            " GROUP BY language, domain",
            [domain_prefix + "%"],
        )
    }
