"""A voice answer's bytes: chunks that resume, stored once, refused with nothing written."""

from __future__ import annotations

import hashlib
import json
import socket
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import create_app, storage
from survey_app.storage import audio
from tests.conftest import count_rows
from tests.voice.helpers import (
    OGG_START,
    audio_files,
    declared,
    device_token,
    recording_bytes,
    send,
    upload,
    voice_response,
)


def _stored(app: Flask, recording_id: str) -> bytes:
    with app.app_context():
        found = storage.recordings.get(storage.get_db(), recording_id)
    assert found.stored_name is not None
    return (Path(app.config["RECORDINGS_FOLDER"]) / found.stored_name).read_bytes()


def test_a_spoken_answer_arrives_in_chunks_and_is_stored_once(
    app: Flask, client: FlaskClient
) -> None:
    data = recording_bytes()
    spoken = declared("what_matters", data)
    item = voice_response(spoken)
    assert send(client, item)["status"] == "created"
    url = f"/api/v1/recordings/{spoken['id']}"
    waiting = client.head(url)
    assert (waiting.status_code, waiting.headers["Upload-Offset"]) == (200, "0")
    with app.app_context():
        waiting = storage.recordings.spoken(storage.get_db(), "what-matters", "what_matters")
        assert (waiting.arriving, waiting.untranscribed) == (1, 0)
    reply = upload(client, spoken["id"], data)
    assert reply.status_code == 204 and reply.headers["Upload-Offset"] == str(len(data))
    assert _stored(app, spoken["id"]) == data
    # Sent again, whole or the last chunk: nothing more is written.
    again = upload(client, spoken["id"], data, start=len(data) - 1000)
    assert again.status_code == 204
    assert send(client, item)["status"] == "duplicate"
    assert len(audio_files(app)) == 1 and count_rows(app, "recordings") == 1
    with app.app_context():
        arrived = storage.recordings.spoken(storage.get_db(), "what-matters", "what_matters")
        assert (arrived.arriving, arrived.untranscribed) == (0, 1)


def test_a_chunk_sent_twice_is_told_where_the_file_has_got_to(
    app: Flask, client: FlaskClient
) -> None:
    data = recording_bytes(200_000)
    spoken = declared("what_matters", data)
    send(client, voice_response(spoken))
    first = upload(client, spoken["id"], data[:100_000], chunk=100_000)
    assert first.headers["Upload-Offset"] == "100000"
    repeat = client.patch(
        f"/api/v1/recordings/{spoken['id']}",
        data=data[:100_000],
        headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert repeat.status_code == 409 and repeat.headers["Upload-Offset"] == "100000"
    upload(client, spoken["id"], data, start=100_000)
    assert _stored(app, spoken["id"]) == data


def test_a_connection_dropped_half_way_resumes_to_the_same_bytes(tmp_path: Path) -> None:
    """Over a real server: half a chunk, then the connection closes; HEAD, then resume."""
    from tests.browser.conftest import start_server

    server = start_server(tmp_path)
    try:
        data = recording_bytes(400_000)
        spoken = declared("what_matters", data)
        body = json.dumps({"responses": [voice_response(spoken)]}).encode()
        request = urllib.request.Request(
            server.url + "/api/v1/responses",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as reply:
            assert b'"created"' in reply.read()
        address = urlparse(server.url)

        def patch(offset: int, chunk: bytes, claimed: int | None = None) -> None:
            with socket.create_connection((address.hostname, address.port)) as raw:
                head = (
                    f"PATCH /api/v1/recordings/{spoken['id']} HTTP/1.1\r\n"
                    f"Host: {address.netloc}\r\nUpload-Offset: {offset}\r\n"
                    "Content-Type: application/offset+octet-stream\r\n"
                    f"Content-Length: {claimed or len(chunk)}\r\nConnection: close\r\n\r\n"
                )
                raw.sendall(head.encode() + chunk)
                if claimed is None:
                    raw.recv(4096)

        def offset() -> int:
            head = urllib.request.Request(
                f"{server.url}/api/v1/recordings/{spoken['id']}", method="HEAD"
            )
            with urllib.request.urlopen(head) as reply:
                return int(reply.headers["Upload-Offset"])

        patch(0, data[:150_000])
        # The next chunk says 150,000 bytes and the connection drops after 70,000.
        patch(150_000, data[150_000:220_000], claimed=150_000)
        resumed = offset()
        assert 150_000 <= resumed <= 220_000
        while resumed < len(data):
            patch(resumed, data[resumed : resumed + 150_000])
            resumed = offset()
        [(name,)] = server.query("SELECT stored_name FROM recordings WHERE id = ?", (spoken["id"],))
        stored = server.database.with_name("live-recordings") / name
        assert hashlib.sha256(stored.read_bytes()).digest() == hashlib.sha256(data).digest()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def _refused_and_nothing_written(app: Flask, reply: object, status: int) -> None:
    assert reply.status_code == status, reply.get_data(as_text=True)
    assert reply.get_json()["error"]
    assert audio_files(app) == []


def test_a_file_that_is_not_the_recording_it_says_is_refused(
    app: Flask, client: FlaskClient
) -> None:
    data = recording_bytes(100_000)
    spoken = declared("what_matters", data)
    send(client, voice_response(spoken))
    fake = b"<html>" + data[6:]
    _refused_and_nothing_written(app, upload(client, spoken["id"], fake), 415)
    ogg = recording_bytes(100_000, OGG_START)  # a real container, but not the one declared
    _refused_and_nothing_written(app, upload(client, spoken["id"], ogg), 415)


def test_more_bytes_than_declared_are_refused(app: Flask, client: FlaskClient) -> None:
    data = recording_bytes(100_000)
    spoken = declared("what_matters", data)
    send(client, voice_response(spoken))
    _refused_and_nothing_written(
        app, upload(client, spoken["id"], data + b"extra", chunk=200_000), 413
    )


def test_a_damaged_recording_is_thrown_away_to_be_sent_again(
    app: Flask, client: FlaskClient
) -> None:
    data = recording_bytes(100_000)
    spoken = declared("what_matters", data)
    send(client, voice_response(spoken))
    damaged = data[:-1] + bytes([data[-1] ^ 1])
    _refused_and_nothing_written(app, upload(client, spoken["id"], damaged), 422)
    assert client.head(f"/api/v1/recordings/{spoken['id']}").headers["Upload-Offset"] == "0"
    assert upload(client, spoken["id"], data).status_code == 204


def test_a_recording_no_response_declared_is_refused(app: Flask, client: FlaskClient) -> None:
    data = recording_bytes(50_000)
    unknown = declared("what_matters", data)
    _refused_and_nothing_written(app, upload(client, unknown["id"], data), 404)
    not_an_id = client.patch(
        "/api/v1/recordings/..%2F..%2Fsecret",
        data=data,
        headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert not_an_id.status_code == 404 and audio_files(app) == []


def test_another_devices_recording_is_refused(app: Flask) -> None:
    mine, theirs = app.test_client(), app.test_client()
    token = device_token(app, mine)
    other = device_token(app, theirs, "second@example.org")
    data = recording_bytes(50_000)
    spoken = declared("what_matters", data)
    assert send(mine, voice_response(spoken), token)["status"] == "created"
    _refused_and_nothing_written(app, upload(theirs, spoken["id"], data, other), 403)
    _refused_and_nothing_written(app, upload(theirs, spoken["id"], data), 403)
    assert upload(mine, spoken["id"], data, token).status_code == 204


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"voice_consent": False}, "voice_consent"),
        ({"size": 30_000_000}, "recordings"),
        ({"seconds": 900}, "recordings"),
        ({"question": "get_involved"}, "recordings"),
        ({"question": "no_such_question"}, "recordings"),
        ({"type": "video/x-msvideo"}, "recordings"),
        ({"sha256": "not-hex"}, "recordings"),
    ],
)
def test_a_response_declaring_a_recording_it_may_not_have_is_rejected_whole(
    app: Flask, client: FlaskClient, change: dict[str, object], field: str
) -> None:
    spoken = declared("what_matters", recording_bytes(10_000))
    item = voice_response(spoken)
    if "voice_consent" in change:
        item.update(change)
    else:
        spoken.update(change)
    receipt = send(client, item)
    assert receipt["status"] == "rejected" and field in receipt["errors"]
    assert count_rows(app, "responses") == 0 and count_rows(app, "recordings") == 0


def test_a_required_question_is_answered_by_voice(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        survey = storage.surveys.latest(storage.get_db(), "what-matters")
    question = next(q for q in survey.questions() if q.id == "what_matters")
    assert question.required
    assert send(client, voice_response())["status"] == "rejected"  # neither typed nor spoken
    spoken = declared("what_matters", recording_bytes(10_000))
    assert send(client, voice_response(spoken))["status"] == "created"


def test_a_crash_between_file_and_row_leaves_neither_after_a_restart(
    app: Flask, client: FlaskClient
) -> None:
    data = recording_bytes(80_000)
    spoken = declared("what_matters", data)
    send(client, voice_response(spoken))
    upload(client, spoken["id"], data[:40_000], chunk=40_000)
    folder = Path(app.config["RECORDINGS_FOLDER"])
    # What a crash right after the rename and before the row's commit leaves behind,
    # and a partial of a recording nobody waits for.
    (folder / "partial" / f"{spoken['id']}.part").write_bytes(data)
    orphan = audio.seal(folder, spoken["id"], ".webm")
    stray = folder / "partial" / "00000000-0000-4000-8000-000000000000.part"
    stray.write_bytes(b"x")
    restarted = create_app(dict(app.config))
    assert not (folder / orphan).exists() and not stray.exists()
    again = restarted.test_client()
    assert again.head(f"/api/v1/recordings/{spoken['id']}").headers["Upload-Offset"] == "0"
    assert upload(again, spoken["id"], data).status_code == 204
    assert _stored(restarted, spoken["id"]) == data and len(audio_files(restarted)) == 1


def test_deleting_a_response_deletes_its_audio(app: Flask, client: FlaskClient) -> None:
    data = recording_bytes(30_000)
    spoken = declared("what_matters", data)
    item = voice_response(spoken)
    send(client, item)
    upload(client, spoken["id"], data)
    assert len(audio_files(app)) == 1
    with app.app_context():
        folder = Path(app.config["RECORDINGS_FOLDER"])
        assert storage.recordings.delete_response(storage.get_db(), folder, item["id"])
    assert audio_files(app) == [] and count_rows(app, "recordings") == 0
    assert count_rows(app, "responses") == 0 and count_rows(app, "answers") == 0


def test_a_wrong_kind_is_caught_however_small_the_first_chunks(
    app: Flask, client: FlaskClient
) -> None:
    data = b"<html><body>" + recording_bytes(50_000)[12:]
    spoken = declared("what_matters", data)
    send(client, voice_response(spoken))
    assert upload(client, spoken["id"], data[:4], chunk=4).status_code == 204
    _refused_and_nothing_written(app, upload(client, spoken["id"], data, start=4), 415)


def test_a_survey_sets_its_limit_or_takes_no_voice(app: Flask) -> None:
    """``voice_seconds`` in the XLSForm's settings: read, kept by the export, enforced."""
    from survey_app.surveys import xlsform
    from survey_app.surveys.model import parse_survey
    from tests.xlsforms import workbook

    questions = [["type", "name", "label"], ["text", "story", "Tell us"]]
    made = {}
    for seconds in ("0", "30"):
        settings = [["form_id", "voice_seconds"], [f"v{seconds}", seconds]]
        definition = xlsform.read(workbook(questions, None, settings), ["en"]).definition
        again = xlsform.read(xlsform.export.write(definition), ["en"]).definition
        made[seconds] = parse_survey(again)
    assert (made["0"].voice_seconds, made["30"].voice_seconds) == (0, 30)
    assert (
        parse_survey(
            xlsform.read(workbook(questions, None, [["form_id"], ["plain"]]), ["en"]).definition
        ).voice_seconds
        == 180
    )
    for wrong in ("three minutes", "601"):
        with pytest.raises(xlsform.XLSFormError, match="voice_seconds"):
            xlsform.read(workbook(questions, None, [["voice_seconds"], [wrong]]), ["en"])
    page = app.test_client()
    spoken = declared("what_matters", recording_bytes(10_000))
    # The bundled survey allows 180 s: 190 is refused, 181 (the recorder's clock) is not.
    assert send(page, voice_response(dict(spoken, seconds=190)))["status"] == "rejected"
    assert send(page, voice_response(dict(spoken, seconds=181)))["status"] == "created"


def test_an_imported_file_with_a_wrong_recording_stores_the_answers_not_the_audio(
    app: Flask,
) -> None:
    import base64
    import io

    from tests.conftest import make_user, sign_in, soup

    desk = app.test_client()
    make_user(app, "coordinator")
    sign_in(desk, "coordinator@example.org")
    data = recording_bytes(20_000)
    spoken = declared("what_matters", data)
    item = voice_response(spoken)
    fake = b"<html>" + data[6:]  # the right size, not a recording
    saved = {
        "responses": [item],
        "recordings": [
            {"id": spoken["id"], "data": base64.b64encode(fake).decode()},
            {"id": "not-an-id", "data": "%%%"},
        ],
    }
    token = soup(desk.get("/en/admin/import")).select_one("input[name=csrf_token]")["value"]
    page = desk.post(
        "/en/admin/import",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(json.dumps(saved).encode()), "saved.json"),
        },
        content_type="multipart/form-data",
    )
    shown = soup(page)
    assert shown.select_one("[data-testid=created]").get_text() == "1"
    assert shown.select_one("[data-testid=voices-refused]").get_text() == "2"
    assert count_rows(app, "responses") == 1 and audio_files(app) == []
