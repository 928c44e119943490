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
    language: str | None = None


@dataclass(frozen=True)
class PublicTheme:
    id: str
    question_id: str
    name: str
    description: str
    size: int
    public: bool
    language: str | None = None
    actions: tuple[Action, ...] = ()
    quotes: tuple[tuple[str, str, str | None], ...] = ()


def _owned(db: Database, survey_id: str, theme_id: str) -> None:
    if not db.execute(
        "SELECT 1 FROM themes WHERE id = ? AND survey_id = ?", [theme_id, survey_id]
    ).fetchone():
        raise NotFound(f"theme {theme_id}")


def add(
    db: Database,
    survey_id: str,
    theme_id: str,
    text: str,
    happened_on: str,
    user_id: int | None,
    language: str | None = None,
    request_id: str | None = None,
) -> int:
    """A dated update; ``language`` is the one it is written in. The same ``request_id``
    again (a double click, a re-sent form) adds nothing."""
    with write(db):
        _owned(db, survey_id, theme_id)
        if request_id:
            found = db.execute(
                "SELECT id FROM theme_actions WHERE request_id = ?", [request_id]
            ).fetchone()
            if found:
                return int(found[0])
        cursor = db.execute(
            "INSERT INTO theme_actions (survey_id, theme_id, text, happened_on, language,"
            " created_by, created_at, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [survey_id, theme_id, text, happened_on, language, user_id, utc_now(), request_id],
        )
        return int(cursor.lastrowid or 0)


def remove(db: Database, survey_id: str, action_id: int) -> bool:
    with write(db):
        db.execute(
            "DELETE FROM public_texts WHERE survey_id = ? AND item = ?",
            [survey_id, f"action:{action_id}"],
        )
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
    for aid, tid, text, day, language in db.execute(
        "SELECT id, theme_id, text, happened_on, language FROM theme_actions"
        f" WHERE theme_id IN ({','.join('?' * len(theme_ids))})"
        " ORDER BY happened_on DESC, id DESC",
        list(theme_ids),
    ):
        found[str(tid)].append(Action(int(aid), str(tid), str(text), str(day), language))
    return found


def reviewed_themes(db: Database, survey_id: str, only_public: bool = False) -> list[PublicTheme]:
    """The survey's reviewed themes, largest first, each with its actions; on the
    public page also up to two quotes, from consenting residents, with their English
    gloss only where a second person has checked it."""
    rows = list(
        db.execute(
            "SELECT t.id, t.question_id, CASE WHEN t.name != '' THEN t.name ELSE t.label END,"
            " t.description, (SELECT count(*) FROM theme_members m WHERE m.theme_id = t.id),"
            " t.public, t.name_language FROM themes t WHERE t.survey_id = ? AND t.reviewed = 1"
            + (" AND t.public = 1" if only_public else "")
            + " ORDER BY 5 DESC, t.position, t.id",
            [survey_id],
        )
    )
    actions = _actions(db, [str(r[0]) for r in rows])
    themes = []
    for tid, question_id, name, description, size, public, name_language in rows:
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
                language=name_language,
                actions=tuple(actions[str(tid)]),
                quotes=quotes,
            )
        )
    return themes


def items(themes: Sequence[PublicTheme]) -> list[tuple[str, str]]:
    """(item, original text) of everything a public page shows that can be translated."""
    found = []
    for theme in themes:
        found.append((f"theme:{theme.id}:name", theme.name))
        if theme.description:
            found.append((f"theme:{theme.id}:description", theme.description))
        found += [(f"action:{a.id}", a.text) for a in theme.actions]
    return found


def translations(db: Database, survey_id: str, language: str) -> dict[str, str]:
    return {
        str(item): str(text)
        for item, text in db.execute(
            "SELECT item, text FROM public_texts WHERE survey_id = ? AND language = ?",
            [survey_id, language],
        )
    }


def save_translations(
    db: Database, survey_id: str, language: str, texts: dict[str, str], user_id: int | None
) -> int:
    """Keep the given translations (an empty text removes one), all or none. Every item
    must be one the survey's public page shows; anything else raises NotFound."""
    known = {item for item, _ in items(reviewed_themes(db, survey_id, only_public=True))}
    unknown = set(texts) - known
    if unknown:
        raise NotFound(", ".join(sorted(unknown)))
    now = utc_now()
    with write(db):
        for item, text in texts.items():
            if text:
                db.execute(
                    "INSERT INTO public_texts (survey_id, item, language, text, updated_by,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (survey_id, language,"
                    " item) DO UPDATE SET text = excluded.text, updated_by = excluded.updated_by,"
                    " updated_at = excluded.updated_at WHERE text != excluded.text",
                    [survey_id, item, language, text, user_id, now],
                )
            else:
                db.execute(
                    "DELETE FROM public_texts WHERE survey_id = ? AND language = ? AND item = ?",
                    [survey_id, language, item],
                )
    return sum(1 for text in texts.values() if text)
