"""Only the team's analysts and coordinators hear a recording; never cached, never on a kiosk."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from survey_app.kiosk import COOKIE
from tests.conftest import PASSWORD, staff_app
from tests.voice.helpers import declared, recording_bytes, send, upload, voice_response


def _app_with_a_recording(tmp_path: Path) -> tuple[Flask, str, bytes]:
    app = staff_app(tmp_path / "listen.sqlite")
    client = app.test_client()
    data = recording_bytes(120_000)
    spoken = declared("what_matters", data)
    send(client, voice_response(spoken))
    assert upload(client, spoken["id"], data).status_code == 204
    return app, spoken["id"], data


def _signed_in(app: Flask, role: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.post("/en/sign-in", data={"email": f"{role}@example.org", "password": PASSWORD})
    return client


def test_an_analyst_plays_it_and_can_seek(tmp_path: Path) -> None:
    app, recording_id, data = _app_with_a_recording(tmp_path)
    analyst = _signed_in(app, "analyst")
    url = f"/en/analysis/recordings/{recording_id}"
    whole = analyst.get(url)
    assert whole.status_code == 200 and whole.data == data
    assert whole.headers["Content-Type"] == "audio/webm"
    assert whole.headers["Cache-Control"] == "no-store"
    assert whole.headers["Content-Disposition"].startswith("inline")
    assert whole.headers["Accept-Ranges"] == "bytes"
    whole.close()
    part = analyst.get(url, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.data == data[1000:2000]
    part.close()
    coordinator = _signed_in(app, "coordinator")
    heard = coordinator.get(url)
    assert heard.status_code == 200
    heard.close()


def test_a_volunteer_an_anonymous_visitor_and_a_kiosk_cannot(tmp_path: Path) -> None:
    app, recording_id, data = _app_with_a_recording(tmp_path)
    url = f"/en/analysis/recordings/{recording_id}"
    volunteer = _signed_in(app, "volunteer")
    assert volunteer.get(url).status_code == 403
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]
    assert data not in anonymous.data
    kiosk = _signed_in(app, "analyst")
    kiosk.set_cookie(COOKIE, "1")
    assert kiosk.get(url).status_code == 403
    # Nor is the recordings folder anywhere under the static files.
    assert not str(app.config["RECORDINGS_FOLDER"]).startswith(str(app.static_folder))
