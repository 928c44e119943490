"""What an analysis run reads of the review state, and how its results are kept.

A run never touches a person's decision: reviewed themes keep their answers (and take new
ones only when unlocked), answers a person set aside stay aside, and only the engine's own
unreviewed themes are replaced.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from . import analysis_runs, review_log
from .db import write
from .surveys import utc_now
from .themes import Part, new_theme_id


@dataclass
class StoredTheme:
    id: str
    label: str
    name: str
    description: str
    keywords: list[str]
    locked: bool
    reviewed: bool
    members: dict[str, tuple[str, float | None]] = field(default_factory=dict)


@dataclass
class ReviewState:
    """Themes with their members (response id -> (placed_by, score)), and answer states."""

    themes: list[StoredTheme]
    states: dict[str, tuple[str, str]]

    @property
    def set_aside(self) -> list[str]:
        return [rid for rid, (state, _) in self.states.items() if state == "set_aside"]


def review_state(db: Database, survey_id: str, question_id: str) -> ReviewState:
    themes: dict[str, StoredTheme] = {}
    for tid, label, name, description, keywords, locked, reviewed in db.execute(
        "SELECT id, label, name, description, keywords, locked, reviewed FROM themes"
        " WHERE survey_id = ? AND question_id = ? ORDER BY position, id",
        [survey_id, question_id],
    ):
        themes[tid] = StoredTheme(
            tid, label, name, description, json.loads(keywords), bool(locked), bool(reviewed)
        )
    for tid, rid, placed_by, score in db.execute(
        "SELECT m.theme_id, m.response_id, m.placed_by, m.score FROM theme_members m"
        " JOIN themes t ON t.id = m.theme_id WHERE t.survey_id = ? AND t.question_id = ?",
        [survey_id, question_id],
    ):
        themes[tid].members[rid] = (placed_by, score)
    states = {
        str(rid): (str(state), str(reason))
        for rid, state, reason in db.execute(
            "SELECT response_id, state, reason FROM reviewed_answers"
            " WHERE survey_id = ? AND question_id = ?",
            [survey_id, question_id],
        )
    }
    return ReviewState(list(themes.values()), states)


def save_found(
    db: Database,
    survey_id: str,
    question_id: str,
    run_id: int,
    kept: Mapping[str, Sequence[tuple[str, float]]],
    found: Sequence[Part],
    states: Mapping[str, tuple[str, str]],
    settings: dict[str, Any],
    confidence: dict[str, Any],
    user_id: int | None,
) -> dict[str, Any]:
    """Keep a 'find themes' run: new answers ``kept`` by reviewed themes, the ``found``
    themes in place of the unreviewed ones, and why each other answer is in no theme."""
    with write(db):
        gone = db.execute(
            "SELECT count(*) FROM themes WHERE survey_id = ? AND question_id = ? AND reviewed = 0",
            [survey_id, question_id],
        ).fetchone()[0]
        db.execute(
            "DELETE FROM themes WHERE survey_id = ? AND question_id = ? AND reviewed = 0",
            [survey_id, question_id],
        )
        added = _add_members(db, kept)
        start = db.execute(
            "SELECT coalesce(max(position), -1) + 1 FROM themes"
            " WHERE survey_id = ? AND question_id = ?",
            [survey_id, question_id],
        ).fetchone()[0]
        for n, part in enumerate(found):
            theme_id = new_theme_id()
            db.execute(
                "INSERT INTO themes (id, survey_id, question_id, label, keywords, position,"
                " run_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    theme_id,
                    survey_id,
                    question_id,
                    part.label,
                    json.dumps(list(part.keywords)),
                    start + n,
                    run_id,
                    utc_now(),
                ],
            )
            _add_members(db, {theme_id: list(zip(part.member_ids, part.scores, strict=True))})
        _keep_states(db, survey_id, question_id, run_id, states)
        # Answers outside this run's scope whose theme was replaced are new again.
        db.execute(
            "DELETE FROM reviewed_answers WHERE survey_id = ? AND question_id = ?"
            " AND state = 'themed' AND NOT EXISTS (SELECT 1 FROM theme_members m"
            " WHERE m.response_id = reviewed_answers.response_id)",
            [survey_id, question_id],
        )
        changes = {
            "new_themes": len(found),
            "replaced_themes": int(gone),
            "placed_in_reviewed": added,
            "not_themed": sum(1 for s, _ in states.values() if s != "themed"),
        }
        analysis_runs.finish(db, run_id, settings, confidence, changes)
        review_log.record(db, survey_id, question_id, user_id, "run", changes, None)
    return changes


def save_placed(
    db: Database,
    survey_id: str,
    question_id: str,
    run_id: int,
    placed: Mapping[str, Sequence[tuple[str, float]]],
    states: Mapping[str, tuple[str, str]],
    user_id: int | None,
) -> dict[str, Any]:
    """Keep a 'place new answers' run: each new answer into a theme, or why not."""
    with write(db):
        added = _add_members(db, placed)
        _keep_states(db, survey_id, question_id, run_id, states)
        changes = {
            "placed": added,
            "not_themed": sum(1 for s, _ in states.values() if s != "themed"),
        }
        analysis_runs.finish(db, run_id, {}, {}, changes)
        review_log.record(db, survey_id, question_id, user_id, "place", changes, None)
    return changes


def _add_members(
    db: Database, members: Mapping[str, Sequence[tuple[str, float]]]
) -> dict[str, int]:
    """Engine placements (theme id -> [(response id, score)]). Versions stay: a person's
    change to a theme is no less valid because the analysis added answers to it, and an
    undo keeps the answers placed since (storage.review_log)."""
    added: dict[str, int] = {}
    for theme_id, rows in members.items():
        if not rows:
            continue
        cursor = db.conn.executemany(
            "INSERT OR IGNORE INTO theme_members (theme_id, response_id, placed_by, score)"
            " VALUES (?, ?, 'engine', ?)",
            [(theme_id, rid, score) for rid, score in rows],
        )
        if cursor.rowcount:
            added[theme_id] = int(cursor.rowcount)
    return added


def _keep_states(
    db: Database,
    survey_id: str,
    question_id: str,
    run_id: int,
    states: Mapping[str, tuple[str, str]],
) -> None:
    # A person's "set aside" is never overwritten by the engine's view.
    db.conn.executemany(
        "INSERT INTO reviewed_answers (survey_id, question_id, response_id, state, reason, run_id)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (survey_id, question_id, response_id) DO UPDATE"
        " SET state = excluded.state, reason = excluded.reason, run_id = excluded.run_id"
        " WHERE reviewed_answers.state != 'set_aside'",
        [(survey_id, question_id, rid, s, r, run_id) for rid, (s, r) in states.items()],
    )
