"""People: coordinators invite; each person chooses a password that is not easy to guess."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import storage
from survey_app.storage.passwords import password_problem
from tests.conftest import PASSWORD, count_rows, make_user, sign_in, soup


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


def _change(client: FlaskClient, user_id: int, **fields: str) -> object:
    token = soup(client.get("/en/admin/people")).select_one("input[name=csrf_token]")["value"]
    return client.post(f"/en/admin/people/{user_id}", data={"csrf_token": token, **fields})


def _status(client: FlaskClient, user_id: int) -> str:
    row = soup(client.get("/en/admin/people")).select_one(f"tr[data-person='{user_id}']")
    return str(row.select_one("[data-testid=status]").get_text(strip=True))


def test_deactivating_someone_ends_their_session_and_signs_out_their_devices(
    app: Flask, coordinator: FlaskClient
) -> None:
    volunteer = make_user(app, "volunteer")
    tablet = app.test_client()
    token = soup(sign_in(tablet, "volunteer@example.org")).select_one("[data-wm-device]")[
        "data-token"
    ]
    assert tablet.get("/en/rounds/").status_code == 200
    assert _change(coordinator, volunteer.id, action="deactivate").status_code == 303
    assert _status(coordinator, volunteer.id) == "Deactivated"
    # The open session ends at once, and the tablet can no longer send.
    assert tablet.get("/en/rounds/").status_code == 302
    reply = tablet.post(
        "/api/v1/doors", json={"doors": []}, headers={"Authorization": f"Bearer {token}"}
    )
    assert reply.status_code == 403
    assert sign_in(app.test_client(), "volunteer@example.org").status_code == 200  # refused
    _change(coordinator, volunteer.id, action="reactivate")
    assert _status(coordinator, volunteer.id) == "Active"
    again = app.test_client()
    assert soup(sign_in(again, "volunteer@example.org")).select_one("[data-wm-device]")
    log = soup(coordinator.get("/en/admin/people")).select("[data-testid=staff-log] tbody tr")
    assert [[td.get_text(strip=True) for td in row.select("td")][1:] for row in log[:2]] == [
        ["Coordinator", "Reactivated", "Volunteer"],
        ["Coordinator", "Deactivated", "Volunteer"],
    ]


def test_a_role_change_is_recorded_and_the_last_coordinator_stays(
    app: Flask, coordinator: FlaskClient
) -> None:
    volunteer = make_user(app, "volunteer")
    _change(coordinator, volunteer.id, action="role", role="analyst")
    with app.app_context():
        assert storage.accounts.get_user(storage.get_db(), volunteer.id).role == "analyst"
    log = soup(coordinator.get("/en/admin/people")).select_one("[data-testid=staff-log] tbody tr")
    assert "Role changed: Volunteer → Analysis team" in log.get_text(" ", strip=True)
    with app.app_context():
        me = storage.accounts.authenticate(storage.get_db(), "coordinator@example.org", PASSWORD)
    assert me is not None
    reply = _change(coordinator, me.id, action="role", role="volunteer")
    page = soup(coordinator.get(reply.location))
    assert "at least one active coordinator" in page.get_text()
    with app.app_context():
        assert storage.accounts.get_user(storage.get_db(), me.id).role == "coordinator"


def test_a_password_reset_link_works_once_and_replaces_the_last(
    app: Flask, coordinator: FlaskClient
) -> None:
    volunteer = make_user(app, "volunteer")
    first = soup(_change(coordinator, volunteer.id, action="link"))
    old_link = first.select_one("[data-testid=invite-link]")["href"]
    page = soup(_change(coordinator, volunteer.id, action="link"))
    link = page.select_one("[data-testid=invite-link]")["href"]
    assert link != old_link
    assert app.test_client().get(old_link.removeprefix("http://localhost")).status_code == 404
    person = app.test_client()
    path = link.removeprefix("http://localhost")
    form = soup(person.get(path))
    reply = person.post(
        path,
        data={
            "csrf_token": form.select_one("input[name=csrf_token]")["value"],
            "password": "quiet harbour lanterns",
            "confirm": "quiet harbour lanterns",
        },
    )
    assert reply.status_code == 302
    assert soup(sign_in(app.test_client(), "volunteer@example.org", "quiet harbour lanterns"))
    with app.app_context():
        db = storage.get_db()
        assert storage.accounts.authenticate(db, "volunteer@example.org", PASSWORD) is None
        assert storage.accounts.authenticate(db, "volunteer@example.org", "quiet harbour lanterns")
    assert person.get(path).status_code == 404  # used once
