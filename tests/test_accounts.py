"""Accounts, roles and devices: enforced on the server, tokens never stored in clear."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import TestResponse

from survey_app import create_app, storage
from survey_app.storage.accounts import EmailTaken
from tests.conftest import PASSWORD, catalogue_translation, count_rows, make_user, sign_in, soup


def _token(response: object) -> str:
    node = soup(response).select_one("[data-wm-device]")  # type: ignore[arg-type]
    return str(node["data-token"])


def test_passwords_are_hashed_with_a_kdf_and_checked(app: Flask) -> None:
    make_user(app, "volunteer")
    with app.app_context():
        db = storage.get_db()
        stored = db.execute("SELECT password_hash FROM users").fetchone()[0]
        assert stored.startswith("scrypt:") and PASSWORD not in stored
        assert storage.accounts.authenticate(db, "VOLUNTEER@example.org", PASSWORD)
        assert storage.accounts.authenticate(db, "volunteer@example.org", "wrong") is None
        assert storage.accounts.authenticate(db, "nobody@example.org", PASSWORD) is None
        with pytest.raises(EmailTaken):
            storage.accounts.create_user(
                db, email="volunteer@example.org", name="X", role="volunteer", password=PASSWORD
            )


def test_create_user_command(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "coord@example.org",
            "--name",
            "Meera",
            "--password",
            "long enough pass",
        ]
    )
    assert result.exit_code == 0 and "Created coordinator Meera" in result.output
    short = app.test_cli_runner().invoke(
        args=["create-user", "--email", "x@example.org", "--name", "X", "--password", "short"]
    )
    assert short.exit_code != 0 and count_rows(app, "users") == 1


def test_wrong_password_gets_one_message_and_no_session(app: Flask, client: FlaskClient) -> None:
    make_user(app, "volunteer")
    response = sign_in(client, "volunteer@example.org", "not the password")
    page = soup(response)
    assert "do not match an account" in page.select_one("[data-testid=error-summary]").text
    assert client.get("/en/admin/devices").status_code == 302
    assert count_rows(app, "devices") == 0


def test_volunteer_sign_in_registers_the_device_once_with_a_hashed_token(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "volunteer")
    response = sign_in(client, "volunteer@example.org", label="Blue tablet")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = _token(response)
    with app.app_context():
        db = storage.get_db()
        (label, token_hash) = db.execute("SELECT label, token_hash FROM devices").fetchone()
        assert label == "Blue tablet" and token not in token_hash
        assert storage.accounts.device_for_token(db, token) is not None


@pytest.mark.parametrize(
    ("role", "expected"), [(None, 302), ("volunteer", 403), ("analyst", 403), ("coordinator", 200)]
)
def test_devices_page_is_for_coordinators_only(
    app: Flask, client: FlaskClient, role: str | None, expected: int
) -> None:
    if role:
        make_user(app, role)
        sign_in(client, f"{role}@example.org")
    assert client.get("/en/admin/devices").status_code == expected


def _send(client: FlaskClient, token: str | None) -> tuple[int, dict[str, object]]:
    item = {
        "id": str(uuid.uuid4()),
        "survey_id": "what-matters",
        "survey_version": 1,
        "language": "en",
        "mode": "assisted",
        "answers": {
            "consent": "yes",
            "what_matters": "Lifts that work",
            "quote_consent": "no",
            "get_involved": "no",
        },
    }
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = client.post("/api/v1/responses", json={"responses": [item]}, headers=headers)
    return reply.status_code, reply.get_json()


def test_a_device_sends_with_its_token_and_is_recorded(app: Flask, client: FlaskClient) -> None:
    make_user(app, "volunteer")
    token = _token(sign_in(client, "volunteer@example.org"))
    status, body = _send(app.test_client(), token)  # no session: the token is enough
    assert status == 200 and body["receipts"][0]["status"] == "created"
    with app.app_context():
        db = storage.get_db()
        device_id, seen = db.execute("SELECT id, last_seen_at FROM devices").fetchone()
        assert seen is not None
        assert db.execute("SELECT device_id FROM responses").fetchone()[0] == device_id


def test_coordinator_revokes_a_device_and_its_sends_are_refused(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "volunteer")
    token = _token(sign_in(client, "volunteer@example.org"))
    make_user(app, "coordinator")
    coordinator = app.test_client()
    sign_in(coordinator, "coordinator@example.org")
    page = soup(coordinator.get("/en/admin/devices"))
    row = page.select_one("tr[data-device]")
    assert row.select_one("td").get_text(strip=True) == "Volunteer"
    form = row.select_one("form")
    revoked = coordinator.post(
        form["action"], data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]}
    )
    assert revoked.status_code == 302
    status, body = _send(app.test_client(), token)
    assert status == 403 and "signed this device out" in str(body["error"])
    assert count_rows(app, "responses") == 0


def test_revoking_needs_the_csrf_token(app: Flask, client: FlaskClient) -> None:
    make_user(app, "volunteer")
    sign_in(client, "volunteer@example.org")
    make_user(app, "coordinator")
    coordinator = app.test_client()
    sign_in(coordinator, "coordinator@example.org")
    with app.app_context():
        device_id = storage.get_db().execute("SELECT id FROM devices").fetchone()[0]
    assert coordinator.post(f"/en/admin/devices/{device_id}/revoke").status_code == 400
    with app.app_context():
        assert not storage.accounts.get_device(storage.get_db(), device_id).revoked


def test_an_unknown_token_is_refused(app: Flask, client: FlaskClient) -> None:
    status, body = _send(client, "made-up")
    assert status == 401 and body["error"] and count_rows(app, "responses") == 0


def test_repeated_failed_sign_ins_are_limited(tmp_path: object) -> None:
    app = create_app(
        {"DATABASE": f"{tmp_path}/limit.sqlite", "SECRET_KEY": "s", "RATELIMIT_ENABLED": True}
    )
    client = app.test_client()
    replies = [sign_in(client, f"someone{n}@example.org", "guess") for n in range(11)]
    codes = [reply.status_code for reply in replies]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    # The limit of the address (each guess was for another account) says when to retry.
    assert int(replies[10].headers["Retry-After"]) > 0


def _guess(client: FlaskClient, lang: str, email: str) -> TestResponse:
    token = soup(client.get(f"/{lang}/sign-in")).select_one("input[name=csrf_token]")["value"]
    return client.post(
        f"/{lang}/sign-in", data={"csrf_token": token, "email": email, "password": "guess"}
    )


def test_an_address_signing_in_too_fast_is_told_to_wait_in_its_language(
    tmp_path: object,
) -> None:
    app = create_app(
        {"DATABASE": f"{tmp_path}/limit.sqlite", "SECRET_KEY": "s", "RATELIMIT_ENABLED": True}
    )
    client = app.test_client()
    replies = [_guess(client, "so", f"someone{n}@example.org") for n in range(11)]
    assert [reply.status_code for reply in replies] == [200] * 10 + [429]
    refused = replies[10]
    assert 0 < int(refused.headers.get("Retry-After", 0)) <= 60
    english = "Too many tries. Please wait a minute before trying again."
    body = refused.get_data(as_text=True)
    assert str(escape(catalogue_translation("so", english))) in body
    assert english not in body


def _import(client: FlaskClient, content: bytes) -> object:
    import io

    page = soup(client.get("/en/admin/import"))
    token = page.select_one("input[name=csrf_token]")["value"]
    return client.post(
        "/en/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), "saved.json")},
        content_type="multipart/form-data",
    )


def test_coordinator_imports_a_saved_file_once(app: Flask, client: FlaskClient) -> None:
    import json

    make_user(app, "coordinator")
    sign_in(client, "coordinator@example.org")
    good = {
        "id": str(uuid.uuid4()),
        "survey_id": "what-matters",
        "survey_version": 1,
        "language": "so",
        "mode": "self",
        "answers": {
            "consent": "yes",
            "what_matters": "Waddooyin nabdoon",
            "quote_consent": "no",
            "get_involved": "no",
        },
    }
    bad = dict(good, id=str(uuid.uuid4()), answers={"what_matters": "no consent"})
    content = json.dumps({"responses": [good, bad]}).encode()
    first = soup(_import(client, content))
    assert first.select_one("[data-testid=created]").text == "1"
    assert first.select_one("[data-testid=not-stored]").text == "1"
    again = soup(_import(client, content))
    assert again.select_one("[data-testid=duplicate]").text == "1"
    assert count_rows(app, "responses") == 1


@pytest.mark.parametrize("content", [b"\xff\xfe not text", b"[1, 2]", b'{"responses": 3}'])
def test_a_file_that_is_not_saved_answers_is_explained(
    app: Flask, client: FlaskClient, content: bytes
) -> None:
    make_user(app, "coordinator")
    sign_in(client, "coordinator@example.org")
    page = soup(_import(client, content))
    assert (
        page.select_one("#file-error")
        .get_text(" ", strip=True)
        .endswith("This is not a file of saved answers.")
    )
    assert count_rows(app, "responses") == 0


def test_import_is_for_coordinators_only(app: Flask, client: FlaskClient) -> None:
    make_user(app, "volunteer")
    sign_in(client, "volunteer@example.org")
    assert client.get("/en/admin/import").status_code == 403


def test_a_tablet_is_one_device_however_often_its_volunteer_signs_in(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "volunteer")
    tokens = [
        soup(sign_in(client, "volunteer@example.org")).select_one("[data-wm-device]")["data-token"]
        for _ in range(3)
    ]
    assert count_rows(app, "devices") == 1
    assert len(set(tokens)) == 3
    send = [
        client.post("/api/v1/doors", json={"doors": []}, headers={"Authorization": f"Bearer {t}"})
        for t in tokens
    ]
    # Only the newest token sends: an older copy of the page cannot.
    assert [reply.status_code for reply in send] == [401, 401, 200]
    # Another person on the same tablet gets a device of their own.
    make_user(app, "volunteer", "sami@example.org")
    sign_in(client, "sami@example.org")
    assert count_rows(app, "devices") == 2


def test_staff_pages_show_times_in_the_app_s_time_zone(app: Flask, client: FlaskClient) -> None:
    """Stored in UTC; shown in London time (BST in summer), in the reader's language."""
    make_user(app, "coordinator")
    sign_in(client, "coordinator@example.org")
    with app.app_context():
        db = storage.get_db()
        user = storage.accounts.get_user(db, 1)
        device, _token = storage.accounts.register_device(db, user, "Tablet 9")
        with storage.write(db):
            db.execute(
                "UPDATE devices SET last_seen_at = '2026-07-01T09:30:00+00:00' WHERE id = ?",
                [device.id],
            )
    cell = soup(client.get("/en/admin/devices")).select_one(f"tr[data-device='{device.id}'] time")
    assert cell["datetime"] == "2026-07-01T09:30:00+00:00"
    assert "10:30" in cell.get_text()
