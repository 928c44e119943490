"""The door log: what happened at each door of a door-knocking round."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
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


def log(
    db: Database, knock: Knock, device_id: str | None, user_id: int | None = None
) -> Literal["created", "duplicate"]:
    """Store a knock once; the same id again is a duplicate, or a conflict if it differs.

    ``user_id`` is who logged it (a device's owner, or the person on the page).
    """
    digest = knock.content_hash()
    with write(db):
        found = db.execute("SELECT content_hash FROM doors WHERE id = ?", [knock.id]).fetchone()
        if found is not None:
            if found[0] == digest:
                return "duplicate"
            raise ResponseConflict(knock.id)
        db.execute(
            "INSERT INTO doors (id, event_id, device_id, street, door, outcome, language,"
            " response_id, knocked_at, received_at, content_hash, logged_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " coalesce(?, (SELECT user_id FROM devices WHERE id = ?)))",
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
                user_id,
                device_id,
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
        SELECT street, door, outcome, language, knocked_at FROM counted_doors d
        WHERE event_id = ? AND knocked_at = (
            SELECT max(knocked_at) FROM counted_doors e
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
        "SELECT outcome, count(*) FROM counted_doors WHERE event_id = ? GROUP BY outcome",
        [event_id],
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
        FROM counted_doors d LEFT JOIN devices v ON v.id = d.device_id
        LEFT JOIN users u ON u.id = v.user_id
        WHERE d.event_id = ? GROUP BY u.id ORDER BY count(*) DESC, u.name
        """,
        [event_id],
    )
    return [(str(name), int(count), int(done or 0)) for name, count, done in rows]


def by_hour(db: Database, event_id: str) -> list[tuple[str, int]]:
    """(hour as 'YYYY-MM-DDTHH', doors knocked) for a round, in time order (UTC)."""
    rows = db.execute(
        "SELECT substr(knocked_at, 1, 13) AS hour, count(*) FROM counted_doors WHERE event_id = ?"
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


# How long a volunteer has to undo a door logged by mistake.
UNDO_MINUTES = 10


@dataclass(frozen=True)
class LoggedDoor:
    """A knock as the round's page lists it."""

    id: str
    street: str
    door: str | None
    outcome: str
    language: str | None
    knocked_at: str
    received_at: str
    logged_by: int | None
    undone_at: str | None


_LOGGED = (
    "SELECT id, street, door, outcome, language, knocked_at, received_at, logged_by, undone_at"
    " FROM doors"
)


def undoable(db: Database, event_id: str, user_id: int, now: datetime) -> list[LoggedDoor]:
    """This person's knocks on the round that they may still undo, newest first."""
    since = (now - timedelta(minutes=UNDO_MINUTES)).isoformat(timespec="seconds")
    rows = db.execute(
        f"{_LOGGED} WHERE event_id = ? AND logged_by = ? AND undone_at IS NULL"
        " AND received_at >= ? ORDER BY received_at DESC, rowid DESC",
        [event_id, user_id, since],
    )
    return [LoggedDoor(*row) for row in rows]


def history(db: Database, event_id: str) -> list[tuple[str, str | None, list[LoggedDoor]]]:
    """Every door of the round with its knocks in time order, undone ones included."""
    rows = [LoggedDoor(*row) for row in db.execute(f"{_LOGGED} WHERE event_id = ?", [event_id])]
    doors: dict[tuple[str, str | None], list[LoggedDoor]] = {}
    for row in sorted(rows, key=lambda r: r.knocked_at):
        doors.setdefault((row.street, row.door), []).append(row)
    ordered = sorted(doors, key=lambda key: (key[0].casefold(), door_order(key[1])))
    return [(street, door, doors[(street, door)]) for street, door in ordered]


class CannotUndo(Exception):
    """The knock is not this person's, is undone already, or is too old to undo."""


def undo(
    db: Database, event_id: str, knock_id: str, user_id: int, role: str, now: datetime
) -> None:
    """Mark a knock undone, recording who and when; only its own volunteer, for a while."""
    since = (now - timedelta(minutes=UNDO_MINUTES)).isoformat(timespec="seconds")
    with write(db):
        row = db.execute(
            "SELECT logged_by, received_at, undone_at FROM doors WHERE id = ? AND event_id = ?",
            [knock_id, event_id],
        ).fetchone()
        if row is None or row[2] is not None:
            raise CannotUndo(knock_id)
        if row[0] != user_id and role != "coordinator":
            raise CannotUndo(knock_id)
        if row[1] < since:
            raise CannotUndo(knock_id)
        db.execute(
            "UPDATE doors SET undone_at = ?, undone_by = ? WHERE id = ?",
            [now.isoformat(timespec="seconds"), user_id, knock_id],
        )
