"""Opening the SQLite file: WAL, a busy timeout, foreign keys, and migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from .migrations import MIGRATIONS


def connect(path: str | Path) -> Database:
    """Open ``path`` with the settings every connection needs.

    ``isolation_level=None`` leaves transactions to ``Database.atomic()``, so
    a write is exactly the block that wraps it and never an implicit one.
    """
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA synchronous = NORMAL")
    return Database(conn, execute_plugins=False)


def initialise(path: str | Path) -> None:
    """Create or upgrade the database file in place."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    try:
        # WAL lets residents submit while a coordinator exports; it is a
        # property of the file, so setting it once here is enough.
        db.execute("PRAGMA journal_mode = WAL")
        MIGRATIONS.apply(db)
    finally:
        db.close()


def is_reachable(db: Database) -> bool:
    try:
        db.execute("SELECT 1").fetchone()
    except sqlite3.Error:
        return False
    return True
