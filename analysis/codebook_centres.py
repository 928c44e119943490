"""How close each answer is to each of a codebook's themes, before any new theme is made.

A codebook theme is known by its pinned answers, its earlier members (the answers the run
it came from put there), its example phrases and its description. An example phrase that
is word for word an answer of the collection, or its gloss, stands for that answer, stored
vector and all: the quotes of the themes this engine wrote, or of the app's themes export,
are such answers. Other text has no stored sentence vector, and beside one weighted three
times an answer's words are too small a part of it for any phrase to come within the
similarity a member needs (every answer of a re-run was left "not yet themed" that way). A
theme known by such text alone is compared with the answers on their words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.preprocessing import normalize

from analysis.answer_space import AnswerSpace
from analysis.codebook import CodebookTheme
from analysis.model import Response
from analysis.text import text_words
from analysis.vectorize import prepare


def rows_by_words(
    responses: Sequence[Response], active: Sequence[int]
) -> dict[tuple[str, ...], int]:
    """The first active answer saying each text or gloss, word for word (:func:`text_words`:
    "More police!" says "more police")."""
    found: dict[tuple[str, ...], int] = {}
    for row in active:
        response = responses[row]
        for text in (response.text, response.gloss):
            words = text_words(text or "")
            if words:
                found.setdefault(words, row)
    return found


def similarities(
    themes: Sequence[CodebookTheme],
    known: Sequence[Sequence[int]],
    z: np.ndarray,
    rows: Sequence[int],
    space: AnswerSpace,
    by_words: Mapping[tuple[str, ...], int],
    fallback_language: str | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cosine similarity of each of ``rows`` of ``z`` to each theme (len(rows) x themes),
    and for each theme the least an answer needs to join it.

    ``known[j]`` are rows theme ``j`` is already known by: its pinned answers and earlier
    members. A locked theme takes no one: its column is 0, as is that of a theme with
    nothing to know it by.
    """
    answers = z[rows]
    out = np.zeros((len(rows), len(themes)))
    floor = np.full(len(themes), np.inf)
    for j, theme in enumerate(themes):
        if theme.locked:
            continue
        mine = list(known[j])
        texts = [p for p in theme.example_phrases if p.strip()]
        if theme.description.strip():
            texts.append(theme.description)
        other = []
        for text in texts:
            row = by_words.get(text_words(text))
            if row is None:
                other.append(text)
            else:
                mine.append(row)
        parts = [z[mine]] if mine else []
        if other:
            new = space.transform([prepare(t, None, None, fallback_language) for t in other])
            parts.append(new[np.linalg.norm(new, axis=1) > 0])
        stacked = np.vstack(parts) if parts else np.zeros((0, z.shape[1]))
        if not len(stacked):
            continue
        centre = stacked.mean(axis=0, keepdims=True)
        if mine or not space.stored_dimensions_ or space.text_vectors_ is not None:
            sims, own = answers @ normalize(centre)[0], stacked @ normalize(centre)[0]
        else:
            words = space.word_part(centre)[0]
            sims, own = space.word_part(answers) @ words, space.word_part(stacked) @ words
        # Halfway from what the answers' typical one gets to what the theme's own rows get
        # (all but the loosest tenth of them): with stored sentence vectors any two answers
        # may be 0.3 alike, and one reviewed theme took every answer of a re-run (1,420 of
        # 1,420 news headlines).
        typical = float(np.median(sims))
        floor[j] = typical + 0.5 * max(0.0, float(np.quantile(own, 0.1)) - typical)
        out[:, j] = sims
    return out, floor
