"""Turn prepared answers into sparse TF-IDF rows and a dense, normalised LSA embedding."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from analysis.concepts import concept_tokens
from analysis.text import (
    dominant_script,
    guess_language,
    guess_latin_collection,
    normalize_language,
    normalize_text,
    tokenize,
)

# From this many answers every answer is centred, even when all are in one language.
CENTRE_ALL_FROM = 200
# The LSA directions are found from at most this many answers (a seeded sample), then every
# answer is projected on them: at 100,000 answers the SVD of all rows took 16-21 s of a
# themes run, and 20,000 answers show the same directions (every benchmark set is at most
# this size, so none of them is sampled).
SVD_FIT_ROWS = 20_000


@dataclass
class Document:
    """An answer as the vectoriser sees it: the words it clusters on, and in which language.

    ``text`` is the English gloss when there is one (so that the same concern said in two
    languages lands together) and the answer itself otherwise.
    """

    text: str
    language: str | None
    source_language: str | None = None
    tokens: list[str] = field(default_factory=list)


def clustering_text(
    text: str, language: str | None, gloss: str | None, fallback: str | None = None
) -> tuple[str, str | None, str | None]:
    """What an answer is clustered on: (text, its language, the answer's own language).

    The English gloss when there is one, so that the same concern said in two languages
    lands together; the answer itself otherwise, in its given or guessed language.
    """
    source = normalize_language(language) or guess_language(text, fallback)
    if gloss and gloss.strip():
        return gloss, "en", source
    return text, source, source


def prepare(
    text: str, language: str | None, gloss: str | None, fallback: str | None = None
) -> Document:
    """Choose what to cluster on for one answer and tokenise it once."""
    clustered, clustered_language, language = clustering_text(text, language, gloss, fallback)
    doc = Document(text=clustered, language=clustered_language, source_language=language)
    if gloss and gloss.strip():
        # The original words still count (they link to answers in the same language without
        # a gloss) but the gloss decides: its tokens are counted twice.
        gloss_tokens = tokenize(gloss, "en")
        doc.tokens = gloss_tokens + gloss_tokens + tokenize(text, language)
        doc.tokens += concept_tokens(gloss, "en") * 2
    else:
        # Concept tokens count twice: they are the only bridge between languages.
        doc.tokens = tokenize(text, language) + concept_tokens(text, language) * 2
    return doc


def _fitted(vectorizer: TfidfVectorizer, data: Sequence[Any]) -> sparse.csr_matrix:
    """``vectorizer`` fitted on ``data``, and its rows. When no word (or n-gram) is used
    twice, leaving out the ones used once would leave nothing, and scikit-learn refuses:
    then all are kept. They link no answer to another, but each answer keeps its row."""
    try:
        return vectorizer.fit_transform(data).tocsr()
    except ValueError:
        if vectorizer.min_df == 1:
            raise
        vectorizer.set_params(min_df=1)
        return vectorizer.fit_transform(data).tocsr()


def _identity(tokens: list[str]) -> list[str]:
    return tokens


class ResponseVectorizer:
    """TF-IDF on language-aware tokens, then LSA (TruncatedSVD) and unit-length rows.

    Parameters
    ----------
    n_components:
        LSA dimensions (fewer when there are fewer answers or words).
    center_languages:
        Subtract a mean embedding from every answer before normalising, when at least two
        languages have ``min_language_size`` answers or there are ``CENTRE_ALL_FROM``
        answers in all: its language's mean when the language has that many answers, else
        the mean of all answers. What all answers in one language share (script, function
        words) then does not pull them into one theme, and what all answers share (common
        words and n-grams) does not gather the vaguest answers into one catch-all theme.
    char_weight:
        Weight of character 3-5-gram TF-IDF joined to the word TF-IDF. None (the default)
        means 1.0 when there are at least 200 answers and 0 below: n-grams inside words
        match inflections and spelling variants (and stand in for stemming in languages with
        no Snowball stemmer), but in a few dozen answers too few of them recur to link
        anything.
    random_state:
        Seed for the randomised SVD.
    """

    def __init__(
        self,
        n_components: int = 100,
        *,
        center_languages: bool = True,
        min_language_size: int = 5,
        char_weight: float | None = None,
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.char_weight = char_weight
        self.center_languages = center_languages
        self.min_language_size = min_language_size
        self.random_state = random_state

    def fit(self, docs: Sequence[Document]) -> ResponseVectorizer:
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: Sequence[Document]) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Fit on ``docs``; return their TF-IDF rows and normalised embedding."""
        n = len(docs)
        self.tfidf_ = TfidfVectorizer(
            analyzer=_identity,
            sublinear_tf=True,
            # A word seen once cannot link two answers; in tiny sets keep everything.
            min_df=2 if n >= 50 else 1,
            dtype=np.float32,
        )
        tfidf = _fitted(self.tfidf_, [d.tokens for d in docs])
        self.chars_: TfidfVectorizer | None = None
        weight = self.char_weight
        if weight is None:
            # In a few dozen answers too few n-grams recur to link anything; they only
            # dilute the words and concepts that do.
            weight = 1.0 if n >= 200 else 0.0
        self.char_weight_ = weight
        if weight > 0:
            # Character n-grams within words match inflected forms (in Somali, Bengali,
            # Hausa ... where no stemmer exists here, and beyond what stemmers catch).
            self.chars_ = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(3, 5),
                sublinear_tf=True,
                # An n-gram in one answer only links nothing and dilutes every similarity.
                min_df=2,
                dtype=np.float32,
            )
            chars = _fitted(self.chars_, [normalize_text(d.text) for d in docs])
            tfidf = sparse.hstack([tfidf, chars * weight]).tocsr()
        n_features = tfidf.shape[1]
        k = min(self.n_components, n_features - 1, n - 1)
        if k >= 2:
            self.svd_: TruncatedSVD | None = TruncatedSVD(k, random_state=self.random_state)
            # Identical answers have zero variance; the explained-variance ratio then divides
            # by zero, which is harmless for the vectors themselves.
            with np.errstate(divide="ignore", invalid="ignore"):
                if n > SVD_FIT_ROWS:
                    rng = np.random.default_rng(self.random_state)
                    rows = np.sort(rng.choice(n, SVD_FIT_ROWS, replace=False))
                    raw = self.svd_.fit(tfidf[rows]).transform(tfidf)
                else:
                    raw = self.svd_.fit_transform(tfidf)
        else:
            self.svd_ = None
            raw = tfidf.toarray() if n_features else np.zeros((n, 1), dtype=np.float32)
        self.language_means_: dict[str | None, np.ndarray] = {}
        self.mean_: np.ndarray | None = None
        if self.center_languages:
            groups: defaultdict[str | None, list[int]] = defaultdict(list)
            for i, d in enumerate(docs):
                groups[d.language].append(i)
            big = {
                lang: rows for lang, rows in groups.items() if len(rows) >= self.min_language_size
            }
            # In a few dozen answers in one language the mean is mostly the themes
            # themselves, and removing it only magnifies the vaguest answers; the
            # catch-all theme it prevents appears in larger collections.
            if len(big) >= 2 or n >= CENTRE_ALL_FROM:
                normed = normalize(raw)
                self.mean_ = normed.mean(axis=0)
                self.language_means_ = {
                    lang: normed[rows].mean(axis=0) for lang, rows in big.items()
                }
        # How much of each answer the shared space explains: answers made only of words
        # nobody else used have almost none, and are candidates for 'not yet themed'.
        self.coverage_ = np.linalg.norm(raw, axis=1)
        return tfidf, self._finish(raw, [d.language for d in docs])

    def transform(self, docs: Sequence[Document]) -> tuple[sparse.csr_matrix, np.ndarray]:
        """TF-IDF rows and embedding for new documents (codebook examples, search text)."""
        tfidf = self.tfidf_.transform([d.tokens for d in docs]).tocsr()
        if self.chars_ is not None:
            chars = self.chars_.transform([normalize_text(d.text) for d in docs])
            tfidf = sparse.hstack([tfidf, chars * self.char_weight_]).tocsr()
        if self.svd_ is not None:
            raw = self.svd_.transform(tfidf)
        else:
            raw = tfidf.toarray()
        return tfidf, self._finish(raw, [d.language for d in docs])

    def _finish(self, raw: np.ndarray, languages: list[str | None]) -> np.ndarray:
        z = normalize(raw)
        if self.mean_ is not None and languages:
            z -= np.array([self.language_means_.get(lang, self.mean_) for lang in languages])
            z = normalize(z)
        return np.asarray(z, dtype=np.float64)


def majority_language(texts: Sequence[str], languages: Sequence[str | None]) -> str | None:
    """The most common given language, else a guess for the whole collection.

    Guessing from all answers together is far steadier than answer by answer: one short
    answer may hold no function word at all, a thousand hold plenty.
    """
    counts = Counter(normalize_language(lang) for lang in languages if lang)
    if counts:
        return counts.most_common(1)[0][0]
    sample = list(texts[:: max(1, len(texts) // 2000)])
    scripts = Counter(dominant_script(t) for t in sample)
    script = scripts.most_common(1)[0][0] if scripts else "other"
    if script != "latin":
        guesses = Counter(guess_language(t) for t in sample if dominant_script(t) == script)
        guesses.pop(None, None)
        return guesses.most_common(1)[0][0] if guesses else None
    return guess_latin_collection(sample)
