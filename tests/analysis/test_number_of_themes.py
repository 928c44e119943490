"""Choosing the number of themes: broad topics by modularity, many fine groups by the
neighbour graph's spectrum, and the choice said in words."""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import normalize

from analysis import number_of_themes


def _groups(count: int, size: int, noise: float = 0.4, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(count, 64))
    points = np.repeat(centres, size, axis=0) + noise * rng.normal(size=(count * size, 64))
    return normalize(points)


def test_many_fine_groups_get_about_that_many_themes() -> None:
    # Sixty distinct concerns of thirty answers each: modularity alone flattens near 16
    # (the graph's scale, not the answers'); the spectrum sees all sixty.
    choice = number_of_themes.choose(_groups(60, 30), 2, 100, 0, 3000)
    assert choice.modularity_k < 30
    assert 50 <= choice.k <= 70 and choice.k == choice.spectral_k
    conf = number_of_themes.confidence(choice, 2, 100, 0)
    assert conf.modularity_k == choice.modularity_k and conf.spectral_k == choice.k
    assert f"splits most clearly into {choice.k} groups" in conf.explanation
    assert f"so {choice.k} themes are suggested" in conf.explanation


def test_a_few_broad_groups_keep_modularitys_choice() -> None:
    choice = number_of_themes.choose(_groups(6, 120, noise=0.6), 2, 100, 0, 3000)
    assert 5 <= choice.k <= 7 and choice.k == choice.modularity_k
    explanation = number_of_themes.confidence(choice, 2, 100, 0).explanation
    assert "splits most clearly" not in explanation
    assert f"So {choice.k} themes are suggested" in explanation


def test_the_maximum_still_bounds_the_choice() -> None:
    # The spectrum is looked at (40 is over 1.5 times modularity's k) but not beyond 40.
    choice = number_of_themes.choose(_groups(60, 30), 2, 40, 0, 3000)
    assert choice.spectral_k is not None and choice.k <= 40


def test_a_sampled_set_gets_a_steady_number_across_seeds() -> None:
    # 1,600 answers and a sample of 1,000: the spectrum is read on three samples (median).
    z = _groups(40, 40)
    chosen = [number_of_themes.choose(z, 2, 100, seed, 1000).k for seed in (0, 1, 2)]
    assert all(28 <= k <= 52 for k in chosen), chosen
