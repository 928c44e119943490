"""The audit log: who did what to accounts, devices and residents' data, and when (UTC).

Three tables feed the coordinators' page: ``audit_log`` (sign-ins, devices, erasures,
withdrawals, purges), ``staff_log`` (accounts and roles) and ``export_log`` (files
taken out). Details are counts and ids, never what a resident said or gave.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .surveys import utc_now


def record(db: Database, actor_id: int | None, action: str, **detail: Any) -> None:
    """Add a line inside the caller's transaction: the change and its record go together."""
    db.execute(
        "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
        [utc_now(), actor_id, action, json.dumps(detail, ensure_ascii=False, sort_keys=True)],
    )


@dataclass(frozen=True)
class Entry:
    at: str
    actor: str | None
    action: str
    subject: str | None
    detail: dict[str, Any]
    # Where the page after this entry starts: its time, table and row (times are to the
    # second, and a burst of failed sign-ins shares one).
    place: str = ""


_UNION = """
    SELECT a.at, 2 AS source, a.id, a.actor_id, a.action, NULL AS subject_id, a.detail
    FROM audit_log a
    UNION ALL
    SELECT s.at, 1, s.id, s.actor_id, s.action, s.subject_id,
        json_object('detail', s.detail) FROM staff_log s
    UNION ALL
    SELECT e.at, 0, e.id, e.user_id, 'export', NULL,
        json_object('survey', e.survey_id, 'what', e.what, 'format', e.format, 'rows', e.rows)
    FROM export_log e
"""


def parse_place(text: str) -> tuple[str, int, int] | None:
    """An entry's ``place`` read back, or None if it is not one."""
    at, _, rest = text.partition("|")
    source, _, row = rest.partition("|")
    if not (source.isdigit() and row.isdigit()) or len(row) > 18:
        return None
    return at, int(source), int(row)


def entries(db: Database, limit: int = 200, before: str | None = None) -> list[Entry]:
    """The newest entries first (after the ``place`` of ``before`` when given), actors by
    name."""
    place = parse_place(before) if before else None
    where = "WHERE (x.at, x.source, x.id) < (?, ?, ?)" if place else ""
    rows = db.execute(
        "SELECT x.at, x.source, x.id, actor.name, x.action, subject.name, x.detail"
        f" FROM ({_UNION}) x"
        " LEFT JOIN users actor ON actor.id = x.actor_id"
        " LEFT JOIN users subject ON subject.id = x.subject_id"
        f" {where} ORDER BY x.at DESC, x.source DESC, x.id DESC LIMIT ?",
        [*(place or ()), limit],
    ).fetchall()
    return [
        Entry(str(at), actor, str(action), subject, json.loads(detail or "{}"), f"{at}|{src}|{rid}")
        for at, src, rid, actor, action, subject, detail in rows
    ]
