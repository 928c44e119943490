"""How many themes: choosing k, and saying how sure the engine is, in numbers and words.

Two looks at a nearest-neighbour graph of (a sample of) the answers:

1. **Modularity.** Each candidate k (every one up to 12, then geometric steps) is tried
   with k-means; a grouping scores by how much more often answers' nearest neighbours fall
   in their own group than chance would put them there. The score rises and then
   flattens; the smallest k within 2 % of the best is taken (within 5 % took 4 for 7 where
   topics pair up under broader subjects). It is right for broad topics, but the
   graph's size, not the answers, sets where it flattens: near 12-30 whether there are
   20, 77 or 89 human classes.
2. **The graph's spectrum.** The normalised Laplacian of a 10-neighbour graph has one
   eigenvalue near zero for each group the graph falls into; the largest gap between
   consecutive eigenvalues says how many groups it falls into most clearly. On small or
   noisy sets the gap sits anywhere; on large sets with many fine groups it lands near the
   human number (20-22 for 20, 82-87 for 89, 54-85 for 77 over three seeds). So the
   spectrum's answer is taken only when it is 12 or more, more than modularity's, and at
   least half as many again as the smallest k within 5 % of modularity's best (the
   coarsest reading modularity allows): finer structure that modularity cannot see. The
   gap is looked for from two thirds of that coarsest reading: a clear split just below
   it (6 groups where modularity says 7) outweighs a finer gap that is noise (20 for 7
   topics when the search began at 7), while a split into two or three camps far below
   it (answers from two sources) does not hide the fine groups within them. With a
   sample, the median over three samples is used. Fifteen neighbours blurred groups of
   fewer than about 40 answers in a sample into their neighbours (43 for 77 intents of
   30 answers each, 57 for 89 kinds of tweet).
3. **Telling words.** The spectrum counts groups of some 25-50 answers whatever they are,
   and a few concerns asked in many ways (a bank's customers: "card not arrived", "still
   waiting for my card") split into the ways they are asked: 6 intents got 30 themes. So
   its groups must also differ in what they say: when, within modularity's themes, each
   finer group shares on average 40 % or more of its five telling words (highest mean
   TF-IDF) with a sibling, they are ways of saying one thing, and modularity's number
   stands (:func:`shared_telling_words`).

Both looks may see each sample through a view: a collection's stored sentence embeddings
without the direction they all share (``AnswerSpace.choosing_view``). In both, an answer
that many gave in the same words is counted at most three times (``COPIES``).

(docs/benchmarks.md records what else was tried: silhouette, Calinski-Harabasz,
Davies-Bouldin, subsample stability, HDBSCAN.)
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh
from scipy.sparse.csgraph import laplacian
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, silhouette_score

from analysis.geometry import (
    candidate_ks,
    count_distinct,
    first_copies,
    knn_graph,
    modularity,
)
from analysis.model import Confidence

# k-means starts tried for each candidate number of themes; the best one's modularity counts.
K_STARTS = 3
# Within this share of the best modularity counts as "as good": the smallest such k is
# modularity's number. Within 5 % it was 4 for 7 on four broad sets (docs/benchmarks.md).
# The same at every size: it grew towards 5 % below 1,000 answers while each k scored by
# the mean of its starts (one bad start dipped the true number), and then took 3-5 themes
# for 6-8 topics in 100-300 answers (docs/benchmarks.md, 2026-12-07, small questions).
AS_GOOD = 0.02
# ... and within this share as "nearly as good": said in the explanation, and the
# smallest such k is where the spectrum starts to look for finer structure.
NEARLY = 0.05
# The spectrum's number replaces modularity's only when it is at least this many times the
# smallest k nearly as good (NEARLY): the coarsest reading modularity allows.
FINER = 1.5
# ... and at least this many: below it modularity sees the groups itself, and the spectrum
# of broad topics is noise (it read up to 10 for six news topics; 5 to 9 and 7 to 13
# between seeds before the search started at two thirds of the coarsest reading). It was
# 20, and 15-20 concerns among 500-1,000 answers then got modularity's 6-11 where the
# spectrum read 14-19 (docs/benchmarks.md, 2026-12-07).
MANY = 12
# Themes this many or more are fine themes (``ThemeFinder`` groups them without the
# direction every answer shares).
FINE = 20
# Neighbours in the spectrum's graph: fewer than the smallest groups it should see.
SPECTRAL_NEIGHBOURS = 10
SPECTRAL_SAMPLES = 3
# The spectrum is read on at most this many answers of a sample: its matrix is held dense
# (4,000 answers: 128 MB).
SPECTRAL_MOST = 4000
# Copies of one answer in a sample, at most. Copies are each other's nearest neighbours, so
# an answer many people gave ("more police", "More police!") made a group of its own in
# the graph: 1,000 short answers on 8 concerns got 41-89 themes, one per way of saying it
# (docs/benchmarks.md). Three keeps a common answer weightier than a rare one while most
# of an answer's 10 neighbours are other answers.
COPIES = 3
# A fine group's telling words: its highest mean TF-IDF words, this many.
TELLING_WORDS = 5
# The spectrum's groups are ways of saying one thing, not themes, when within modularity's
# themes each shares at least this share of its telling words with a sibling on average.
# The spectrum counts groups of some 25-50 answers whatever the answers are: Banking77 cut
# to 6-30 intents got 27-135 themes, each intent split by how it is asked. There sibling
# groups shared 0.45-0.55 of their five telling words; where the fine groups are the human
# classes, 0.05-0.36 (Tweet and cuts of it, StackOverflow, all of Banking77;
# docs/benchmarks.md, 2026-12-07).
SAME_WORDS = 0.4


@dataclass(frozen=True)
class Choice:
    k: int
    k_scores: dict[int, float]  # modularity of each k tried
    modularity_k: int  # what modularity alone would take
    spectral_k: int | None  # where the graph's spectrum splits most clearly, if looked at
    sample: np.ndarray
    sample_labels: np.ndarray  # k-means on the sample at k
    copies_left_out: int = 0  # answers said word for word more than COPIES times
    # The spectrum's finer groups, when they were set aside as ways of saying the same thing.
    rephrasings: int | None = None


def _sample(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(rng.choice(n, size, replace=False))


def spectral_k(sample: np.ndarray, lo: int, hi: int) -> int | None:
    """The number of groups in [lo, hi] after which the graph's eigenvalues jump most."""
    if len(sample) > SPECTRAL_MOST:  # rows evenly spaced through an already random sample
        sample = sample[np.linspace(0, len(sample) - 1, SPECTRAL_MOST).astype(np.int64)]
    n_neighbors = max(2, min(SPECTRAL_NEIGHBOURS, len(sample) // 4))
    wanted = min(hi + 1, len(sample) - 2)
    if wanted <= lo:
        return None
    lap = laplacian(knn_graph(sample, n_neighbors), normed=True)
    # All of a sample's smallest eigenvalues at once, from the dense matrix: for a sample
    # of 3,000 its cost does not grow with hi, where shift-invert Lanczos took twice as
    # long for 200 as for 100 (and could fail to converge).
    values = eigh(lap.toarray(), eigvals_only=True, subset_by_index=[0, wanted - 1])
    gaps = np.diff(values)  # gaps[i]: between the (i+1)-th and (i+2)-th
    ks = np.arange(1, len(gaps) + 1)
    allowed = (ks >= lo) & (ks <= hi)
    if not allowed.any():
        return None
    return int(ks[allowed][np.argmax(gaps[allowed])])


def choose(
    z: np.ndarray,
    lo: int,
    hi: int,
    random_state: int,
    sample_size: int,
    view: Callable[[np.ndarray], np.ndarray] | None = None,
    said: Callable[[int], Hashable] | None = None,
    words: Callable[[int], Sequence[str]] | None = None,
) -> Choice:
    """Pick k in [lo, hi] for the rows of ``z`` (unit vectors), each sample of them seen
    through ``view`` when given (:meth:`analysis.answer_space.AnswerSpace.choosing_view`).

    ``said(row)``, when given, is the same for rows whose answers say the same words: each
    such answer is counted at most :data:`COPIES` times in a sample. ``words(row)``, when
    given, are the row's words: the spectrum's finer groups must differ in them
    (:func:`shared_telling_words`).
    """
    rng = np.random.default_rng(random_state)
    left_out = []
    picked = []

    def sample_of(rows: np.ndarray) -> np.ndarray:
        at = _sample(len(rows), sample_size, rng)
        if said is not None:
            kept = first_copies([said(int(row)) for row in at], COPIES)
            left_out.append(len(at) - int(kept.sum()))
            at = at[kept]
        picked.append(at)
        sample = rows if len(at) == len(rows) else rows[at]
        return view(sample) if view is not None else sample

    sample = sample_of(z)
    copies = left_out[0] if left_out else 0
    graph = knn_graph(sample, n_neighbors=max(2, min(10, len(sample) // 4)))
    scores: dict[int, float] = {}
    fits: dict[int, np.ndarray] = {}
    different = count_distinct(sample, random_state)
    for k in candidate_ks(lo, hi):
        if k >= different:  # k-means cannot make more groups than there are points
            continue
        # Three k-means starts, and k scores by the best of them: the grouping kept at k
        # (one start alone moved the choice: 9, 12 or 16 themes on one set from seed to
        # seed). Their mean dipped at the true number when one start went wrong, and the
        # number below then came within 2 % of the best: 6 for 7 concerns under four
        # subjects, once every number up to 12 was tried (docs/benchmarks.md).
        runs = [
            KMeans(k, n_init=1, random_state=random_state + r).fit_predict(sample)
            for r in range(K_STARTS)
        ]
        starts = [modularity(graph, labels, k) for labels in runs]
        scores[k] = float(np.max(starts))
        fits[k] = runs[int(np.argmax(starts))]
    if not scores:
        return Choice(lo, {}, lo, None, sample, np.zeros(len(sample), dtype=np.int64), copies)
    by_modularity = _smallest_within(scores, AS_GOOD)
    coarsest = _smallest_within(scores, NEARLY)
    # The fewest groups the spectrum is heard for: below it modularity sees them itself.
    fewest = max(MANY, FINER * coarsest)
    found = None
    if hi >= fewest:
        start = max(lo, int(coarsest / FINER))
        looks = [sample] + [
            sample_of(z) for _ in range(SPECTRAL_SAMPLES - 1) if len(z) > sample_size
        ]
        ks = [k for k in (spectral_k(s, start, hi) for s in looks) if k is not None]
        found = int(statistics.median_low(ks)) if ks else None
    rephrasings = None
    if found is not None and found > by_modularity and found >= fewest:
        labels = KMeans(found, n_init=1, random_state=random_state).fit_predict(sample)
        if (
            words is None
            or shared_telling_words(
                [words(int(row)) for row in picked[0]], fits[by_modularity], labels
            )
            < SAME_WORDS
        ):
            return Choice(found, scores, by_modularity, found, sample, labels, copies)
        rephrasings = found
    return Choice(
        by_modularity,
        scores,
        by_modularity,
        found,
        sample,
        fits[by_modularity],
        copies,
        rephrasings,
    )


def shared_telling_words(
    said: Sequence[Sequence[str]], coarse: np.ndarray, fine: np.ndarray
) -> float:
    """How far finer groups share their telling words with a sibling: the mean, over fine
    groups with a sibling (a fine group mostly in the same coarse group), of the largest
    share of its :data:`TELLING_WORDS` it has in common with one."""
    if not any(said):
        return 0.0
    try:
        x = TfidfVectorizer(analyzer=_as_given, min_df=2).fit_transform(said)
    except ValueError:  # no word said twice
        return 0.0
    groups = np.unique(fine)
    parent = np.array([np.bincount(coarse[fine == g]).argmax() for g in groups])
    telling = []
    for g in groups:
        mean = np.asarray(x[fine == g].mean(axis=0)).ravel()
        # Only words the group says: a group of answers with no word said twice (emoji,
        # numbers) has no telling words, rather than the vocabulary's first five.
        top = np.argsort(-mean)[:TELLING_WORDS]
        telling.append({int(w) for w in top if mean[w] > 0})
    shares = []
    for i in range(len(groups)):
        siblings = [j for j in range(len(groups)) if j != i and parent[j] == parent[i]]
        if siblings:
            shares.append(max(len(telling[i] & telling[j]) for j in siblings) / TELLING_WORDS)
    return float(np.mean(shares)) if shares else 0.0


def _as_given(words: Sequence[str]) -> Sequence[str]:
    return words


def _smallest_within(scores: dict[int, float], share: float) -> int:
    """The smallest k whose score is within ``share`` of the best; written so that it holds
    when every score is negative (answers with nothing in common: no grouping beats chance)."""
    top = max(scores.values())
    return min(k for k, q in scores.items() if q >= top - share * abs(top))


def confidence(choice: Choice, lo: int, hi: int, random_state: int) -> Confidence:
    """How sure: the silhouette of the choice and its agreement with re-runs, in words."""
    sample, labels, k = choice.sample, choice.sample_labels, choice.k
    silhouette = 0.0
    if len(set(labels.tolist())) > 1:
        silhouette = float(silhouette_score(sample, labels, metric="euclidean"))
    agreements = []
    for seed in (1, 2):
        other = KMeans(k, n_init=1, random_state=random_state + seed).fit_predict(sample)
        agreements.append(adjusted_rand_score(labels, other))
    stability = float(np.mean(agreements)) if agreements else 1.0
    if stability >= 0.75 and silhouette >= 0.05:
        level = "high"
    elif stability >= 0.5:
        level = "medium"
    else:
        level = "low"
    words = [how_k_was_chosen(choice, lo, hi, silhouette)]
    words.append(
        f"Re-running with other seeds gave a grouping that agrees {stability:.0%} "
        "(adjusted Rand index) with this one, so confidence is "
        f"{level}."
    )
    if level != "high":
        words.append("Treat the boundaries between themes as a first draft to review.")
    return Confidence(
        silhouette=round(silhouette, 4),
        stability=round(stability, 4),
        k_scores={kk: round(v, 4) for kk, v in sorted(choice.k_scores.items())},
        level=level,
        explanation=" ".join(words),
        modularity_k=choice.modularity_k,
        spectral_k=choice.spectral_k,
        repeats_left_out=choice.copies_left_out,
        rephrasings=choice.rephrasings,
    )


def how_k_was_chosen(choice: Choice, lo: int, hi: int, silhouette: float) -> str:
    """How the number of themes was chosen, and which other numbers came close, in words."""
    k, k_scores = choice.k, choice.k_scores
    if len(k_scores) <= 1:
        return (
            f"{k} themes: the only number the bounds allowed ({lo} to {hi}) "
            f"(silhouette {silhouette:.2f})."
        )
    tried = sorted(k_scores)
    best = max(k_scores.values())
    first = choice.modularity_k
    close = [c for c in tried if c != first and k_scores[c] >= best - NEARLY * abs(best)]
    text = (
        f"Tried {len(tried)} numbers of themes from {tried[0]} to {tried[-1]}. With {first}, "
        "answers that are alike fell in the same theme about as often as with any larger "
        f"number (neighbour-graph modularity {k_scores.get(first, 0.0):.2f}; best {best:.2f})."
    )
    if close:
        listed = ", ".join(str(c) for c in close[:-1])
        listed = f"{listed} and {close[-1]}" if listed else str(close[-1])
        text += f" {listed} {'was' if len(close) == 1 else 'were'} nearly as good."
    else:
        text += " No other number came close."
    if k != first:
        text += (
            f" But the answers' neighbour graph splits most clearly into {k} groups: finer "
            f"groups than this measure can see, so {k} themes are "
            f"suggested (silhouette {silhouette:.2f})."
        )
    else:
        if choice.rephrasings:
            text += (
                f" The answers' neighbour graph also splits into {choice.rephrasings} smaller "
                "groups, but within a theme those groups share their most telling words: "
                "ways of saying the same thing, not themes of their own."
            )
        text += f" So {k} themes are suggested (silhouette {silhouette:.2f})."
    if choice.copies_left_out:
        many = choice.copies_left_out
        text += (
            f" {many} {'answer' if many == 1 else 'answers'} repeating another word for word "
            f"{'was' if many == 1 else 'were'} left out of that comparison (each answer counts "
            f"at most {COPIES} times there), or a phrase many people used would have been a "
            "theme of its own."
        )
    return text


def none(explanation: str) -> Confidence:
    """No choice was made (too few answers, or the codebook took them all)."""
    return Confidence(
        silhouette=0.0, stability=1.0, k_scores={}, level="low", explanation=explanation
    )
