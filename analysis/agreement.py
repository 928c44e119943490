"""How far people who coded the same answers on their own agree.

Cohen's kappa (scikit-learn) compares two coders, corrected for the agreement chance alone
would give; per theme it asks "in this theme or not?". With more than two coders the
pairs' kappas are averaged (Light's kappa) and Krippendorff's alpha (the ``krippendorff``
package) takes every coder at once, answers some did not code included.

A value near 1 is agreement, near 0 is what chance gives; a kappa cannot be computed when
neither coder ever used a category differently (chance alone then explains everything),
and is None.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

import numpy as np

NONE = "(none)"


@dataclass(frozen=True)
class Agreement:
    """``kappa`` overall (two coders, or the mean over pairs); ``by_theme`` a kappa per
    label; ``alpha`` Krippendorff's alpha (nominal); ``disagreements`` the items coded by
    two or more people who did not all choose the same label."""

    coders: tuple[str, ...]
    items: int
    kappa: float | None
    by_theme: dict[str, float | None]
    alpha: float | None
    disagreements: tuple[str, ...]


def _kappa(a: list[str], b: list[str]) -> float | None:
    from sklearn.metrics import cohen_kappa_score

    if not a or len(set(a) | set(b)) < 2:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(cohen_kappa_score(a, b))
    return None if math.isnan(value) else round(value, 4)


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 4) if known else None


def agreement(codes: Mapping[str, Mapping[str, str]]) -> Agreement:
    """``codes`` is coder -> item -> label (use :data:`NONE` for "none of these")."""
    coders = tuple(sorted(codes))
    items = sorted({item for coded in codes.values() for item in coded})
    labels = sorted({label for coded in codes.values() for label in coded.values()})
    pair_kappas: list[float | None] = []
    per_label: dict[str, list[float | None]] = {label: [] for label in labels if label != NONE}
    for one, two in combinations(coders, 2):
        shared = [i for i in items if i in codes[one] and i in codes[two]]
        a = [codes[one][i] for i in shared]
        b = [codes[two][i] for i in shared]
        pair_kappas.append(_kappa(a, b))
        for label in per_label:
            per_label[label].append(
                _kappa([str(x == label) for x in a], [str(x == label) for x in b])
            )
    alpha = None
    if len(coders) >= 2 and len(labels) >= 2:
        import krippendorff

        index = {label: n for n, label in enumerate(labels)}
        data = np.full((len(coders), len(items)), np.nan)
        for row, coder in enumerate(coders):
            for col, item in enumerate(items):
                if item in codes[coder]:
                    data[row, col] = index[codes[coder][item]]
        # Alpha needs at least one item coded by two people.
        if np.any(np.sum(~np.isnan(data), axis=0) >= 2):
            alpha = round(
                float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")),
                4,
            )
    disagreements = tuple(
        item
        for item in items
        if len(given := [codes[c][item] for c in coders if item in codes[c]]) >= 2
        and len(set(given)) > 1
    )
    return Agreement(
        coders=coders,
        items=len(items),
        kappa=_mean(pair_kappas),
        by_theme={label: _mean(values) for label, values in per_label.items()},
        alpha=alpha,
        disagreements=disagreements,
    )
