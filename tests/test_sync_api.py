"""The sync API: a receipt per response, nothing doubled, nothing half-written."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_app import storage
from tests.conftest import catalogue_translation, count_rows

URL = "/api/v1/responses"


def make(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "survey_id": "what-matters",
        "survey_version": 1,
        "language": "so",
        "mode": "assisted",
        "created_at": "2026-11-20T18:30:00Z",
        "answers": {
            "consent": "yes",
            "what_matters": "Guryo la awoodi karo",
            "home_languages": ["somali", "english"],
            "quote_consent": "yes",
            "get_involved": "no",
        },
        "glosses": {"what_matters": "Affordable housing"},
    }
    item.update(overrides)
    return item


def send(client: FlaskClient, *items: Any, lang: str = "en") -> list[dict[str, Any]]:
    reply = client.post(URL, json={"responses": list(items)}, headers={"Accept-Language": lang})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    receipts: list[dict[str, Any]] = reply.get_json()["receipts"]
    return receipts


def test_created_then_already_had(app: Flask, client: FlaskClient) -> None:
    item = make()
    assert send(client, item) == [{"id": item["id"], "status": "created"}]
    assert send(client, item) == [{"id": item["id"], "status": "duplicate"}]
    with app.app_context():
        stored = storage.responses.get(storage.get_db(), item["id"])
    assert stored.created_at == "2026-11-20T18:30:00+00:00"
    assert stored.glosses == {"what_matters": "Affordable housing"}
    assert stored.answers["home_languages"] == ["somali", "english"]
    assert count_rows(app, "responses") == 1


def test_same_id_other_content_is_a_conflict_and_the_stored_one_stays(
    app: Flask, client: FlaskClient
) -> None:
    item = make()
    send(client, item)
    changed = dict(item, answers=dict(item["answers"], what_matters="Something else"))
    [receipt] = send(client, changed)
    assert receipt["status"] == "conflict" and receipt["id"] == item["id"]
    with app.app_context():
        stored = storage.responses.get(storage.get_db(), item["id"])
    assert stored.answers["what_matters"] == ["Guryo la awoodi karo"]


def test_one_bad_response_does_not_block_the_others(app: Flask, client: FlaskClient) -> None:
    good, bad, also_good = make(), make(answers={"what_matters": "No consent given"}), make()
    receipts = send(client, good, bad, also_good)
    assert [r["status"] for r in receipts] == ["created", "rejected", "created"]
    assert receipts[1]["errors"]["consent"]
    assert count_rows(app, "responses") == 2


REJECTIONS = [
    ({"id": "not-a-uuid"}, "id"),
    ({"survey_id": "no-such-survey"}, "survey_version"),
    ({"survey_version": 99}, "survey_version"),
    ({"survey_version": "1"}, "survey_version"),
    ({"language": "xx"}, "language"),
    ({"mode": "robot"}, "mode"),
    ({"created_at": "yesterday"}, "created_at"),
    ({"created_at": "2999-01-01T00:00:00Z"}, "created_at"),
    ({"answers": ["consent"]}, "answers"),
    ({"answers": {"consent": "yes", "what_matters": 42}}, "what_matters"),
    ({"answers": {"consent": "yes", "what_matters": "x", "shoe_size": "9"}}, "shoe_size"),
    ({"answers": {"consent": "yes", "what_matters": "x", "age_band": "teenager"}}, "age_band"),
    ({"answers": {"consent": "yes", "what_matters": "x" * 5001}}, "what_matters"),
    # Contact details without the consent that must come first.
    (
        {
            "answers": {
                "consent": "yes",
                "what_matters": "x",
                "quote_consent": "no",
                "get_involved": "no",
                "contact_name": "Amina",
            }
        },
        "contact_name",
    ),
    ({"mode": "self"}, "what_matters__gloss"),
]


@pytest.mark.parametrize(("change", "field"), REJECTIONS)
def test_bad_responses_are_rejected_with_a_reason_and_write_nothing(
    app: Flask, client: FlaskClient, change: dict[str, Any], field: str
) -> None:
    [receipt] = send(client, make(**change))
    assert receipt["status"] == "rejected"
    assert receipt["errors"][field]
    assert count_rows(app, "responses") == 0 and count_rows(app, "answers") == 0


def test_not_an_object_is_rejected(client: FlaskClient) -> None:
    assert send(client, "hello") == [
        {
            "id": None,
            "status": "rejected",
            "errors": {"response": "Each response must be a JSON object."},
        }
    ]


def test_messages_follow_accept_language(client: FlaskClient) -> None:
    [receipt] = send(client, make(answers={"what_matters": "x"}), lang="so")
    expected = catalogue_translation(
        "so", "Please tick the box to say you agree, or close this page to stop."
    )
    assert receipt["errors"]["consent"] == expected


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"responses": {}}', b'{"responses": "x"}'])
def test_malformed_batches_get_a_clear_error(app: Flask, client: FlaskClient, body: bytes) -> None:
    reply = client.post(URL, data=body, content_type="application/json")
    assert reply.status_code == 400 and reply.get_json()["error"]
    assert count_rows(app, "responses") == 0


def test_too_many_in_one_batch(app: Flask, client: FlaskClient) -> None:
    reply = client.post(URL, json={"responses": [make() for _ in range(101)]})
    assert reply.status_code == 400
    assert reply.get_json() == {"error": "Send at most 100 responses at a time."}
    assert count_rows(app, "responses") == 0


def test_too_large_a_body(app: Flask, client: FlaskClient) -> None:
    huge = json.dumps({"responses": [make(answers={"what_matters": "x" * 2_000_000})]})
    reply = client.post(URL, data=huge, content_type="application/json")
    assert reply.status_code == 413 and reply.get_json()["error"]
    assert count_rows(app, "responses") == 0


def test_an_older_survey_version_is_still_accepted(app: Flask, client: FlaskClient) -> None:
    from survey_app.surveys.loader import bundled_survey_dir, load_definition

    with app.app_context():
        changed = load_definition(bundled_survey_dir())
        changed["steps"][1]["questions"][0]["label"] = "What matters most to you?"
        assert storage.surveys.publish(storage.get_db(), changed).version == 2
    [receipt] = send(client, make(survey_version=1))
    assert receipt["status"] == "created"


def test_openapi_document_describes_the_endpoint(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/responses"]["post"]
    assert spec["openapi"].startswith("3.1")
    receipt = post["responses"]["200"]["content"]["application/json"]["schema"]
    statuses = receipt["properties"]["receipts"]["items"]["properties"]["status"]["enum"]
    assert statuses == ["created", "duplicate", "conflict", "rejected"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.integers(min_value=0, max_value=7), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=10),
)
def test_random_batches_with_repeats_store_each_id_once(
    app: Flask, client: FlaskClient, picks: list[int], batch_size: int
) -> None:
    # Fresh ids each example, so one database serves them all.
    pool = [make() for _ in range(8)]
    sent = [pool[i] for i in picks]
    for start in range(0, len(sent), batch_size):
        receipts = send(client, *sent[start : start + batch_size])
        assert {r["status"] for r in receipts} <= {"created", "duplicate"}
    ids = sorted({item["id"] for item in sent})
    marks = ",".join("?" * len(ids))
    with app.app_context():
        db = storage.get_db()
        stored = db.execute(f"SELECT count(*) FROM responses WHERE id IN ({marks})", ids)
        answers = db.execute(f"SELECT count(*) FROM answers WHERE response_id IN ({marks})", ids)
        # what_matters, two home languages and get_involved: four answer rows each.
        assert (stored.fetchone()[0], answers.fetchone()[0]) == (len(ids), 4 * len(ids))


def test_a_conflict_inside_a_batch_is_undone_alone(app: Flask, client: FlaskClient) -> None:
    stored = make()
    send(client, stored)
    clash = dict(stored, answers=dict(stored["answers"], what_matters="Changed"))
    first, last = make(), make()
    receipts = send(client, first, clash, last)
    assert [r["status"] for r in receipts] == ["created", "conflict", "created"]
    assert count_rows(app, "responses") == 3
    with app.app_context():
        kept = storage.responses.get(storage.get_db(), stored["id"])
    assert kept.answers["what_matters"] == ["Guryo la awoodi karo"]


def test_answer_languages_are_stored_and_part_of_what_a_response_is(
    app: Flask, client: FlaskClient
) -> None:
    item = make(language="en", answer_languages={"what_matters": "so"})
    assert send(client, item) == [{"id": item["id"], "status": "created"}]
    with app.app_context():
        stored = storage.responses.get(storage.get_db(), item["id"])
    assert stored.languages["what_matters"] == "so" and stored.language == "en"
    # The same answers said to be in another language are another response.
    other = dict(item, answer_languages={"what_matters": "bn"})
    assert send(client, other)[0]["status"] == "conflict"
    # Naming the screen's own language changes nothing: older devices send no languages.
    plain = make(language="en")
    send(client, plain)
    assert send(client, dict(plain, answer_languages={"what_matters": "en"}))[0] == {
        "id": plain["id"],
        "status": "duplicate",
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"answer_languages": {"what_matters": "xx"}}, "what_matters__language"),
        ({"answer_languages": {"nope": "so"}}, "nope__language"),
        (
            {"mode": "self", "glosses": {}, "answer_languages": {"what_matters": "so"}},
            "what_matters__language",
        ),
    ],
)
def test_a_bad_answer_language_is_rejected(
    app: Flask, client: FlaskClient, overrides: dict[str, Any], field: str
) -> None:
    [receipt] = send(client, make(**overrides))
    assert receipt["status"] == "rejected" and field in receipt["errors"]
    assert count_rows(app, "responses") == 0


def test_the_same_id_twice_in_one_batch_is_stored_once(app: Flask, client: FlaskClient) -> None:
    item = make()
    changed = dict(item, answers=dict(item["answers"], what_matters="Something else"))
    other = make()
    receipts = send(client, item, item, changed, other)
    assert [r["status"] for r in receipts] == ["created", "duplicate", "conflict", "created"]
    assert count_rows(app, "responses") == 2
    with app.app_context():
        kept = storage.responses.get(storage.get_db(), item["id"])
    assert kept.answers["what_matters"] == ["Guryo la awoodi karo"]


def _hold_write_lock(path: str) -> sqlite3.Connection:
    """Another process's writer (an import on the command line) holding the write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_database_kept_busy_answers_send_again_and_stores_nothing(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.db, "WRITE_WAIT_SECONDS", 0.3)
    item = make()
    other = _hold_write_lock(app.config["DATABASE"])
    try:
        reply = client.post(URL, json={"responses": [item]}, headers={"Accept-Language": "so"})
    finally:
        other.rollback()
        other.close()
    assert reply.status_code == 503
    assert reply.headers["Retry-After"] == "2"
    assert reply.get_json()["error"] == catalogue_translation(
        "so", "The server is busy. Nothing was lost: please try again in a moment."
    )
    assert count_rows(app, "responses") == 0 and count_rows(app, "answers") == 0
    # The device sends the same response again once the database is free: stored once.
    assert send(client, item) == [{"id": item["id"], "status": "created"}]
    assert send(client, item) == [{"id": item["id"], "status": "duplicate"}]
    assert count_rows(app, "responses") == 1


def test_writers_in_one_server_queue_and_give_up_cleanly(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write of this process that never ends (a stuck analysis save) holds the others off
    for the wait allowed, then they are told to send again; once it ends they go through."""
    monkeypatch.setattr(storage.db, "WRITE_WAIT_SECONDS", 0.3)
    holding, release = threading.Event(), threading.Event()

    def long_write() -> None:
        db = storage.connect(app.config["DATABASE"])
        with storage.write(db):
            holding.set()
            release.wait(10)
        db.close()

    writer = threading.Thread(target=long_write)
    writer.start()
    assert holding.wait(10)
    item = make()
    try:
        reply = client.post(URL, json={"responses": [item]})
    finally:
        release.set()
        writer.join()
    assert reply.status_code == 503 and reply.headers["Retry-After"] == "2"
    assert count_rows(app, "responses") == 0
    assert send(client, item) == [{"id": item["id"], "status": "created"}]
