"""The staff log: a line for each change a coordinator makes to someone's account."""

from __future__ import annotations

from sqlite_utils import Database

from .surveys import utc_now


def record(
    db: Database, actor_id: int | None, action: str, subject_id: int, detail: str = ""
) -> None:
    """Add a line, inside the caller's transaction, so that a change and its record go
    together or not at all."""
    db.execute(
        "INSERT INTO staff_log (at, actor_id, action, subject_id, detail) VALUES (?, ?, ?, ?, ?)",
        [utc_now(), actor_id, action, subject_id, detail],
    )
