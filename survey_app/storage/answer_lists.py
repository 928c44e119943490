"""One question's answers as the analysis screens list them: filtered, counted, broken down."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
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


def _where(survey_id: str, question_id: str, f: Filters) -> tuple[str, list[Any]]:
    """FROM and WHERE for answers matching ``f``; responses are joined only when a filter
    needs them. Stored answers are never blank (empty values are dropped on the way in)."""
    if f.theme and f.theme != "none":
        # Driven from the theme's members, not from every answer of the question.
        sql = (
            " FROM theme_members m JOIN answers a ON a.response_id = m.response_id"
            " AND a.question_id = ? AND a.position = 0"
        )
        params: list[Any] = [question_id]
        where = " WHERE m.theme_id = ? AND a.survey_id = ?"
        params_where: list[Any] = [f.theme, survey_id]
    else:
        sql = " FROM answers a"
        params = []
        where = " WHERE a.survey_id = ? AND a.question_id = ? AND a.position = 0"
        params_where = [survey_id, question_id]
    if f.event or f.since or f.until or f.quote in ("yes", "no"):
        sql += " JOIN responses r ON r.id = a.response_id"
    if f.event:
        where += " AND r.event_id = ?"
        params_where.append(f.event)
    if f.language:
        where += " AND a.language = ?"
        params_where.append(f.language)
    if f.since:
        where += " AND substr(r.received_at, 1, 10) >= ?"
        params_where.append(f.since)
    if f.until:
        where += " AND substr(r.received_at, 1, 10) <= ?"
        params_where.append(f.until)
    if f.theme == "none":
        where += (
            " AND NOT EXISTS (SELECT 1 FROM reviewed_answers v WHERE v.survey_id = a.survey_id"
            " AND v.question_id = a.question_id AND v.response_id = a.response_id"
            " AND v.state = 'themed')"
        )
    if f.glossed == "yes":
        where += " AND a.gloss IS NOT NULL"
    elif f.glossed == "no":
        where += " AND a.gloss IS NULL"
    if f.quote in ("yes", "no"):
        where += " AND r.quote_consent = ?"
        params_where.append(1 if f.quote == "yes" else 0)
    for attribute, value in f.attributes.items():
        if value:
            where += (
                " AND EXISTS (SELECT 1 FROM answers b WHERE b.response_id = a.response_id"
                " AND b.question_id = ? AND b.value = ?)"
            )
            params_where += [attribute, value]
    return sql + where, params + params_where


def listing(
    db: Database,
    survey_id: str,
    question_id: str,
    filters: Filters,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AnswerRow], int]:
    """A page of answers in the order they arrived, and how many match in all."""
    where, params = _where(survey_id, question_id, filters)
    total = int(db.execute("SELECT count(*)" + where, params).fetchone()[0])
    ids = [
        str(row[0])
        for row in db.execute(
            "SELECT a.response_id" + where + " ORDER BY a.rowid LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    ]
    found = by_ids(db, survey_id, question_id, ids)
    themes = _their_themes(db, ids)
    return [
        replace(found[rid], themes=tuple(themes.get(rid, ()))) for rid in ids if rid in found
    ], total


@dataclass(frozen=True)
class LanguageCount:
    language: str
    answers: int
    glossed: int


def languages(db: Database, survey_id: str, question_id: str) -> list[LanguageCount]:
    """Answers and glossed answers per language, most answers first, from one index
    (answers_by_survey_question holds the language and the gloss)."""
    return [
        LanguageCount(str(lang), int(n), int(g or 0))
        for lang, n, g in db.execute(
            "SELECT a.language, count(*), count(a.gloss) FROM answers a"
            " WHERE a.survey_id = ? AND a.question_id = ? AND a.position = 0"
            " GROUP BY a.language ORDER BY count(*) DESC, 1",
            [survey_id, question_id],
        )
    ]


def breakdowns(
    db: Database, question_id: str, theme_id: str, attributes: Sequence[str]
) -> dict[str, list[tuple[str, int]]]:
    """A theme's answers counted by language, by event and by the choice each resident
    gave to each of ``attributes`` ('' for no answer), most first, in one pass over the
    theme's members."""
    joins = "".join(
        f" LEFT JOIN answers b{n} ON b{n}.response_id = m.response_id"
        f" AND b{n}.question_id = ? AND b{n}.position = 0"
        for n in range(len(attributes))
    )
    picks = "".join(f", coalesce(b{n}.value, '')" for n in range(len(attributes)))
    counts: dict[str, Counter[str]] = {key: Counter() for key in ("language", "event", *attributes)}
    for row in db.execute(
        f"SELECT a.language, coalesce(r.event_id, ''){picks} FROM theme_members m"
        " JOIN answers a ON a.response_id = m.response_id AND a.question_id = ?"
        " AND a.position = 0 JOIN responses r ON r.id = m.response_id"
        f"{joins} WHERE m.theme_id = ?",
        [question_id, *attributes, theme_id],
    ):
        counts["language"][str(row[0])] += 1
        counts["event"][str(row[1])] += 1
        for n, attribute in enumerate(attributes):
            counts[attribute][str(row[2 + n])] += 1
    return {
        key: sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        for key, counter in counts.items()
    }


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
        for row in db.execute(
            "SELECT r.id, a.value, a.gloss, a.language, r.quote_consent, r.received_at,"
            " r.event_id FROM answers a JOIN responses r ON r.id = a.response_id"
            " WHERE a.survey_id = ? AND a.question_id = ? AND a.position = 0"
            f" AND a.response_id IN ({','.join('?' * len(chunk))})",
            [survey_id, question_id, *chunk],
        ):
            found[str(row[0])] = _answer(row)
    return found
