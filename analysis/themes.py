"""The theme engine: candidate themes from free-text answers, keeping human decisions.

The steps, each a stock piece where one exists:

1. set aside non-answers and answers the codebook excludes;
2. tokenise per language (gloss first), add cross-language concept tokens, TF-IDF, LSA,
   centre each language, normalise, join stored vectors (:mod:`analysis.vectorize`,
   :mod:`analysis.answer_space`);
3. keep the codebook: pinned answers stay put, other answers join a codebook theme they are
   close enough to;
4. cluster what is left with k-means, choosing k within the bounds from a nearest-neighbour
   graph of a sample (:mod:`analysis.number_of_themes`);
5. answers far from every centre go to 'not yet themed' (:mod:`analysis.unthemed`);
6. label, quote and break down each theme (:mod:`analysis.theme_result`, with
   :mod:`analysis.labels` and :mod:`analysis.quotes`).
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.preprocessing import normalize

from analysis import codebook_centres, number_of_themes
from analysis.answer_space import AnswerSpace, Embeddings
from analysis.codebook import Codebook
from analysis.concepts import is_concept_token
from analysis.geometry import count_distinct
from analysis.grouping import kmeans_labels
from analysis.labels import ThemeLabeller, display_forms, surface_terms
from analysis.model import (
    DEFAULT_MAX_THEMES,
    AnalysisError,
    Response,
    ThemeResult,
)
from analysis.nonanswers import is_non_answer
from analysis.terms import several_languages
from analysis.text import text_words
from analysis.theme_result import (
    EXCLUDED,
    NON_ANSWER,
    build_result,
    rounded,
)
from analysis.unthemed import UNTHEMED, UNTHEMED_REASONS, set_aside
from analysis.vectorize import Document, majority_language, prepare

if TYPE_CHECKING:
    from analysis.placing import Placement


@dataclass
class _Spec:
    """What is known about a theme before its members are: identity and human edits."""

    id: str | None
    name: str | None = None
    description: str | None = None
    from_codebook: bool = False
    locked: bool = False


class ThemeFinder:
    """Find candidate themes in a list of :class:`~analysis.model.Response`.

    Parameters
    ----------
    min_themes, max_themes:
        Bounds for the number of themes (codebook themes included).
    random_state:
        Seed for the SVD, k-means and sampling; same input and seed give the same output.
    min_similarity:
        An answer whose cosine similarity to its theme's centre is below this goes to
        'not yet themed' instead.
    assign_similarity:
        A new answer joins a codebook theme when at least this similar to it.
    min_theme_size:
        Smaller groups are not proposed as themes; their answers go to 'not yet themed'
        unless another theme fits them.
    sample_size:
        How many answers to use when comparing numbers of themes (silhouette is quadratic).
    n_components:
        LSA dimensions.
    n_quotes:
        Quotes per theme (3 to 5 is what a report shows).
    remove_shared_direction:
        Whether to remove the direction all stored sentence embeddings of a collection
        share: None decides by the number of themes (removed for 20 or more,
        where it hides what tells fine themes apart; kept for fewer, where removing it
        makes broad themes noisier), and the number of themes is chosen without it
        (:meth:`AnswerSpace.choosing_view`); False keeps it for both. A result's settings
        record what was done.
    """

    def __init__(
        self,
        min_themes: int = 2,
        max_themes: int = DEFAULT_MAX_THEMES,
        *,
        random_state: int = 0,
        min_similarity: float = 0.15,
        assign_similarity: float = 0.3,
        min_theme_size: int = 3,
        sample_size: int = 3000,
        n_components: int = 100,
        n_init: int = 3,
        n_quotes: int = 5,
        center_languages: bool = True,
        char_weight: float | None = None,
        embedding_weight: float | None = None,
        remove_shared_direction: bool | None = None,
    ) -> None:
        self.min_themes = min_themes
        self.max_themes = max_themes
        self.random_state = random_state
        self.min_similarity = min_similarity
        self.assign_similarity = assign_similarity
        self.min_theme_size = min_theme_size
        self.sample_size = sample_size
        self.n_components = n_components
        self.n_init = n_init
        self.n_quotes = n_quotes
        self.center_languages = center_languages
        self.char_weight = char_weight
        self.embedding_weight = embedding_weight
        self.remove_shared_direction = remove_shared_direction

    # ------------------------------------------------------------------ fitting

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _PARAMS}

    def fit(
        self,
        responses: Sequence[Response],
        codebook: Codebook | None = None,
        embeddings: Embeddings | None = None,
    ) -> ThemeFinder:
        """Find themes; the result is in ``result_``.

        ``embeddings`` (optional) maps response ids to stored vectors: sentence embeddings
        or :class:`analysis.embed.WordVectors`. They are joined to the word-based vectors,
        weighted by ``embedding_weight``, each language's mean moved onto the mean of all;
        when the mapping is callable (word vectors), new text is placed with it too. The
        weight, unless given, is 3 for sentence embeddings (they know more than the words
        do; 2-4 were best on the benchmark sets) and 1 for word vectors.
        """
        if self.min_themes < 1 or self.max_themes < self.min_themes:
            raise AnalysisError(
                f"need 1 <= min_themes <= max_themes, got {self.min_themes} and {self.max_themes}"
            )
        codebook = codebook or Codebook()
        codebook.validate()
        self._prepare(responses, codebook.excluded_ids, embeddings)
        self.specs_ = [
            _Spec(t.id, t.name, t.description, from_codebook=True, locked=t.locked)
            for t in codebook.themes
        ]
        pinned = {
            rid: j
            for j, t in enumerate(codebook.themes)
            for rid in t.pinned_response_ids
            if rid in self.index_ and self.labels_[self.index_[rid]] != EXCLUDED
        }
        for rid, j in pinned.items():
            row = self.index_[rid]
            self.labels_[row] = j
            self.placed_by_[row] = "codebook"
        free = [i for i in self.active_ if self.responses_[i].id not in pinned]
        free = self._assign_to_codebook(codebook, free)
        self._cluster_rest(free, n_existing=len(self.specs_))
        self.confidence_.explanation += self._language_note()
        self.result_ = self._build_result()
        return self

    @classmethod
    def from_result(
        cls,
        responses: Sequence[Response],
        result: ThemeResult,
        embeddings: Embeddings | None = None,
    ) -> ThemeFinder:
        """Rebuild the engine state behind ``result`` (for split, merge and search)."""
        settings = {k: v for k, v in result.settings.items() if k in _PARAMS}
        if result.settings.get("stored_vector_dimensions") and not embeddings:
            # Without them every answer would move in a different space than the one the
            # themes were found in, and a split or search would not match the themes.
            raise AnalysisError(
                "these themes were found with stored vectors (embeddings or word vectors): "
                "pass the same ones again"
            )
        finder = cls(**settings)
        finder._prepare(responses, result.excluded_ids, embeddings)
        finder.specs_ = []
        finder.confidence_ = result.confidence
        finder.chosen_k_ = result.chosen_k
        for j, theme in enumerate(result.themes):
            finder.specs_.append(
                _Spec(theme.id, theme.name, theme.description, theme.from_codebook, theme.locked)
            )
            for member in theme.members:
                row = finder.index_.get(member.response_id)
                if row is not None and finder.labels_[row] != EXCLUDED:
                    finder.labels_[row] = j
                    finder.placed_by_[row] = member.placed_by
        for member in result.unthemed.members:
            row = finder.index_.get(member.response_id)
            if row is not None and member.reason:
                finder.unthemed_why_[row] = member.reason
        finder.result_ = finder._build_result()
        return finder

    @classmethod
    def for_search(
        cls,
        responses: Sequence[Response],
        embeddings: Embeddings | None = None,
        random_state: int = 0,
    ) -> ThemeFinder:
        """The answers in their space with no themes yet: enough for :meth:`similar`."""
        finder = cls(random_state=random_state)
        finder._prepare(responses, (), embeddings)
        finder.centres_ = np.zeros((0, finder.embedding_.shape[1]))
        return finder

    def _prepare(
        self,
        responses: Sequence[Response],
        excluded_ids: Iterable[str],
        embeddings: Embeddings | None = None,
    ) -> None:
        given = [r.id for r in responses]
        responses = _checked(responses)
        self.responses_ = responses
        self.index_ = {r.id: i for i, r in enumerate(responses)}
        # Rows are kept sorted by id; results per answer go back in the order given.
        self.given_rows_ = np.array([self.index_[rid] for rid in given], dtype=np.int64)
        n = len(responses)
        excluded = set(excluded_ids)
        self.labels_ = np.full(n, UNTHEMED, dtype=np.int64)
        self.placed_by_ = ["engine"] * n
        self.unthemed_why_: dict[int, str] = {}
        fallback = majority_language([r.text for r in responses], [r.language for r in responses])
        self.docs_: list[Document] = []
        # The answers' own words (or glosses) only: a concept's English name would label a
        # theme with a word no resident used. Read right after prepare(), while the text's
        # words are still remembered (analysis.text.text_words).
        terms: list[list[str]] = []
        for r in responses:
            doc = prepare(r.text, r.language, r.gloss, fallback)
            self.docs_.append(doc)
            terms.append(surface_terms(doc.text, doc.language))
        self.fallback_language_ = fallback
        active = []
        for i, (r, doc) in enumerate(zip(responses, self.docs_, strict=True)):
            if r.id in excluded:
                self.labels_[i] = EXCLUDED
            elif is_non_answer(r.text, r.gloss) or not doc.tokens:
                self.labels_[i] = NON_ANSWER
            else:
                active.append(i)
        self.active_ = active
        self.space_ = AnswerSpace(
            self.n_components,
            center_languages=self.center_languages,
            char_weight=self.char_weight,
            embedding_weight=self.embedding_weight,
            random_state=self.random_state,
        )
        self.embedding_ = self.space_.fit(self.docs_, [r.id for r in responses], active, embeddings)
        self.shared_direction_removed_ = bool(self.remove_shared_direction) and (
            self.space_.remove_shared_direction(self.embedding_, active)
        )
        self.labeller_ = ThemeLabeller().fit(terms, display_forms([r.text for r in responses]))
        self.confidence_ = number_of_themes.none("No themes were searched for yet.")
        self.chosen_k_ = 0

    def _assign_to_codebook(self, codebook: Codebook, free: list[int]) -> list[int]:
        """Place free answers in codebook themes they fit; return those still free."""
        if not codebook.themes or not free:
            return free
        active = set(self.active_)
        known = [
            np.flatnonzero(self.labels_ == j).tolist()
            + [self.index_[rid] for rid in t.earlier_member_ids if self.index_.get(rid) in active]
            for j, t in enumerate(codebook.themes)
        ]
        sims, floor = codebook_centres.similarities(
            codebook.themes,
            known,
            self.embedding_,
            free,
            self.space_,
            codebook_centres.rows_by_words(self.responses_, self.active_),
            self.fallback_language_,
        )
        best = sims.argmax(axis=1)
        still_free = []
        for row, j, s in zip(free, best, sims[np.arange(len(free)), best], strict=True):
            if s >= max(self.assign_similarity, floor[j]):
                self.labels_[row] = j
            else:
                still_free.append(row)
        return still_free

    def _cluster_rest(self, rows: list[int], n_existing: int) -> None:
        """Propose new themes from ``rows`` (answers no codebook theme took)."""
        lo = max(1, self.min_themes - n_existing)
        hi = self.max_themes - n_existing
        if not rows or hi < 1:
            said = "All answers were placed in the codebook's themes."
            if not n_existing:
                said = (
                    "There was nothing to theme: every answer was empty or a non-answer "
                    '(such as "nothing" or "don\'t know").'
                )
            elif rows:
                many = len(rows)
                said = (
                    f"{many} {'answer fits' if many == 1 else 'answers fit'} none of the "
                    f"codebook's themes, and the most themes allowed ({self.max_themes}) "
                    "leaves no room for new ones: try a higher maximum."
                )
            self.confidence_ = number_of_themes.none(said)
            self.chosen_k_ = n_existing
            return
        # All answers (the usual case): use the matrix itself, not a copy of it.
        z = self.embedding_ if len(rows) == len(self.embedding_) else self.embedding_[rows]
        distinct = count_distinct(z, self.random_state)
        if distinct == 1 or len(rows) < 2 * self.min_theme_size:
            if n_existing == 0:
                # Too few (or identical) answers to compare: one theme is the honest answer.
                self._add_themes(rows, np.zeros(len(rows), dtype=np.int64), 1, filter_noise=False)
                self.chosen_k_ = 1
                self.confidence_ = number_of_themes.none(
                    "There were too few different answers to compare groupings, "
                    "so they are shown as one theme."
                )
            else:
                self.chosen_k_ = n_existing
                self.confidence_ = number_of_themes.none(
                    "Too few answers were left after the codebook themes to propose new ones."
                )
            return
        hi = max(1, min(hi, len(rows) // self.min_theme_size, distinct))
        lo = min(max(lo, 2), hi)
        if hi < 2:
            self._add_themes(rows, np.zeros(len(rows), dtype=np.int64), 1, filter_noise=False)
            self.chosen_k_ = n_existing + 1
            self.confidence_ = number_of_themes.none(
                "Only one group could be formed from the answers."
            )
            return
        choice, direction = self._choose(z, rows, lo, hi)
        k = choice.k
        if (
            self.remove_shared_direction is None
            and n_existing + k >= number_of_themes.FINE
            and self.space_.remove_shared_direction(self.embedding_, self.active_, direction)
        ):
            # Fine themes: grouped without the direction every answer shares, as the
            # number was chosen (docs/benchmarks.md, 2026-12-06).
            self.shared_direction_removed_ = True
            z = self.embedding_ if len(rows) == len(self.embedding_) else self.embedding_[rows]
        # Many fine themes are always put to the neighbour vote, a few broad ones where the
        # answers' neighbours are close (analysis.grouping) and in one language: in several,
        # an answer's nearest neighbours lean to its own language (headlines in seven
        # languages: language NMI 5.9 with the vote, topic NMI 0.6 lower). Counted as the
        # latent terms count them: a few answers guessed to be in another language (Igbo
        # headlines, 89 of 1,940 "Hausa") do not make the collection several.
        if n_existing + k >= number_of_themes.FINE:
            vote: bool | None = True
        else:
            vote = False if several_languages(self.docs_[i].language for i in rows) else None
        labels = kmeans_labels(z, k, self.n_init, self.random_state, vote=vote)
        self.confidence_ = number_of_themes.confidence(choice, lo, hi, self.random_state)
        # A choice pressed against a bound the team set says more about the bound than
        # about the answers: say so, and which way to move it.
        if k == hi == self.max_themes - n_existing and hi > lo:
            self.confidence_.explanation += (
                f" {k} is the most themes allowed here: the answers may hold more; "
                "try a higher maximum."
            )
        elif k == lo == self.min_themes - n_existing and 2 < lo < hi:
            self.confidence_.explanation += (
                f" {k} is the fewest themes allowed here: try a lower minimum to see "
                "broader themes."
            )
        self._add_themes(rows, labels, k, z=z)
        self.chosen_k_ = n_existing + len({int(x) for x in self.labels_ if x >= n_existing})

    def _choose(
        self, z: np.ndarray, rows: Sequence[int], lo: int, hi: int
    ) -> tuple[number_of_themes.Choice, np.ndarray | None]:
        """How many themes ``rows`` (vectors ``z``) fall into, between ``lo`` and ``hi``,
        seen as the answers are when the number is chosen; and the direction all answers
        share, when there is one to leave out."""
        direction = None
        if self.remove_shared_direction is not False:
            direction = self.space_.shared_direction(self.embedding_, self.active_)
        choice = number_of_themes.choose(
            z,
            lo,
            hi,
            self.random_state,
            self.sample_size,
            self.space_.choosing_view(direction),
            said=self._words_of(rows),
            words=self._tokens_of(rows),
        )
        return choice, direction

    def _words_of(self, rows: Sequence[int]) -> Callable[[int], tuple[str, ...]]:
        """What the answer at position i of ``rows`` says, word for word: its clustered
        text (gloss or answer) as normalised words, so "More police!" says "more police"."""
        return lambda i: text_words(self.docs_[rows[i]].text)

    def _tokens_of(self, rows: Sequence[int]) -> Callable[[int], list[str]]:
        """The words the answer at position i of ``rows`` is clustered on (stems, no stop
        words), without the concept lexicon's tokens, which stand for many words."""
        return lambda i: [t for t in self.docs_[rows[i]].tokens if not is_concept_token(t)]

    def _language_note(self) -> str:
        """A warning when answers in several languages have nothing to link them but words.

        Without a gloss or stored vectors, answers in two languages meet only through the
        words they share and the small concept lexicon; the team should know that themes
        across languages are then the weakest part of the draft, and what would help.
        """
        if self.space_.stored_dimensions_:
            return self._less_known_note()
        # A glossed answer is clustered on its English gloss: it counts as English here.
        counts = Counter(self.docs_[i].language for i in self.active_)
        languages = sorted(lang for lang, count in counts.items() if lang and count >= 5)
        if len(languages) < 2:
            return ""
        return (
            f" The answers are in {len(languages)} languages ({', '.join(languages)}) "
            "without a gloss to join them: answers in different languages are linked only "
            "by words they share and a short list of common concerns, so themes across "
            "languages are the least certain part of this draft. English glosses, word "
            "vectors or sentence embeddings link them (see docs/analysis.md)."
        )

    def _less_known_note(self) -> str:
        """Said (and recorded) when many answers are in a language the embedding model
        knows less well and have no gloss: their themes are the least certain part."""
        from analysis.embed import LESS_KNOWN, unglossed_less_known

        counts = unglossed_less_known([self.docs_[i].language for i in self.active_])
        self.confidence_.unglossed_less_known = counts
        return "".join(
            f" {n} answers are in {LESS_KNOWN[lang]} with no English gloss: the model that "
            f"links answers by meaning knows {LESS_KNOWN[lang]} less well than most "
            "languages, so their themes are less certain. English glosses make them surer."
            for lang, n in counts.items()
        )

    def _add_themes(
        self,
        rows: list[int],
        labels: np.ndarray,
        k: int,
        *,
        filter_noise: bool = True,
        z: np.ndarray | None = None,
    ) -> None:
        """Turn cluster labels of ``rows`` into new themes, sending poor fits to unthemed.

        ``z`` is ``embedding_[rows]`` when the caller has it already (not copied twice).
        """
        if z is None:
            z = self.embedding_[rows]
        rows_arr = np.asarray(rows)
        cause = np.full(len(rows), -1, dtype=np.int64)
        if filter_noise:
            active_pos = {row: p for p, row in enumerate(self.active_)}
            coverage = self.space_.coverage_[[active_pos[r] for r in rows]]
            labels, cause = set_aside(
                z,
                labels,
                k,
                coverage,
                min_similarity=self.min_similarity,
                min_theme_size=self.min_theme_size,
                groups=np.array([self.docs_[r].source_language or "" for r in rows]),
            )
        used = sorted({int(x) for x in labels if x >= 0}, key=lambda c: (-np.sum(labels == c), c))
        base = len(self.specs_)
        for new, old in enumerate(used):
            self.specs_.append(_Spec(None))
            self.labels_[rows_arr[labels == old]] = base + new
        self.labels_[rows_arr[labels == UNTHEMED]] = UNTHEMED
        for pos in np.flatnonzero(labels == UNTHEMED):
            self.unthemed_why_[int(rows_arr[pos])] = UNTHEMED_REASONS[max(int(cause[pos]), 0)]

    # ------------------------------------------------------------------ results

    def _build_result(self) -> ThemeResult:
        result, self.centres_ = build_result(self)
        return result

    def nearest_theme_labels(self) -> np.ndarray:
        """Theme index of every response, in the order they were given to :meth:`fit`,
        unthemed ones sent to their nearest theme (an index into ``specs_``).

        Non-answers and excluded responses keep their negative codes. Benchmarks use this:
        it is the engine's grouping with no one left out.
        """
        labels = self.labels_.copy()
        loose = np.flatnonzero(labels == UNTHEMED)
        if len(loose) and len(self.centres_):
            labels[loose] = (self.embedding_[loose] @ self.centres_.T).argmax(axis=1)
        return labels[self.given_rows_]

    # ------------------------------------------------------------------ editing

    def split(self, theme_id: str, n_subthemes: int | None = None) -> ThemeResult:
        """Split one theme into sub-themes (2 to 6, chosen like k unless given)."""
        j = self._theme_index(theme_id)
        rows = np.flatnonzero(self.labels_ == j)
        if len(rows) < 4:
            raise AnalysisError(f"theme {theme_id!r} has {len(rows)} answers: too few to split")
        z = self.embedding_[rows]
        hi = min(6, len(rows) // 2)
        if n_subthemes is not None:
            if not 2 <= n_subthemes <= len(rows) // 2:
                raise AnalysisError(f"cannot split {len(rows)} answers into {n_subthemes} themes")
            k = n_subthemes
        else:
            # Chosen as the themes' number was: without the latent terms or the direction
            # every answer shares, each answer said word for word counted a few times.
            k = self._choose(z, rows.tolist(), 2, hi)[0].k
        labels = kmeans_labels(z, k, self.n_init, self.random_state)
        old_spec = self.specs_[j]
        # The first sub-theme takes the old slot; the others are appended.
        order = sorted(range(k), key=lambda c: (-np.sum(labels == c), c))
        for rank, c in enumerate(order):
            target = j if rank == 0 else len(self.specs_)
            if rank > 0:
                self.specs_.append(_Spec(None))
            else:
                self.specs_[j] = _Spec(None)
            self.labels_[rows[labels == c]] = target
            for r in rows[labels == c]:
                if self.placed_by_[r] != "codebook":
                    self.placed_by_[r] = "engine"
        del old_spec
        self.result_ = self._build_result()
        return self.result_

    def merge(self, theme_ids: Sequence[str], name: str | None = None) -> ThemeResult:
        """Merge themes into the first one named; ``name`` names the merged theme."""
        if len(theme_ids) < 2:
            raise AnalysisError("name at least two themes to merge")
        indices = [self._theme_index(t) for t in theme_ids]
        target = indices[0]
        for j in indices[1:]:
            self.labels_[self.labels_ == j] = target
        spec = self.specs_[target]
        keep = [j for j in range(len(self.specs_)) if j not in indices[1:]]
        remap = {old: new for new, old in enumerate(keep)}
        self.labels_ = np.array([remap.get(int(x), x) if x >= 0 else x for x in self.labels_])
        self.specs_ = [self.specs_[j] for j in keep]
        if name:
            spec.name = name
        self.result_ = self._build_result()
        return self.result_

    def similar(self, query: str | Sequence[str], k: int = 10) -> list[tuple[str, float]]:
        """Responses most like a text, or like the responses with the given ids."""
        if isinstance(query, str):
            doc = prepare(query, None, None, self.fallback_language_)
            if not doc.tokens:
                raise AnalysisError("the search text has no words to compare")
            vector = self.space_.transform([doc])[0]
            seeds: set[int] = set()
        else:
            missing = [q for q in query if q not in self.index_]
            if missing:
                raise AnalysisError(f"unknown response id(s): {', '.join(map(str, missing))}")
            seeds = {self.index_[q] for q in query}
            vector = normalize(self.embedding_[sorted(seeds)].mean(axis=0, keepdims=True))[0]
        candidates = np.asarray([i for i in self.active_ if i not in seeds], dtype=np.int64)
        if not len(candidates) or not np.any(vector):
            return []
        sims = self.embedding_[candidates] @ vector
        order = np.argsort(-sims, kind="stable")[:k]
        return [(self.responses_[candidates[i]].id, rounded(float(sims[i]))) for i in order]

    def place(
        self, responses: Sequence[Response], embeddings: Embeddings | None = None
    ) -> list[Placement]:
        """New answers into the current themes, without clustering again (see
        :mod:`analysis.placing`): a :class:`Placement` each, in the input order."""
        from analysis.placing import place

        return place(self, responses, embeddings)

    def _theme_index(self, theme_id: str) -> int:
        for j, spec in enumerate(self.specs_):
            if spec.id == theme_id and np.any(self.labels_ == j):
                return j
        raise AnalysisError(f"there is no theme with id {theme_id!r}")


# What get_params() and a saved result's settings hold: the constructor's parameters, read
# from its signature as scikit-learn does, so a new parameter cannot be left out.
_PARAMS = tuple(inspect.signature(ThemeFinder.__init__).parameters)[1:]


def _checked(responses: Sequence[Response]) -> list[Response]:
    if not responses:
        raise AnalysisError("there are no responses to analyse")
    seen: set[str] = set()
    for r in responses:
        if not isinstance(r, Response):
            raise AnalysisError(f"expected Response objects, got {type(r).__name__}")
        if r.id in seen:
            raise AnalysisError(f"response id {r.id!r} appears more than once")
        seen.add(r.id)
    # Sorting by id makes the result independent of the order answers arrive in.
    return sorted(responses, key=lambda r: r.id)


# ---------------------------------------------------------------------- functions


def find_themes(
    responses: Sequence[Response],
    *,
    min_themes: int = 2,
    max_themes: int = DEFAULT_MAX_THEMES,
    codebook: Codebook | None = None,
    random_state: int = 0,
    embeddings: Embeddings | None = None,
    **options: Any,
) -> ThemeResult:
    """Candidate themes for ``responses``, keeping the decisions in ``codebook``.

    ``embeddings`` optionally maps response ids to stored vectors (see
    :meth:`ThemeFinder.fit`);
    ``options`` are further :class:`ThemeFinder` parameters.
    """
    finder = ThemeFinder(min_themes, max_themes, random_state=random_state, **options)
    return finder.fit(responses, codebook, embeddings).result_
