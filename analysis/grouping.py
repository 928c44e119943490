"""k groups of answer vectors: plain k-means, or k-means on finer groups merged back to k,
whichever groups more of the answers with their nearest neighbours.

k-means alone, given many themes of very different sizes, splits the large ones and folds
small ones into their neighbours: on Tweet (89 classes, 1 to 200 answers each) it matched
63.8 % of answers to their class, and 78.3 % when 3k fine groups were merged down to k by
Ward's criterion, each fine group counted once. On broad topics the merging loses instead
(MasakhaNEWS English 64.4 → 42.0). Neither is right everywhere, so both are made and the
one with the higher modularity on a neighbour graph of the answers is kept: the measure
that also chooses k (:mod:`analysis.number_of_themes`). docs/benchmarks.md has the figures.
For a few broad themes, a grouping of the graph's sample found by random swap is among the
candidates: there k-means has few optima, far apart, and three starts often miss the best.

With many fine themes, each answer then joins the theme most of its nearest neighbours are
in (:func:`neighbour_vote`): k-means draws straight borders between many small groups and
cuts some off their own; a neighbour vote mends that (Banking77, Tweet and StackOverflow
gained 0.8-2 points of accuracy). Between a few broad topics it helped where answers'
nearest neighbours are about as alike to them as the middle of all answers is
(:func:`neighbours_closeness`): there (SearchSnippets; headlines in Hausa, Oromo, Somali,
Swahili, Pidgin) NMI rose 1.7-4.6 points; elsewhere (MasakhaNEWS and SIB-200 English,
French and Amharic headlines) the larger topics took in their borders and it fell 0.7-3.8.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

from analysis.geometry import count_distinct, knn_graph, modularity
from analysis.number_of_themes import FINE

# Above this many rows the groups are found on a seeded sample of this size, and one
# k-means run on all rows starts from their centres: at 100,000 answers, three full runs
# took 15-20 s of a themes run (every benchmark set is at most this size, so none is
# sampled).
KMEANS_FIT_ROWS = 20_000
# Fine groups per theme before merging, and the fewest answers for trying it at all: below
# a few hundred answers, or a handful per fine group, the fine groups are noise.
FINE_PER_THEME = 3
MERGE_FROM = 200
MIN_PER_FINE_GROUP = 4
# Rows of the neighbour graph the candidates are compared on (as for choosing k).
GRAPH_ROWS = 3000
# Below FINE themes, one more candidate is searched for on those rows alone, by "random
# swap" (Franti, 2018): the best of a few k-means starts, then again and again one centre
# moved onto a random answer and k-means rounds run from there, kept when modularity rose.
# A few broad topics have few k-means optima, far apart, and three starts on all rows often
# miss the best: on SearchSnippets at the true 8 they found the one matching 78 % of answers
# in two seeds of six (65-66 % in the rest); twenty starts on the sample in four of six;
# random swap matched 74.7-85.2 % in all six (NMI 59.6-67.2, against 51.4-59.8).
# docs/benchmarks.md, 2026-12-08.
SAMPLE_STARTS = 5
# ... from this many answers: the smallest benchmark set it helped had 564 (its one set
# under 500 gained nothing), and its second or two on every smaller question added up.
SEARCH_FROM = 500
SWAPS = 60
SWAP_ROUNDS = 10
# The neighbour vote: each answer's nearest neighbours, and rounds at most.
VOTE_NEIGHBOURS = 10
VOTE_ROUNDS = 5
# Below FINE themes, the vote is taken where the answers' neighbours are at most this much
# less alike to them (cosine) than the middle of all answers is (neighbours_closeness):
# -0.014 to +0.012 on the sets it helped, -0.021 to -0.042 where it did not
# (docs/benchmarks.md, 2026-12-07).
VOTE_CLOSENESS = -0.018


def kmeans_labels(
    z: np.ndarray, k: int, n_init: int, seed: int, *, vote: bool | None = False
) -> np.ndarray:
    """k groups of the rows of ``z`` (unit vectors): a label in ``range(k)`` per row, then
    put to :func:`neighbour_vote` if ``vote`` is True (many fine themes), or None and the
    rows' neighbours are close (:data:`VOTE_CLOSENESS`). Up to :data:`KMEANS_FIT_ROWS`
    rows: past that, every row's neighbours would take longer than the rest of the run
    (3.5 s for 20,000 rows), and the last k-means round on all rows places them by
    centres, so a vote on the sample would only move the centres a little."""
    if len(z) <= KMEANS_FIT_ROWS:
        labels = best_grouping(z, k, n_init, seed)
        if vote is False or k < 2 or len(z) <= VOTE_NEIGHBOURS:
            return labels
        near = nearest_neighbours(z)
        if vote or neighbours_closeness(z, near) >= VOTE_CLOSENESS:
            return neighbour_vote(z, labels, k, near)
        return labels
    rng = np.random.default_rng(seed)
    sample = z[np.sort(rng.choice(len(z), KMEANS_FIT_ROWS, replace=False))]
    # No search on a sample of the sample: its few seconds would take 100,000 answers past
    # the minute (65 s before it on this benchmark's machine, 78 s with it).
    labels = best_grouping(sample, k, n_init, seed, search=False)
    centres = np.vstack([sample[labels == c].mean(axis=0) for c in range(k)])
    # tol=0: run until no answer changes group. The default tolerance is scaled by the
    # rows' variance, and computing it on 100,000 x 484 numbers took 4-7 s, four times the
    # run itself (which, from these centres, settles in about 20 rounds).
    final = KMeans(k, init=centres, n_init=1, tol=0, max_iter=100, random_state=seed)
    return np.asarray(final.fit_predict(z))


def nearest_neighbours(z: np.ndarray) -> np.ndarray:
    """Each row's :data:`VOTE_NEIGHBOURS` nearest other rows (indices, nearest first)."""
    # Asked without rows, the index leaves each row out of its own neighbours, even where
    # many answers are copies of it (as the neighbour graph is made).
    found = NearestNeighbors(n_neighbors=VOTE_NEIGHBOURS).fit(z).kneighbors(return_distance=False)
    return np.asarray(found)


def neighbours_closeness(z: np.ndarray, near: np.ndarray) -> float:
    """How much more alike (cosine) the rows are to their ``near`` neighbours than to the
    middle of all rows, on average. Near 0 or above where a model has drawn the answers
    into a narrow cone, each with its neighbours about as close as the middle (as e5 does
    with languages it knows less well); well below 0 where answers spread out and each is
    nearer the middle than to any one other answer."""
    unit = normalize(z)
    to_neighbours = np.mean(
        [np.einsum("ij,ij->i", unit, unit[near[:, j]]) for j in range(near.shape[1])], axis=0
    )
    to_middle = float(np.linalg.norm(unit.mean(axis=0)))
    return float(np.mean(to_neighbours)) - to_middle


def neighbour_vote(
    z: np.ndarray,
    labels: np.ndarray,
    k: int,
    near: np.ndarray | None = None,
    rounds: int = VOTE_ROUNDS,
) -> np.ndarray:
    """``labels`` with each row moved to the group most of its :data:`VOTE_NEIGHBOURS`
    nearest neighbours (``near``, found if not given) are in, its own group counting once
    more and keeping a tie; all rows at once, for ``rounds`` rounds or until none moves."""
    if k < 2 or len(z) <= VOTE_NEIGHBOURS:
        return labels
    if near is None:
        near = nearest_neighbours(z)
    rows = np.arange(len(z))
    labels = np.asarray(labels).copy()
    for _ in range(rounds):
        votes = np.zeros((len(z), k))
        np.add.at(votes, (np.repeat(rows, VOTE_NEIGHBOURS), labels[near].ravel()), 1.0)
        votes[rows, labels] += 1.0
        moved = votes.argmax(axis=1)
        stay = votes[rows, labels] >= votes[rows, moved]
        moved[stay] = labels[stay]
        if np.array_equal(moved, labels):
            break
        labels = moved
    return labels


def best_grouping(
    z: np.ndarray, k: int, n_init: int, seed: int, *, search: bool = True
) -> np.ndarray:
    """Of ``n_init`` k-means starts, below :data:`FINE` themes from :data:`SEARCH_FROM`
    answers (and with ``search``) a grouping found on a sample by random swap
    (:func:`_best_on_sample`), and, on enough
    answers, fine groups merged back to k, the grouping with the highest modularity on the
    answers' neighbour graph.

    Starts are compared on modularity, not on k-means' own inertia: on SearchSnippets
    sixteen starts at the true 8 differed by 1 % in inertia, which did not follow the
    classes, while modularity did (the three highest matched 73-77 % of answers, the rest
    54-66 %); docs/benchmarks.md, 2026-12-06.
    """
    if k < 2 or len(z) < MERGE_FROM:  # a small graph's modularity is noise
        return np.asarray(KMeans(k, n_init=n_init, random_state=seed).fit_predict(z))
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(z), min(GRAPH_ROWS, len(z)), replace=False))
    graph = knn_graph(z[rows], n_neighbors=10)

    def best(candidates: list[np.ndarray]) -> np.ndarray:
        scores = [modularity(graph, labels[rows], k) for labels in candidates]
        return candidates[int(np.argmax(scores))]  # a tie keeps the first

    starts = [
        np.asarray(KMeans(k, n_init=1, random_state=seed + 1000 * start).fit_predict(z))
        for start in range(max(1, n_init))
    ]
    searched = search and k < FINE and len(z) >= SEARCH_FROM
    on_sample = _best_on_sample(z, rows, graph, k, seed) if searched else None
    if on_sample is not None:
        starts.append(on_sample)
    plain = best(starts)
    fine_k = FINE_PER_THEME * k
    if len(z) < MIN_PER_FINE_GROUP * fine_k:
        return plain
    if count_distinct(z, seed) < fine_k:  # many answers alike: no finer groups to find
        return plain
    fine = KMeans(fine_k, n_init=1, random_state=seed).fit(z)
    sizes = np.bincount(fine.labels_, minlength=fine_k).astype(np.float64)
    candidates = [plain]
    # Counted by size, a small fine group is merged first (Ward's cost grows with size):
    # right for broad topics. Counted once, small groups keep their own theme: right for
    # many themes of uneven size.
    for weights in (sizes, np.ones(fine_k)):
        group = ward_merge(fine.cluster_centers_, weights, k)
        centres = np.zeros((k, z.shape[1]))
        np.add.at(centres, group, fine.cluster_centers_ * (sizes[:, None] + 1e-9))
        centres /= np.bincount(group, weights=sizes + 1e-9, minlength=k)[:, None]
        candidates.append(
            np.asarray(KMeans(k, init=centres, n_init=1, random_state=seed).fit_predict(z))
        )
    return best(candidates)  # a tie keeps the best plain start


def _best_on_sample(
    z: np.ndarray, rows: np.ndarray, graph: sparse.csr_matrix, k: int, seed: int
) -> np.ndarray | None:
    """k-means on all of ``z`` from the centres of the best grouping of ``z[rows]`` that
    random swap finds (:data:`SAMPLE_STARTS`, :data:`SWAPS`), judged by modularity on
    ``graph`` (their neighbour graph). A k-means run on 3,000 rows costs a fraction of one on
    all of them, so many can be tried. None when the sample has fewer than k different rows."""
    sample = z[rows]
    starts = [
        KMeans(k, n_init=1, random_state=seed + 1000 * start + 500).fit(sample)
        for start in range(SAMPLE_STARTS)
    ]
    scores = [modularity(graph, fitted.labels_, k) for fitted in starts]
    best = starts[int(np.argmax(scores))]
    found, top, centres = best.labels_, max(scores), best.cluster_centers_
    rng = np.random.default_rng(seed)
    for _ in range(SWAPS):
        moved = centres.copy()
        moved[rng.integers(k)] = sample[rng.integers(len(sample))]
        fitted = KMeans(k, init=moved, n_init=1, max_iter=SWAP_ROUNDS).fit(sample)
        score = modularity(graph, fitted.labels_, k)
        if score > top:
            found, top, centres = fitted.labels_, score, fitted.cluster_centers_
    if len(np.unique(found)) < k:
        return None
    means = np.vstack([sample[found == c].mean(axis=0) for c in range(k)])
    return np.asarray(KMeans(k, init=means, n_init=1, random_state=seed).fit_predict(z))


def ward_merge(centres: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Merge weighted points down to ``k`` groups by Ward's criterion (the merge that adds
    least to the within-group sum of squares first); the group (0..k-1) of each point."""
    c = np.asarray(centres, dtype=np.float64).copy()
    w = np.asarray(weights, dtype=np.float64).copy()
    m = len(c)
    group = np.arange(m)
    alive = np.ones(m, dtype=bool)
    squared = np.einsum("ij,ij->i", c, c)
    distance = np.maximum(squared[:, None] + squared[None, :] - 2 * c @ c.T, 0)
    cost = w[:, None] * w[None, :] / (w[:, None] + w[None, :]) * distance
    np.fill_diagonal(cost, np.inf)
    for _ in range(m - k):
        i, j = np.unravel_index(int(np.argmin(cost)), cost.shape)
        c[i] = (w[i] * c[i] + w[j] * c[j]) / (w[i] + w[j])
        w[i] += w[j]
        alive[j] = False
        group[group == j] = i
        cost[j, :] = np.inf
        cost[:, j] = np.inf
        row = w * w[i] / (w + w[i]) * np.einsum("ij,ij->i", c - c[i], c - c[i])
        row[~alive] = np.inf
        row[i] = np.inf
        cost[i, :] = row
        cost[:, i] = row
    _, labels = np.unique(group, return_inverse=True)
    return np.asarray(labels)
