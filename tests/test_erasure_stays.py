"""An erasure stays done: a tablet that still holds the response cannot send it back, and
a backup made before the erasure does not bring it back when restored."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import Flask

from survey_app import storage
from survey_app.operations import backups
from survey_app.storage import db as storage_db
from tests.test_rights import R, _app, _item, _rows, _send, _signed_in
from tests.voice.helpers import declared, recording_bytes, upload, voice_response


def _resend(app: Flask, item: dict[str, Any]) -> str:
    reply = app.test_client().post("/api/v1/responses", json={"responses": [item]})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return str(reply.get_json()["receipts"][0]["status"])


def _erase(app: Flask, response_id: str) -> None:
    reply = _signed_in(app).post(R + "erase", data={"response": response_id, "confirm": "y"})
    assert reply.status_code == 302


def _stop(app: Flask) -> None:
    """Close the connections this thread's requests kept open, as stopping the app does
    (a restore with --replace needs the app stopped; an open one reads the old file)."""
    with app.app_context():
        storage.get_db()
    for connection in storage_db._local.connections.values():
        connection.close()
    storage_db._local.connections.clear()


def test_an_erased_response_sent_again_is_not_stored_again(tmp_path: Path) -> None:
    app = _app(tmp_path)
    item, other = _item(), _item()
    _send(app, item)
    _send(app, other)
    _erase(app, item["id"])
    assert _rows(app, "SELECT count(*) FROM responses") == [(1,)]

    # The tablet's outbox sends it again (it never saw the receipt), or a saved file is
    # imported: the device is told it arrived, and nothing is stored.
    assert _resend(app, item) == "duplicate"
    changed = dict(item, answers=dict(item["answers"], what_matters="Something else"))
    assert _resend(app, changed) == "duplicate"
    assert _rows(app, "SELECT count(*) FROM responses") == [(1,)]
    assert _rows(app, "SELECT count(*) FROM contacts") == [(1,)]
    assert _rows(app, "SELECT count(*) FROM answers WHERE response_id = ?", (item["id"],)) == [(0,)]
    # What is remembered names no one: not the id, nor anything the resident gave.
    [(remembered,)] = _rows(app, "SELECT id_hash FROM erased_responses")
    assert item["id"] not in remembered and len(remembered) == 64
    # Other residents' answers still arrive as before.
    assert _resend(app, other) == "duplicate"
    _send(app, _item())


def test_a_backup_made_before_an_erasure_does_not_bring_it_back(tmp_path: Path) -> None:
    app = _app(tmp_path)
    data = recording_bytes(60_000)
    spoken = declared("what_matters", data)
    erased = voice_response(spoken)
    _send(app, erased)
    assert upload(app.test_client(), spoken["id"], data).status_code == 204
    kept = _item()
    _send(app, kept)
    secret = tmp_path / "passphrase"
    secret.write_text("correct horse battery staple\n")
    out = tmp_path / "before-erasure.tar"
    made = app.test_cli_runner().invoke(args=["backup", str(out), "--passphrase-file", str(secret)])
    assert made.exit_code == 0, made.output

    _erase(app, erased["id"])
    folder = Path(app.config["RECORDINGS_FOLDER"])
    assert not [p for p in folder.iterdir() if p.is_file()]

    # The server is lost or broken: the app is stopped and the backup goes back over the
    # live database.
    _stop(app)
    restored = app.test_cli_runner().invoke(
        args=["restore", str(out), "--passphrase-file", str(secret), "--replace"]
    )
    assert restored.exit_code == 0, restored.output
    assert "Erased again 1 responses" in restored.output
    assert _rows(app, "SELECT id FROM responses") == [(kept["id"],)]
    assert _rows(app, "SELECT count(*) FROM recordings") == [(0,)]
    assert not [p for p in folder.iterdir() if p.is_file()]
    assert _rows(app, "SELECT action FROM audit_log WHERE action = 'erased_after_restore'") == [
        ("erased_after_restore",)
    ]
    # And it stays erased: the tablet sending it again after the restore stores nothing.
    assert _resend(app, erased) == "duplicate"
    assert _rows(app, "SELECT count(*) FROM responses") == [(1,)]


def test_a_restore_into_an_empty_place_restores_everything(tmp_path: Path) -> None:
    app = _app(tmp_path)
    _send(app, _item())
    out = tmp_path / "b.tar"
    backups.make(Path(app.config["DATABASE"]), Path(app.config["RECORDINGS_FOLDER"]), out, "pw")
    target = tmp_path / "elsewhere" / "db.sqlite"
    done = backups.restore(out, "pw", target, tmp_path / "elsewhere" / "rec", replace=False)
    assert done == backups.Restored(recordings=0, erased_again=0)


def _erased_with_recording(tmp_path: Path, size: int) -> tuple[Flask, dict[str, Any], bytes]:
    """An app where a response with a voice answer arrived, then was erased before its
    recording was sent: the app, the response as the tablet holds it, the recording."""
    app = _app(tmp_path)
    data = recording_bytes(size)
    item = voice_response(declared("what_matters", data))
    _send(app, item)
    _erase(app, item["id"])
    return app, item, data


def test_a_tablet_is_told_an_erased_recording_is_gone(tmp_path: Path) -> None:
    app, item, data = _erased_with_recording(tmp_path, 60_000)
    spoken = item["recordings"][0]
    # The tablet still holds the recording (it had not sent it yet): it is told to delete
    # it, and what it sends is not kept.
    client = app.test_client()
    assert client.head(f"/api/v1/recordings/{spoken['id']}").status_code == 410
    assert upload(client, spoken["id"], data).status_code == 410
    folder = Path(app.config["RECORDINGS_FOLDER"])
    assert not [p for p in folder.rglob("*") if p.is_file()]
    # A recording nobody declared is still only unknown.
    assert client.head(f"/api/v1/recordings/{uuid.uuid4()}").status_code == 404


def test_an_imported_file_does_not_bring_an_erased_recording_back(tmp_path: Path) -> None:
    import base64
    import io
    import json

    from tests.conftest import soup

    app, item, data = _erased_with_recording(tmp_path, 30_000)
    spoken = item["recordings"][0]
    # The tablet could not send; its saved file reaches a coordinator after the erasure.
    desk = _signed_in(app)
    saved = {
        "responses": [item],
        "recordings": [{"id": spoken["id"], "data": base64.b64encode(data).decode()}],
    }
    token = soup(desk.get("/en/admin/import")).select_one("input[name=csrf_token]")["value"]
    page = desk.post(
        "/en/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(json.dumps(saved).encode()), "s.json")},
        content_type="multipart/form-data",
    )
    shown = soup(page)
    assert shown.select_one("[data-testid=voices-refused]").get_text() == "1"
    # The coordinator is told why, not that the response is missing.
    assert "erased at the resident's request" in shown.get_text()
    assert "Send the response first" not in shown.get_text()
    assert _rows(app, "SELECT count(*) FROM responses WHERE id = ?", (item["id"],)) == [(0,)]
    assert _rows(app, "SELECT count(*) FROM recordings") == [(0,)]
    folder = Path(app.config["RECORDINGS_FOLDER"])
    assert not [p for p in folder.rglob("*") if p.is_file()]
