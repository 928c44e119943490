"""The engine's last step: its groups of answers as a :class:`ThemeResult` a team can read.

Each theme gets its centre, keywords and label, quotes (only from answers whose quote
consent allows it), members ordered by how typical they are, and counts by language and
by attribute; answers not yet themed say why, and non-answers are kept apart.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from analysis.geometry import centres_of
from analysis.labels import make_label
from analysis.model import Group, Member, Quote, Theme, ThemeResult
from analysis.quotes import pick_quotes
from analysis.unthemed import FAR, NON_ANSWER_REASON, UNTHEMED, UNTHEMED_REASONS

if TYPE_CHECKING:
    from analysis.themes import ThemeFinder

NON_ANSWER = -2
EXCLUDED = -3
UNTHEMED_ID = "unthemed"
NON_ANSWER_ID = "non_answers"


def build_result(finder: ThemeFinder) -> tuple[ThemeResult, np.ndarray]:
    """The result of ``finder``'s current grouping, and each theme's centre (a row per
    entry of ``finder.specs_``; zeros for an empty one)."""
    embedding = finder.embedding_
    labels = finder.labels_
    ids = [r.id for r in finder.responses_]
    n_groups = max(len(finder.specs_), 1)
    quotable = [r.can_quote for r in finder.responses_]
    languages = [d.source_language for d in finder.docs_]
    themes: list[Theme] = []
    used_ids: set[str] = {s.id for s in finder.specs_ if s.id}
    centres = np.zeros((len(finder.specs_), embedding.shape[1]))
    for j, spec in enumerate(finder.specs_):
        rows = np.flatnonzero(labels == j)
        if len(rows) == 0 and not spec.from_codebook:
            continue
        centre = centres_of(embedding[rows], np.zeros(len(rows), dtype=np.int64), 1)[0]
        centres[j] = centre
        scores = embedding[rows] @ centre if len(rows) else np.zeros(0)
        order = np.argsort(-scores, kind="stable")
        keywords = finder.labeller_.keywords(rows.tolist(), n_groups, scores)
        if spec.id is None:
            spec.id = _theme_id(keywords, [finder.responses_[r].id for r in rows], used_ids)
            used_ids.add(spec.id)
        quote_rows = pick_quotes(
            embedding,
            rows.tolist(),
            centre,
            quotable=quotable,
            languages=languages,
            n_quotes=finder.n_quotes,
        )
        themes.append(
            Theme(
                id=spec.id,
                label=spec.name or make_label(keywords),
                keywords=keywords,
                quotes=[_quote(finder, r, centre) for r in quote_rows],
                members=[
                    Member(ids[rows[i]], rounded(scores[i]), finder.placed_by_[rows[i]])
                    for i in order
                ],
                size=len(rows),
                cohesion=rounded(float(scores.mean())) if len(rows) else 0.0,
                by_language=_by_language(finder, rows),
                by_attribute=_by_attribute(finder, rows),
                name=spec.name,
                description=spec.description,
                from_codebook=spec.from_codebook,
                locked=spec.locked,
            )
        )
    unthemed_rows = np.flatnonzero(labels == UNTHEMED)
    nearest = nearest_similarity(embedding[unthemed_rows], centres)
    unthemed = Group(
        id=UNTHEMED_ID,
        label="Not yet themed",
        members=[
            Member(
                finder.responses_[r].id,
                rounded(s),
                "engine",
                reason=finder.unthemed_why_.get(int(r), UNTHEMED_REASONS[FAR]),
            )
            for r, s in zip(unthemed_rows, nearest, strict=True)
        ],
        size=len(unthemed_rows),
        by_language=_by_language(finder, unthemed_rows),
    )
    na_rows = np.flatnonzero(labels == NON_ANSWER)
    non_answers = Group(
        id=NON_ANSWER_ID,
        label="Non-answers (don't know, nothing, no comment)",
        members=[
            Member(finder.responses_[r].id, 1.0, "engine", reason=NON_ANSWER_REASON)
            for r in na_rows
        ],
        size=len(na_rows),
        by_language=_by_language(finder, na_rows),
    )
    # Recorded so that a later split, merge or search knows to ask for the same vectors.
    settings = {
        **finder.get_params(),
        "remove_shared_direction": finder.shared_direction_removed_,
        "stored_vector_dimensions": finder.space_.stored_dimensions_,
    }
    result = ThemeResult(
        themes=themes,
        unthemed=unthemed,
        non_answers=non_answers,
        chosen_k=len(themes),
        confidence=finder.confidence_,
        n_responses=len(finder.responses_),
        random_state=finder.random_state,
        excluded_ids=[finder.responses_[r].id for r in np.flatnonzero(labels == EXCLUDED)],
        settings=settings,
        not_quotable=sum(not r.can_quote for r in finder.responses_),
    )
    return result, centres


def nearest_similarity(vectors: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Each vector's cosine similarity to its closest centre (0 when there are none)."""
    if len(vectors) == 0 or not len(centres):
        return np.zeros(len(vectors))
    return (vectors @ centres.T).max(axis=1)


def _quote(finder: ThemeFinder, row: int, centre: np.ndarray) -> Quote:
    r = finder.responses_[row]
    if not r.can_quote:  # pick_quotes never offers one; this keeps it so if that changes
        raise AssertionError("an answer without quote consent was about to be quoted")
    return Quote(
        response_id=r.id,
        text=r.text,
        language=finder.docs_[row].source_language,
        gloss=r.gloss or None,
        score=rounded(float(finder.embedding_[row] @ centre)),
    )


def _by_language(finder: ThemeFinder, rows: Iterable[int]) -> dict[str, int]:
    counts = Counter(finder.docs_[r].source_language or "unknown" for r in rows)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _by_attribute(finder: ThemeFinder, rows: Iterable[int]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter[str]] = {}
    for r in rows:
        for key, value in finder.responses_[r].attributes.items():
            table.setdefault(key, Counter())[str(value)] += 1
    return {
        key: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
        for key, c in sorted(table.items())
    }


def _theme_id(keywords: list[str], member_ids: list[str], used: set[str]) -> str:
    # Named by its top words when it has them, so the id survives small changes in
    # membership between runs; otherwise by its members.
    basis = "|".join(sorted(keywords[:3])) if keywords else "|".join(sorted(member_ids))
    digest = hashlib.sha1(basis.encode("utf-8")).hexdigest()[:8]
    candidate, n = f"theme-{digest}", 2
    while candidate in used:
        candidate, n = f"theme-{digest}-{n}", n + 1
    return candidate


def rounded(x: float) -> float:
    """A similarity as stored in a result: four places, 0 for NaN."""
    return 0.0 if math.isnan(x) else round(float(x), 4)
