"""Answers' vectors in the app's database: made once, kept, and erased with the answers."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest
from flask import Flask

from analysis import ThemeFinder
from analysis.embed import SENTENCE_MODEL
from analysis.terms import TERMS_MODEL
from survey_app import storage, themes_input
from tests.analysis.test_app_export import ANSWERS, post_answers
from tests.conftest import count_rows
from tests.workspace.conftest import send
from tests.workspace.seed import payload


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the real model is asked to embed for this test (the model itself still
    runs). Only this test's thread is counted: the background embedding of an earlier
    test's app, in the same process, may still be at work on its own answers."""
    seen: list[str] = []
    real = themes_input.embed_texts
    this_test = threading.get_ident()

    def counting(texts: Sequence[str], **kwargs: str) -> np.ndarray:
        if threading.get_ident() == this_test:
            seen.extend(texts)
        return real(texts, **kwargs)

    monkeypatch.setattr(themes_input, "embed_texts", counting)
    return seen


def test_vectors_are_made_once_kept_and_erased_with_the_answer(
    app: Flask, embedded: list[str]
) -> None:
    sent = post_answers(app)
    with app.app_context():
        db = storage.get_db()
        responses = themes_input.responses_for(db, "what-matters", "what_matters")
        assert {r.id for r in responses} == set(sent)
        # Quote consent comes from the response, never assumed.
        assert {r.id for r in responses if r.can_quote} == {i for i, (_, q) in sent.items() if q}
        first = themes_input.vectors_for(db, "what_matters", responses)
        assert count_rows(app, "answer_vectors") == len(ANSWERS)
        # The gloss is what is embedded where there is one.
        assert sorted(embedded) == sorted(
            gloss or text.replace("\r\n", "\n") for _, _, text, gloss in ANSWERS
        )
        # A second analysis embeds nothing and gets the same vectors.
        embedded.clear()
        again = themes_input.vectors_for(db, "what_matters", responses)
        assert embedded == []
        assert all(np.array_equal(first[i], again[i]) for i in first)
        # They theme the answers as vectors made afresh would.
        themes = ThemeFinder(3, 3).fit(responses, embeddings=again).result_
        assert sum(t.size for t in themes.themes) + themes.unthemed.size == len(ANSWERS)
        # A corrected gloss is embedded again; the others are not.
        changed = next(r for r in responses if r.gloss)
        with storage.write(db):
            db.execute(
                "UPDATE answers SET gloss = ? WHERE response_id = ? AND question_id = ?",
                ["Damp walls and a very high rent", changed.id, "what_matters"],
            )
        responses = themes_input.responses_for(db, "what-matters", "what_matters")
        themes_input.vectors_for(db, "what_matters", responses)
        assert embedded == ["Damp walls and a very high rent"]
        assert count_rows(app, "answer_vectors") == len(ANSWERS)
        # Erasing a response erases its vectors with it.
        gone = next(iter(sent))
        with storage.write(db):
            db.execute("DELETE FROM responses WHERE id = ?", [gone])
        assert count_rows(app, "answer_vectors") == len(ANSWERS) - 1
        left = [row[0] for row in db.execute("SELECT response_id FROM answer_vectors")]
        assert gone not in left


def test_answers_in_several_languages_keep_their_latent_terms_too(
    app: Flask, embedded: list[str]
) -> None:
    """English, Bengali, Somali and Arabic answers, some without a gloss: each answer's
    latent terms are kept beside its vector (a second row), joined to it for the engine,
    made once, and erased with the answer."""
    send(app, payload(48))
    with app.app_context():
        db = storage.get_db()
        responses = themes_input.responses_for(db, "what-matters", "what_matters")
        first = themes_input.vectors_for(db, "what_matters", responses)
        kept = "SELECT model, count(*) FROM answer_vectors GROUP BY model ORDER BY model"
        assert list(db.execute(kept)) == [(SENTENCE_MODEL, 48), (TERMS_MODEL, 48)]
        assert len(embedded) == 2 * 48
        assert first.keys() == {r.id for r in responses}
        assert {len(v) for v in first.values()} == {384 + 47}  # 47: one fewer than answers
        embedded.clear()
        again = themes_input.vectors_for(db, "what_matters", responses)
        assert embedded == []
        assert all(np.allclose(first[i], again[i]) for i in first)
        gone = responses[0].id
        with storage.write(db):
            db.execute("DELETE FROM responses WHERE id = ?", [gone])
        assert list(db.execute(kept)) == [(SENTENCE_MODEL, 47), (TERMS_MODEL, 47)]
