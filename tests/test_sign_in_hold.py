"""Wrong passwords from anywhere hold an account, but not on a browser its owner signed in
on before: guessing cannot keep the owner out (OWASP's device cookies)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from survey_app import create_app
from tests.conftest import PASSWORD, make_user, staff_app

SIGN_IN = "/en/sign-in"
DEVICES = "/en/admin/devices"


def _client(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _try(client: FlaskClient, email: str, password: str) -> int:
    return client.post(SIGN_IN, data={"email": email, "password": password}).status_code


def _guess(app: Flask, email: str, times: int) -> None:
    for n in range(times):
        assert _try(_client(app, f"10.0.{n % 3}.1"), email, f"guess {n}") == 200


def test_guesses_from_elsewhere_do_not_keep_the_owner_out(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "s.sqlite")
    owner = _client(app, "192.168.1.9")
    first = owner.post(SIGN_IN, data={"email": "coordinator@example.org", "password": PASSWORD})
    assert first.status_code == 302
    remembered = [h for h in first.headers.getlist("Set-Cookie") if h.startswith("wm_known=")]
    assert remembered and "HttpOnly" in remembered[0] and "SameSite=Lax" in remembered[0]
    assert "coordinator" not in remembered[0].lower()
    owner.post("/en/sign-out")

    _guess(app, "coordinator@example.org", app.config["SIGN_IN_FAILURES"])
    # A browser never signed in on is held, the right password too...
    assert _try(_client(app, "192.168.1.10"), "coordinator@example.org", PASSWORD) == 429
    # ...the owner's own browser is not.
    assert _try(owner, "coordinator@example.org", PASSWORD) == 302
    assert owner.get(DEVICES).status_code == 200


def test_the_owners_browser_is_held_by_its_own_wrong_passwords(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "s.sqlite")
    owner = _client(app, "192.168.1.9")
    assert _try(owner, "coordinator@example.org", PASSWORD) == 302
    owner.post("/en/sign-out")
    for n in range(app.config["SIGN_IN_FAILURES"]):
        # Each a minute apart in spirit: the address limit is not what is tested here.
        owner.environ_base["REMOTE_ADDR"] = f"192.168.2.{n}"
        assert _try(owner, "coordinator@example.org", f"typo {n}") == 200
    held = owner.post(SIGN_IN, data={"email": "coordinator@example.org", "password": PASSWORD})
    assert held.status_code == 429 and int(held.headers["Retry-After"]) > 0


def test_a_browser_known_to_another_account_is_not_known_to_this_one(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "s.sqlite")
    laptop = _client(app, "192.168.1.9")
    assert _try(laptop, "analyst@example.org", PASSWORD) == 302
    laptop.post("/en/sign-out")
    _guess(app, "coordinator@example.org", app.config["SIGN_IN_FAILURES"])
    assert _try(laptop, "coordinator@example.org", PASSWORD) == 429
    # A cookie that was not signed by the app counts for nothing either.
    forged = _client(app, "192.168.1.11")
    forged.set_cookie("wm_known", "bm9uY2U.c2lnbmF0dXJl")
    assert _try(forged, "coordinator@example.org", PASSWORD) == 429


def test_a_centres_volunteers_all_sign_in_on_one_address(tmp_path: Path) -> None:
    """The address limit counts wrong passwords only: a dozen volunteers (more than the ten
    tries a minute) on the community centre's wifi sign in within a minute, and a guesser
    there is still stopped."""
    app = create_app(
        {
            "DATABASE": str(tmp_path / "centre.sqlite"),
            "SECRET_KEY": "c",
            "RATELIMIT_ENABLED": True,
            "WTF_CSRF_ENABLED": False,
        }
    )
    for n in range(12):
        make_user(app, "volunteer", f"volunteer{n}@example.org")
    signed_in = [
        _try(_client(app, "10.1.1.1"), f"volunteer{n}@example.org", PASSWORD) for n in range(12)
    ]
    assert signed_in == [200] * 12  # each tablet's "ready to collect" page
    guesses = [_try(_client(app, "10.1.1.1"), f"v{n}@example.org", "guess") for n in range(11)]
    assert guesses == [200] * 10 + [429]
