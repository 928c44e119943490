"""Answers' vectors are made in the background as they arrive, so placing them later does
not wait for the model; the request that brought them never waits either."""

from __future__ import annotations

import time

from flask import Flask

from analysis.embed import SENTENCE_MODEL
from analysis.terms import TERMS_MODEL
from survey_app.workspace import runner
from tests.workspace.conftest import rows, send
from tests.workspace.seed import payload


def test_answers_sent_by_a_tablet_get_their_vectors_in_the_background(team: Flask) -> None:
    # ``team`` already received 72 answers through the sync API, in several languages: each
    # gets its sentence embedding and its latent terms (analysis.terms).
    send(team, payload(10, start=72))
    deadline = time.monotonic() + 120
    while rows(team, "SELECT count(*) FROM answer_vectors") != [(164,)]:
        assert time.monotonic() < deadline, rows(team, "SELECT count(*) FROM answer_vectors")
        time.sleep(0.2)
    # One of each per free-text answer, for the question answered, and none twice.
    assert rows(
        team,
        "SELECT model, count(DISTINCT response_id), min(question_id) FROM answer_vectors"
        " GROUP BY model ORDER BY model",
    ) == [(SENTENCE_MODEL, 82, "what_matters"), (TERMS_MODEL, 82, "what_matters")]


def test_no_vectors_are_made_on_arrival_when_switched_off(app: Flask) -> None:
    reply = app.test_client().post("/api/v1/responses", json={"responses": payload(5)})
    assert reply.status_code == 200
    time.sleep(1.0)
    assert rows(app, "SELECT count(*) FROM answer_vectors") == [(0,)]


def test_vectors_wait_while_answers_keep_arriving(team: Flask) -> None:
    """Embedding is CPU work on the cores that take uploads: it waits for a quiet moment."""
    count = f"SELECT count(*) FROM answer_vectors WHERE model = '{SENTENCE_MODEL}'"
    answered = "SELECT count(*) FROM answers WHERE question_id = 'what_matters'"
    deadline = time.monotonic() + 120
    while rows(team, count) != rows(team, answered):  # the fixture's own arrivals first
        assert time.monotonic() < deadline
        time.sleep(0.2)
    before = rows(team, count)
    sent = 72
    arriving_until = time.monotonic() + 3 * runner.EMBED_QUIET_SECONDS
    while time.monotonic() < arriving_until:
        send(team, payload(2, start=sent))
        sent += 2
        time.sleep(runner.EMBED_QUIET_SECONDS / 4)
        assert rows(team, count) == before, "vectors were made while answers kept arriving"
    deadline = time.monotonic() + 120
    while rows(team, count) != rows(team, answered):
        assert time.monotonic() < deadline, rows(team, count)
        time.sleep(0.2)
