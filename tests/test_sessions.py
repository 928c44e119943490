"""Sessions live on the server: signing out ends them, copies of the cookie included;
wrong passwords hold an account whatever address they come from; staff pages are never
cached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from survey_app import storage
from tests.conftest import PASSWORD, catalogue_translation, staff_app

DEVICES = "/en/admin/devices"


def _signed_in(app: Flask, role: str = "coordinator", address: str = "127.0.0.1") -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    reply = client.post("/en/sign-in", data={"email": f"{role}@example.org", "password": PASSWORD})
    assert reply.status_code == 302, reply.status_code
    return client


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_a_copy_of_the_cookie_is_worthless_after_signing_out(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "s.sqlite")
    coordinator = _signed_in(app)
    assert coordinator.get(DEVICES).status_code == 200
    stolen = _cookie(coordinator)
    coordinator.post("/en/sign-out")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    refused = thief.get(DEVICES)
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]


def test_each_sign_in_is_a_new_session_and_ends_alone(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "s.sqlite")
    laptop, phone = _signed_in(app), _signed_in(app)
    assert _cookie(laptop) != _cookie(phone)
    laptop.post("/en/sign-out")
    assert phone.get(DEVICES).status_code == 200


def _age(app: Flask, **ago: timedelta) -> None:
    now = datetime.now(UTC)
    with app.app_context(), storage.write(storage.get_db()) as db:
        for column, delta in ago.items():
            db.execute(
                f"UPDATE staff_sessions SET {column} = ?",
                [(now - delta).isoformat(timespec="seconds")],
            )


def test_an_idle_session_and_a_long_one_end(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "s.sqlite")
    coordinator = _signed_in(app)
    _age(app, last_seen=timedelta(minutes=app.config["STAFF_IDLE_MINUTES"] - 5))
    assert coordinator.get(DEVICES).status_code == 200  # and seen again now
    _age(app, last_seen=timedelta(minutes=app.config["STAFF_IDLE_MINUTES"] + 1))
    assert coordinator.get(DEVICES).status_code == 302
    busy = _signed_in(app)
    _age(app, created_at=timedelta(hours=app.config["STAFF_SESSION_HOURS"], minutes=1))
    assert busy.get(DEVICES).status_code == 302


def test_deactivation_ends_the_session_for_good(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "s.sqlite")
    analyst = _signed_in(app, "analyst")
    assert analyst.get("/en/analysis/").status_code == 200
    with app.app_context():
        db = storage.get_db()
        people = [p.user for p in storage.accounts.list_people(db)]
        [coordinator] = [u for u in people if u.role == "coordinator"]
        [target] = [u for u in people if u.role == "analyst"]
        storage.people.set_active(db, coordinator.id, target.id, False)
        storage.people.set_active(db, coordinator.id, target.id, True)
    # Reactivated: the old session stays ended; a new sign-in is needed.
    assert analyst.get("/en/analysis/").status_code == 302


def _guess_from_three_addresses(app: Flask, lang: str, email: str) -> None:
    for n in range(app.config["SIGN_IN_FAILURES"]):
        guesser = app.test_client()
        guesser.environ_base["REMOTE_ADDR"] = f"10.0.{n % 3}.1"
        wrong = guesser.post(f"/{lang}/sign-in", data={"email": email, "password": f"guess {n}"})
        assert wrong.status_code == 200


def test_wrong_passwords_from_many_addresses_hold_the_account(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "s.sqlite")
    _guess_from_three_addresses(app, "en", "Coordinator@example.org")
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "192.168.1.9"
    held = owner.post(
        "/en/sign-in", data={"email": "coordinator@example.org", "password": PASSWORD}
    )
    assert held.status_code == 429
    wait = int(held.headers["Retry-After"])
    assert 0 < wait <= app.config["SIGN_IN_HOLD_MINUTES"] * 60 + 1
    assert "Too many wrong passwords" in held.get_data(as_text=True)
    assert owner.get(DEVICES).status_code == 302  # not signed in
    # Another account is not held.
    assert _signed_in(app, "analyst", "10.0.0.1").get("/en/analysis/").status_code == 200
    # Once the wrong passwords age out, the right one works again.
    with app.app_context(), storage.write(storage.get_db()) as db:
        old = datetime.now(UTC) - timedelta(minutes=app.config["SIGN_IN_HOLD_MINUTES"] + 1)
        db.execute("UPDATE sign_in_failures SET at = ?", [old.isoformat(timespec="seconds")])
    assert _signed_in(app).get(DEVICES).status_code == 200


def test_pages_with_personal_data_are_never_cached(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "s.sqlite")
    coordinator = _signed_in(app)
    event = app.config["STAFF_ROUND"]
    for url in (DEVICES, f"/en/admin/events/{event}", "/en/admin/people", "/en/analysis/"):
        reply = coordinator.get(url)
        assert reply.status_code == 200, url
        assert reply.headers["Cache-Control"] == "no-store", url
    css = coordinator.get("/static/css/app.css")
    assert css.headers.get("Cache-Control") != "no-store"
    css.close()


def test_a_new_password_ends_every_session_and_device_key(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "s.sqlite")
    laptop = app.test_client()
    laptop.post("/en/sign-in", data={"email": "volunteer@example.org", "password": PASSWORD})
    assert laptop.get("/en/rounds/").status_code == 200
    with app.app_context():
        db = storage.get_db()
        user = db.execute("SELECT id FROM users WHERE role = 'volunteer'").fetchone()[0]
        storage.accounts.register_device(db, storage.accounts.get_user(db, user), "Tablet")
        link = storage.people.new_link(db, 1, user)
    chosen = app.test_client().post(
        f"/en/welcome/{link}",
        data={"password": "river lantern quietly", "confirm": "river lantern quietly"},
    )
    assert chosen.status_code == 302
    refused = laptop.get("/en/rounds/")
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]
    with app.app_context():
        live = (
            storage.get_db()
            .execute("SELECT count(*) FROM devices WHERE revoked_at IS NULL")
            .fetchone()[0]
        )
    assert live == 0


HELD = (
    "Too many wrong passwords for this account. Try again in %(minutes)s "
    "minutes, or ask a coordinator."
)


def test_a_held_account_is_told_so_in_the_language_of_the_sign_in_page(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "s.sqlite")
    _guess_from_three_addresses(app, "bn", "coordinator@example.org")
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "192.168.1.9"
    held = owner.post(
        "/bn/sign-in", data={"email": "coordinator@example.org", "password": PASSWORD}
    )
    assert held.status_code == 429
    wait = int(held.headers["Retry-After"])
    assert 0 < wait <= app.config["SIGN_IN_HOLD_MINUTES"] * 60 + 1
    said = catalogue_translation("bn", HELD) % {"minutes": -(-wait // 60)}
    body = held.get_data(as_text=True)
    assert str(escape(said)) in body
    assert "Too many wrong passwords" not in body
    assert owner.get("/bn/admin/devices").status_code == 302  # not signed in
