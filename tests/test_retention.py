"""Keeping periods: set per survey by a coordinator; the purge (command and daily run)
removes what is past them, audio included, and says what it removed."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from flask import Flask

from survey_app import storage
from survey_app.operations.purging import start_daily
from tests.test_rights import _app, _item, _rows, _send, _signed_in
from tests.voice.helpers import declared, recording_bytes, upload, voice_response

SURVEY = "/en/admin/surveys/what-matters"


def _old(**overrides: Any) -> dict[str, Any]:
    return _item(id=str(uuid.uuid4()), created_at="2025-01-10T09:00:00Z", **overrides)


def test_a_coordinator_sets_how_long_answers_and_contacts_are_kept(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = _signed_in(app)
    refused = client.post(SURVEY + "/retention", data={"answers_days": "0", "contacts_days": "x"})
    assert refused.status_code == 422
    assert "Give a number of days from 1." in refused.get_data(as_text=True)
    assert _rows(app, "SELECT keep_answers_days, keep_contacts_days FROM surveys") == [(None, None)]
    saved = client.post(SURVEY + "/retention", data={"answers_days": "730", "contacts_days": "90"})
    assert saved.status_code == 302
    assert _rows(app, "SELECT keep_answers_days, keep_contacts_days FROM surveys") == [(730, 90)]
    assert _rows(app, "SELECT action FROM audit_log WHERE action = 'retention'") == [("retention",)]
    assert _signed_in(app, "analyst").post(SURVEY + "/retention", data={}).status_code == 403


def test_the_purge_removes_what_is_past_its_time_and_says_what(tmp_path: Path) -> None:
    app = _app(tmp_path)
    data = recording_bytes()
    spoken = declared("what_matters", data)
    old_voice = voice_response(spoken, created_at="2025-01-10T09:00:00Z")
    old, recent = _old(), _item()
    contact_only_old = _item(created_at="2026-09-01T09:00:00Z")
    for item in (old_voice, old, recent, contact_only_old):
        _send(app, item)
    assert upload(app.test_client(), spoken["id"], data).status_code == 204
    with app.app_context():
        storage.retention.set_periods(storage.get_db(), None, "what-matters", 365, 60)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Removed responses: 2 " in result.output and "voice recordings: 1," in result.output
    assert "Contact details removed from more responses: 1." in result.output
    kept = {row[0] for row in _rows(app, "SELECT id FROM responses")}
    assert kept == {recent["id"], contact_only_old["id"]}
    # Contact details past 60 days go; the answers stay for their own period.
    assert _rows(app, "SELECT response_id FROM contacts") == [(recent["id"],)]
    assert not [p for p in Path(app.config["RECORDINGS_FOLDER"]).rglob("*") if p.is_file()]
    [(detail,)] = _rows(app, "SELECT detail FROM audit_log WHERE action = 'purged'")
    assert '"responses": 2' in detail and old["id"] not in detail
    # Nothing more to do: a second run removes nothing and records nothing.
    again = app.test_cli_runner().invoke(args=["purge"])
    assert "Removed responses: 0 " in again.output
    assert _rows(app, "SELECT count(*) FROM audit_log WHERE action = 'purged'") == [(1,)]


def test_a_survey_with_no_period_keeps_everything(tmp_path: Path) -> None:
    app = _app(tmp_path)
    _send(app, _old())
    assert "Removed responses: 0 " in app.test_cli_runner().invoke(args=["purge"]).output
    assert _rows(app, "SELECT count(*) FROM responses") == [(1,)]


def test_the_server_purges_by_itself(tmp_path: Path) -> None:
    app: Flask = _app(tmp_path)
    _send(app, _old())
    with app.app_context():
        storage.retention.set_periods(storage.get_db(), None, "what-matters", 30, None)
    stop = start_daily(app, hours=24, first_after=0.05)
    try:
        deadline = time.monotonic() + 10
        while _rows(app, "SELECT count(*) FROM responses") != [(0,)]:
            assert time.monotonic() < deadline, "the daily purge never ran"
            time.sleep(0.05)
    finally:
        stop.set()
