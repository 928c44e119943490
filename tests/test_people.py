"""People: coordinators invite; each person chooses a password that is not easy to guess."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import storage
from survey_app.storage.passwords import password_problem
from tests.conftest import count_rows, make_user, sign_in, soup


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short1", "short"),
        ("password123", "common"),
        ("PASSWORD123", "common"),
        ("aaaaaaaaaa", "common"),
        ("1212121212", "common"),
        ("amina-2026!", "personal"),
        ("river lantern quietly", None),
        ("Lift5-broken-again", None),
    ],
)
def test_password_rules(password: str, problem: str | None) -> None:
    assert password_problem(password, email="amina.h@example.org", name="Amina Hassan") == (problem)


def _invite(client: FlaskClient, **fields: object) -> object:
    page = soup(client.get("/en/admin/people"))
    data = {
        "csrf_token": page.select_one("input[name=csrf_token]")["value"],
        "name": "Amina Hassan",
        "email": "amina@example.org",
        "role": "volunteer",
        "languages": ["so", "en"],
        **fields,
    }
    return client.post("/en/admin/people", data=data)


def _welcome(client: FlaskClient, link: str, password: str, confirm: str | None = None) -> object:
    path = link.removeprefix("http://localhost")
    page = soup(client.get(path))
    return client.post(
        path,
        data={
            "csrf_token": page.select_one("input[name=csrf_token]")["value"],
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def test_invited_person_chooses_a_password_once_then_signs_in(
    app: Flask, coordinator: FlaskClient
) -> None:
    reply = _invite(coordinator)
    page = soup(reply)
    assert reply.headers["Cache-Control"] == "no-store"
    link = page.select_one("[data-testid=invite-link]")["href"]
    row = page.select_one("[data-testid=people] tbody tr[data-person]:-soup-contains('Amina')")
    assert "Invited" in row.get_text() and "Soomaali" in row.get_text()
    with app.app_context():
        token_hash = (
            storage.get_db()
            .execute("SELECT invite_hash FROM users WHERE email = 'amina@example.org'")
            .fetchone()[0]
        )
    assert link.rsplit("/", 1)[1] not in token_hash

    newcomer = app.test_client()
    assert sign_in(newcomer, "amina@example.org", "anything at all").status_code == 200
    weak = _welcome(newcomer, link, "password123")
    assert "too easy to guess" in soup(weak).select_one("#password-error").get_text()
    mismatch = _welcome(newcomer, link, "river lantern quietly", "river lantern")
    assert "not the same" in soup(mismatch).select_one("#confirm-error").get_text()
    done = _welcome(newcomer, link, "river lantern quietly")
    assert done.status_code == 302 and done.location.endswith("/en/sign-in")
    again = newcomer.get(link.removeprefix("http://localhost"))
    assert again.status_code == 404
    signed = sign_in(newcomer, "amina@example.org", "river lantern quietly")
    assert soup(signed).select_one("[data-wm-device]") is not None  # a volunteer's device
    with app.app_context():
        user = storage.accounts.authenticate(
            storage.get_db(), "amina@example.org", "river lantern quietly"
        )
    assert user is not None and user.languages == ("so", "en")


def test_an_email_with_an_account_already_is_explained(
    app: Flask, coordinator: FlaskClient
) -> None:
    _invite(coordinator)
    reply = _invite(coordinator, name="Someone Else")
    assert "already has an account" in soup(reply).select_one("#email-error").get_text()
    assert count_rows(app, "users") == 2


def test_an_expired_invitation_does_not_work(app: Flask, coordinator: FlaskClient) -> None:
    link = soup(_invite(coordinator)).select_one("[data-testid=invite-link]")["href"]
    with app.app_context():
        db = storage.get_db()
        with storage.write(db):
            db.execute("UPDATE users SET invite_expires_at = '2020-01-01T00:00:00+00:00'")
    assert app.test_client().get(link.removeprefix("http://localhost")).status_code == 404


def test_create_user_command_refuses_a_weak_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "c@example.org", "--name", "C", "--password", "password123"]
    )
    assert result.exit_code != 0 and "too easy to guess" in result.output


@pytest.mark.parametrize(
    ("role", "expected"), [(None, 302), ("volunteer", 403), ("analyst", 403), ("coordinator", 200)]
)
def test_people_page_is_for_coordinators(
    app: Flask, client: FlaskClient, role: str | None, expected: int
) -> None:
    if role:
        make_user(app, role)
        sign_in(client, f"{role}@example.org")
    assert client.get("/en/admin/people").status_code == expected
