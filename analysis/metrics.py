"""Clustering quality against human labels: NMI, ARI and accuracy with Hungarian matching."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

# Lists of labels or numpy arrays of them.
Labels = Sequence[Any] | np.ndarray


def accuracy(labels_true: Labels, labels_pred: Labels) -> float:
    """Share of items whose cluster maps to their class under the best one-to-one matching.

    Clusters left without a class (when there are more clusters than classes) count as wrong.
    """
    if len(labels_true) == 0:
        return 0.0
    table = contingency_matrix(labels_true, labels_pred)
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / len(labels_true))


def nmi(labels_true: Labels, labels_pred: Labels) -> float:
    """Normalised mutual information (arithmetic mean normalisation, as in the papers)."""
    return float(normalized_mutual_info_score(labels_true, labels_pred))


def ari(labels_true: Labels, labels_pred: Labels) -> float:
    """Adjusted Rand index."""
    return float(adjusted_rand_score(labels_true, labels_pred))


def scores(labels_true: Labels, labels_pred: Labels) -> dict[str, float]:
    """All three figures as a dict: ``{'nmi': ..., 'ari': ..., 'accuracy': ...}``."""
    return {
        "nmi": nmi(labels_true, labels_pred),
        "ari": ari(labels_true, labels_pred),
        "accuracy": accuracy(labels_true, labels_pred),
    }


__all__ = ["accuracy", "ari", "nmi", "scores"]
