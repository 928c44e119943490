"""A resident's rights, through real HTTP: their reference, consent records, a copy of
everything, withdrawing contact, and erasure; the audit log that records each."""

from __future__ import annotations

import io
import json
import logging
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import create_app, storage
from survey_app.logs import OneLineFormatter
from survey_app.storage.references import normalise, reference_for
from tests.conftest import PASSWORD, Resident, soup, staff_app
from tests.voice.helpers import declared, recording_bytes, upload, voice_response

R = "/en/admin/residents/"


def _app(tmp_path: Path) -> Flask:
    return staff_app(tmp_path / "rights.sqlite", EMBED_ON_ARRIVAL=False)


def _signed_in(app: Flask, role: str = "coordinator") -> FlaskClient:
    client = app.test_client()
    reply = client.post("/en/sign-in", data={"email": f"{role}@example.org", "password": PASSWORD})
    assert reply.status_code in (200, 302)
    return client


def _item(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "survey_id": "what-matters",
        "survey_version": 1,
        "language": "so",
        "mode": "self",
        "created_at": "2026-12-05T09:00:00Z",
        "answers": {
            "consent": "yes",
            "what_matters": "Buskii waa yimaadaa goor dambe",
            "quote_consent": "yes",
            "get_involved": "yes",
            "contact_consent": "yes",
            "contact_name": "Hodan Warsame",
            "contact_phone": "07700 900123",
            "contact_email": "hodan@example.net",
        },
    }
    item.update(overrides)
    return item


def _send(app: Flask, item: dict[str, Any], token: str | None = None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = app.test_client().post("/api/v1/responses", json={"responses": [item]}, headers=headers)
    assert reply.get_json()["receipts"][0]["status"] == "created", reply.get_json()


def _rows(app: Flask, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(r) for r in storage.get_db().execute(sql, params).fetchall()]


def _device_token(app: Flask) -> str:
    page = soup(
        app.test_client().post(
            "/en/sign-in",
            data={"email": "volunteer@example.org", "password": PASSWORD, "device_label": "T1"},
            follow_redirects=True,
        )
    )
    return str(page.select_one("[data-wm-device]")["data-token"])


def _find(client: FlaskClient, typed: str) -> list[str]:
    page = soup(client.post(R, data={"typed": typed}))
    return [
        str(row["data-reference"]) for row in page.select("[data-testid=found] tr[data-reference]")
    ]


def test_a_reference_is_made_alike_on_the_device_and_the_server() -> None:
    # The same 40 bits, read the same way: survey.js has the same function.
    rid = "0f1e2d3c-4b5a-4987-a6b5-c4d3e2f1a0b9"
    assert reference_for(rid) == "1WF2-TF2B"
    assert reference_for(rid.upper()) == reference_for(rid)
    assert normalise(" 1wf2 tf2b ") == "1WF2-TF2B"
    # Heard aloud: "I" for one, "O" for zero; typed on a Bengali keyboard.
    assert normalise("IWF2-TF2B") == "1WF2-TF2B"
    assert normalise("০৭AB-CDEF") == "07AB-CDEF"
    assert normalise("K7QM-4TX") is None and normalise("K7QM-4TXU") is None


def test_a_coordinator_finds_a_response_by_reference_or_contact_detail_only_whole(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path)
    item = _item()
    _send(app, item)
    _send(
        app,
        _item(
            answers={
                "consent": "yes",
                "what_matters": "Buses",
                "quote_consent": "no",
                "get_involved": "no",
            }
        ),
    )
    reference = reference_for(item["id"])
    client = _signed_in(app)
    spoken = reference.lower().replace("-", " ").replace("0", "o")
    assert _find(client, spoken) == [reference]
    assert _find(client, "HODAN@example.net") == [reference]
    assert _find(client, "+44 7700 900123") == [reference]
    assert _find(client, "hodan warsame") == [reference]
    # Part of a detail finds nobody: "07" must not list everyone with a mobile.
    assert _find(client, "07") == [] and _find(client, "hodan") == []
    # An email with digits in it is not read as a phone number.
    assert _find(client, "x900123@example.net") == []
    # The look-up is posted: nothing of it is in an address.
    assert client.get(R + "?typed=hodan@example.net").status_code == 200
    assert "hodan" not in client.get(R + "?typed=hodan@example.net").get_data(as_text=True)


def test_only_coordinators_reach_residents_data(tmp_path: Path) -> None:
    app = _app(tmp_path)
    item = _item()
    _send(app, item)
    for role in ("volunteer", "analyst"):
        client = _signed_in(app, role)
        assert client.post(R, data={"typed": "hodan@example.net"}).status_code == 403
        assert (
            client.post(R + "erase", data={"response": item["id"], "confirm": "y"}).status_code
            == 403
        )
        assert client.post(R + "download", data={"response": item["id"]}).status_code == 403
        assert client.get(R + "audit").status_code == 403
    assert _rows(app, "SELECT count(*) FROM responses") == [(1,)]


def test_each_consent_is_recorded_with_when_language_wording_and_collector(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path)
    token = _device_token(app)
    helped = _item(mode="assisted", language="bn")
    alone = voice_response(declared("what_matters", recording_bytes()))
    _send(app, helped, token)
    _send(app, alone)
    [(volunteer_id,)] = _rows(app, "SELECT id FROM users WHERE role = 'volunteer'")
    [(wording,)] = _rows(app, "SELECT DISTINCT consent_version FROM responses")
    rows = _rows(
        app,
        "SELECT response_id, kind, given, at, language, wording, collected_by FROM consents"
        " ORDER BY response_id, kind",
    )
    by = {(r[0], r[1]): r[2:] for r in rows}
    assert by[(helped["id"], "take_part")] == (
        1,
        "2026-12-05T09:00:00+00:00",
        "bn",
        wording,
        volunteer_id,
    )
    assert by[(helped["id"], "quote")][0] == 1 and by[(helped["id"], "contact")][0] == 1
    assert (helped["id"], "voice") not in by
    assert by[(alone["id"], "voice")][0] == 1 and by[(alone["id"], "voice")][-1] is None
    assert by[(alone["id"], "quote")][0] == 0


def test_the_thank_you_page_gives_the_reference_once(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = app.test_client()
    resident = Resident(client)
    done = resident.complete()
    assert done.status_code == 303
    thanks = client.get(done.headers["Location"])
    shown = soup(thanks).select_one("[data-testid=reference]")
    assert shown is not None and shown.get_text() == reference_for(resident.response_id)
    assert reference_for(resident.response_id) not in done.headers["Location"]
    # A reload, or the next person at the tablet, does not see it.
    again = client.get(done.headers["Location"])
    assert soup(again).select_one("[data-testid=reference]") is None


def test_withdrawing_contact_consent_removes_them_from_contact_lists(tmp_path: Path) -> None:
    app = _app(tmp_path)
    item = _item()
    _send(app, item)
    client = _signed_in(app)
    contacts = "/en/analysis/what-matters/exports/contacts.csv"
    assert "hodan@example.net" in client.get(contacts).get_data(as_text=True)
    reply = client.post(R + "withdraw-contact", data={"response": item["id"]})
    assert reply.status_code == 302 and "hodan" not in reply.headers["Location"]
    assert _rows(app, "SELECT count(*) FROM contacts") == [(0,)]
    assert _rows(app, "SELECT contact_consent FROM responses") == [(0,)]
    [(withdrawn,)] = _rows(app, "SELECT withdrawn_at FROM consents WHERE kind = 'contact'")
    assert withdrawn is not None
    assert "hodan" not in client.get(contacts).get_data(as_text=True)
    # The answers stay.
    assert _rows(app, "SELECT count(*) FROM answers WHERE question_id = 'what_matters'") == [(1,)]
    assert _rows(app, "SELECT action FROM audit_log WHERE action = 'contact_withdrawn'") == [
        ("contact_withdrawn",)
    ]


def test_a_resident_gets_everything_in_one_file(tmp_path: Path) -> None:
    app = _app(tmp_path)
    data = recording_bytes()
    spoken = declared("what_matters", data)
    item = voice_response(spoken, answers=_item()["answers"] | {"what_matters": "Typed too"})
    _send(app, item)
    assert upload(app.test_client(), spoken["id"], data).status_code == 204
    client = _signed_in(app)
    reply = client.post(R + "download", data={"response": item["id"]})
    assert reply.status_code == 200 and reply.mimetype == "application/zip"
    assert reply.headers["Cache-Control"] == "no-store"
    bundle = zipfile.ZipFile(io.BytesIO(reply.data))
    found = json.loads(bundle.read("your-data.json"))
    assert found["response"]["reference"] == reference_for(item["id"])
    assert {a["question_id"]: a["value"] for a in found["answers"]}["what_matters"] == "Typed too"
    assert found["contact"] == [
        {"name": "Hodan Warsame", "phone": "07700 900123", "email": "hodan@example.net"}
    ]
    assert {c["kind"] for c in found["consents"]} == {"take_part", "quote", "contact", "voice"}
    [audio_name] = [n for n in bundle.namelist() if n.startswith("recordings/")]
    assert bundle.read(audio_name) == data
    assert _rows(app, "SELECT what, format, rows FROM export_log") == [("resident", "zip", 1)]


def test_erasing_asks_to_confirm_and_changes_nothing_until_then(tmp_path: Path) -> None:
    app = _app(tmp_path)
    item = _item()
    _send(app, item)
    client = _signed_in(app)
    asked = client.post(R + "erase", data={"response": item["id"]})
    assert asked.status_code == 200
    assert soup(asked).select_one("[data-testid=erase-facts]") is not None
    refused = client.post(R + "erase", data={"response": item["id"], "confirming": "1"})
    assert "Tick the box" in refused.get_data(as_text=True)
    assert _rows(app, "SELECT count(*) FROM responses") == [(1,)]
    assert _rows(app, "SELECT count(*) FROM audit_log WHERE action = 'erased'") == [(0,)]


def test_erasing_leaves_no_trace_of_the_resident_anywhere(tmp_path: Path) -> None:
    app = _app(tmp_path)
    data = recording_bytes()
    spoken = declared("what_matters", data)
    item = voice_response(spoken, answers=_item()["answers"] | {"what_matters": "Typed too"})
    other = _item(
        answers=_item()["answers"]
        | {"contact_email": "someone@example.net", "contact_name": "Someone Else"}
    )
    _send(app, item)
    _send(app, other)
    assert upload(app.test_client(), spoken["id"], data).status_code == 204
    door = {
        "id": str(uuid.uuid4()),
        "event_id": app.config["STAFF_ROUND"],
        "street": "Manchester Road",
        "door": "Flat 9B",
        "outcome": "completed",
        "response_id": item["id"],
        "knocked_at": "2026-12-05T09:00:00Z",
    }
    sent = app.test_client().post(
        "/api/v1/doors",
        json={"doors": [door]},
        headers={"Authorization": f"Bearer {_device_token(app)}"},
    )
    assert sent.get_json()["receipts"][0]["status"] == "created", sent.get_json()
    folder = Path(app.config["RECORDINGS_FOLDER"])
    assert [p for p in folder.rglob("*") if p.is_file()]
    [(answers,)] = _rows(app, "SELECT count(*) FROM answers WHERE response_id = ?", (item["id"],))
    client = _signed_in(app)
    reply = client.post(R + "erase", data={"response": item["id"], "confirm": "y"})
    assert reply.status_code == 302
    with app.app_context():
        dump = "\n".join(storage.get_db().conn.iterdump())
    # The whole door label: "9B" alone turns up by chance in the random salt of a password
    # hash about one run in a hundred.
    traces = (item["id"], "Typed too", "hodan@example.net", "Hodan", spoken["id"], "Flat 9B")
    for trace in traces:
        assert trace not in dump, trace
    # The knock still counts for the round.
    assert _rows(app, "SELECT outcome, street FROM doors") == [("completed", "Manchester Road")]
    assert "someone@example.net" in dump
    assert not [p for p in folder.rglob("*") if p.is_file()]
    [(detail,)] = _rows(app, "SELECT detail FROM audit_log WHERE action = 'erased'")
    assert json.loads(detail)["answers"] == answers and json.loads(detail)["recordings"] == 1
    # Erasing again finds nothing and says so.
    again = client.post(
        R + "erase", data={"response": item["id"], "confirm": "y"}, follow_redirects=True
    )
    assert "no longer stored" in again.get_data(as_text=True)


def test_the_audit_log_shows_sign_ins_devices_exports_and_erasures(tmp_path: Path) -> None:
    app = _app(tmp_path)
    item = _item()
    _send(app, item)
    app.test_client().post(
        "/en/sign-in", data={"email": "coordinator@example.org", "password": "wrong one"}
    )
    volunteer = app.test_client()
    volunteer.post(
        "/en/sign-in",
        data={"email": "volunteer@example.org", "password": PASSWORD, "device_label": "T1"},
    )
    client = _signed_in(app)
    [(device_id,)] = _rows(app, "SELECT id FROM devices")
    client.post(f"/en/admin/devices/{device_id}/revoke")
    client.get("/en/analysis/what-matters/exports/contacts.csv")
    client.post(R + "erase", data={"response": item["id"], "confirm": "y"})
    page = soup(client.get(R + "audit"))
    actions = [
        str(row["data-action"]) for row in page.select("[data-testid=audit] tr[data-action]")
    ]
    for action in (
        "sign_in",
        "sign_in_failed",
        "device_registered",
        "device_revoked",
        "export",
        "erased",
    ):
        assert action in actions, action
    text = page.get_text()
    assert "hodan" not in text.lower() and item["id"] not in text
    # Revoking the device ended its holder's session too.
    assert volunteer.get("/en/rounds/").status_code in (302, 401)


def test_a_log_line_cannot_be_forged_with_a_newline() -> None:
    record = logging.LogRecord(
        "survey_app", logging.WARNING, __file__, 1, "refused %s", ("x\n2026 INFO forged",), None
    )
    line = OneLineFormatter("%(levelname)s %(message)s").format(record)
    assert "\n" not in line and "\\n2026 INFO forged" in line


def test_a_server_error_shows_a_plain_page_with_a_reference_to_quote(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app({"DATABASE": str(tmp_path / "e.sqlite"), "SECRET_KEY": "e"})

    def broken() -> str:
        raise RuntimeError("secret detail")

    app.add_url_rule("/en/broken", "broken", broken)
    with caplog.at_level(logging.ERROR):
        reply = app.test_client().get("/en/broken", headers={"Accept-Language": "so"})
    assert reply.status_code == 500
    body = reply.get_data(as_text=True)
    assert "secret detail" not in body and "Traceback" not in body
    reference = soup(reply).select_one("[data-testid=error-message]").get_text().split()[-1]
    assert len(reference) == 12
    # Logged once, with the reference (Flask's own second trace had neither).
    [logged] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert reference in logged.getMessage() and logged.exc_info is not None
