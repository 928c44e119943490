"""One question's answers as the analysis screens list them: filtered, counted, broken down."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from .themes import AnswerRow, _answer, _their_themes


@dataclass(frozen=True)
class Filters:
    """What a person narrowed the list to; empty means everything."""

    event: str = ""
    language: str = ""
    since: str = ""
    until: str = ""
    theme: str = ""  # a theme id, or "none" for answers in no theme
    glossed: str = ""  # "yes" or "no"
    quote: str = ""  # "yes" or "no"
    attributes: Mapping[str, str] = field(default_factory=dict)  # question id -> choice


_LANGUAGE = "COALESCE(a.language, r.language)"


def _where(survey_id: str, question_id: str, f: Filters) -> tuple[str, list[Any]]:
    sql = (
        " FROM answers a JOIN responses r ON r.id = a.response_id"
        " WHERE r.survey_id = ? AND a.question_id = ? AND a.position = 0"
        " AND trim(a.value) != ''"
    )
    params: list[Any] = [survey_id, question_id]
    if f.event:
        sql += " AND r.event_id = ?"
        params.append(f.event)
    if f.language:
        sql += f" AND {_LANGUAGE} = ?"
        params.append(f.language)
    if f.since:
        sql += " AND substr(r.received_at, 1, 10) >= ?"
        params.append(f.since)
    if f.until:
        sql += " AND substr(r.received_at, 1, 10) <= ?"
        params.append(f.until)
    if f.theme == "none":
        sql += (
            " AND NOT EXISTS (SELECT 1 FROM theme_members m JOIN themes t ON t.id = m.theme_id"
            " WHERE m.response_id = r.id AND t.question_id = a.question_id)"
        )
    elif f.theme:
        sql += " AND EXISTS (SELECT 1 FROM theme_members m WHERE m.response_id = r.id"
        sql += " AND m.theme_id = ?)"
        params.append(f.theme)
    if f.glossed == "yes":
        sql += " AND trim(coalesce(a.gloss, '')) != ''"
    elif f.glossed == "no":
        sql += " AND trim(coalesce(a.gloss, '')) = ''"
    if f.quote in ("yes", "no"):
        sql += " AND r.quote_consent = ?"
        params.append(1 if f.quote == "yes" else 0)
    for attribute, value in f.attributes.items():
        if value:
            sql += (
                " AND EXISTS (SELECT 1 FROM answers b WHERE b.response_id = r.id"
                " AND b.question_id = ? AND b.value = ?)"
            )
            params += [attribute, value]
    return sql, params


def listing(
    db: Database,
    survey_id: str,
    question_id: str,
    filters: Filters,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AnswerRow], int]:
    """A page of answers, oldest first, and how many match in all."""
    where, params = _where(survey_id, question_id, filters)
    total = int(db.execute("SELECT count(*)" + where, params).fetchone()[0])
    rows = db.execute(
        "SELECT r.id, a.value, a.gloss, " + _LANGUAGE + ", r.quote_consent, r.received_at,"
        " r.event_id" + where + " ORDER BY r.received_at, r.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    themes = _their_themes(db, [str(row[0]) for row in rows])
    return [_answer(row, themes=tuple(themes.get(str(row[0]), ()))) for row in rows], total


@dataclass(frozen=True)
class LanguageCount:
    language: str
    answers: int
    glossed: int


def languages(db: Database, survey_id: str, question_id: str) -> list[LanguageCount]:
    """Answers and glossed answers per language, most answers first."""
    where, params = _where(survey_id, question_id, Filters())
    return [
        LanguageCount(str(lang), int(n), int(g or 0))
        for lang, n, g in db.execute(
            f"SELECT {_LANGUAGE}, count(*), sum(trim(coalesce(a.gloss, '')) != '')"
            + where
            + f" GROUP BY {_LANGUAGE} ORDER BY count(*) DESC, 1",
            params,
        )
    ]


def breakdown(
    db: Database, survey_id: str, question_id: str, theme_id: str, by: str
) -> list[tuple[str, int]]:
    """A theme's answers counted by ``by``: 'language', 'event' or a question id (the
    choice each resident gave, '' for no answer)."""
    if by == "language":
        key = _LANGUAGE
    elif by == "event":
        key = "coalesce(r.event_id, '')"
    else:
        key = (
            "coalesce((SELECT b.value FROM answers b WHERE b.response_id = r.id"
            " AND b.question_id = ? AND b.position = 0), '')"
        )
    where, params = _where(survey_id, question_id, Filters(theme=theme_id))
    extra = [by] if key.startswith("coalesce((") else []
    return [
        (str(value), int(n))
        for value, n in db.execute(
            f"SELECT {key}, count(*)" + where + " GROUP BY 1 ORDER BY 2 DESC, 1",
            [*extra, *params],
        )
    ]


def events_of(db: Database, survey_id: str) -> list[tuple[str, str]]:
    """(id, name) of the events that collected answers to this survey."""
    return [
        (str(i), str(n))
        for i, n in db.execute(
            "SELECT id, name FROM events WHERE survey_id = ? ORDER BY starts_on, name", [survey_id]
        )
    ]


def by_ids(
    db: Database, survey_id: str, question_id: str, response_ids: list[str]
) -> dict[str, AnswerRow]:
    """These answers (those that exist), by response id."""
    found: dict[str, AnswerRow] = {}
    for start in range(0, len(response_ids), 500):
        chunk = response_ids[start : start + 500]
        where, params = _where(survey_id, question_id, Filters())
        where += f" AND r.id IN ({','.join('?' * len(chunk))})"
        for row in db.execute(
            "SELECT r.id, a.value, a.gloss, " + _LANGUAGE + ", r.quote_consent, r.received_at,"
            " r.event_id" + where,
            [*params, *chunk],
        ):
            found[str(row[0])] = _answer(row)
    return found
