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
from analysis.vectorize import prepare


def text_key(text: str) -> str:
    """The same for texts that differ only in case and spacing."""
    return " ".join(text.casefold().split())


def rows_by_text(responses: Sequence[Response], active: Sequence[int]) -> dict[str, int]:
    """The first active answer with each text or gloss, by :func:`text_key`."""
    found: dict[str, int] = {}
    for row in active:
        response = responses[row]
        for text in (response.text, response.gloss):
            if text and text.strip():
                found.setdefault(text_key(text), row)
    return found


def similarities(
    themes: Sequence[CodebookTheme],
    members: Sequence[np.ndarray],
    earlier: Sequence[Sequence[int]],
    z: np.ndarray,
    rows: Sequence[int],
    space: AnswerSpace,
    by_text: Mapping[str, int],
    fallback_language: str | None,
) -> np.ndarray:
    """Cosine similarity of each of ``rows`` of ``z`` to each theme (len(rows) x themes).

    ``members[j]`` are rows already in theme ``j`` (pinned); ``earlier[j]`` rows a previous
    run put there. A locked theme takes no one: its column is 0, as is that of a theme with
    nothing to know it by.
    """
    answers = z[rows]
    words = z.shape[1] - space.stored_dimensions_
    out = np.zeros((len(rows), len(themes)))
    for j, theme in enumerate(themes):
        if theme.locked:
            continue
        known = [int(r) for r in members[j]] + list(earlier[j])
        texts = [p for p in theme.example_phrases if p.strip()]
        if theme.description.strip():
            texts.append(theme.description)
        other = []
        for text in texts:
            row = by_text.get(text_key(text))
            if row is None:
                other.append(text)
            else:
                known.append(row)
        parts = [z[known]] if known else []
        if other:
            new = space.transform([prepare(t, None, None, fallback_language) for t in other])
            parts.append(new[np.linalg.norm(new, axis=1) > 0])
        stacked = np.vstack(parts) if parts else np.zeros((0, z.shape[1]))
        if not len(stacked):
            continue
        centre = stacked.mean(axis=0, keepdims=True)
        if known or words == z.shape[1] or space.text_vectors_ is not None:
            out[:, j] = answers @ normalize(centre)[0]
        else:
            out[:, j] = normalize(answers[:, :words]) @ normalize(centre[:, :words])[0]
    return out
