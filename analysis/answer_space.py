"""The space answers are themed in: each answer's words (TF-IDF, LSA) joined with its stored
vector (a sentence embedding or word vectors), one unit-length row per answer.

Kept apart from :mod:`analysis.themes` so that placing new answers, searching and codebook
phrases all reach the same space by the same path.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.preprocessing import normalize

from analysis.vectorize import Document, ResponseVectorizer

# Stored vectors by response id (see analysis.embed): lists or numpy rows.
Embeddings = Mapping[str, Sequence[float] | np.ndarray]

# How much stored vectors count beside the words, unless said (docs/benchmarks.md, 2026-12-04).
SENTENCE_WEIGHT = 3.0
WORD_VECTOR_WEIGHT = 1.0
# ... and when the number of themes is chosen (see AnswerSpace.choosing_view).
CHOICE_WEIGHT = 2.0


class AnswerSpace:
    """Fit on a collection's answers; give the rows of ``fit`` and vectors for new text.

    Parameters are those of :class:`analysis.vectorize.ResponseVectorizer`, and
    ``embedding_weight``: how much stored vectors count beside the words (None: 3 for
    sentence embeddings, which know more than the words do, 1 for word vectors).
    """

    def __init__(
        self,
        n_components: int = 100,
        *,
        center_languages: bool = True,
        char_weight: float | None = None,
        embedding_weight: float | None = None,
        random_state: int = 0,
    ) -> None:
        self.vectorizer_ = ResponseVectorizer(
            n_components,
            center_languages=center_languages,
            char_weight=char_weight,
            random_state=random_state,
        )
        self.embedding_weight = embedding_weight
        self.stored_dimensions_ = 0
        self.terms_width_ = 0
        self.width_ = 1
        self.has_words_ = False  # set by fit when there were answers to learn words from
        # Kept to place new text (codebook phrases, search text) in the same space, when
        # the stored vectors can be made for any text (analysis.embed.WordVectors can).
        self.text_vectors_: Any = None
        self.stored_weight_ = 1.0
        # What is taken from each unit stored vector: its language's offset (the language's
        # mean less the mean of all answers; none for one-language collections), then the
        # direction all answers share once it is removed (see remove_shared_direction).
        self.language_offsets_: dict[str | None, np.ndarray] = {}
        self.stored_direction_: np.ndarray | None = None

    def fit(
        self,
        docs: Sequence[Document],
        ids: Sequence[str],
        active: Sequence[int],
        embeddings: Embeddings | None = None,
    ) -> np.ndarray:
        """One row per document; rows outside ``active`` (non-answers, excluded) are zero."""
        n = len(docs)
        if not active:
            return np.zeros((n, 1))
        _, z = self.vectorizer_.fit_transform([docs[i] for i in active])
        self.has_words_ = True
        if embeddings:
            width = z.shape[1]
            z = self._join_stored(z, [ids[i] for i in active], docs, active, embeddings)
            self.stored_dimensions_ = z.shape[1] - width
        self.width_ = z.shape[1]
        if len(active) == n:
            return z
        rows = np.zeros((n, z.shape[1]))
        rows[list(active)] = z
        return rows

    @property
    def coverage_(self) -> np.ndarray:
        """How much of each active answer the words' shared space explains."""
        return self.vectorizer_.coverage_

    def words(self, docs: Sequence[Document]) -> np.ndarray:
        """The word part of new documents' rows (no stored part)."""
        if not self.has_words_:
            # Fitted on no answers (all were non-answers or excluded): no words to place
            # new text among, so it is like none of them.
            return np.zeros((len(docs), self.width_))
        return self.vectorizer_.transform(docs)[1]

    def word_part(self, rows: np.ndarray) -> np.ndarray:
        """Rows (as ``fit`` or ``transform`` gave them) cut to their words, at unit length:
        how to compare with text that has no stored vector."""
        return normalize(rows[:, : self.width_ - self.stored_dimensions_])

    def transform(self, docs: Sequence[Document]) -> np.ndarray:
        """Rows for new text (codebook examples, search text).

        The stored part is made from the text when stored vectors can be (word vectors),
        and is left at zero otherwise: the text is then compared on its words.
        """
        z = self.words(docs)
        if z.shape[1] < self.width_:  # stored vectors were joined
            if self.text_vectors_ is not None:
                e = np.asarray(self.text_vectors_([d.text for d in docs]), dtype=np.float64)
                return self.join(z, e, [d.language for d in docs])
            z = np.hstack([z, np.zeros((len(z), self.width_ - z.shape[1]))])
        return z

    def join(self, z: np.ndarray, e: np.ndarray, languages: Sequence[str | None]) -> np.ndarray:
        """Word rows ``z`` joined with stored vectors ``e`` of the same answers."""
        return normalize(np.hstack([z, self.centre_stored(e, languages)]))

    def centre_stored(
        self, e: np.ndarray, languages: Sequence[str | None], *, copy: bool = True
    ) -> np.ndarray:
        """Stored vectors at unit length, moved as the collection's were, weighted.

        Multilingual embeddings place answers in one language near each other whatever
        they say; moving each language's mean onto the mean of all answers lets the topic
        decide instead, and leaves a one-language collection as it is.
        """
        e = normalize(np.asarray(e, dtype=np.float32), copy=copy)
        if self.language_offsets_:
            rows: defaultdict[str | None, list[int]] = defaultdict(list)
            for pos, language in enumerate(languages):
                rows[language].append(pos)
            for language, positions in rows.items():
                if language in self.language_offsets_:
                    e[positions] -= self.language_offsets_[language]
            normalize(e, copy=False)
        if self.stored_direction_ is not None:
            e -= self.stored_direction_
            normalize(e, copy=False)
        e *= self.stored_weight_
        return e

    def _join_stored(
        self,
        z: np.ndarray,
        ids: Sequence[str],
        docs: Sequence[Document],
        active: Sequence[int],
        embeddings: Embeddings,
    ) -> np.ndarray:
        """Append stored vectors to the word-based rows, each language's mean moved onto
        the mean of all answers when two languages have 5 answers or more (the language of
        the text embedded)."""
        first = next(iter(embeddings.values()))
        # float32 and in place: at 100,000 answers each copy of these is 150 MB.
        e = np.zeros((len(ids), len(first)), dtype=np.float32)
        for pos, rid in enumerate(ids):
            vector = embeddings.get(rid)
            if vector is not None:
                e[pos] = vector
        self.text_vectors_ = embeddings if callable(embeddings) else None
        # Latent terms joined to the vectors (analysis.terms) are their last columns.
        self.terms_width_ = int(getattr(embeddings, "terms_width", 0))
        weight = self.embedding_weight
        if weight is None:
            weight = WORD_VECTOR_WEIGHT if callable(embeddings) else SENTENCE_WEIGHT
        self.stored_weight_ = weight
        # The language of the text each vector was made from: the gloss (English) when there
        # is one (analysis.embed.embedding_text), else the answer's own. Glossed Bengali and
        # Somali answers are English sentences to the model; centring them apart from the
        # English ones split one language in three (SIB-200 mixed with glosses, ten seeds:
        # NMI 42.3 that way, 45.4 this way; docs/benchmarks.md).
        languages = [docs[row].language for row in active]
        big = [lang for lang, count in Counter(languages).items() if count >= 5]
        normalize(e, copy=False)
        if len(big) >= 2:
            mean = e.mean(axis=0)
            # Moved, not removed: a collection with a handful of answers in other languages
            # stays as it would be without them. Removing each language's whole mean also
            # removed the direction every answer shares, which made the stored vectors
            # outweigh the words for every answer (SearchSnippets marked English, 41 of its
            # answers marked other languages: 59.7 % matched that way, 76.0 % this way;
            # two mixed sets gain 1-2 points of NMI; docs/benchmarks.md, 2026-12-06).
            self.language_offsets_ = {
                lang: e[[p for p, lg in enumerate(languages) if lg == lang]].mean(axis=0) - mean
                for lang in big
            }
        e = self.centre_stored(e, languages, copy=False)
        joined = np.empty((len(ids), z.shape[1] + e.shape[1]))
        joined[:, : z.shape[1]] = z
        joined[:, z.shape[1] :] = e
        return normalize(joined, copy=False)

    def shared_direction(self, rows: np.ndarray, active: Sequence[int]) -> np.ndarray | None:
        """The mean of the active answers' unit stored vectors in ``rows`` (as ``fit`` gave
        them), when it is there to remove: stored sentence embeddings, their languages'
        means already moved onto one. None otherwise: it went already, or word vectors
        are made without it (analysis.embed)."""
        if (
            not self.stored_dimensions_
            or self.stored_direction_ is not None
            or self.text_vectors_ is not None
        ):
            return None
        total, count = np.zeros(self.stored_dimensions_), 0
        for at in _blocks(active):
            stored = normalize(rows[at, self.width_ - self.stored_dimensions_ :])
            total += stored.sum(axis=0)
            count += int(np.count_nonzero(np.any(stored != 0, axis=1)))
        return (total / count).astype(np.float32) if count else None

    def reweighted(
        self, part: np.ndarray, weight: float, direction: np.ndarray | None = None
    ) -> np.ndarray:
        """Rows of ``part`` (as ``fit`` gave them) with their stored vectors weighted
        ``weight`` beside the words, ``direction`` first taken out of them; a new array.

        A row is [words, stored x w] / length, the stored part of unit length before the
        weight w, so its length is w / |stored part| and the parts come apart again. Rows
        without a stored vector stay without one.
        """
        width = self.width_ - self.stored_dimensions_
        out = np.array(part, dtype=np.float64)
        norms = np.linalg.norm(out[:, width:], axis=1)
        has = norms > 0
        out[has] *= (self.stored_weight_ / norms[has])[:, None]
        stored = out[has, width:] / self.stored_weight_
        if direction is not None:
            stored -= direction
        out[has, width:] = normalize(stored) * weight
        return normalize(out, copy=False)

    def remove_shared_direction(
        self, rows: np.ndarray, active: Sequence[int], direction: np.ndarray | None = None
    ) -> bool:
        """Remove the shared direction from ``rows``, in place: ``direction`` when given
        (as :meth:`shared_direction` found it), else found here.

        Sentence embeddings of one collection all lean one way; with many fine themes that
        shared direction outweighs what sets them apart (docs/benchmarks.md, 2026-12-06).
        New answers are then centred the same way (:meth:`centre_stored`). Returns whether
        anything changed.
        """
        mean = direction if direction is not None else self.shared_direction(rows, active)
        if mean is None:
            return False
        # Row by block: at 100,000 answers a full copy of the rows is 390 MB.
        for at in _blocks(active):
            rows[at] = self.reweighted(rows[at], self.stored_weight_, mean)
        self.stored_direction_ = mean
        return True

    def choosing_view(
        self, direction: np.ndarray | None
    ) -> Callable[[np.ndarray], np.ndarray] | None:
        """How rows are seen when the number of themes is chosen, or None: as they are.

        With stored sentence embeddings, k is chosen on them without their shared
        ``direction`` (:meth:`shared_direction`; None when there is none), weighted
        :data:`CHOICE_WEIGHT` beside the words in one language. Seen as ``fit`` gives them,
        the shared direction made such a collection look far finer than it is (42-54 themes
        for 8 on SearchSnippets given as English) or not as fine (57 for 89 on Tweet);
        docs/benchmarks.md, 2026-12-06. In a mixed collection the words of different
        languages have little in common and the stored vectors keep their weight (weighted
        2 there, SIB-200 mixed got 4 themes for 7 and the seven-language headlines 12).
        Joined latent terms (:mod:`analysis.terms`) are left out of the view: with them the
        seven-language headlines got 16 themes for 7 at every seed (6, 6 and 10 without),
        while the terms still help to form the themes (docs/benchmarks.md, 2026-12-07).
        """
        terms = self.terms_width_
        if direction is None and not terms:
            return None
        weight = self.stored_weight_ if self.language_offsets_ else CHOICE_WEIGHT
        if direction is not None and terms:
            direction = direction.copy()
            direction[-terms:] = 0

        def view(sample: np.ndarray) -> np.ndarray:
            if terms:
                sample = sample.copy()
                sample[:, -terms:] = 0
            return self.reweighted(sample, weight, direction)

        return view


def _blocks(active: Sequence[int]) -> list[np.ndarray]:
    """``active`` in blocks of 10,000 rows or fewer."""
    return np.array_split(np.asarray(active), max(1, -(-len(active) // 10_000)))
