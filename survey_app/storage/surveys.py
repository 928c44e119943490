"""Published survey versions: every version ever answered stays stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from ..surveys.model import Survey, content_hash, parse_survey
from .db import write
from .errors import NotFound

# Parsed surveys by content hash: a stored version never changes, and parsing
# one costs more than the rest of a request.
_parsed: dict[tuple[str, int], Survey] = {}


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def publish(db: Database, definition: dict[str, Any]) -> Survey:
    """Store ``definition`` as the survey's newest version, unless it is already the newest.

    The content decides: the same content keeps its version, changed content
    becomes a new version, never lower than the number the file gives.
    """
    survey_id = str(definition["id"])
    digest = content_hash(definition)
    with write(db):
        row = db.execute(
            "SELECT version, content_hash FROM survey_versions WHERE survey_id = ?"
            " ORDER BY version DESC LIMIT 1",
            [survey_id],
        ).fetchone()
        if row is not None and row[1] == digest:
            version = int(row[0])
        else:
            version = max(int(definition.get("version", 1)), (row[0] + 1) if row else 1)
            stored = dict(definition, version=version)
            db.execute(
                "INSERT INTO survey_versions (survey_id, version, definition, content_hash,"
                " published_at) VALUES (?, ?, ?, ?, ?)",
                [survey_id, version, json.dumps(stored, ensure_ascii=False), digest, utc_now()],
            )
    return get_version(db, survey_id, version)


def get_version(db: Database, survey_id: str, version: int) -> Survey:
    row = db.execute(
        "SELECT content_hash FROM survey_versions WHERE survey_id = ? AND version = ?",
        [survey_id, version],
    ).fetchone()
    if row is None:
        raise NotFound(f"survey {survey_id} version {version}")
    key = (row[0], version)
    if key not in _parsed:
        (definition,) = db.execute(
            "SELECT definition FROM survey_versions WHERE survey_id = ? AND version = ?",
            [survey_id, version],
        ).fetchone()
        _parsed[key] = parse_survey(json.loads(definition), version=version)
    return _parsed[key]


def latest(db: Database, survey_id: str) -> Survey:
    row = db.execute(
        "SELECT version FROM survey_versions WHERE survey_id = ? ORDER BY version DESC LIMIT 1",
        [survey_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"survey {survey_id}")
    return get_version(db, survey_id, int(row[0]))
