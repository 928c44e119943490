"""Representative quotes: central to the theme and different from each other."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def pick_quotes(
    embedding: np.ndarray,
    rows: Sequence[int],
    centre: np.ndarray,
    *,
    quotable: Sequence[bool] | None = None,
    languages: Sequence[str | None] | None = None,
    n_quotes: int = 5,
    diversity: float = 0.35,
    language_bonus: float = 0.1,
    pool: int = 60,
) -> list[int]:
    """Choose up to ``n_quotes`` rows by maximal marginal relevance.

    Each pick maximises ``(1 - diversity) * similarity to the centre - diversity *
    similarity to the closest quote already chosen``, so quotes are typical of the theme
    without repeating each other. Near-duplicates (cosine above 0.95) in one language are never
    picked twice.
    Only the ``pool`` most central members are considered, which keeps this cheap. When
    ``languages`` are given, a quote in a language not yet quoted gets ``language_bonus``, so
    a theme raised in Bengali and Somali as well as English is shown in those voices too.
    """
    candidates = [r for r in rows if quotable is None or quotable[r]]
    if not candidates:
        return []
    cand = np.asarray(candidates)
    sims = embedding[cand] @ centre
    top = np.argsort(-sims, kind="stable")[:pool]
    cand, sims = cand[top], sims[top]
    vectors = embedding[cand]
    chosen: list[int] = []
    closest = np.full(len(cand), -1.0)
    available = np.ones(len(cand), dtype=bool)
    while len(chosen) < n_quotes and available.any():
        penalty = closest if chosen else np.zeros_like(closest)
        gain = (1 - diversity) * sims - diversity * penalty
        if languages is not None:
            seen = {languages[cand[i]] for i in chosen}
            gain += language_bonus * np.array([languages[c] not in seen for c in cand])
        gain[~available] = -np.inf
        best = int(np.argmax(gain))
        chosen.append(best)
        available[best] = False
        overlap = vectors @ vectors[best]
        closest = np.maximum(closest, overlap)
        duplicate = overlap >= 0.95
        if languages is not None:
            # The same words in another language (or its gloss, which is embedded) are
            # another resident's voice, not a repeat.
            duplicate &= np.array([languages[c] == languages[cand[best]] for c in cand])
        available &= ~duplicate
    return [int(cand[i]) for i in chosen]
