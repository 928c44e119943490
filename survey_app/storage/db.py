"""Opening the SQLite file: WAL, a busy timeout, foreign keys, and migrations."""

from __future__ import annotations

import logging
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from .errors import Busy
from .migrations import MIGRATIONS

log = logging.getLogger(__name__)

# A request's commit checkpoints the WAL itself only when the background checkpointer
# has fallen far behind (SQLite's default is 1,000 pages, which put a 4 MB copy and an
# fsync into every third batch a device sent).
REQUEST_AUTOCHECKPOINT_PAGES = 20_000
CHECKPOINT_EVERY_SECONDS = 0.5
# How long a write waits for the others before it gives up (SQLite's busy timeout too).
WRITE_WAIT_SECONDS = 5.0


def connect(path: str | Path) -> Database:
    """Open ``path`` with the settings every connection needs.

    ``isolation_level=None`` leaves transactions to :func:`write`, so
    a write is exactly the block that wraps it and never an implicit one.
    """
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(WRITE_WAIT_SECONDS * 1000)}")
    conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn, execute_plugins=False)
    _write_locks[db] = _write_lock_for(str(Path(path).resolve()))
    return db


# Writers of one process queue on a lock of their own before asking SQLite for its write
# lock: a waiter wakes the moment the lock is free. SQLite's busy handler instead sleeps
# in steps of up to 100 ms, which under load left the database idle while requests slept.
# Other processes (the command line) still meet SQLite's own lock and busy timeout.
_locks_by_path: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()
_write_locks: weakref.WeakKeyDictionary[Database, threading.Lock] = weakref.WeakKeyDictionary()


def _write_lock_for(path: str) -> threading.Lock:
    with _locks_guard:
        return _locks_by_path.setdefault(path, threading.Lock())


class _Checkpointer:
    """Copies the WAL back into the database file off the request path.

    One daemon thread per process, with its own connection per database file. A
    PASSIVE checkpoint never waits for a writer or reader, so requests are not held
    up; what it cannot copy yet it copies on a later pass.
    """

    def __init__(self) -> None:
        self._paths: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, path: str) -> None:
        with self._lock:
            self._paths.add(path)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="wal-checkpointer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        connections: dict[str, sqlite3.Connection] = {}
        event = threading.Event()
        while not event.wait(CHECKPOINT_EVERY_SECONDS):
            with self._lock:
                paths = set(self._paths)
            for path in paths:
                if not Path(path).exists():
                    # A test's or a removed file: stop watching it.
                    with self._lock:
                        self._paths.discard(path)
                    gone = connections.pop(path, None)
                    if gone is not None:
                        gone.close()
                    continue
                try:
                    if path not in connections:
                        # Never wait for a lock: one busy file must not hold up the
                        # others (a pass it misses is made up on the next).
                        connections[path] = sqlite3.connect(
                            path, isolation_level=None, check_same_thread=False, timeout=0
                        )
                    connections[path].execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as error:
                    # The requests' own (rarer) checkpoints still bound the WAL.
                    log.warning("WAL checkpoint skipped: %s", error.__class__.__name__)


_checkpointer = _Checkpointer()


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
        db = connect(path)
        db.execute(f"PRAGMA wal_autocheckpoint = {REQUEST_AUTOCHECKPOINT_PAGES}")
        _checkpointer.watch(key)
        connections[key] = db
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
    lock = _write_locks.get(db)
    if lock is not None and not lock.acquire(timeout=WRITE_WAIT_SECONDS):
        raise Busy("other writers held the database too long")
    try:
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            raise Busy(str(error)) from error
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    finally:
        if lock is not None:
            lock.release()


def is_reachable(db: Database) -> bool:
    try:
        db.execute("SELECT 1").fetchone()
    except sqlite3.Error:
        return False
    return True


def snapshot(source: str | Path, destination: str | Path) -> None:
    """A consistent copy of the database file while it is in use (SQLite's online backup:
    writers go on; the copy is the database as it was at one moment)."""
    src = sqlite3.connect(str(source), timeout=WRITE_WAIT_SECONDS)
    dst = sqlite3.connect(str(destination))
    try:
        src.backup(dst)
        # The copy stands alone: its WAL folded in, no -wal file to carry with it.
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()
