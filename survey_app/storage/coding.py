"""Independent coding: samples of answers, each person's codes, and settled disagreements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlite_utils import Database

from .db import write
from .errors import NotFound
from .surveys import utc_now

NONE = "(none)"


@dataclass(frozen=True)
class Round:
    id: int
    created_at: str
    created_by: str | None
    size: int
    coders: dict[str, int]  # name -> answers coded


def start(db: Database, survey_id: str, question_id: str, size: int, user_id: int) -> int:
    """A new round over a random sample of ``size`` answers that are in a theme."""
    with write(db):
        cursor = db.execute(
            "INSERT INTO coding_rounds (survey_id, question_id, created_by, created_at)"
            " VALUES (?, ?, ?, ?)",
            [survey_id, question_id, user_id, utc_now()],
        )
        round_id = int(cursor.lastrowid or 0)
        picked = db.execute(
            "SELECT DISTINCT m.response_id FROM theme_members m JOIN themes t ON t.id = m.theme_id"
            " WHERE t.survey_id = ? AND t.question_id = ? ORDER BY random() LIMIT ?",
            [survey_id, question_id, size],
        ).fetchall()
        db.conn.executemany(
            "INSERT INTO coding_items (round_id, response_id, position) VALUES (?, ?, ?)",
            [(round_id, rid, n) for n, (rid,) in enumerate(picked)],
        )
    return round_id


def rounds(db: Database, survey_id: str, question_id: str) -> list[Round]:
    found = []
    for rid, at, who, size in db.execute(
        "SELECT c.id, c.created_at, u.name, (SELECT count(*) FROM coding_items i"
        " WHERE i.round_id = c.id) FROM coding_rounds c LEFT JOIN users u ON u.id = c.created_by"
        " WHERE c.survey_id = ? AND c.question_id = ? ORDER BY c.id DESC",
        [survey_id, question_id],
    ):
        coders = {
            str(name): int(n)
            for name, n in db.execute(
                "SELECT u.name, count(*) FROM codes k JOIN users u ON u.id = k.coder_id"
                " WHERE k.round_id = ? GROUP BY u.id ORDER BY u.name",
                [rid],
            )
        }
        found.append(Round(int(rid), str(at), who, int(size), coders))
    return found


def get(db: Database, survey_id: str, question_id: str, round_id: int) -> Round:
    for found in rounds(db, survey_id, question_id):
        if found.id == round_id:
            return found
    raise NotFound(f"coding round {round_id}")


def items(db: Database, round_id: int) -> list[tuple[str, str | None, str | None]]:
    """(response id, settled theme, settled by) in the sample's order."""
    return [
        (str(rid), theme, who)
        for rid, theme, who in db.execute(
            "SELECT i.response_id, i.settled_theme, u.name FROM coding_items i"
            " LEFT JOIN users u ON u.id = i.settled_by WHERE i.round_id = ? ORDER BY i.position",
            [round_id],
        )
    ]


def my_codes(db: Database, round_id: int, coder_id: int) -> dict[str, str]:
    return {
        str(rid): str(theme)
        for rid, theme in db.execute(
            "SELECT response_id, theme_id FROM codes WHERE round_id = ? AND coder_id = ?",
            [round_id, coder_id],
        )
    }


def all_codes(db: Database, round_id: int) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Coder (user id, as text) -> response id -> theme id (or :data:`NONE`), and each
    coder's name."""
    found: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    for name, uid, rid, theme in db.execute(
        "SELECT u.name, u.id, k.response_id, k.theme_id FROM codes k"
        " JOIN users u ON u.id = k.coder_id WHERE k.round_id = ?",
        [round_id],
    ):
        found.setdefault(str(uid), {})[str(rid)] = str(theme)
        names[str(uid)] = str(name)
    return found, names


def save(db: Database, round_id: int, coder_id: int, codes: Mapping[str, str]) -> int:
    """Keep one person's codes for answers of the round (others ignored); returns how many."""
    with write(db):
        sampled = {
            str(r[0])
            for r in db.execute(
                "SELECT response_id FROM coding_items WHERE round_id = ?", [round_id]
            )
        }
        rows = [
            (round_id, rid, coder_id, theme, utc_now())
            for rid, theme in codes.items()
            if rid in sampled and theme
        ]
        db.conn.executemany(
            "INSERT INTO codes (round_id, response_id, coder_id, theme_id, coded_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (round_id, response_id, coder_id)"
            " DO UPDATE SET theme_id = excluded.theme_id, coded_at = excluded.coded_at",
            rows,
        )
    return len(rows)


def mark_settled(
    db: Database, round_id: int, response_id: str, theme_id: str, user_id: int
) -> None:
    """Inside the caller's transaction (with the change it settles)."""
    db.execute(
        "UPDATE coding_items SET settled_theme = ?, settled_by = ?, settled_at = ?"
        " WHERE round_id = ? AND response_id = ?",
        [theme_id, user_id, utc_now(), round_id, response_id],
    )
