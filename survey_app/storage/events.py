"""Events: door-knocking rounds, World Café tables, drop-ins and online links."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from .db import write
from .errors import NotFound
from .surveys import utc_now

KINDS = ("door_knocking", "world_cafe", "drop_in", "online")
# Short codes for leaflets and QR codes: no 0/O or 1/I/L to misread when typed.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Event:
    id: str
    kind: str
    name: str
    survey_id: str
    starts_on: str | None
    starts_at: str | None
    area: str
    host: str
    tables: int | None
    languages: tuple[str, ...]
    responses: int = 0
    survey_version: int | None = None
    cancelled_at: str | None = None

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


_COLUMNS = (
    "e.id, e.kind, e.name, e.survey_id, e.starts_on, e.starts_at, e.area, e.host, e.tables,"
    " e.languages, (SELECT count(*) FROM responses r WHERE r.event_id = e.id),"
    " e.survey_version, e.cancelled_at"
)


def _event(row: tuple[object, ...]) -> Event:
    return Event(
        id=str(row[0]),
        kind=str(row[1]),
        name=str(row[2]),
        survey_id=str(row[3]),
        starts_on=str(row[4]) if row[4] else None,
        starts_at=str(row[5]) if row[5] else None,
        area=str(row[6]),
        host=str(row[7]),
        tables=int(str(row[8])) if row[8] else None,
        languages=tuple(code for code in str(row[9]).split(",") if code),
        responses=int(str(row[10])),
        survey_version=int(str(row[11])) if row[11] is not None else None,
        cancelled_at=str(row[12]) if row[12] else None,
    )


def create(
    db: Database,
    *,
    kind: str,
    name: str,
    survey_id: str,
    starts_on: str | None = None,
    starts_at: str | None = None,
    area: str = "",
    host: str = "",
    tables: int | None = None,
    languages: tuple[str, ...] = (),
    volunteer_ids: tuple[int, ...] = (),
    survey_version: int | None = None,
) -> Event:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    with write(db):
        while True:
            code = "".join(secrets.choice(_ALPHABET) for _ in range(6))
            if not db.execute("SELECT 1 FROM events WHERE id = ?", [code]).fetchone():
                break
        db.execute(
            "INSERT INTO events (id, kind, name, survey_id, starts_on, starts_at, area, host,"
            " tables, languages, created_at, survey_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                code,
                kind,
                name.strip(),
                survey_id,
                starts_on,
                starts_at,
                area.strip(),
                host.strip(),
                tables,
                ",".join(languages),
                utc_now(),
                survey_version,
            ],
        )
        _add_volunteers(db, code, volunteer_ids)
    return get(db, code)


def _add_volunteers(db: Database, event_id: str, user_ids: tuple[int, ...]) -> None:
    db.conn.executemany(
        "INSERT INTO event_volunteers (event_id, user_id) VALUES (?, ?)",
        [(event_id, user_id) for user_id in user_ids],
    )


def update(
    db: Database,
    event_id: str,
    *,
    name: str,
    survey_id: str,
    survey_version: int | None,
    starts_on: str | None,
    starts_at: str | None,
    area: str,
    host: str,
    tables: int | None,
    languages: tuple[str, ...],
    volunteer_ids: tuple[int, ...],
) -> Event:
    """Change an event's details; its kind and short link stay."""
    with write(db):
        cursor = db.execute(
            "UPDATE events SET name = ?, survey_id = ?, survey_version = ?, starts_on = ?,"
            " starts_at = ?, area = ?, host = ?, tables = ?, languages = ? WHERE id = ?",
            [
                name.strip(),
                survey_id,
                survey_version,
                starts_on,
                starts_at,
                area.strip(),
                host.strip(),
                tables,
                ",".join(languages),
                event_id,
            ],
        )
        if cursor.rowcount == 0:
            raise NotFound(f"event {event_id}")
        db.execute("DELETE FROM event_volunteers WHERE event_id = ?", [event_id])
        _add_volunteers(db, event_id, volunteer_ids)
    return get(db, event_id)


def set_cancelled(db: Database, event_id: str, cancelled: bool) -> None:
    """Cancel an event (or undo that): its answers stay, its round takes no more doors."""
    with write(db):
        db.execute(
            "UPDATE events SET cancelled_at = ? WHERE id = ?",
            [utc_now() if cancelled else None, event_id],
        )


def volunteer_ids(db: Database, event_id: str) -> list[int]:
    rows = db.execute("SELECT user_id FROM event_volunteers WHERE event_id = ?", [event_id])
    return [int(row[0]) for row in rows]


def get(db: Database, event_id: str) -> Event:
    row = db.execute(f"SELECT {_COLUMNS} FROM events e WHERE e.id = ?", [event_id]).fetchone()
    if row is None:
        raise NotFound(f"event {event_id}")
    return _event(row)


def exists(db: Database, event_id: str) -> bool:
    return db.execute("SELECT 1 FROM events WHERE id = ?", [event_id]).fetchone() is not None


def all_events(db: Database) -> list[Event]:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM events e ORDER BY e.starts_on IS NULL, e.starts_on DESC,"
        " e.created_at DESC"
    )
    return [_event(row) for row in rows]


def volunteer_names(db: Database, event_id: str) -> list[str]:
    rows = db.execute(
        "SELECT u.name FROM event_volunteers v JOIN users u ON u.id = v.user_id"
        " WHERE v.event_id = ? ORDER BY u.name",
        [event_id],
    )
    return [str(row[0]) for row in rows]


def works_on(db: Database, event_id: str, user_id: int, role: str) -> bool:
    """Whether a person may log doors on this event: its own volunteers, and coordinators."""
    if role == "coordinator":
        return True
    found = db.execute(
        "SELECT 1 FROM event_volunteers WHERE event_id = ? AND user_id = ?", [event_id, user_id]
    ).fetchone()
    return found is not None


def rounds_for(db: Database, user_id: int, role: str) -> list[Event]:
    """Door-knocking rounds a person works on: a volunteer's own, or all for a coordinator."""
    if role == "coordinator":
        where, params = "e.kind = 'door_knocking' AND e.cancelled_at IS NULL", []
    else:
        where = (
            "e.kind = 'door_knocking' AND e.cancelled_at IS NULL AND e.id IN"
            " (SELECT event_id FROM event_volunteers WHERE user_id = ?)"
        )
        params = [user_id]
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM events e WHERE {where}"
        " ORDER BY e.starts_on IS NULL, e.starts_on DESC, e.created_at DESC",
        params,
    )
    return [_event(row) for row in rows]
