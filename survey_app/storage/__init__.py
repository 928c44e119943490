"""The only package that opens the database. Views call these named functions."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlite_utils import Database

from . import (
    accounts,
    actions,
    analysis_runs,
    answer_lists,
    audio,
    audit,
    coding,
    doors,
    events,
    exports,
    glosses,
    measures,
    people,
    recordings,
    references,
    reports,
    residents,
    responses,
    retention,
    review_log,
    reviews,
    staff_sessions,
    surveys,
    theme_changes,
    theme_runs,
    themes,
    vectors,
)
from .db import connect, initialise, is_reachable, release, snapshot, thread_connection, write
from .errors import Busy, NotFound, Refused, ResponseConflict, Stale, StorageError

__all__ = [
    "Busy",
    "NotFound",
    "accounts",
    "actions",
    "exports",
    "reports",
    "analysis_runs",
    "answer_lists",
    "audio",
    "audit",
    "residents",
    "references",
    "retention",
    "recordings",
    "coding",
    "glosses",
    "review_log",
    "theme_changes",
    "theme_runs",
    "themes",
    "Refused",
    "Stale",
    "doors",
    "events",
    "measures",
    "people",
    "ResponseConflict",
    "StorageError",
    "connect",
    "snapshot",
    "get_db",
    "init_app",
    "initialise",
    "is_reachable",
    "responses",
    "reviews",
    "staff_sessions",
    "surveys",
    "vectors",
    "write",
]


def get_db() -> Database:
    """This request's connection: the serving thread's own, kept open."""
    if "db" not in g:
        g.db = thread_connection(current_app.config["DATABASE"])
    db: Database = g.db
    return db


def _release_db(_error: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        release(db)


def init_app(app: Flask) -> None:
    initialise(app.config["DATABASE"])
    app.teardown_appcontext(_release_db)
