"""Analysis runs in the background: the page starts one and watches its progress.

A run reads the question's answers and review state, makes any missing sentence vectors
(kept for next time), asks the engine, and saves the result in one transaction. It runs
on one worker thread of the server process with its own database connection, so no page
waits on it; the database refuses a second run of the same question while one is active.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

from flask import Flask
from sqlite_utils import Database

from analysis.codebook import Codebook, CodebookTheme
from analysis.model import (
    DEFAULT_MAX_THEMES,
    AnalysisError,
    Group,
    Member,
    Response,
    Theme,
    ThemeResult,
)

from .. import storage
from ..storage.analysis_runs import Run
from ..storage.theme_runs import ReviewState
from ..storage.themes import Part

log = logging.getLogger(__name__)

# The most themes a first look proposes (analysis.model.DEFAULT_MAX_THEMES), and the most a
# team may ask for.
MOST_THEMES = DEFAULT_MAX_THEMES
LOCKED_REASON = "its closest theme is locked"
# Answers per theme that placing new answers rebuilds the themes' centres from.
PLACE_SAMPLE = 300
SET_ASIDE_REASON = "set aside by a person"

_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis")


def submit(app: Flask, run_id: int) -> Future[None]:
    """Run ``run_id`` on the analysis thread."""
    return _pool.submit(_execute, app.config["DATABASE"], run_id)


_pending: set[tuple[str, str]] = set()
_pending_lock = threading.Lock()
# Embedding is CPU work on the same cores that take devices' uploads: it waits for a
# quiet moment (no answers arriving for QUIET seconds), but never longer than MOST_WAIT.
EMBED_QUIET_SECONDS = 2.0
EMBED_MOST_WAIT_SECONDS = 30.0
_last_arrival = 0.0


def _wait_for_quiet() -> None:
    began = time.monotonic()
    while True:
        now = time.monotonic()
        left = min(_last_arrival + EMBED_QUIET_SECONDS, began + EMBED_MOST_WAIT_SECONDS) - now
        if left <= 0:
            return
        time.sleep(left)


def embed_soon(app: Flask, survey_ids: Iterable[str]) -> None:
    """Make the vectors of newly arrived answers on the analysis thread, at most one job
    waiting per survey (EMBED_ON_ARRIVAL). A later analysis then only places answers."""
    global _last_arrival
    if not app.config.get("EMBED_ON_ARRIVAL"):
        return
    _last_arrival = time.monotonic()
    path = app.config["DATABASE"]
    for survey_id in set(survey_ids):
        with _pending_lock:
            if (path, survey_id) in _pending:
                continue
            _pending.add((path, survey_id))
        _pool.submit(_embed_new, path, survey_id)


def _embed_new(path: str, survey_id: str) -> None:
    _wait_for_quiet()  # loading the model is CPU work too
    from analysis.embed import SENTENCE_MODEL
    from analysis.terms import TERMS_MODEL, languages_mixed

    from ..themes_input import responses_for

    with _pending_lock:
        _pending.discard((path, survey_id))
    db = storage.connect(path)
    try:
        survey = storage.surveys.latest(db, survey_id)
        for question in survey.questions():
            if not question.free_text or question.contact:
                continue
            # Answers in several languages: the analysis will want their latent terms too.
            # Only new answers can make a question mixed, so its answers are read to decide
            # only when some came (not for every question on every arrival); terms still
            # missing after that are made on first use (themes_input.vectors_for).
            if _embed_missing(db, survey_id, question.id, SENTENCE_MODEL) and languages_mixed(
                responses_for(db, survey_id, question.id)
            ):
                _embed_missing(db, survey_id, question.id, TERMS_MODEL)
    except Exception:  # background work must never take the server down with it
        log.exception("embedding new answers failed")
    finally:
        db.close()


def _embed_missing(db: Database, survey_id: str, question_id: str, model: str) -> int:
    """Embed and keep, batch by batch while the server is quiet, every answer to the
    question that has no vector from ``model`` yet; how many there were."""
    from analysis.embed import text_to_embed

    from ..themes_input import EMBED_BATCH, embed_and_keep

    count = 0
    while True:
        _wait_for_quiet()
        waiting = storage.vectors.without_vectors(db, survey_id, question_id, model, EMBED_BATCH)
        if not waiting:
            return count
        texts = {rid: text_to_embed(text, gloss) for rid, text, gloss in waiting}
        embed_and_keep(db, question_id, model, texts)
        count += len(waiting)


def _execute(path: str, run_id: int) -> None:
    db = storage.connect(path)
    try:
        run = storage.analysis_runs.get(db, run_id)
        user = run.started_by

        def report(share: float, stage: str) -> None:
            storage.analysis_runs.report(db, run_id, share, stage)

        if run.kind == "find":
            _find(db, run, user, report)
        else:
            _place(db, run, user, report)
    except AnalysisError as exc:
        storage.analysis_runs.fail(db, run_id, str(exc))
    except Exception as exc:  # the page must learn that the run stopped, whatever stopped it
        log.exception("analysis run %s failed", run_id)
        storage.analysis_runs.fail(db, run_id, type(exc).__name__)
    finally:
        db.close()


def _scoped(db: Any, run: Run) -> list[Response]:
    from ..themes_input import responses_for

    scope = run.scope
    return responses_for(
        db,
        run.survey_id,
        run.question_id,
        events=scope.get("events", ()),
        languages=scope.get("languages", ()),
        since=scope.get("since"),
        until=scope.get("until"),
    )


def _vectors(
    db: Any, run: Run, responses: list[Response], report: Callable[[float, str], None]
) -> dict[str, Any]:
    from ..themes_input import vectors_for

    report(0.05, "vectors")
    return vectors_for(
        db, run.question_id, responses, lambda share: report(0.05 + 0.6 * share, "vectors")
    )


def _find(db: Any, run: Run, user: int | None, report: Callable[[float, str], None]) -> None:
    from analysis.themes import find_themes  # scikit-learn loads on the first run, not at start

    report(0.01, "reading")
    responses = _scoped(db, run)
    if not responses:
        raise AnalysisError("no answers")
    ids = {r.id for r in responses}
    state = storage.theme_runs.review_state(db, run.survey_id, run.question_id)
    codebook = _codebook(state, ids)
    vectors = _vectors(db, run, responses, report)
    report(0.7, "themes")
    wanted = run.themes_wanted
    low, high = (wanted, wanted) if wanted else (2, DEFAULT_MAX_THEMES)
    # A team that reviewed more themes than the bound asked for keeps them all.
    high = max(high, len(codebook.themes) + 1)
    low = min(low, high)
    result = find_themes(
        responses, min_themes=low, max_themes=high, codebook=codebook, embeddings=vectors
    )
    report(0.95, "saving")
    reviewed = {t.id for t in state.themes if t.reviewed}
    stored = {t.id: t for t in state.themes}
    kept: dict[str, list[tuple[str, float]]] = {}
    found: list[Part] = []
    for theme in result.themes:
        members = [(m.response_id, m.score) for m in theme.members]
        if theme.id in reviewed:
            kept[theme.id] = [(rid, s) for rid, s in members if rid not in stored[theme.id].members]
        elif members:
            found.append(
                Part(
                    label=theme.label,
                    keywords=tuple(theme.keywords),
                    member_ids=tuple(rid for rid, _ in members),
                    scores=tuple(s for _, s in members),
                )
            )
    states = _states(result, state)
    confidence = asdict(result.confidence)
    confidence["chosen_k"] = result.chosen_k
    confidence["k_scores"] = {str(k): v for k, v in result.confidence.k_scores.items()}
    storage.theme_runs.save_found(
        db,
        run.survey_id,
        run.question_id,
        run.id,
        kept,
        found,
        states,
        result.settings,
        confidence,
        user,
    )


def _codebook(state: ReviewState, ids: set[str]) -> Codebook:
    """The reviewed themes as the engine keeps them: each with its answers pinned (an
    answer in several is pinned to the first), locked ones taking no new answers."""
    pinned: set[str] = set()
    themes = []
    for theme in state.themes:
        if not theme.reviewed:
            continue
        mine = [rid for rid in theme.members if rid in ids and rid not in pinned]
        pinned.update(mine)
        themes.append(
            CodebookTheme(
                id=theme.id,
                name=theme.name or theme.label,
                description=theme.description,
                pinned_response_ids=mine,
                locked=theme.locked,
            )
        )
    excluded = [rid for rid in state.set_aside if rid in ids]
    return Codebook(themes=themes, excluded_ids=excluded)


def _states(result: ThemeResult, state: ReviewState) -> dict[str, tuple[str, str]]:
    from analysis.unthemed import NON_ANSWER_REASON

    states: dict[str, tuple[str, str]] = {}
    for theme in result.themes:
        for m in theme.members:
            states[m.response_id] = ("themed", "")
    for m in result.unthemed.members:
        states[m.response_id] = ("unthemed", m.reason or "")
    for m in result.non_answers.members:
        states[m.response_id] = ("non_answer", m.reason or NON_ANSWER_REASON)
    # Answers a reviewed theme holds are themed, whatever the engine made of them.
    for kept in state.themes:
        for rid in kept.members:
            if rid in states and kept.reviewed:
                states[rid] = ("themed", "")
    return states


def _place(db: Any, run: Run, user: int | None, report: Callable[[float, str], None]) -> None:
    """New answers into the themes as they stand, without finding themes again."""
    from analysis.themes import ThemeFinder
    from analysis.unthemed import NON_ANSWER_REASON

    report(0.01, "reading")
    responses = _scoped(db, run)
    state = storage.theme_runs.review_state(db, run.survey_id, run.question_id)
    found = storage.analysis_runs.latest(db, run.survey_id, run.question_id, "find", done=True)
    if found is None or not state.themes:
        raise AnalysisError("no themes yet")
    member_of = {rid for t in state.themes for rid in t.members}
    new = [r for r in responses if r.id not in state.states and r.id not in member_of]
    old = _sample(state, [r for r in responses if r.id in member_of])
    vectors = _vectors(db, run, old + new, report)
    report(0.7, "placing")
    placements = []
    if new:
        finder = ThemeFinder.from_result(old, _as_result(state, found, old), vectors)
        placements = finder.place(new, vectors)
    locked = {t.id for t in state.themes if t.locked}
    placed: dict[str, list[tuple[str, float]]] = {}
    states: dict[str, tuple[str, str]] = {}
    for p in placements:
        if p.theme_id and p.theme_id not in locked:
            placed.setdefault(p.theme_id, []).append((p.response_id, p.similarity))
            states[p.response_id] = ("themed", "")
        elif p.theme_id:
            states[p.response_id] = ("unthemed", LOCKED_REASON)
        elif p.reason == "non-answer":
            states[p.response_id] = ("non_answer", NON_ANSWER_REASON)
        else:
            states[p.response_id] = ("unthemed", "not close enough to any theme")
    report(0.95, "saving")
    storage.theme_runs.save_placed(db, run.survey_id, run.question_id, run.id, placed, states, user)


def _sample(state: ReviewState, themed: list[Response]) -> list[Response]:
    """Up to PLACE_SAMPLE answers of each theme, chosen at random (the same each time).

    A theme's centre from a few hundred of its answers is as good as from all of them for
    placing new ones, and rebuilding the engine on 100,000 answers would take half a
    minute where this takes seconds (docs/benchmarks.md).
    """
    by_id = {r.id: r for r in themed}
    rng = random.Random(0)
    keep: set[str] = set()
    for theme in state.themes:
        ids = sorted(rid for rid in theme.members if rid in by_id)
        keep.update(ids if len(ids) <= PLACE_SAMPLE else rng.sample(ids, PLACE_SAMPLE))
    return [r for r in themed if r.id in keep]


def _as_result(state: ReviewState, found: Run, old: list[Response]) -> ThemeResult:
    """The stored themes in the engine's own shape, to rebuild its state from."""
    present = {r.id for r in old}
    themes = []
    for t in state.themes:
        members = [
            Member(rid, float(score or 0.0), "codebook" if by == "person" else "engine")
            for rid, (by, score) in t.members.items()
            if rid in present
        ]
        themes.append(
            Theme(
                id=t.id,
                label=t.label,
                keywords=t.keywords,
                quotes=[],
                members=members,
                size=len(members),
                cohesion=0.0,
                by_language={},
                by_attribute={},
                name=t.name or None,
                description=t.description or None,
                locked=t.locked,
            )
        )
    empty = Group("unthemed", "", [], 0, {})
    return ThemeResult(
        themes=themes,
        unthemed=empty,
        non_answers=Group("non_answers", "", [], 0, {}),
        chosen_k=len(themes),
        confidence=find_themes_confidence(found),
        n_responses=len(old),
        random_state=int(found.settings.get("random_state", 0)),
        excluded_ids=state.set_aside,
        settings=found.settings,
    )


def find_themes_confidence(found: Run) -> Any:
    from analysis.model import Confidence

    c = found.confidence
    return Confidence(
        silhouette=float(c.get("silhouette", 0.0)),
        stability=float(c.get("stability", 0.0)),
        k_scores={int(k): float(v) for k, v in c.get("k_scores", {}).items()},
        level=str(c.get("level", "")),
        explanation=str(c.get("explanation", "")),
        modularity_k=c.get("modularity_k"),
        spectral_k=c.get("spectral_k"),
        repeats_left_out=int(c.get("repeats_left_out") or 0),
        rephrasings=c.get("rephrasings"),
        unglossed_less_known={
            str(k): int(v) for k, v in (c.get("unglossed_less_known") or {}).items()
        },
    )


def split_parts(db: Any, survey_id: str, question_id: str, theme_id: str) -> list[Part]:
    """Sub-themes of one theme, found among its own answers (2 to 6 of them).

    Clustering the theme's answers alone lets words that were too common across all the
    answers to matter (say "GP" inside a health theme) tell its sub-themes apart. Every
    answer of the theme lands in one sub-theme: nothing is set aside by a split.
    """
    from analysis.themes import ThemeFinder

    from ..themes_input import responses_for, vectors_for

    state = storage.theme_runs.review_state(db, survey_id, question_id)
    theme = next((t for t in state.themes if t.id == theme_id), None)
    if theme is None:
        raise AnalysisError("no such theme")
    mine = [r for r in responses_for(db, survey_id, question_id) if r.id in theme.members]
    if len(mine) < 4:
        raise AnalysisError("too few to split")
    vectors = vectors_for(db, question_id, mine)
    finder = ThemeFinder(2, min(6, len(mine) // 2), min_theme_size=2)
    finder.fit(mine, embeddings=vectors)
    labels = finder.nearest_theme_labels()
    ids = [spec.id for spec in finder.specs_]
    groups: dict[str, list[str]] = {i: [] for i in ids if i}
    for response, label in zip(mine, labels, strict=True):
        target = ids[int(label)] if label >= 0 else None
        groups.setdefault(target or next(iter(groups), ""), []).append(response.id)
    result = finder.result_
    parts = []
    for key, member_ids in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        if not member_ids:
            continue
        try:
            found = result.theme(key)
            label, keywords = found.label, tuple(found.keywords)
        except KeyError:
            label, keywords = theme.label, tuple(theme.keywords)
        parts.append(Part(label=label, keywords=keywords, member_ids=tuple(member_ids)))
    if len(parts) < 2:
        raise AnalysisError("no sub-themes")
    return parts
