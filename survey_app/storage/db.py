"""Opening the SQLite file: WAL, a busy timeout, foreign keys, and migrations."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from .migrations import MIGRATIONS


def connect(path: str | Path) -> Database:
    """Open ``path`` with the settings every connection needs.

    ``isolation_level=None`` leaves transactions to :func:`write`, so
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


_local = threading.local()


def thread_connection(path: str | Path) -> Database:
    """This thread's connection to ``path``, kept open between requests.

    Opening and closing per request costs more than the request: the last
    connection to close a WAL database checkpoints and deletes the WAL file.
    The server's threads are a fixed pool, so a connection per thread is few.
    """
    connections: dict[str, Database] = getattr(_local, "connections", {})
    _local.connections = connections
    key = str(path)
    if key not in connections:
        connections[key] = connect(path)
    return connections[key]


def release(db: Database) -> None:
    """End a request's use of a thread connection: nothing may stay half-done."""
    if db.conn.in_transaction:
        db.conn.rollback()


@contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction, taken with BEGIN IMMEDIATE; nested, a savepoint.

    A deferred BEGIN that reads and then writes cannot wait for another writer
    (SQLite answers "database is locked" at once); IMMEDIATE takes the write
    lock first, so the busy timeout applies and concurrent writers queue.
    Nested inside another write, a failure undoes only the inner block.
    """
    if db.conn.in_transaction:
        db.execute("SAVEPOINT inner_write")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK TO inner_write")
            db.execute("RELEASE inner_write")
            raise
        db.execute("RELEASE inner_write")
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def is_reachable(db: Database) -> bool:
    try:
        db.execute("SELECT 1").fetchone()
    except sqlite3.Error:
        return False
    return True
