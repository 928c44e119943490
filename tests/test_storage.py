"""Storage on a real SQLite file: versions, one write per response, contacts apart."""

from __future__ import annotations

import copy
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from survey_app import storage
from survey_app.storage import responses, surveys
from survey_app.surveys.answers import Submission
from survey_app.surveys.loader import bundled_survey_dir, load_definition


def _api_item(i: int) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "survey_id": "what-matters",
        "survey_version": 1,
        "language": "bn",
        "answers": {
            "consent": "yes",
            "what_matters": f"নিরাপদ রাস্তা {i}",
            "quote_consent": "no",
            "get_involved": "no",
        },
    }


def _submission(**flags: bool) -> Submission:
    return Submission(
        answers={"what_matters": ["Safe streets"], "home_languages": ["bengali", "english"]},
        glosses={"what_matters": "Safe streets"},
        flags={"consent": True, "quote_consent": False, "contact_consent": False, **flags},
    )


def test_connection_settings(app: Flask) -> None:
    with app.app_context():
        db = storage.get_db()
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_default_survey_is_published_once(app: Flask) -> None:
    with app.app_context():
        db = storage.get_db()
        first = surveys.latest(db, "what-matters")
        again = surveys.publish(db, load_definition(bundled_survey_dir()))
        assert again.version == first.version == 1
        assert db.execute("SELECT count(*) FROM survey_versions").fetchone()[0] == 1


def test_changed_survey_becomes_a_new_version_and_old_one_stays(app: Flask) -> None:
    with app.app_context():
        db = storage.get_db()
        changed = copy.deepcopy(load_definition(bundled_survey_dir()))
        changed["steps"][1]["questions"][0]["label"] = "What matters most to you?"
        new = surveys.publish(db, changed)
        assert new.version == 2
        assert surveys.latest(db, "what-matters").version == 2
        old = surveys.get_version(db, "what-matters", 1)
        assert old.text("question.what_matters.label", "en") == "What matters to you?"


def test_review_notes_do_not_make_a_new_version(app: Flask) -> None:
    with app.app_context():
        db = storage.get_db()
        definition = load_definition(bundled_survey_dir())
        definition["review"]["bn"] = {"status": "reviewed"}
        assert surveys.publish(db, definition).version == 1


def test_response_is_stored_once_with_answers_queryable_per_question(app: Flask) -> None:
    with app.app_context():
        db = storage.get_db()
        survey = surveys.latest(db, "what-matters")
        outcome = responses.save(
            db,
            response_id="r-1",
            survey=survey,
            language="bn",
            mode="assisted",
            submission=_submission(),
        )
        again = responses.save(
            db,
            response_id="r-1",
            survey=survey,
            language="bn",
            mode="assisted",
            submission=_submission(),
        )
        assert (outcome, again) == ("created", "duplicate")
        rows = db.execute(
            "SELECT value FROM answers WHERE question_id = 'home_languages' ORDER BY position"
        ).fetchall()
        assert [row[0] for row in rows] == ["bengali", "english"]
        stored = responses.get(db, "r-1")
        assert stored.language == "bn" and stored.survey_version == 1
        assert stored.glosses == {"what_matters": "Safe streets"}
        assert stored.consent_version == survey.consent_version
        assert responses.count(db) == 1


def test_same_id_with_other_content_is_a_conflict_and_keeps_the_first(app: Flask) -> None:
    with app.app_context():
        db = storage.get_db()
        survey = surveys.latest(db, "what-matters")
        responses.save(
            db,
            response_id="r-2",
            survey=survey,
            language="en",
            mode="self",
            submission=_submission(),
        )
        other = _submission()
        other.answers["what_matters"] = ["Something else"]
        with pytest.raises(storage.ResponseConflict):
            responses.save(
                db, response_id="r-2", survey=survey, language="en", mode="self", submission=other
            )
        assert responses.get(db, "r-2").answers["what_matters"] == ["Safe streets"]


def test_a_failure_midway_writes_nothing(app: Flask) -> None:
    with app.app_context():
        db = storage.get_db()
        survey = surveys.latest(db, "what-matters")
        # The contact row is written last: make it fail and check nothing before it stayed.
        db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON contacts"
            " BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
        submission = _submission(contact_consent=True)
        submission.contact = {"name": "Amina", "phone": "07700 900123"}
        with pytest.raises(sqlite3.IntegrityError):
            responses.save(
                db,
                response_id="r-3",
                survey=survey,
                language="so",
                mode="self",
                submission=submission,
            )
        counts = [
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("responses", "answers", "contacts")
        ]
        assert counts == [0, 0, 0]


def test_contacts_live_apart_and_can_be_erased_keeping_answers(app: Flask) -> None:
    with app.app_context():
        db = storage.get_db()
        survey = surveys.latest(db, "what-matters")
        submission = _submission(contact_consent=True)
        submission.contact = {"name": "Amina", "email": "amina@example.org"}
        responses.save(
            db, response_id="r-4", survey=survey, language="so", mode="self", submission=submission
        )
        answer_columns = {row[1] for row in db.execute("PRAGMA table_info(answers)")}
        assert not answer_columns & {"name", "email", "phone"}
        assert responses.get(db, "r-4").contact == {"name": "Amina", "email": "amina@example.org"}
        assert responses.erase_contact(db, "r-4") is True
        stored = responses.get(db, "r-4")
        assert stored.contact == {} and stored.answers["what_matters"] == ["Safe streets"]


def test_the_database_refuses_a_response_without_consent(app: Flask) -> None:
    with app.app_context():
        db = storage.get_db()
        survey = surveys.latest(db, "what-matters")
        with pytest.raises(sqlite3.IntegrityError):
            responses.save(
                db,
                response_id="r-5",
                survey=survey,
                language="en",
                mode="self",
                submission=_submission(consent=False),
            )
        assert responses.count(db) == 0


def test_unknown_response_is_not_found(app: Flask) -> None:
    with app.app_context(), pytest.raises(storage.NotFound):
        responses.get(storage.get_db(), "nobody")


def test_an_old_database_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = storage.connect(path)
    storage.db.MIGRATIONS.apply(db, stop_before="0002_indexes_for_reports")
    db.execute("INSERT INTO survey_versions VALUES ('what-matters', 1, '{}', 'h', '2026-01-01')")
    db.execute(
        "INSERT INTO responses VALUES ('old-1', 'what-matters', 1, 'en', 'self', 't', 't', 1,"
        " 'v1', 0, 0, 'h')"
    )
    db.execute("INSERT INTO answers VALUES ('old-1', 'what_matters', 0, 'Parks', NULL)")
    db.close()

    storage.initialise(path)

    db = storage.connect(path)
    indexes = {row[1] for row in db.execute("SELECT type, name FROM sqlite_master")}
    # answers_by_question came with 0002 and went with 0016 (answers_by_survey_question serves).
    assert "responses_by_received" in indexes and "answers_by_question" not in indexes
    assert db.execute("SELECT value FROM answers WHERE response_id = 'old-1'").fetchone()[0] == (
        "Parks"
    )
    applied = [m.name for m in storage.db.MIGRATIONS.applied(db)]
    assert applied[:2] == ["0001_surveys_responses_answers_contacts", "0002_indexes_for_reports"]
    assert applied == [m.name for m in storage.db.MIGRATIONS._migrations]
    assert storage.db.MIGRATIONS.pending(db) == []
    columns = {row[1] for row in db.execute("PRAGMA table_info(responses)")}
    assert {"device_id", "event_id"} <= columns
    assert db.execute("SELECT device_id FROM responses WHERE id = 'old-1'").fetchone()[0] is None


def _bytes_in_database(path: Path) -> int:
    """The database's size as its readers see it (what is still in the WAL included)."""
    reader = sqlite3.connect(path)
    try:
        pages, size = (
            reader.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size")
        )
    finally:
        reader.close()
    return int(pages * size)


def _wait_until_the_file_holds_everything(path: Path, why: str) -> None:
    # Generous: on a loaded test machine the thread's pass can wait its turn for a core.
    deadline = time.monotonic() + 30
    while path.stat().st_size < _bytes_in_database(path):
        if time.monotonic() > deadline:
            checkpointer = storage.db._checkpointer
            thread = checkpointer._thread
            with sqlite3.connect(path, timeout=0) as probe:
                busy, frames, copied = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            probe.close()
            raise AssertionError(
                f"{why}: the WAL was not copied back; thread alive:"
                f" {thread is not None and thread.is_alive()}, watched:"
                f" {str(path) in checkpointer._paths}, a checkpoint now copies"
                f" {copied} of {frames} frames (busy {busy})"
            )
        time.sleep(0.1)


def test_the_wal_is_copied_back_in_the_background(app: Flask) -> None:
    """Requests leave the WAL to a background checkpointer: the database file itself
    takes in what was sent within a moment, though no request checkpointed it."""
    main_file = Path(app.config["DATABASE"])
    # What making the app wrote (its survey) is copied back first.
    _wait_until_the_file_holds_everything(main_file, "the app's own first writes")
    before = main_file.stat().st_size
    client = app.test_client()
    for start in range(0, 200, 50):
        reply = client.post(
            "/api/v1/responses",
            json={"responses": [_api_item(i) for i in range(start, start + 50)]},
        )
        assert reply.status_code == 200
        assert {r["status"] for r in reply.get_json()["receipts"]} == {"created"}
    with sqlite3.connect(main_file) as reader:
        assert reader.execute("SELECT count(*) FROM responses").fetchone() == (200,)
    reader.close()
    # Far fewer pages than a request's own checkpoint waits for.
    assert storage.db.REQUEST_AUTOCHECKPOINT_PAGES > 1_000
    _wait_until_the_file_holds_everything(main_file, "200 answers")
    assert main_file.stat().st_size > before
