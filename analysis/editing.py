"""Edits to saved themes, made from the result and the same answers: split one theme,
merge several, find answers like a text or like other answers.

Each rebuilds the engine's state behind the result (:meth:`ThemeFinder.from_result`), so a
result kept as JSON can be edited later without finding the themes again.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.answer_space import Embeddings
from analysis.model import Response, ThemeResult
from analysis.themes import ThemeFinder


def split_theme(
    responses: Sequence[Response],
    result: ThemeResult,
    theme_id: str,
    *,
    n_subthemes: int | None = None,
    embeddings: Embeddings | None = None,
) -> ThemeResult:
    """``result`` with one theme split into sub-themes; all other placements unchanged."""
    finder = ThemeFinder.from_result(responses, result, embeddings)
    return finder.split(theme_id, n_subthemes)


def merge_themes(
    responses: Sequence[Response],
    result: ThemeResult,
    theme_ids: Sequence[str],
    *,
    name: str | None = None,
    embeddings: Embeddings | None = None,
) -> ThemeResult:
    """``result`` with the named themes merged into the first of them."""
    return ThemeFinder.from_result(responses, result, embeddings).merge(theme_ids, name)


def similar_responses(
    responses: Sequence[Response],
    query: str | Sequence[str],
    *,
    k: int = 10,
    random_state: int = 0,
    embeddings: Embeddings | None = None,
) -> list[tuple[str, float]]:
    """The ``k`` responses most like a text or like the responses with the given ids.

    A text is compared on its words; ids are compared on their stored vectors (words and,
    when given, embeddings).
    """
    finder = ThemeFinder.for_search(responses, embeddings, random_state)
    return finder.similar(query, k)
