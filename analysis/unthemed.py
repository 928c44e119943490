"""Which answers of a k-means grouping are left 'not yet themed', and why, in plain words.

An answer far from its theme's centre, in a group too small to be a theme, or made almost
only of words no one else used is set aside for the team rather than forced into a theme.
"""

from __future__ import annotations

import numpy as np

from analysis.geometry import centres_of, leave_one_out_similarity

UNTHEMED = -1

# Why an answer is "not yet themed", shown to the team per answer.
UNTHEMED_REASONS = (
    "not close enough to any theme",
    "its group was too small to be a theme",
    "almost none of its words were used by anyone else",
)
FAR, SMALL, RARE_WORDS = 0, 1, 2
NON_ANSWER_REASON = "says nothing to theme (a non-answer, such as 'don't know')"


def set_aside(
    z: np.ndarray,
    labels: np.ndarray,
    k: int,
    coverage: np.ndarray,
    *,
    min_similarity: float,
    min_theme_size: int,
    groups: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``labels`` with poor fits set to ``UNTHEMED``, and why each was (an index into
    ``UNTHEMED_REASONS``; -1 for answers kept).

    ``coverage`` is how much of each answer the words' shared space explains. ``groups``
    (each answer's language, "" when unknown) lets each language with 20 answers or more
    be judged against its own typical answer.
    """
    labels = labels.copy()
    cause = np.full(len(labels), -1, dtype=np.int64)
    for _ in range(2):
        sims = leave_one_out_similarity(z, labels, k)
        # Similarities run lower when vectors have more parts (character n-grams,
        # embeddings), so an answer must also be well below a typical one.
        typical = float(np.median(sims[labels >= 0])) if np.any(labels >= 0) else 0.0
        threshold = np.full(len(labels), min(min_similarity, 0.5 * typical))
        if groups is not None:
            # Each language sits at its own distance from the themes' centres (how well the
            # model knows it, how its answers are written): judged against all answers, a
            # language's answers were left unthemed for their language alone (English
            # headlines 27 % against Somali 4 %, in a seven-language mix; docs/benchmarks.md).
            for language in np.unique(groups[groups != ""]):
                mine = groups == language
                placed = mine & (labels >= 0)
                if placed.sum() >= 20:
                    own = 0.5 * float(np.median(sims[placed]))
                    threshold[mine] = min(min_similarity, own)
        far = (sims < threshold) & (labels >= 0)
        labels[far] = UNTHEMED
        cause[far] = FAR
        sizes = np.bincount(labels[labels >= 0], minlength=k)
        small = np.flatnonzero(sizes < min(min_theme_size, len(labels)))
        in_small = np.isin(labels, small)
        labels[in_small] = UNTHEMED
        cause[in_small] = SMALL
        # Answers left out may still fit another surviving theme well.
        keep = np.flatnonzero(np.bincount(labels[labels >= 0], minlength=k) > 0)
        if len(keep) == 0:
            break
        centres = centres_of(z, labels, k)
        loose = np.flatnonzero(labels == UNTHEMED)
        if len(loose):
            near = z[loose] @ centres[keep].T
            best = near.argmax(axis=1)
            ok = near[np.arange(len(loose)), best] >= threshold[loose]
            labels[loose[ok]] = keep[best[ok]]
    # Answers made almost only of words no one else used are noise, not a theme.
    if len(labels) > 50:
        weak = coverage < 0.05
        labels[weak] = UNTHEMED
        cause[weak] = RARE_WORDS
    return labels, cause
