"""The review history: every decision with who and when, and the state it replaced.

A change takes a snapshot of the rows it is about to touch (the themes, their members and
pinned quotes, and the answers' states), makes the change, and records the versions it
left. Undo puts the snapshot back, but only while no later decision (not itself undone)
touched those themes: otherwise that decision would be silently thrown away. Answers the
analysis placed in the meantime are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .db import write
from .errors import NotFound, Stale
from .surveys import utc_now

_THEME_COLUMNS = (
    "id, survey_id, question_id, label, name, description, keywords, locked, reviewed,"
    " position, version, run_id, updated_at, public, name_language"
)
# Snapshots taken before themes had ``public`` and ``name_language`` hold fewer columns.
_OLDER_THEME_COLUMNS = _THEME_COLUMNS.rsplit(", public", 1)[0]


@dataclass(frozen=True)
class LogEntry:
    id: int
    at: str
    user_name: str | None
    action: str
    detail: dict[str, Any]
    undone_at: str | None
    undone_by: str | None
    undoable: bool


def _marks(items: list[str]) -> str:
    return ",".join("?" * len(items))


def themes_of_answers(db: Database, response_ids: Iterable[str]) -> list[str]:
    """The themes any of these answers is in now."""
    ids = list(response_ids)
    if not ids:
        return []
    return [
        str(row[0])
        for row in db.execute(
            f"SELECT DISTINCT theme_id FROM theme_members WHERE response_id IN ({_marks(ids)})",
            ids,
        )
    ]


def snapshot(
    db: Database, survey_id: str, question_id: str, theme_ids: list[str], response_ids: list[str]
) -> dict[str, Any]:
    """The rows a change to these themes and answers may touch, as they are now."""

    def rows(sql: str, params: list[Any]) -> list[list[Any]]:
        return [list(row) for row in db.execute(sql, params)]

    where = f"theme_id IN ({_marks(theme_ids)}) OR response_id IN ({_marks(response_ids)})"
    both = [*theme_ids, *response_ids]
    return {
        "theme_ids": theme_ids,
        "response_ids": response_ids,
        "themes": rows(
            f"SELECT {_THEME_COLUMNS} FROM themes WHERE id IN ({_marks(theme_ids)})", theme_ids
        ),
        "members": rows(
            f"SELECT theme_id, response_id, placed_by, score FROM theme_members WHERE {where}",
            both,
        ),
        "pins": rows(
            f"SELECT theme_id, response_id, pinned_by, pinned_at FROM pinned_quotes WHERE {where}",
            both,
        ),
        "answers": rows(
            "SELECT survey_id, question_id, response_id, state, reason, run_id"
            " FROM reviewed_answers WHERE survey_id = ? AND question_id = ?"
            f" AND response_id IN ({_marks(response_ids)})",
            [survey_id, question_id, *response_ids],
        ),
    }


def versions(db: Database, theme_ids: Iterable[str]) -> dict[str, int | None]:
    """Each theme's version now (None: it no longer exists)."""
    ids = list(theme_ids)
    found = {
        str(tid): int(v)
        for tid, v in db.execute(f"SELECT id, version FROM themes WHERE id IN ({_marks(ids)})", ids)
    }
    return {tid: found.get(tid) for tid in ids}


def record(
    db: Database,
    survey_id: str,
    question_id: str,
    user_id: int | None,
    action: str,
    detail: dict[str, Any],
    before: dict[str, Any] | None,
) -> int:
    """Add an entry inside the caller's transaction, after the change is made."""
    after = versions(db, before["theme_ids"]) if before else {}
    cursor = db.execute(
        "INSERT INTO review_log (survey_id, question_id, at, user_id, action, detail, before,"
        " after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            survey_id,
            question_id,
            utc_now(),
            user_id,
            action,
            json.dumps(detail, ensure_ascii=False),
            json.dumps(before or {}),
            json.dumps(after),
        ],
    )
    return int(cursor.lastrowid or 0)


def history(db: Database, survey_id: str, question_id: str, limit: int = 200) -> list[LogEntry]:
    """The newest entries first."""
    entries = []
    for row in db.execute(
        "SELECT l.id, l.at, u.name, l.action, l.detail, l.undone_at, w.name, l.before != '{}'"
        " FROM review_log l LEFT JOIN users u ON u.id = l.user_id"
        " LEFT JOIN users w ON w.id = l.undone_by"
        " WHERE l.survey_id = ? AND l.question_id = ? ORDER BY l.id DESC LIMIT ?",
        [survey_id, question_id, limit],
    ):
        entries.append(
            LogEntry(
                id=int(row[0]),
                at=str(row[1]),
                user_name=row[2],
                action=str(row[3]),
                detail=json.loads(row[4]),
                undone_at=row[5],
                undone_by=row[6],
                undoable=bool(row[7]) and row[5] is None,
            )
        )
    return entries


def undo(db: Database, survey_id: str, question_id: str, entry_id: int, user_id: int) -> str:
    """Put back the state an entry replaced; returns its action.

    :class:`Stale` when a theme it touched has changed since (undo the later change
    first), or when it was undone already.
    """
    with write(db):
        row = db.execute(
            "SELECT action, before, after, undone_at FROM review_log"
            " WHERE id = ? AND survey_id = ? AND question_id = ?",
            [entry_id, survey_id, question_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"review log entry {entry_id}")
        action, before_json, after_json, undone_at = row
        before = json.loads(before_json)
        if undone_at is not None or not before:
            raise Stale("already undone" if undone_at else "cannot be undone")
        after = {tid: v for tid, v in json.loads(after_json).items()}
        if _changed_later(db, survey_id, question_id, entry_id, set(before["theme_ids"])):
            raise Stale("changed since")
        now = versions(db, after)
        if any((now[tid] is None) != (v is None) for tid, v in after.items()):
            raise Stale("changed since")
        _restore(db, survey_id, question_id, before, after)
        db.execute(
            "UPDATE review_log SET undone_at = ?, undone_by = ? WHERE id = ?",
            [utc_now(), user_id, entry_id],
        )
    return str(action)


def _changed_later(
    db: Database, survey_id: str, question_id: str, entry_id: int, theme_ids: set[str]
) -> bool:
    """Whether a later decision, not undone, touched any of these themes. (What the
    analysis placed since does not count: an undo keeps those answers.)"""
    for (later,) in db.execute(
        "SELECT before FROM review_log WHERE survey_id = ? AND question_id = ? AND id > ?"
        " AND undone_at IS NULL AND before != '{}'",
        [survey_id, question_id, entry_id],
    ):
        if theme_ids & set(json.loads(later)["theme_ids"]):
            return True
    return False


def _restore(
    db: Database,
    survey_id: str,
    question_id: str,
    before: dict[str, Any],
    after: dict[str, int | None],
) -> None:
    theme_ids: list[str] = before["theme_ids"]
    response_ids: list[str] = before["response_ids"]
    both = [*theme_ids, *response_ids]
    where = f"theme_id IN ({_marks(theme_ids)}) OR response_id IN ({_marks(response_ids)})"
    # Answers the analysis placed into these themes after the change are not the change's
    # to take back: they stay, in the same theme if it survives the undo, else in the first.
    known = {member[1] for member in before["members"]} | set(response_ids)
    later = [
        row
        for row in db.execute(
            "SELECT theme_id, response_id, score FROM theme_members"
            f" WHERE theme_id IN ({_marks(theme_ids)}) AND placed_by = 'engine'",
            theme_ids,
        ).fetchall()
        if row[1] not in known
    ]
    db.execute(f"DELETE FROM theme_members WHERE {where}", both)
    db.execute(f"DELETE FROM pinned_quotes WHERE {where}", both)
    db.execute(
        "DELETE FROM reviewed_answers WHERE survey_id = ? AND question_id = ?"
        f" AND response_id IN ({_marks(response_ids)})",
        [survey_id, question_id, *response_ids],
    )
    db.execute(f"DELETE FROM themes WHERE id IN ({_marks(theme_ids)})", theme_ids)
    # Versions move on past anything a page may still show, so a page from before the undo
    # cannot change the restored theme by mistake.
    newest = max([v for v in after.values() if v is not None] or [0])
    for theme in before["themes"]:
        theme[10] = max(int(theme[10]), newest) + 1
        theme[12] = utc_now()
        columns = (
            _THEME_COLUMNS if len(theme) == _THEME_COLUMNS.count(",") + 1 else _OLDER_THEME_COLUMNS
        )
        db.execute(f"INSERT INTO themes ({columns}) VALUES ({_marks(theme)})", theme)
    for member in before["members"]:
        db.execute(
            "INSERT OR IGNORE INTO theme_members (theme_id, response_id, placed_by, score)"
            " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM themes WHERE id = ?)"
            " AND EXISTS (SELECT 1 FROM responses WHERE id = ?)",
            [*member, member[0], member[1]],
        )
    for pin in before["pins"]:
        db.execute(
            "INSERT OR IGNORE INTO pinned_quotes (theme_id, response_id, pinned_by, pinned_at)"
            " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM themes WHERE id = ?)"
            " AND EXISTS (SELECT 1 FROM responses WHERE id = ?)",
            [*pin, pin[0], pin[1]],
        )
    restored = {theme[0] for theme in before["themes"]}
    for theme_id, response_id, score in later if before["themes"] else []:
        home = theme_id if theme_id in restored else before["themes"][0][0]
        db.execute(
            "INSERT OR IGNORE INTO theme_members (theme_id, response_id, placed_by, score)"
            " VALUES (?, ?, 'engine', ?)",
            [home, response_id, score],
        )
    for answer in before["answers"]:
        db.execute(
            "INSERT INTO reviewed_answers (survey_id, question_id, response_id, state, reason,"
            " run_id) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM responses WHERE id = ?)",
            [*answer, answer[2]],
        )
