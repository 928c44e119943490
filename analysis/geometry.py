"""Geometry of answer vectors for the theme engine: neighbour graphs, modularity, centres.

Plain functions on numpy arrays (rows are unit-length answer vectors), no engine state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np
from scipy import sparse
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize


def candidate_ks(
    lo: int, hi: int, steps: int = 14, span: float = 50.0, every_up_to: int = 12
) -> list[int]:
    """The numbers of themes tried between ``lo`` and ``hi``: every one up to
    ``every_up_to``, and ``steps`` spaced geometrically over up to ``span`` times ``lo``,
    past that the same ratio on to ``hi`` (so that a higher maximum adds numbers at the top
    and does not move the ones below, which the choice among broad topics was tuned on).

    Every number up to 12: a survey question's themes are most often that few, and there a
    step skipped is a large share. With the steps alone (2, 3, 4, 5, 7, 9, 12 ...) six, eight,
    ten and eleven clear concerns could only get 5, 7 or 9 themes."""
    if hi - lo + 1 <= steps:
        return list(range(lo, hi + 1))
    if hi <= span * lo:
        grid = np.geomspace(lo, hi, steps)
    else:
        ratio = span ** (1 / (steps - 1))
        grid = lo * ratio ** np.arange(int(np.log(hi / lo) / np.log(ratio)) + 1)
    every = set(range(lo, min(hi, every_up_to) + 1))
    return sorted({int(round(x)) for x in grid} | {lo, hi} | every)


def knn_graph(z: np.ndarray, n_neighbors: int) -> sparse.csr_matrix:
    """Symmetric 0/1 graph linking each answer to its nearest neighbours (cosine)."""
    n_neighbors = min(n_neighbors, len(z) - 1)
    graph = NearestNeighbors(n_neighbors=n_neighbors).fit(z).kneighbors_graph(mode="connectivity")
    graph = ((graph + graph.T) > 0).astype(np.float64)
    return sparse.csr_matrix(graph)


def modularity(graph: sparse.csr_matrix, labels: np.ndarray, k: int) -> float:
    """Newman's modularity of a grouping of the graph's nodes."""
    degree = np.asarray(graph.sum(axis=1)).ravel()
    total = degree.sum()
    if total == 0:
        return 0.0
    member = sparse.csr_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels))
    )
    inside = (member @ graph @ member.T).diagonal().sum() / total
    share = member @ degree / total
    return float(inside - np.sum(share**2))


def centres_of(z: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    centres = np.zeros((k, z.shape[1]))
    for c in range(k):
        members = z[labels == c]
        if len(members):
            centres[c] = members.mean(axis=0)
    return normalize(centres)


def leave_one_out_similarity(z: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Each answer's cosine similarity to its theme's centre computed without itself.

    In a small theme an answer's own weight in the centre would make even an unrelated
    answer look like it belongs. Computed from dot products with the themes' sums (n x k),
    never from an n x d matrix of "centre without me" vectors.
    """
    sums = np.zeros((k, z.shape[1]))
    placed = labels >= 0
    np.add.at(sums, labels[placed], z[placed])
    own = np.maximum(labels, 0)
    dot = (z @ sums.T)[np.arange(len(z)), own]
    self_dot = np.einsum("ij,ij->i", z, z)
    # |sum - z|^2 = |sum|^2 - 2 z.sum + |z|^2
    norms = np.sqrt(np.maximum(np.einsum("ij,ij->i", sums, sums)[own] - 2 * dot + self_dot, 0))
    sims = (dot - self_dot) / np.where(norms > 1e-6, norms, 1.0)
    sims[~placed | (norms <= 1e-6)] = 0.0
    return sims


def count_distinct(z: np.ndarray, seed: int) -> int:
    """How many different rows ``z`` has (to 6 decimals), without copying it.

    Rows are compared by their projections on two random directions: different answers'
    vectors never project alike on both by chance, and identical answers' vectors are
    identical.
    """
    directions = np.random.default_rng(seed).normal(size=(z.shape[1], 2))
    keys = np.round(z @ directions, 6)
    return len(np.unique(keys, axis=0))


def first_copies(keys: Sequence[Hashable], most: int) -> np.ndarray:
    """True for each item whose key has come up fewer than ``most`` times before it."""
    seen: Counter[Hashable] = Counter()
    keep = np.zeros(len(keys), dtype=bool)
    for at, key in enumerate(keys):
        keep[at] = seen[key] < most
        seen[key] += 1
    return keep
