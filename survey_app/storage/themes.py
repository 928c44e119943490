"""One question's themes under review, as the pages read them: the themes, their answers
and quotes, the answers in no theme, and how far the review has gone. The changes people
make are in :mod:`theme_changes`."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .errors import NotFound


@dataclass(frozen=True)
class ThemeRow:
    id: str
    label: str
    name: str
    description: str
    keywords: tuple[str, ...]
    locked: bool
    reviewed: bool
    version: int
    size: int
    pinned: int

    @property
    def title(self) -> str:
        return self.name or self.label


@dataclass(frozen=True)
class AnswerRow:
    """An answer as the review screens show it: words, gloss, consent, where it is."""

    response_id: str
    text: str
    gloss: str | None
    language: str
    quote_consent: bool
    received_at: str
    event_id: str | None
    placed_by: str | None = None
    score: float | None = None
    pinned: bool = False
    state: str | None = None
    reason: str = ""
    themes: tuple[tuple[str, str], ...] = ()


def new_theme_id() -> str:
    return "t-" + secrets.token_hex(6)


_THEME_SELECT = (
    "SELECT t.id, t.label, t.name, t.description, t.keywords, t.locked, t.reviewed, t.version,"
    " (SELECT count(*) FROM theme_members m WHERE m.theme_id = t.id),"
    " (SELECT count(*) FROM pinned_quotes p WHERE p.theme_id = t.id)"
    " FROM themes t"
)


def _theme(row: Sequence[Any]) -> ThemeRow:
    return ThemeRow(
        id=str(row[0]),
        label=str(row[1]),
        name=str(row[2]),
        description=str(row[3]),
        keywords=tuple(json.loads(row[4])),
        locked=bool(row[5]),
        reviewed=bool(row[6]),
        version=int(row[7]),
        size=int(row[8]),
        pinned=int(row[9]),
    )


def themes_for(db: Database, survey_id: str, question_id: str) -> list[ThemeRow]:
    """The question's themes, largest first within the order the team left them."""
    rows = db.execute(
        f"{_THEME_SELECT} WHERE t.survey_id = ? AND t.question_id = ? ORDER BY t.position, t.id",
        [survey_id, question_id],
    )
    return [_theme(row) for row in rows]


def get(db: Database, survey_id: str, question_id: str, theme_id: str) -> ThemeRow:
    row = db.execute(
        f"{_THEME_SELECT} WHERE t.id = ? AND t.survey_id = ? AND t.question_id = ?",
        [theme_id, survey_id, question_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"theme {theme_id}")
    return _theme(row)


_ANSWER_SELECT = (
    "SELECT r.id, a.value, a.gloss, COALESCE(a.language, r.language), r.quote_consent,"
    " r.received_at, r.event_id"
)


def _answer(row: Sequence[Any], **extra: Any) -> AnswerRow:
    return AnswerRow(
        response_id=str(row[0]),
        text=str(row[1]),
        gloss=row[2],
        language=str(row[3]),
        quote_consent=bool(row[4]),
        received_at=str(row[5]),
        event_id=row[6],
        **extra,
    )


def _their_themes(db: Database, response_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for start in range(0, len(response_ids), 500):
        chunk = response_ids[start : start + 500]
        for rid, tid, name, label in db.execute(
            "SELECT m.response_id, t.id, t.name, t.label FROM theme_members m"
            " JOIN themes t ON t.id = m.theme_id"
            f" WHERE m.response_id IN ({','.join('?' * len(chunk))}) ORDER BY t.position",
            chunk,
        ):
            found.setdefault(str(rid), []).append((str(tid), str(name or label)))
    return found


def members(
    db: Database, theme_id: str, question_id: str, limit: int = 200, offset: int = 0
) -> list[AnswerRow]:
    """A theme's answers: pinned quotes first, then those a person placed, then the most
    typical. The page's answers are chosen from the theme's members alone and only they
    are read in full."""
    picked = db.execute(
        "SELECT m.response_id, m.placed_by, m.score, p.response_id IS NOT NULL"
        " FROM theme_members m LEFT JOIN pinned_quotes p"
        " ON p.theme_id = m.theme_id AND p.response_id = m.response_id"
        " WHERE m.theme_id = ?"
        " ORDER BY p.response_id IS NULL, m.placed_by = 'engine', m.score DESC, m.response_id"
        " LIMIT ? OFFSET ?",
        [theme_id, limit, offset],
    ).fetchall()
    ids = [str(row[0]) for row in picked]
    words = _answers_by_id(db, question_id, ids)
    others = _their_themes(db, ids)
    return [
        _answer(
            words[str(row[0])],
            placed_by=row[1],
            score=row[2],
            pinned=bool(row[3]),
            themes=tuple(others.get(str(row[0]), ())),
        )
        for row in picked
        if str(row[0]) in words
    ]


def quotes(
    db: Database, question_id: str, theme_ids: Sequence[str], per_theme: int = 2
) -> dict[str, list[AnswerRow]]:
    """Each theme's representative quotes: its pinned quotes, else its most typical
    answers, only ever from residents who agreed to be quoted."""
    found: dict[str, list[str]] = {}
    for theme_id in theme_ids:
        found[theme_id] = [
            str(rid)
            for (rid,) in db.execute(
                "SELECT p.response_id FROM pinned_quotes p JOIN responses r"
                " ON r.id = p.response_id WHERE p.theme_id = ? AND r.quote_consent = 1"
                " ORDER BY p.pinned_at LIMIT ?",
                [theme_id, per_theme],
            )
        ] or [
            str(rid)
            for (rid,) in db.execute(
                "SELECT m.response_id FROM theme_members m JOIN responses r"
                " ON r.id = m.response_id WHERE m.theme_id = ? AND r.quote_consent = 1"
                " ORDER BY m.score DESC LIMIT ?",
                [theme_id, per_theme],
            )
        ]
    words = _answers_by_id(db, question_id, [rid for ids in found.values() for rid in ids])
    return {
        theme_id: [_answer(words[rid]) for rid in ids if rid in words]
        for theme_id, ids in found.items()
    }


def _answers_by_id(db: Database, question_id: str, ids: list[str]) -> dict[str, Sequence[Any]]:
    found: dict[str, Sequence[Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in db.execute(
            f"{_ANSWER_SELECT} FROM answers a JOIN responses r ON r.id = a.response_id"
            f" WHERE a.question_id = ? AND a.position = 0"
            f" AND a.response_id IN ({','.join('?' * len(chunk))})",
            [question_id, *chunk],
        ):
            found[str(row[0])] = row
    return found


def unthemed(db: Database, survey_id: str, question_id: str, limit: int = 200) -> list[AnswerRow]:
    """Answers in no theme, with why: set aside by a person, non-answers, not close to any
    theme; then those no analysis has seen yet (new), oldest first."""
    rows = db.execute(
        "SELECT v.response_id, v.state, v.reason FROM reviewed_answers v"
        " WHERE v.survey_id = ? AND v.question_id = ? AND v.state != 'themed'"
        " ORDER BY v.state, v.rowid LIMIT ?",
        [survey_id, question_id, limit],
    ).fetchall()
    picked = [(str(rid), state, str(reason or "")) for rid, state, reason in rows]
    if len(picked) < limit and progress(db, survey_id, question_id).new:
        picked += [
            (str(rid), None, "")
            for (rid,) in db.execute(
                "SELECT a.response_id FROM answers a WHERE a.survey_id = ? AND a.question_id = ?"
                " AND a.position = 0 AND NOT EXISTS (SELECT 1 FROM reviewed_answers v"
                " WHERE v.survey_id = a.survey_id AND v.question_id = a.question_id"
                " AND v.response_id = a.response_id) ORDER BY a.rowid LIMIT ?",
                [survey_id, question_id, limit - len(picked)],
            )
        ]
    words = _answers_by_id(db, question_id, [rid for rid, _, _ in picked])
    return [
        _answer(words[rid], state=state, reason=reason)
        for rid, state, reason in picked
        if rid in words
    ]


@dataclass(frozen=True)
class Progress:
    answers: int
    themed: int
    new: int
    set_aside: int


def progress(db: Database, survey_id: str, question_id: str) -> Progress:
    """How many answers there are, how many are in a theme, and how many no run has seen.

    Counted from two indexes, never per answer: at 100,000 answers a join per answer costs
    more than the page showing these figures may take. Stored answers are never blank
    (empty values are dropped before storing), and an answer's state is 'themed' exactly
    when it is in a theme: every change here keeps that so (tests check it).
    """
    answers = db.execute(
        "SELECT count(*) FROM answers WHERE survey_id = ? AND question_id = ? AND position = 0",
        [survey_id, question_id],
    ).fetchone()[0]
    seen, themed, aside = db.execute(
        "SELECT count(*), coalesce(sum(state = 'themed'), 0),"
        " coalesce(sum(state = 'set_aside'), 0) FROM reviewed_answers"
        " WHERE survey_id = ? AND question_id = ?",
        [survey_id, question_id],
    ).fetchone()
    return Progress(int(answers), int(themed), max(0, int(answers) - int(seen)), int(aside))


@dataclass(frozen=True)
class Part:
    """A sub-theme from a split, or a theme from a run: its label, words and answers."""

    label: str
    keywords: tuple[str, ...]
    member_ids: tuple[str, ...]
    scores: tuple[float, ...] = ()
