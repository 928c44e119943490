"""Signed-in sessions kept on the server, so that they can be ended; failed sign-ins."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from . import audit
from .db import write

# Seen again within this long, a session's last_seen is not rewritten: one write a
# minute per person, not one per page.
_TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def start(db: Database, user_id: int) -> str:
    """A new session for ``user_id``; its token, which only the signed cookie holds."""
    token = secrets.token_urlsafe(32)
    now = _iso(_now())
    with write(db):
        db.execute(
            "INSERT INTO staff_sessions (token_hash, user_id, created_at, last_seen)"
            " VALUES (?, ?, ?, ?)",
            [_hash(token), user_id, now, now],
        )
        audit.record(db, user_id, "sign_in")
    return token


def user_of(db: Database, token: str, idle: timedelta, longest: timedelta) -> int | None:
    """The user whose live session this is, or None: unknown, ended, idle or too old."""
    row = db.execute(
        "SELECT user_id, created_at, last_seen, ended_at FROM staff_sessions WHERE token_hash = ?",
        [_hash(token)],
    ).fetchone()
    if row is None or row[3] is not None:
        return None
    now = _now()
    created, seen = datetime.fromisoformat(row[1]), datetime.fromisoformat(row[2])
    if now - seen > idle or now - created > longest:
        end(db, token)
        return None
    if now - seen > _TOUCH_EVERY:
        with write(db):
            db.execute(
                "UPDATE staff_sessions SET last_seen = ? WHERE token_hash = ?",
                [_iso(now), _hash(token)],
            )
    return int(row[0])


def end(db: Database, token: str) -> None:
    with write(db):
        db.execute(
            "UPDATE staff_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
            [_iso(_now()), _hash(token)],
        )


def end_all(db: Database, user_id: int) -> int:
    """End every session of a person (deactivated, password changed); how many."""
    with write(db):
        cursor = db.execute(
            "UPDATE staff_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
            [_iso(_now()), user_id],
        )
    return cursor.rowcount


def _account(email: str, browser: str | None = None) -> str:
    # A browser the owner signed in on before keeps a count of its own (see held_for).
    key = email.strip().casefold()
    return _hash(f"{key}\0{browser}" if browser else key)


def held_for(
    db: Database, email: str, most: int, window: timedelta, browser: str | None = None
) -> int:
    """Seconds an account is held after ``most`` failed sign-ins in ``window`` (0: not held).

    ``browser`` names a browser the account signed in on before: only its own failures
    count there, so guesses from elsewhere cannot keep the owner out (OWASP's "device
    cookies"); everywhere else, every failure counts.
    """
    since = _now() - window
    rows = db.execute(
        "SELECT at FROM sign_in_failures WHERE account_hash = ? AND at > ? ORDER BY at DESC"
        " LIMIT ?",
        [_account(email, browser), _iso(since), most],
    ).fetchall()
    if len(rows) < most:
        return 0
    # Held until the oldest of the last ``most`` failures leaves the window.
    oldest = datetime.fromisoformat(rows[-1][0])
    return max(1, int((oldest + window - _now()).total_seconds()) + 1)


def failed(db: Database, email: str, browser: str | None = None) -> None:
    with write(db):
        db.execute(
            "INSERT INTO sign_in_failures (account_hash, at) VALUES (?, ?)",
            [_account(email, browser), _iso(_now())],
        )
        # The account tried, when there is one; what was typed is never kept.
        row = db.execute("SELECT id FROM users WHERE email = ?", [email.strip()]).fetchone()
        audit.record(db, row[0] if row else None, "sign_in_failed")
        # Old failures count for nothing: keep the table small.
        db.execute("DELETE FROM sign_in_failures WHERE at < ?", [_iso(_now() - timedelta(days=1))])


def succeeded(db: Database, email: str, browser: str | None = None) -> None:
    with write(db):
        db.execute(
            "DELETE FROM sign_in_failures WHERE account_hash IN (?, ?)",
            [_account(email), _account(email, browser)],
        )
