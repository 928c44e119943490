"""HTTPS seen through a configured proxy (Secure cookies, HSTS), never from a header
alone; no-store on everything that carries answers or personal data."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.conftest import PASSWORD, Resident, staff_app

HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def _sign_in(client: FlaskClient, headers: dict[str, str]) -> str:
    reply = client.post(
        "/en/sign-in",
        data={"email": "coordinator@example.org", "password": PASSWORD},
        headers=headers,
    )
    assert reply.status_code == 302
    return "; ".join(reply.headers.getlist("Set-Cookie"))


def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "p.sqlite", PROXY_HOPS=1)
    client = app.test_client()
    cookies = _sign_in(client, HTTPS)
    assert "Secure" in cookies and "HttpOnly" in cookies and "SameSite=Lax" in cookies
    page = client.get("/en/admin/devices", headers=HTTPS)
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    # The same app reached over plain HTTP (a health check on the box) sends neither.
    plain = app.test_client()
    assert "Secure" not in _sign_in(plain, {})
    assert "Strict-Transport-Security" not in plain.get("/en/").headers


def test_a_forwarded_header_is_not_believed_without_a_configured_proxy(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "p.sqlite")
    client = app.test_client()
    assert "Secure" not in _sign_in(client, HTTPS)
    assert "Strict-Transport-Security" not in client.get("/en/", headers=HTTPS).headers


def test_posted_answers_and_api_replies_are_never_cached(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "p.sqlite")
    resident = Resident(app.test_client())
    step = resident.post("welcome", consent="yes")
    assert step.status_code == 200 and step.headers["Cache-Control"] == "no-store"
    api = app.test_client().post("/api/v1/responses", json={"responses": []})
    assert api.headers["Cache-Control"] == "no-store"
