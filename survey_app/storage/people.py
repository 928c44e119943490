"""What a coordinator changes about people's accounts, each change recorded with who and when."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from .accounts import INVITE_DAYS, ROLES, _token_hash, get_user
from .db import write
from .errors import StorageError
from .staff_log import record
from .surveys import utc_now

ACTIONS = ("invited", "new_link", "role", "deactivated", "reactivated")


class LastCoordinator(StorageError):
    """The change would leave no active coordinator to run the app."""


@dataclass(frozen=True)
class Change:
    at: str
    actor: str | None
    action: str
    subject: str | None
    detail: str


def new_link(db: Database, actor_id: int, user_id: int) -> str:
    """A fresh link for the person to choose a password: a re-sent invitation, or a reset.

    Any earlier link stops working. Returns the token, shown once and stored only hashed.
    """
    get_user(db, user_id)
    token = secrets.token_urlsafe(24)
    expires = (datetime.now(UTC) + timedelta(days=INVITE_DAYS)).isoformat(timespec="seconds")
    with write(db):
        db.execute(
            "UPDATE users SET invite_hash = ?, invite_expires_at = ? WHERE id = ?",
            [_token_hash(token), expires, user_id],
        )
        record(db, actor_id, "new_link", user_id)
    return token


def _other_coordinators(db: Database, user_id: int) -> int:
    row = db.execute(
        "SELECT count(*) FROM users WHERE role = 'coordinator' AND active = 1 AND id != ?",
        [user_id],
    ).fetchone()
    return int(row[0])


def set_role(db: Database, actor_id: int, user_id: int, role: str) -> bool:
    """Change a person's role; False if it was that already."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    user = get_user(db, user_id)
    if user.role == role:
        return False
    with write(db):
        if user.role == "coordinator" and _other_coordinators(db, user_id) == 0:
            raise LastCoordinator(str(user_id))
        db.execute("UPDATE users SET role = ? WHERE id = ?", [role, user_id])
        record(db, actor_id, "role", user_id, f"{user.role} -> {role}")
    return True


def set_active(db: Database, actor_id: int, user_id: int, active: bool) -> int:
    """Deactivate (their sessions end at once and every device of theirs is signed out) or
    reactivate an account (their devices stay signed out: each signs in again).

    Returns how many devices were signed out.
    """
    user = get_user(db, user_id)
    revoked = 0
    with write(db):
        if not active and user.role == "coordinator" and _other_coordinators(db, user_id) == 0:
            raise LastCoordinator(str(user_id))
        db.execute("UPDATE users SET active = ? WHERE id = ?", [int(active), user_id])
        if not active:
            cursor = db.execute(
                "UPDATE devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                [utc_now(), user_id],
            )
            revoked = cursor.rowcount
            # Their sessions end on the server too, not only while the account stays inactive.
            db.execute(
                "UPDATE staff_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
                [utc_now(), user_id],
            )
        record(db, actor_id, "reactivated" if active else "deactivated", user_id)
    return revoked


def recent_changes(db: Database, limit: int = 30) -> list[Change]:
    rows = db.execute(
        "SELECT l.at, a.name, l.action, s.name, l.detail FROM staff_log l"
        " LEFT JOIN users a ON a.id = l.actor_id LEFT JOIN users s ON s.id = l.subject_id"
        " ORDER BY l.id DESC LIMIT ?",
        [limit],
    )
    return [Change(*row) for row in rows]
