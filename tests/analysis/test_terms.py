"""The model's latent terms: used only where answers come in several languages, joined to
the sentence embeddings the same way whatever order the answers come in."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.preprocessing import normalize

from analysis import Response, ThemeFinder
from analysis.model import AnalysisError
from analysis.terms import TERMS, languages_mixed, pack, with_terms

ENGLISH = "The rent is too high and the landlord never fixes the damp in our flat"
SOMALI = "Kirada guriga aad bay u qaali tahay, mulkiiluhu waxba ma hagaajiyo"
BENGALI = "বাড়ি ভাড়া অনেক বেশি, বাড়িওয়ালা কিছুই ঠিক করে না"


def answers(count: int, text: str, language: str | None, gloss: str | None = None) -> list:
    return [
        Response(f"{language}-{gloss is not None}-{i:03d}", f"{text} {i}", language, gloss)
        for i in range(count)
    ]


def test_a_second_language_counts_with_enough_answers_without_a_gloss() -> None:
    assert languages_mixed(answers(60, ENGLISH, "en") + answers(10, SOMALI, "so"))
    # Too few, or too small a share, to be a language of the collection.
    assert not languages_mixed(answers(100, ENGLISH, "en") + answers(4, SOMALI, "so"))
    assert not languages_mixed(answers(200, ENGLISH, "en") + answers(8, SOMALI, "so"))
    # Glossed answers are embedded in English: the collection is one language.
    glossed = answers(10, SOMALI, "so", gloss="The rent is too high")
    assert not languages_mixed(answers(60, ENGLISH, "en") + glossed)
    # Languages not given are guessed, as the engine guesses them.
    assert languages_mixed(answers(60, ENGLISH, None) + answers(10, BENGALI, None))
    assert not languages_mixed(answers(60, ENGLISH, None))


def _terms(groups: list[int], seed: int = 0) -> np.ndarray:
    """Packed terms: answers of one group share most of their terms."""
    rng = np.random.default_rng(seed)
    shared = {g: rng.choice(16384, 40, replace=False) for g in set(groups)}
    found = []
    for g in groups:
        own = rng.choice(16384, 20, replace=False)
        numbers = np.concatenate([shared[g][:30], own]).astype(np.int32)
        found.append((numbers, rng.uniform(0.5, 2.0, len(numbers)).astype(np.float32)))
    return pack(found)


def test_answers_sharing_terms_come_closer() -> None:
    # Two topics in two "languages": the sentence vectors follow the language, the terms
    # the topic. Joined, answers of one topic across languages are nearer than before.
    rng = np.random.default_rng(1)
    languages = normalize(rng.normal(size=(2, 384)))
    ids = [f"a{i:02d}" for i in range(40)]
    language = [i % 2 for i in range(40)]
    topic = [(i // 2) % 2 for i in range(40)]
    dense = normalize(languages[language] + 0.02 * rng.normal(size=(40, 384)))
    vectors = dict(zip(ids, dense, strict=True))
    joined = with_terms(vectors, dict(zip(ids, _terms(topic), strict=True)))

    def across(vs: dict[str, np.ndarray]) -> float:
        pairs = [
            float(vs[ids[i]] @ vs[ids[j]])
            for i in range(40)
            for j in range(40)
            if language[i] != language[j] and topic[i] == topic[j]
        ]
        return float(np.mean(pairs))

    def apart(vs: dict[str, np.ndarray]) -> float:
        pairs = [
            float(vs[ids[i]] @ vs[ids[j]])
            for i in range(40)
            for j in range(40)
            if language[i] == language[j] and topic[i] != topic[j]
        ]
        return float(np.mean(pairs))

    assert across(vectors) < apart(vectors)  # by language
    assert across(joined) - apart(joined) > across(vectors) - apart(vectors) + 0.1


def test_the_same_answers_in_any_order_give_the_same_vectors() -> None:
    rng = np.random.default_rng(2)
    ids = [f"r{i:03d}" for i in range(30)]
    dense = rng.normal(size=(30, 384)).astype(np.float32)
    packed = _terms([i % 3 for i in range(30)])
    first = with_terms(dict(zip(ids, dense, strict=True)), dict(zip(ids, packed, strict=True)))
    order = rng.permutation(30)
    again = with_terms({ids[i]: dense[i] for i in order}, {ids[i]: packed[i] for i in order[::-1]})
    assert first.keys() == again.keys()
    assert all(np.array_equal(first[i], again[i]) for i in ids)
    assert {len(v) for v in first.values()} == {384 + 29}


def test_an_answer_without_terms_keeps_its_direction() -> None:
    rng = np.random.default_rng(3)
    ids = [f"r{i:03d}" for i in range(12)]
    dense = rng.normal(size=(12, 384)).astype(np.float32)
    packed = _terms([i % 2 for i in range(12)])
    joined = with_terms(
        dict(zip(ids, dense, strict=True)), dict(zip(ids[1:], packed[1:], strict=True))
    )
    assert np.allclose(joined[ids[0]][:384], dense[0] / np.linalg.norm(dense[0]), atol=1e-6)
    assert not joined[ids[0]][384:].any()
    assert joined[ids[1]][384:].any()


def test_terms_of_another_shape_are_refused() -> None:
    ids = ["a", "b", "c"]
    vectors = {i: np.ones(384, dtype=np.float32) for i in ids}
    with pytest.raises(AnalysisError, match="not from this model"):
        with_terms(vectors, {i: np.ones(2 * TERMS - 2, dtype=np.float32) for i in ids})
    wrong = _terms([0, 0, 1])
    wrong[0, 0] = 20000  # no such term
    with pytest.raises(AnalysisError, match="not from this model"):
        with_terms(vectors, dict(zip(ids, wrong, strict=True)))


def test_the_number_of_themes_is_chosen_without_the_terms() -> None:
    """The terms help to form themes but are left out when their number is chosen: with
    them the seven-language headlines got 16 themes for 7 at every seed."""
    rng = np.random.default_rng(4)
    responses = answers(30, ENGLISH, "en") + answers(30, SOMALI, "so")
    ids = [r.id for r in responses]
    dense = rng.normal(size=(60, 384)).astype(np.float32)
    joined = with_terms(
        dict(zip(ids, dense, strict=True)),
        dict(zip(ids, _terms([i % 4 for i in range(60)]), strict=True)),
    )
    assert joined.terms_width == 59
    finder = ThemeFinder(2, 6).fit(responses, embeddings=joined)
    space = finder.space_
    view = space.choosing_view(space.shared_direction(finder.embedding_, finder.active_))
    assert view is not None
    seen = view(finder.embedding_[finder.active_])
    assert not seen[:, -59:].any()
    assert np.abs(seen[:, -59 - 384 : -59]).sum(axis=1).min() > 0


def test_a_theme_is_split_into_sub_themes_chosen_without_the_terms() -> None:
    """Two sub-topics in the sentence vectors, six groups in the terms across them: the
    terms in view made six sub-themes; chosen as the themes' number is, two."""
    for seed in (0, 1):
        rng = np.random.default_rng(seed)
        broad, narrow = normalize(rng.normal(size=(2, 384))), normalize(rng.normal(size=(4, 384)))
        theme, sub = np.arange(120) % 2, (np.arange(120) // 2) % 2
        dense = 3 * broad[theme] + 0.4 * narrow[2 * theme + sub]
        dense = normalize(dense + 0.04 * rng.normal(size=(120, 384)))
        responses = [
            Response(f"r{i:03d}", f"answer {i}", "en" if i % 3 else "so") for i in range(120)
        ]
        ids = [r.id for r in responses]
        joined = with_terms(
            dict(zip(ids, dense, strict=True)),
            dict(zip(ids, _terms([(i // 4) % 6 for i in range(120)], seed), strict=True)),
        )
        finder = ThemeFinder(2, 2).fit(responses, embeddings=joined)
        assert joined.terms_width and len(finder.result_.themes) == 2
        split = finder.split(finder.result_.themes[0].id)
        assert len(split.themes) == 3, seed
