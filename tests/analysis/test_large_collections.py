"""Past 20,000 answers the engine fits its LSA directions and k-means starts on a seeded
sample, then places every answer (bench/: 100,000 answers in under a minute). Here the
sample size is lowered so that a few hundred answers take that path."""

from __future__ import annotations

import random

import numpy as np
import pytest

from analysis import Response, ThemeFinder, grouping, vectorize
from analysis.metrics import ari
from analysis.vectorize import ResponseVectorizer, prepare

WORDS = {
    "housing": "rent landlord damp mould flat repairs overcrowded tenancy eviction boiler",
    "doctor": "gp appointment surgery doctor nurse prescription waiting pharmacy clinic",
    "safety": "knife police gangs dealing scared lighting crime stabbing patrol robbery",
    "parks": "park playground grass benches trees football swings litter dogs pond",
}
FILLER = "really always never people here today every still just very".split()


def _answers(n_each: int) -> tuple[list[Response], dict[str, str]]:
    rng = random.Random(7)
    responses, concern = [], {}
    for name, words in WORDS.items():
        vocabulary = words.split()
        for i in range(n_each):
            text = " ".join(rng.sample(vocabulary, 4) + rng.sample(FILLER, 2))
            rid = f"{name}-{i:03d}"
            responses.append(Response(rid, text, "en"))
            concern[rid] = name
    return responses, concern


def _grouping(responses: list[Response]) -> dict[str, int]:
    labels = ThemeFinder(4, 4, random_state=0).fit(responses).nearest_theme_labels()
    return {r.id: int(label) for r, label in zip(responses, labels, strict=True)}


@pytest.fixture
def small_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectorize, "SVD_FIT_ROWS", 150)
    monkeypatch.setattr(grouping, "KMEANS_FIT_ROWS", 150)


def test_sampled_fit_finds_the_same_themes_whatever_the_order(small_samples):
    responses, concern = _answers(120)
    finder = ThemeFinder(4, 4, random_state=0).fit(responses)
    labels = finder.nearest_theme_labels()
    themes_of = {r.id: int(label) for r, label in zip(responses, labels, strict=True)}
    ids = sorted(themes_of)
    assert ari([concern[i] for i in ids], [themes_of[i] for i in ids]) >= 0.95
    # Every answer was projected and clustered, not only the sampled ones.
    assert finder.result_.unthemed.size + sum(t.size for t in finder.result_.themes) == 480
    assert min(t.size for t in finder.result_.themes) >= 100

    shuffled = list(responses)
    random.Random(3).shuffle(shuffled)
    again = _grouping(shuffled)
    assert again == themes_of


def test_sampled_fit_agrees_with_the_full_fit(small_samples, monkeypatch):
    responses, _ = _answers(120)
    sampled = _grouping(responses)
    monkeypatch.setattr(vectorize, "SVD_FIT_ROWS", 10_000)
    monkeypatch.setattr(grouping, "KMEANS_FIT_ROWS", 10_000)
    full = _grouping(responses)
    ids = sorted(full)
    assert ari([full[i] for i in ids], [sampled[i] for i in ids]) >= 0.95


def test_a_sampled_lsa_places_answers_as_the_full_one_does(monkeypatch):
    """The sample stands for every answer: the similarities between answers are the same
    as with directions found from all of them (a sample of one topic's answers, such as the
    first rows by id, moves them about 0.02 on average)."""
    responses, _ = _answers(120)
    docs = [prepare(r.text, r.language, None) for r in sorted(responses, key=lambda r: r.id)]
    _, full = ResponseVectorizer().fit_transform(docs)
    monkeypatch.setattr(vectorize, "SVD_FIT_ROWS", 150)
    _, sampled = ResponseVectorizer().fit_transform(docs)
    assert np.abs(full @ full.T - sampled @ sampled.T).mean() < 0.002
