"""The door log: what happened at each door of a door-knocking round."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Literal

from sqlite_utils import Database

from .db import write
from .errors import ResponseConflict
from .surveys import utc_now

OUTCOMES = (
    "no_answer",
    "come_back",
    "declined",
    "completed",
    "online_later",
    "needs_language",
    "do_not_knock",
)
FOLLOW_UP = ("come_back", "needs_language")


@dataclass(frozen=True)
class Knock:
    """One door's outcome, as a volunteer's device recorded it."""

    id: str
    event_id: str
    street: str
    door: str | None
    outcome: str
    knocked_at: str
    language: str | None = None
    response_id: str | None = None

    def content_hash(self) -> str:
        content = [
            self.event_id,
            self.street,
            self.door,
            self.outcome,
            self.language,
            self.response_id,
            self.knocked_at,
        ]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def log(db: Database, knock: Knock, device_id: str | None) -> Literal["created", "duplicate"]:
    """Store a knock once; the same id again is a duplicate, or a conflict if it differs."""
    digest = knock.content_hash()
    with write(db):
        found = db.execute("SELECT content_hash FROM doors WHERE id = ?", [knock.id]).fetchone()
        if found is not None:
            if found[0] == digest:
                return "duplicate"
            raise ResponseConflict(knock.id)
        db.execute(
            "INSERT INTO doors (id, event_id, device_id, street, door, outcome, language,"
            " response_id, knocked_at, received_at, content_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                knock.id,
                knock.event_id,
                device_id,
                knock.street,
                knock.door,
                knock.outcome,
                knock.language,
                knock.response_id,
                knock.knocked_at,
                utc_now(),
                digest,
            ],
        )
    return "created"


@dataclass(frozen=True)
class FollowUp:
    street: str
    door: str | None
    outcome: str
    language: str | None
    knocked_at: str


def door_order(label: str | None) -> tuple[tuple[int, int, str], ...]:
    """Sort key for door labels as people read them: 2 before 10, 4 before 4A before 4B."""
    if not label:
        return ()
    parts = re.findall(r"\d+|\D+", label.casefold())
    return tuple((0, int(p), "") if p.isdecimal() else (1, 0, p.strip()) for p in parts)


def follow_ups(db: Database, event_id: str) -> list[FollowUp]:
    """Doors to visit again, by street: the latest knock at each door decides."""
    rows = db.execute(
        """
        SELECT street, door, outcome, language, knocked_at FROM doors d
        WHERE event_id = ? AND knocked_at = (
            SELECT max(knocked_at) FROM doors e
            WHERE e.event_id = d.event_id AND e.street = d.street
              AND e.door IS d.door AND d.door IS NOT NULL)
          AND outcome IN ('come_back', 'needs_language')
        """,
        [event_id],
    )
    found = [FollowUp(*row) for row in rows]
    return sorted(found, key=lambda f: (f.street.casefold(), door_order(f.door)))


def summary(db: Database, event_id: str) -> dict[str, int]:
    """Knocks by outcome in a round."""
    rows = db.execute(
        "SELECT outcome, count(*) FROM doors WHERE event_id = ? GROUP BY outcome", [event_id]
    )
    counts = dict.fromkeys(OUTCOMES, 0)
    counts.update({str(outcome): int(count) for outcome, count in rows})
    return counts


def clear_door_labels(db: Database, event_id: str) -> int:
    """Forget which doors they were, keeping the streets and outcomes for the counts."""
    with write(db):
        cursor = db.execute(
            "UPDATE doors SET door = NULL WHERE event_id = ? AND door IS NOT NULL", [event_id]
        )
    return cursor.rowcount


def by_volunteer(db: Database, event_id: str) -> list[tuple[str, int, int]]:
    """(volunteer, doors knocked, completed) for a round, most doors first."""
    rows = db.execute(
        """
        SELECT coalesce(u.name, '?'), count(*), sum(d.outcome = 'completed')
        FROM doors d LEFT JOIN devices v ON v.id = d.device_id
        LEFT JOIN users u ON u.id = v.user_id
        WHERE d.event_id = ? GROUP BY u.id ORDER BY count(*) DESC, u.name
        """,
        [event_id],
    )
    return [(str(name), int(count), int(done or 0)) for name, count, done in rows]


def by_hour(db: Database, event_id: str) -> list[tuple[str, int]]:
    """(hour as 'YYYY-MM-DDTHH', doors knocked) for a round, in time order (UTC)."""
    rows = db.execute(
        "SELECT substr(knocked_at, 1, 13) AS hour, count(*) FROM doors WHERE event_id = ?"
        " GROUP BY hour ORDER BY hour",
        [event_id],
    )
    return [(str(hour), int(count)) for hour, count in rows]


def speakers(db: Database, language: str) -> list[str]:
    """Names of active volunteers who speak ``language`` (a code such as 'so')."""
    rows = db.execute(
        "SELECT name, languages FROM users WHERE role = 'volunteer' AND active = 1 ORDER BY name"
    )
    return [str(name) for name, codes in rows if language in str(codes).split(",")]
