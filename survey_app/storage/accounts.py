"""People who sign in (coordinators, volunteers, analysts) and the devices they register."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit
from .db import write
from .errors import NotFound, StorageError
from .staff_log import record
from .surveys import utc_now

ROLES = ("coordinator", "volunteer", "analyst")


class EmailTaken(StorageError):
    """Another account already uses this email address."""


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: str
    languages: tuple[str, ...]
    active: bool


@dataclass(frozen=True)
class Device:
    id: str
    user_id: int
    user_name: str
    label: str
    created_at: str
    last_seen_at: str | None
    revoked_at: str | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


_USER_COLUMNS = "id, email, name, role, languages, active"


def _user(row: tuple[object, ...]) -> User:
    languages = tuple(code for code in str(row[4]).split(",") if code)
    return User(int(str(row[0])), str(row[1]), str(row[2]), str(row[3]), languages, bool(row[5]))


def create_user(
    db: Database,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    languages: tuple[str, ...] = (),
) -> User:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    # Werkzeug's default is scrypt: a memory-hard KDF with a salt per password.
    hashed = generate_password_hash(password)
    with write(db):
        taken = db.execute("SELECT 1 FROM users WHERE email = ?", [email]).fetchone()
        if taken:
            raise EmailTaken(email)
        cursor = db.execute(
            "INSERT INTO users (email, name, role, languages, password_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [email.strip(), name.strip(), role, ",".join(languages), hashed, utc_now()],
        )
    return get_user(db, int(cursor.lastrowid or 0))


def get_user(db: Database, user_id: int) -> User:
    row = db.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE id = ?", [user_id]).fetchone()
    if row is None:
        raise NotFound(f"user {user_id}")
    return _user(row)


def authenticate(db: Database, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for either wrong)."""
    row = db.execute(
        f"SELECT {_USER_COLUMNS}, password_hash FROM users WHERE email = ?", [email.strip()]
    ).fetchone()
    if row is None:
        # Hash anyway, so that a wrong email takes as long as a wrong password.
        check_password_hash(generate_password_hash("timing"), password)
        return None
    if not check_password_hash(str(row[6]), password) or not row[5]:
        return None
    return _user(row[:6])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def register_device(
    db: Database, user: User, label: str, known: str | None = None
) -> tuple[Device, str]:
    """The device for ``user`` and a new token, which is shown once and stored only hashed.

    ``known`` is the id this browser was given before: if it is this person's own device
    and not revoked, the same row gets a new token (one row per tablet, however often its
    volunteer signs in); otherwise a new device is registered.
    """
    token = secrets.token_urlsafe(32)
    with write(db):
        reused = (
            known
            and db.execute(
                "SELECT 1 FROM devices WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                [known, user.id],
            ).fetchone()
        )
        if reused:
            device_id = str(known)
            db.execute(
                "UPDATE devices SET token_hash = ?, label = ? WHERE id = ?",
                [_token_hash(token), label[:100] or "device", device_id],
            )
        else:
            device_id = str(uuid.uuid4())
            db.execute(
                "INSERT INTO devices (id, user_id, label, token_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [device_id, user.id, label[:100] or "device", _token_hash(token), utc_now()],
            )
        audit.record(db, user.id, "device_registered", device=device_id, again=bool(reused))
    return get_device(db, device_id), token


def _device(row: tuple[object, ...]) -> Device:
    return Device(
        id=str(row[0]),
        user_id=int(str(row[1])),
        user_name=str(row[2]),
        label=str(row[3]),
        created_at=str(row[4]),
        last_seen_at=row[5] and str(row[5]),  # type: ignore[arg-type]
        revoked_at=row[6] and str(row[6]),  # type: ignore[arg-type]
    )


_DEVICE_QUERY = (
    "SELECT d.id, d.user_id, u.name, d.label, d.created_at, d.last_seen_at, d.revoked_at"
    " FROM devices d JOIN users u ON u.id = d.user_id"
)


def get_device(db: Database, device_id: str) -> Device:
    row = db.execute(_DEVICE_QUERY + " WHERE d.id = ?", [device_id]).fetchone()
    if row is None:
        raise NotFound(f"device {device_id}")
    return _device(row)


def device_for_token(db: Database, token: str) -> Device | None:
    row = db.execute(_DEVICE_QUERY + " WHERE d.token_hash = ?", [_token_hash(token)]).fetchone()
    return _device(row) if row else None


def touch_device(db: Database, device_id: str) -> None:
    """Note when a device last sent something (inside the caller's transaction)."""
    db.execute("UPDATE devices SET last_seen_at = ? WHERE id = ?", [utc_now(), device_id])


def list_devices(db: Database) -> list[Device]:
    rows = db.execute(_DEVICE_QUERY + " ORDER BY d.revoked_at IS NOT NULL, u.name, d.created_at")
    return [_device(row) for row in rows]


def forget_own_device(db: Database, device_id: str, user_id: int | None) -> bool:
    """A person signing out revokes their own device's key (another's is left alone)."""
    with write(db):
        cursor = db.execute(
            "UPDATE devices SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            [utc_now(), device_id, user_id],
        )
        if cursor.rowcount:
            audit.record(db, user_id, "device_revoked", device=device_id, signed_out=True)
    return cursor.rowcount == 1


def revoke_device(db: Database, device_id: str, actor_id: int | None = None) -> Device:
    with write(db):
        cursor = db.execute(
            "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [utc_now(), device_id],
        )
        if cursor.rowcount == 0:
            get_device(db, device_id)  # raises NotFound for an unknown id
        else:
            # A lost tablet may still hold a signed-in browser: its holder signs in again.
            db.execute(
                "UPDATE staff_sessions SET ended_at = ? WHERE ended_at IS NULL AND user_id ="
                " (SELECT user_id FROM devices WHERE id = ?)",
                [utc_now(), device_id],
            )
            audit.record(db, actor_id, "device_revoked", device=device_id)
    return get_device(db, device_id)


INVITE_DAYS = 14
NO_PASSWORD = "!"  # never matches: an invited person has not chosen a password yet


class InviteNotValid(StorageError):
    """The invitation link is unknown, used already, or expired."""


@dataclass(frozen=True)
class Person:
    """An account as a coordinator sees it in the list of people."""

    user: User
    invited: bool


def invite_user(
    db: Database,
    *,
    email: str,
    name: str,
    role: str,
    languages: tuple[str, ...] = (),
    actor_id: int | None = None,
) -> tuple[User, str]:
    """An account that the person completes by choosing a password through a link.

    Returns the user and the link's token, which is shown once and stored only hashed.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    token = secrets.token_urlsafe(24)
    expires = (datetime.now(UTC) + timedelta(days=INVITE_DAYS)).isoformat(timespec="seconds")
    with write(db):
        if db.execute("SELECT 1 FROM users WHERE email = ?", [email.strip()]).fetchone():
            raise EmailTaken(email)
        cursor = db.execute(
            "INSERT INTO users (email, name, role, languages, password_hash, created_at,"
            " invite_hash, invite_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                email.strip(),
                name.strip(),
                role,
                ",".join(languages),
                NO_PASSWORD,
                utc_now(),
                _token_hash(token),
                expires,
            ],
        )
        record(db, actor_id, "invited", int(cursor.lastrowid or 0), role)
    return get_user(db, int(cursor.lastrowid or 0)), token


def invited_user(db: Database, token: str) -> User:
    """The person a valid invitation link is for; raises InviteNotValid otherwise."""
    row = db.execute(
        f"SELECT {_USER_COLUMNS}, invite_expires_at FROM users WHERE invite_hash = ?",
        [_token_hash(token)],
    ).fetchone()
    if row is None or str(row[6]) < utc_now():
        raise InviteNotValid(token[:4])
    return _user(row[:6])


def accept_invite(db: Database, token: str, password: str) -> User:
    """Set the invited person's password; the link then no longer works."""
    user = invited_user(db, token)
    with write(db):
        db.execute(
            "UPDATE users SET password_hash = ?, invite_hash = NULL, invite_expires_at = NULL"
            " WHERE id = ?",
            [generate_password_hash(password), user.id],
        )
        # A new password ends every session the old one opened, and the devices it
        # signed in stop sending until the person signs in on them again.
        db.execute(
            "UPDATE staff_sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
            [utc_now(), user.id],
        )
        db.execute(
            "UPDATE devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            [utc_now(), user.id],
        )
        audit.record(db, user.id, "password_set")
    return user


def count_users(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM users").fetchone()[0])


def list_people(db: Database) -> list[Person]:
    rows = db.execute(
        f"SELECT {_USER_COLUMNS}, invite_hash IS NOT NULL FROM users ORDER BY role, name"
    )
    return [Person(_user(row[:6]), bool(row[6])) for row in rows]


def volunteers(db: Database) -> list[User]:
    rows = db.execute(
        f"SELECT {_USER_COLUMNS} FROM users WHERE role = 'volunteer' AND active = 1 ORDER BY name"
    )
    return [_user(row) for row in rows]
