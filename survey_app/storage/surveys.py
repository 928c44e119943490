"""Published survey versions: every version ever answered stays stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
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


# ------------------------------------------------------------- authoring


@dataclass(frozen=True)
class SurveyRow:
    id: str
    title: str
    status: str
    source: str
    version: int | None
    unpublished_changes: bool
    responses: int
    updated_at: str


def seed_bundled(db: Database, definition: dict[str, Any]) -> None:
    """Publish the survey shipped with the app, once, and again only when its file changes.

    Edits a coordinator made in the app are never overwritten by a restart.
    """
    digest = content_hash(definition)
    row = db.execute(
        "SELECT source, source_hash FROM surveys WHERE id = ?", [definition["id"]]
    ).fetchone()
    if row is not None and (row[0] != "bundled" or row[1] == digest):
        return
    survey = publish(db, definition)
    with write(db):
        db.execute(
            "INSERT INTO surveys (id, draft, status, source, source_hash, updated_at)"
            " VALUES (?, ?, 'published', 'bundled', ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET draft = excluded.draft,"
            " source_hash = excluded.source_hash, updated_at = excluded.updated_at",
            [survey.id, json.dumps(dict(survey.definition), ensure_ascii=False), digest, utc_now()],
        )


def save_draft(db: Database, definition: dict[str, Any], source: str = "xlsform") -> str:
    """Keep ``definition`` as the survey's working copy; residents see no change yet."""
    parse_survey(definition)  # refuse what could never be published
    with write(db):
        db.execute(
            "INSERT INTO surveys (id, draft, status, source, updated_at)"
            " VALUES (?, ?, 'draft', ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET draft = excluded.draft,"
            " updated_at = excluded.updated_at",
            [definition["id"], json.dumps(definition, ensure_ascii=False), source, utc_now()],
        )
    return str(definition["id"])


def draft_definition(db: Database, survey_id: str) -> dict[str, Any]:
    row = db.execute("SELECT draft FROM surveys WHERE id = ?", [survey_id]).fetchone()
    if row is None:
        raise NotFound(f"survey {survey_id}")
    definition: dict[str, Any] = json.loads(row[0])
    return definition


def draft(db: Database, survey_id: str) -> Survey:
    return parse_survey(draft_definition(db, survey_id))


def publish_draft(db: Database, survey_id: str) -> Survey:
    """Residents get the working copy: a new version if it changed, the same one if not."""
    survey = publish(db, draft_definition(db, survey_id))
    with write(db):
        db.execute(
            "UPDATE surveys SET status = 'published', updated_at = ? WHERE id = ?",
            [utc_now(), survey_id],
        )
    return survey


def unpublish(db: Database, survey_id: str) -> None:
    """Residents can no longer open it; queued answers to it are still accepted."""
    with write(db):
        changed = db.execute(
            "UPDATE surveys SET status = 'unpublished', updated_at = ?"
            " WHERE id = ? AND status = 'published'",
            [utc_now(), survey_id],
        ).rowcount
    if not changed:
        raise NotFound(f"published survey {survey_id}")


def published(db: Database, survey_id: str) -> Survey:
    """The version residents answer now; :class:`NotFound` when the survey is not open."""
    row = db.execute("SELECT status FROM surveys WHERE id = ?", [survey_id]).fetchone()
    if row is None or row[0] != "published":
        raise NotFound(f"published survey {survey_id}")
    return latest(db, survey_id)


def published_ids(db: Database) -> list[str]:
    return [
        row[0]
        for row in db.execute("SELECT id FROM surveys WHERE status = 'published' ORDER BY id")
    ]


def all_surveys(db: Database) -> list[SurveyRow]:
    rows = db.execute(
        """
        SELECT s.id, s.draft, s.status, s.source, s.updated_at,
               (SELECT max(version) FROM survey_versions v WHERE v.survey_id = s.id),
               (SELECT content_hash FROM survey_versions v WHERE v.survey_id = s.id
                ORDER BY version DESC LIMIT 1),
               (SELECT count(*) FROM responses r WHERE r.survey_id = s.id)
        FROM surveys s ORDER BY s.updated_at DESC, s.id
        """
    ).fetchall()
    found = []
    for survey_id, draft_json, status, source, updated_at, version, digest, count in rows:
        definition = json.loads(draft_json)
        found.append(
            SurveyRow(
                id=survey_id,
                title=str(definition.get("title", survey_id)),
                status=status,
                source=source,
                version=version,
                unpublished_changes=digest != content_hash(definition),
                responses=int(count),
                updated_at=updated_at,
            )
        )
    return found


def versions(db: Database, survey_id: str) -> list[tuple[int, str, int]]:
    """``(version, published_at, responses)`` for each version, newest first."""
    return [
        (int(v), str(at), int(n))
        for v, at, n in db.execute(
            "SELECT v.version, v.published_at,"
            " (SELECT count(*) FROM responses r WHERE r.survey_id = v.survey_id"
            "  AND r.survey_version = v.version)"
            " FROM survey_versions v WHERE v.survey_id = ? ORDER BY v.version DESC",
            [survey_id],
        )
    ]
