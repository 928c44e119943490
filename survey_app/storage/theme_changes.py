"""The team's changes to one question's themes, each as one reviewed transaction.

Every change goes through :func:`_change`: it refuses a page's stale view of a theme (its
``version``), snapshots what it touches for the history, makes the change, moves the
versions on and records who did it. Any theme a person changed is ``reviewed``: a new
analysis keeps it and its answers, and only places new answers into it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database

from . import review_log
from .coding import NONE, mark_settled
from .db import write
from .errors import NotFound, Refused, Stale
from .surveys import utc_now
from .themes import Part, ThemeRow, get, new_theme_id


@contextmanager
def _change(
    db: Database,
    survey_id: str,
    question_id: str,
    user_id: int | None,
    action: str,
    detail: dict[str, Any],
    seen: Mapping[str, int],
    response_ids: Sequence[str] = (),
    creates: Sequence[str] = (),
) -> Iterator[list[str]]:
    """One reviewed change: refused as :class:`Stale` if a theme in ``seen`` (id ->
    version the page showed) has changed; yields the ids of every theme it may touch.
    ``creates`` names themes the change will make, so that undoing it removes them."""
    with write(db):
        now = review_log.versions(db, seen)
        for theme_id, version in seen.items():
            if now[theme_id] is None:
                raise NotFound(f"theme {theme_id}")
            if now[theme_id] != version:
                raise Stale(theme_id)
        owned = db.execute(
            f"SELECT count(*) FROM themes WHERE id IN ({','.join('?' * len(seen))})"
            " AND survey_id = ? AND question_id = ?",
            [*seen, survey_id, question_id],
        ).fetchone()[0]
        if owned != len(seen):
            raise NotFound("theme of another question")
        touched = list(
            dict.fromkeys([*seen, *review_log.themes_of_answers(db, response_ids), *creates])
        )
        before = review_log.snapshot(db, survey_id, question_id, touched, list(response_ids))
        yield touched
        marks = ",".join("?" * len(touched))
        db.execute(
            f"UPDATE themes SET version = version + 1, reviewed = 1, updated_at = ?"
            f" WHERE id IN ({marks})",
            [utc_now(), *touched],
        )
        review_log.record(db, survey_id, question_id, user_id, action, detail, before)


def rename(
    db: Database,
    theme: ThemeRow,
    survey_id: str,
    question_id: str,
    version: int,
    name: str,
    description: str,
    user_id: int,
    language: str | None = None,
) -> None:
    """``language`` is the one the name and description are written in."""
    detail = {"theme": theme.title, "name": name}
    with _change(db, survey_id, question_id, user_id, "rename", detail, {theme.id: version}):
        db.execute(
            "UPDATE themes SET name = ?, description = ?, name_language = ? WHERE id = ?",
            [name.strip(), description.strip(), language, theme.id],
        )


def set_locked(
    db: Database,
    theme: ThemeRow,
    survey_id: str,
    question_id: str,
    version: int,
    locked: bool,
    user_id: int,
) -> None:
    action = "lock" if locked else "unlock"
    detail = {"theme": theme.title}
    with _change(db, survey_id, question_id, user_id, action, detail, {theme.id: version}):
        db.execute("UPDATE themes SET locked = ? WHERE id = ?", [int(locked), theme.id])


def merge(
    db: Database,
    survey_id: str,
    question_id: str,
    seen: Mapping[str, int],
    titles: Sequence[str],
    user_id: int,
) -> str:
    """Merge the themes in ``seen`` into the first; its name and description stay."""
    ids = list(seen)
    if len(ids) < 2:
        raise Refused("choose at least two themes to merge")
    target, others = ids[0], ids[1:]
    marks = ",".join("?" * len(others))
    detail = {"themes": list(titles)}
    with _change(db, survey_id, question_id, user_id, "merge", detail, seen):
        db.execute(
            "INSERT OR IGNORE INTO theme_members (theme_id, response_id, placed_by, score)"
            " SELECT ?, response_id, placed_by, NULL FROM theme_members"
            f" WHERE theme_id IN ({marks})",
            [target, *others],
        )
        db.execute(
            "INSERT OR IGNORE INTO pinned_quotes (theme_id, response_id, pinned_by, pinned_at)"
            f" SELECT ?, response_id, pinned_by, pinned_at FROM pinned_quotes"
            f" WHERE theme_id IN ({marks})",
            [target, *others],
        )
        keywords: list[str] = []
        for (words,) in db.execute(
            f"SELECT keywords FROM themes WHERE id IN ({','.join('?' * len(ids))})"
            " ORDER BY position",
            ids,
        ):
            keywords += [w for w in json.loads(words) if w not in keywords]
        db.execute(
            "UPDATE themes SET keywords = ? WHERE id = ?", [json.dumps(keywords[:10]), target]
        )
        # What the team said it is doing about a merged theme goes on with the merged one.
        db.execute(
            f"UPDATE theme_actions SET theme_id = ? WHERE theme_id IN ({marks})", [target, *others]
        )
        db.execute(f"DELETE FROM themes WHERE id IN ({marks})", others)
    return target


def move(
    db: Database,
    survey_id: str,
    question_id: str,
    response_id: str,
    seen: Mapping[str, int],
    source: str | None,
    target: str | None,
    user_id: int,
    *,
    keep_source: bool = False,
) -> None:
    """Move an answer from ``source`` (None: from no theme) to ``target`` (None: set it
    aside as 'not yet themed'); ``keep_source`` adds the theme instead (an answer that
    speaks to several)."""
    if not _is_answer(db, survey_id, question_id, response_id):
        raise NotFound(f"answer {response_id}")
    in_now = set(review_log.themes_of_answers(db, [response_id]))
    if source is None and in_now and not keep_source:
        # The page showed it in no theme; someone has placed it since.
        raise Stale(response_id)
    if source is not None and source not in in_now:
        raise Stale(response_id)
    if target is not None and target in in_now:
        raise Refused("already in that theme")
    action = "add" if keep_source else ("set_aside" if target is None else "move")
    detail = {"response": response_id, "source": source, "target": target}
    with _change(
        db, survey_id, question_id, user_id, action, detail, seen, [response_id]
    ) as touched:
        detail_titles(db, detail)
        if target is None:
            db.execute(
                f"DELETE FROM theme_members WHERE response_id = ?"
                f" AND theme_id IN ({','.join('?' * len(touched))})",
                [response_id, *touched],
            )
            db.execute("DELETE FROM pinned_quotes WHERE response_id = ?", [response_id])
            _set_state(
                db, survey_id, question_id, response_id, "set_aside", "set aside by a person"
            )
            return
        if source is not None and not keep_source:
            db.execute(
                "DELETE FROM theme_members WHERE theme_id = ? AND response_id = ?",
                [source, response_id],
            )
            db.execute(
                "DELETE FROM pinned_quotes WHERE theme_id = ? AND response_id = ?",
                [source, response_id],
            )
        db.execute(
            "INSERT INTO theme_members (theme_id, response_id, placed_by, score)"
            " VALUES (?, ?, 'person', NULL)",
            [target, response_id],
        )
        _set_state(db, survey_id, question_id, response_id, "themed", "")


def settle(
    db: Database,
    survey_id: str,
    question_id: str,
    response_id: str,
    theme_id: str | None,
    user_id: int,
    round_id: int,
) -> None:
    """The team's agreed theme for an answer coders disagreed on: it is in that theme
    only (None: set aside), as a person's decision, and the round records the settlement."""
    if not _is_answer(db, survey_id, question_id, response_id):
        raise NotFound(f"answer {response_id}")
    seen = {theme_id: get(db, survey_id, question_id, theme_id).version} if theme_id else {}
    detail: dict[str, Any] = {"response": response_id, "target": theme_id}
    with _change(
        db, survey_id, question_id, user_id, "settle", detail, seen, [response_id]
    ) as touched:
        detail_titles(db, detail)
        marks = ",".join("?" * len(touched))
        db.execute(
            f"DELETE FROM theme_members WHERE response_id = ? AND theme_id IN ({marks})",
            [response_id, *touched],
        )
        db.execute(
            f"DELETE FROM pinned_quotes WHERE response_id = ? AND theme_id IN ({marks})"
            " AND theme_id != ?",
            [response_id, *touched, theme_id or ""],
        )
        if theme_id:
            db.execute(
                "INSERT INTO theme_members (theme_id, response_id, placed_by, score)"
                " VALUES (?, ?, 'person', NULL)",
                [theme_id, response_id],
            )
            _set_state(db, survey_id, question_id, response_id, "themed", "")
        else:
            _set_state(
                db, survey_id, question_id, response_id, "set_aside", "set aside by a person"
            )
        mark_settled(db, round_id, response_id, theme_id or NONE, user_id)


def detail_titles(db: Database, detail: dict[str, Any]) -> None:
    """Theme names as they were when the change was made, for the history to show."""
    for key in ("source", "target"):
        if detail.get(key):
            row = db.execute(
                "SELECT coalesce(nullif(name, ''), label) FROM themes WHERE id = ?",
                [detail[key]],
            ).fetchone()
            detail[key + "_title"] = row[0] if row else ""


def _is_answer(db: Database, survey_id: str, question_id: str, response_id: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM answers a JOIN responses r ON r.id = a.response_id"
            " WHERE r.id = ? AND r.survey_id = ? AND a.question_id = ? AND a.position = 0",
            [response_id, survey_id, question_id],
        ).fetchone()
        is not None
    )


def _set_state(
    db: Database, survey_id: str, question_id: str, response_id: str, state: str, reason: str
) -> None:
    db.execute(
        "INSERT INTO reviewed_answers (survey_id, question_id, response_id, state, reason)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (survey_id, question_id, response_id)"
        " DO UPDATE SET state = excluded.state, reason = excluded.reason",
        [survey_id, question_id, response_id, state, reason],
    )


def pin(
    db: Database,
    survey_id: str,
    question_id: str,
    theme: ThemeRow,
    version: int,
    response_id: str,
    user_id: int,
    pinned: bool = True,
) -> None:
    """Pin (or unpin) an answer as a quote for the report: only when its resident agreed
    to be quoted, and only an answer that is in the theme."""
    row = db.execute(
        "SELECT r.quote_consent FROM theme_members m JOIN responses r ON r.id = m.response_id"
        " WHERE m.theme_id = ? AND m.response_id = ?",
        [theme.id, response_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"answer {response_id} in theme {theme.id}")
    if pinned and not row[0]:
        raise Refused("no quote consent")
    action = "pin" if pinned else "unpin"
    detail = {"theme": theme.title, "response": response_id}
    with _change(db, survey_id, question_id, user_id, action, detail, {theme.id: version}):
        if pinned:
            db.execute(
                "INSERT OR IGNORE INTO pinned_quotes (theme_id, response_id, pinned_by, pinned_at)"
                " SELECT ?, ?, ?, ? FROM responses WHERE id = ? AND quote_consent = 1",
                [theme.id, response_id, user_id, utc_now(), response_id],
            )
        else:
            db.execute(
                "DELETE FROM pinned_quotes WHERE theme_id = ? AND response_id = ?",
                [theme.id, response_id],
            )


def split(
    db: Database,
    survey_id: str,
    question_id: str,
    theme: ThemeRow,
    version: int,
    parts: Sequence[Part],
    user_id: int,
) -> list[str]:
    """Replace ``theme`` by sub-themes: the first keeps its id, name and pinned quotes
    where they still belong; the others are new, unnamed themes right after it."""
    detail = {"theme": theme.title, "parts": len(parts)}
    ids = [theme.id] + [new_theme_id() for _ in parts[1:]]
    with _change(
        db, survey_id, question_id, user_id, "split", detail, {theme.id: version}, creates=ids[1:]
    ):
        position = db.execute("SELECT position FROM themes WHERE id = ?", [theme.id]).fetchone()[0]
        # Room after the theme for its sub-themes.
        db.execute(
            "UPDATE themes SET position = position + ? WHERE survey_id = ? AND question_id = ?"
            " AND position > ?",
            [len(parts) - 1, survey_id, question_id, position],
        )
        placed_by = dict(
            db.execute(
                "SELECT response_id, placed_by FROM theme_members WHERE theme_id = ?", [theme.id]
            ).fetchall()
        )
        db.execute("DELETE FROM theme_members WHERE theme_id = ?", [theme.id])
        for n, (theme_id, part) in enumerate(zip(ids, parts, strict=True)):
            if n == 0:
                db.execute(
                    "UPDATE themes SET label = ?, keywords = ? WHERE id = ?",
                    [part.label, json.dumps(list(part.keywords)), theme_id],
                )
            else:
                db.execute(
                    "INSERT INTO themes (id, survey_id, question_id, label, keywords, reviewed,"
                    " position, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                    [
                        theme_id,
                        survey_id,
                        question_id,
                        part.label,
                        json.dumps(list(part.keywords)),
                        position + n,
                        utc_now(),
                    ],
                )
            db.conn.executemany(
                "INSERT INTO theme_members (theme_id, response_id, placed_by, score)"
                " VALUES (?, ?, ?, ?)",
                [
                    (theme_id, rid, placed_by.get(rid, "engine"), _score(part, i))
                    for i, rid in enumerate(part.member_ids)
                ],
            )
        db.execute(
            "DELETE FROM pinned_quotes WHERE theme_id = ? AND response_id NOT IN"
            " (SELECT response_id FROM theme_members WHERE theme_id = ?)",
            [theme.id, theme.id],
        )
    return ids


def _score(part: Part, i: int) -> float | None:
    return part.scores[i] if i < len(part.scores) else None
