""" "You said, we did": what the team and partners are doing about each theme.

A theme shows on the public page only when the team has reviewed it and chosen to show
it; its quotes there come only from residents who agreed to be quoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from .db import write
from .errors import NotFound
from .surveys import utc_now


@dataclass(frozen=True)
class Action:
    id: int
    theme_id: str
    text: str
    happened_on: str


@dataclass(frozen=True)
class PublicTheme:
    id: str
    question_id: str
    name: str
    description: str
    size: int
    public: bool
    actions: tuple[Action, ...] = ()
    quotes: tuple[tuple[str, str, str | None], ...] = ()


def _owned(db: Database, survey_id: str, theme_id: str) -> None:
    if not db.execute(
        "SELECT 1 FROM themes WHERE id = ? AND survey_id = ?", [theme_id, survey_id]
    ).fetchone():
        raise NotFound(f"theme {theme_id}")


def add(
    db: Database, survey_id: str, theme_id: str, text: str, happened_on: str, user_id: int | None
) -> int:
    with write(db):
        _owned(db, survey_id, theme_id)
        cursor = db.execute(
            "INSERT INTO theme_actions (survey_id, theme_id, text, happened_on, created_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [survey_id, theme_id, text, happened_on, user_id, utc_now()],
        )
        return int(cursor.lastrowid or 0)


def remove(db: Database, survey_id: str, action_id: int) -> bool:
    with write(db):
        return (
            db.execute(
                "DELETE FROM theme_actions WHERE id = ? AND survey_id = ?", [action_id, survey_id]
            ).rowcount
            > 0
        )


def set_public(db: Database, survey_id: str, theme_id: str, public: bool) -> None:
    with write(db):
        _owned(db, survey_id, theme_id)
        db.execute("UPDATE themes SET public = ? WHERE id = ?", [int(public), theme_id])


def _actions(db: Database, theme_ids: Sequence[str]) -> dict[str, list[Action]]:
    found: dict[str, list[Action]] = {t: [] for t in theme_ids}
    if not theme_ids:
        return found
    for aid, tid, text, day in db.execute(
        "SELECT id, theme_id, text, happened_on FROM theme_actions"
        f" WHERE theme_id IN ({','.join('?' * len(theme_ids))})"
        " ORDER BY happened_on DESC, id DESC",
        list(theme_ids),
    ):
        found[str(tid)].append(Action(int(aid), str(tid), str(text), str(day)))
    return found


def reviewed_themes(db: Database, survey_id: str, only_public: bool = False) -> list[PublicTheme]:
    """The survey's reviewed themes, largest first, each with its actions; on the
    public page also up to two quotes, from consenting residents, with their English
    gloss only where a second person has checked it."""
    rows = list(
        db.execute(
            "SELECT t.id, t.question_id, CASE WHEN t.name != '' THEN t.name ELSE t.label END,"
            " t.description, (SELECT count(*) FROM theme_members m WHERE m.theme_id = t.id),"
            " t.public FROM themes t WHERE t.survey_id = ? AND t.reviewed = 1"
            + (" AND t.public = 1" if only_public else "")
            + " ORDER BY 5 DESC, t.position, t.id",
            [survey_id],
        )
    )
    actions = _actions(db, [str(r[0]) for r in rows])
    themes = []
    for tid, question_id, name, description, size, public in rows:
        quotes: tuple[tuple[str, str, str | None], ...] = ()
        if only_public:
            quotes = tuple(
                (str(v), str(lang), str(g) if g and checked else None)
                for v, lang, g, checked in db.execute(
                    "SELECT a.value, a.language, a.gloss, a.gloss_checked_by FROM pinned_quotes p"
                    " JOIN responses r ON r.id = p.response_id AND r.quote_consent = 1"
                    " JOIN answers a ON a.response_id = p.response_id AND a.question_id = ?"
                    " AND a.position = 0 WHERE p.theme_id = ? ORDER BY p.pinned_at LIMIT 2",
                    [question_id, tid],
                )
            )
        themes.append(
            PublicTheme(
                id=str(tid),
                question_id=str(question_id),
                name=str(name),
                description=str(description),
                size=int(size),
                public=bool(public),
                actions=tuple(actions[str(tid)]),
                quotes=quotes,
            )
        )
    return themes
