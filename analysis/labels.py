"""Short labels and keywords for themes: the words and phrases that set a theme apart."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np
import regex
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from analysis.text import normalize_text, stopwords, text_words

_ARABIC = regex.compile(r"\p{Arabic}")
_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*")


def surface_terms(text: str, language: str | None) -> list[str]:
    """Readable words and two-word phrases (not stemmed) for labelling."""
    stops = stopwords(language)
    kept = []
    for word in text_words(text):
        if len(word) < 2 or word in stops or word.isdigit():
            kept.append("")  # a gap stops a phrase from spanning a removed word
        else:
            kept.append(word)
    terms = [w for w in kept if w]
    terms += [f"{a} {b}" for a, b in zip(kept, kept[1:], strict=False) if a and b]
    return terms


def display_forms(texts: Sequence[str]) -> dict[str, str]:
    """Normalised word -> the spelling most used for it, where normalising changed it.

    Matching folds Arabic-script letter variants (Urdu keheh to kaf, for instance), but a
    label should show words as residents wrote them.
    """
    seen: dict[str, Counter[str]] = {}
    for text in texts:
        if not _ARABIC.search(text):
            continue
        for word in _WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
            key = normalize_text(word)
            if key != word:
                seen.setdefault(key, Counter())[word] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in seen.items()}


def _identity(terms: list[str]) -> list[str]:
    return terms


class ThemeLabeller:
    """Class-based TF-IDF over readable terms: a term scores high in a theme when it is
    frequent there and rare in the collection as a whole.

    ``fit`` takes the surface terms of every answer; ``keywords`` ranks terms for a set of
    member rows.
    """

    def __init__(self, n_keywords: int = 8, min_count: int = 2) -> None:
        self.n_keywords = n_keywords
        self.min_count = min_count

    def fit(
        self, term_lists: Sequence[list[str]], display: dict[str, str] | None = None
    ) -> ThemeLabeller:
        self.display_ = display or {}
        self.counter_ = CountVectorizer(analyzer=_identity, dtype=np.float32)
        if any(term_lists):
            self.counts_ = sparse.csr_matrix(self.counter_.fit_transform(term_lists))
            self.vocabulary_ = np.asarray(self.counter_.get_feature_names_out(), dtype=object)
        else:  # only non-answers: nothing to label
            self.counts_ = sparse.csr_matrix((len(term_lists), 0), dtype=np.float32)
            self.vocabulary_ = np.asarray([], dtype=object)
        self.total_ = np.asarray(self.counts_.sum(axis=0)).ravel()
        self.doc_freq_ = np.asarray((self.counts_ > 0).sum(axis=0)).ravel()
        return self

    def keywords(
        self,
        rows: Sequence[int],
        n_groups: int = 1,
        centrality: Sequence[float] | np.ndarray | None = None,
    ) -> list[str]:
        """Top terms for the answers at ``rows``; ``n_groups`` is how many themes there are.

        ``centrality`` (one number per row, higher nearer the theme's centre) ranks the
        words of a theme whose answers share none, as answers grouped by stored vectors may
        not (football and ফুটবল): the most central answers' words are shown first.
        """
        if len(rows) == 0 or self.counts_.shape[1] == 0:
            return []
        sub = self.counts_[np.asarray(rows)]
        tf = np.asarray(sub.sum(axis=0)).ravel()
        df = np.asarray((sub > 0).sum(axis=0)).ravel()
        # c-TF-IDF (as in BERTopic): frequency in the theme times log(1 + A / frequency
        # overall), where A is the average number of terms per theme.
        average = self.total_.sum() / max(n_groups, 1)
        rarity = np.log1p(average / np.maximum(self.total_, 1.0))
        score = tf / max(tf.sum(), 1.0) * rarity
        needed = self.min_count if len(rows) >= 2 * self.min_count else 1
        if needed > 1 and not np.any(score[df >= needed] > 0) and centrality is not None:
            weights = np.maximum(np.asarray(centrality, dtype=np.float64), 0.0) + 1e-6
            tf = np.asarray((sparse.diags(weights) @ sub).sum(axis=0)).ravel()
            score, needed = tf / max(tf.sum(), 1e-12) * rarity, 1
        score[df < needed] = 0.0
        order = np.argsort(-score, kind="stable")
        chosen: list[str] = []
        for idx in order:
            if score[idx] <= 0 or len(chosen) >= self.n_keywords:
                break
            term = str(self.vocabulary_[idx])
            # Keep a phrase or its words, not both: "gp appointment" says what "gp" says.
            if any(
                term in c.split() or c in term.split() for c in chosen if " " in c or " " in term
            ):
                continue
            chosen.append(term)
        if self.display_:
            chosen = [" ".join(self.display_.get(w, w) for w in c.split()) for c in chosen]
        return chosen


def make_label(keywords: Sequence[str], n: int = 3) -> str:
    """A short label from the first keywords (``'gp appointment / waiting / phone'``)."""
    return " / ".join(keywords[:n]) if keywords else "(no distinctive words)"
