"""Checks of what the rights and staff pages promise, through real HTTP: a server error
speaks the page's language and gives a reference, the audit log shows account changes in
UTC, revoking a device ends its session and its key, downloads of personal data are never
cached, and a resident's own file holds the team's work on their words."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from survey_app import create_app, storage
from survey_app.i18n import localised_blueprint
from tests.conftest import PASSWORD, catalogue_translation, make_user, sign_in, soup, staff_app
from tests.test_rights import _item, _rows
from tests.workspace.conftest import send, signed_in
from tests.workspace.reviewed import review
from tests.workspace.seed import payload

SERVER_ERROR = (
    "Something went wrong on our side. Please try again in a moment. If it happens "
    "again, tell the team this reference: %(reference)s"
)


def _signed_in(app: Flask, role: str = "coordinator") -> FlaskClient:
    client = app.test_client()
    reply = client.post("/en/sign-in", data={"email": f"{role}@example.org", "password": PASSWORD})
    assert reply.status_code == 302, reply.status_code
    return client


def test_a_server_error_on_an_arabic_page_is_in_arabic_with_a_reference_and_no_trace(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app({"DATABASE": str(tmp_path / "e.sqlite"), "SECRET_KEY": "e"})

    def broken() -> str:
        raise RuntimeError("secret detail")

    pages = localised_blueprint("broken", __name__)
    pages.add_url_rule("/broken", "broken", broken)
    app.register_blueprint(pages)
    with caplog.at_level(logging.ERROR):
        # The browser prefers English: the address decides the language.
        reply = app.test_client().get("/ar/broken", headers={"Accept-Language": "en"})
    assert reply.status_code == 500
    # The trace and the reference go to the log, only the reference to the page.
    [logged] = [r for r in caplog.records if "/<lang_tag>/broken" in r.getMessage()]
    assert logged.exc_info is not None
    reference = re.fullmatch(r"request ([0-9a-f]{12}): .*", logged.getMessage()).group(1)
    body = reply.get_data(as_text=True)
    said = catalogue_translation("ar", SERVER_ERROR) % {"reference": reference}
    assert str(escape(said)) in body
    assert soup(reply).select_one("[data-testid=error-message]").get_text() == said
    assert soup(reply).select_one("h1").get_text() == catalogue_translation(
        "ar", "Something went wrong"
    )
    assert '<html lang="ar" dir="rtl"' in body
    assert "Something went wrong" not in body
    for trace in ("secret detail", "Traceback", "RuntimeError", "broken()"):
        assert trace not in body, trace


def test_the_audit_log_shows_a_role_change_at_its_utc_time(tmp_path: Path) -> None:
    # Staff pages show Dhaka time here (six hours from UTC all year): the log must not.
    app = staff_app(tmp_path / "a.sqlite", TIMEZONE="Asia/Dhaka")
    coordinator = _signed_in(app)
    [(volunteer_id,)] = _rows(app, "SELECT id FROM users WHERE role = 'volunteer'")
    people = soup(coordinator.get("/en/admin/people"))
    form = people.select_one(f"tr[data-person='{volunteer_id}'] form")
    before = datetime.now(UTC).replace(microsecond=0)
    changed = coordinator.post(form["action"], data={"action": "role", "role": "analyst"})
    assert changed.status_code == 303
    after = datetime.now(UTC)
    assert _rows(app, "SELECT role FROM users WHERE id = ?", (volunteer_id,)) == [("analyst",)]
    page = soup(coordinator.get("/en/admin/residents/audit"))
    assert "When (UTC)" in page.select_one("[data-testid=audit] thead").get_text()
    [row] = page.select("[data-testid=audit] tr[data-action=role]")
    cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
    assert cells[1] == "coordinator"  # who changed it (staff_app names people by role)
    assert cells[2] == "Role changed: volunteer"  # whose role
    assert cells[3] == "Volunteer → Analysis team"  # in the reader's words, not codes
    shown = row.select_one("time")
    at = datetime.fromisoformat(shown["datetime"])
    assert at.utcoffset() == timedelta(0)
    assert before <= at <= after
    assert shown.get_text() == at.strftime("%Y-%m-%d %H:%M:%S")


def test_revoking_a_device_ends_its_volunteer_s_session_and_its_sending_key(
    app: Flask, client: FlaskClient
) -> None:
    volunteer = make_user(app, "volunteer")
    make_user(app, "coordinator")
    with app.app_context():
        event = storage.events.create(
            storage.get_db(),
            kind="door_knocking",
            name="Round",
            survey_id="what-matters",
            volunteer_ids=(volunteer.id,),
        )
    tablet = client
    page = sign_in(tablet, "volunteer@example.org", label="Green tablet")
    token = str(soup(page).select_one("[data-wm-device]")["data-token"])
    key = {"Authorization": f"Bearer {token}"}
    assert tablet.get("/en/rounds/").status_code == 200
    sent = app.test_client().post("/api/v1/responses", json={"responses": [_item()]}, headers=key)
    assert sent.get_json()["receipts"][0]["status"] == "created"
    before = [
        _rows(app, f"SELECT count(*) FROM {table}")[0][0]
        for table in ("responses", "answers", "contacts", "consents", "doors")
    ]
    coordinator = app.test_client()
    sign_in(coordinator, "coordinator@example.org")
    row = soup(coordinator.get("/en/admin/devices")).select_one("tr[data-device]")
    form = row.select_one("form")
    revoked = coordinator.post(
        form["action"], data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]}
    )
    assert revoked.status_code == 302
    refused = tablet.get("/en/rounds/")
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]
    late = _item()
    answers = app.test_client().post("/api/v1/responses", json={"responses": [late]}, headers=key)
    assert answers.status_code == 403, answers.get_json()
    door = {
        "id": str(uuid.uuid4()),
        "event_id": event.id,
        "street": "Manchester Road",
        "outcome": "no_answer",
        "knocked_at": "2026-12-05T09:00:00Z",
    }
    doors = app.test_client().post("/api/v1/doors", json={"doors": [door]}, headers=key)
    assert doors.status_code == 403, doors.get_json()
    after = [
        _rows(app, f"SELECT count(*) FROM {table}")[0][0]
        for table in ("responses", "answers", "contacts", "consents", "doors")
    ]
    assert after == before
    assert _rows(app, "SELECT count(*) FROM responses WHERE id = ?", (late["id"],)) == [(0,)]


def test_a_coordinator_s_download_of_the_responses_is_never_cached(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "x.sqlite", EMBED_ON_ARRIVAL=False)
    item = _item()
    reply = app.test_client().post("/api/v1/responses", json={"responses": [item]})
    assert reply.get_json()["receipts"][0]["status"] == "created"
    coordinator = _signed_in(app)
    base = "/en/analysis/what-matters/exports/responses."
    download = coordinator.get(base + "csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers.get("Cache-Control") == "no-store"
    table = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["response_id"] for row in table] == [item["id"]]
    workbook = coordinator.get(base + "xlsx")
    assert workbook.status_code == 200
    assert workbook.headers.get("Cache-Control") == "no-store"
    workbook.close()


def test_a_resident_s_file_holds_their_gloss_their_theme_and_their_pinned_quote(
    tmp_path: Path,
) -> None:
    team = staff_app(tmp_path / "team.sqlite")
    send(team, payload(72))
    client = signed_in(team, "coordinator@example.org")
    reviewed = review(team, client)
    theme_id, resident = next(iter(reviewed.pinned.items()))
    theme = reviewed.named[theme_id]
    gloss = "Their own words, put into English by the team"
    glossed = client.post(
        "/en/analysis/translate",
        data={
            "survey_id": "what-matters",
            "response_id": resident,
            "question_id": "what_matters",
            "gloss": gloss,
        },
    )
    assert glossed.status_code == 302
    reply = client.post("/en/admin/residents/download", data={"response": resident})
    assert reply.status_code == 200 and reply.mimetype == "application/zip"
    found: dict[str, Any] = json.loads(
        zipfile.ZipFile(io.BytesIO(reply.data)).read("your-data.json")
    )
    [answer] = [a for a in found["answers"] if a["question_id"] == "what_matters"]
    assert answer["value"] == reviewed.pinned_text[theme_id]
    assert answer["gloss"] == gloss
    assert [(t["question_id"], t["theme"]) for t in found["themes"]] == [("what_matters", theme)]
    assert [(q["question_id"], q["theme"]) for q in found["quotes"]] == [("what_matters", theme)]
