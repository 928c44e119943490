"""Devices and addresses that send too fast are asked to wait (429, Retry-After, a message
in their language) and nothing of the refused request is stored; other devices go on, and
a made-up key counts against the address."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import Flask

from survey_app import storage
from tests.conftest import PASSWORD, catalogue_translation, soup, staff_app
from tests.test_rights import _device_token, _item, _rows


def _limited(tmp_path: Path) -> Flask:
    return staff_app(
        tmp_path / "l.sqlite",
        RATELIMIT_ENABLED=True,
        SEND_LIMIT_PER_DEVICE="3 per minute",
        SEND_LIMIT_PER_ADDRESS="6 per minute",
    )


def _post(app: Flask, token: str | None, **headers: str) -> Any:
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return app.test_client().post(
        "/api/v1/responses",
        json={"responses": [_item(id=str(uuid.uuid4()))]},
        headers=headers,
    )


def test_a_device_sending_too_fast_waits_and_the_others_go_on(tmp_path: Path) -> None:
    app = _limited(tmp_path)
    first = _device_token(app)
    with app.app_context():
        storage.accounts.create_user(
            storage.get_db(), email="v2@example.org", name="V2", role="volunteer", password=PASSWORD
        )
    second_page = app.test_client().post(
        "/en/sign-in",
        data={"email": "v2@example.org", "password": PASSWORD, "device_label": "T2"},
        follow_redirects=True,
    )
    second = str(soup(second_page).select_one("[data-wm-device]")["data-token"])
    assert [_post(app, first).status_code for _ in range(3)] == [200, 200, 200]
    refused = _post(app, first, **{"Accept-Language": "so"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["error"] == catalogue_translation(
        "so", "Too many tries. Please wait a minute before trying again."
    )
    assert _rows(app, "SELECT count(*) FROM responses") == [(3,)]
    # Another tablet on the same connection has an allowance of its own.
    assert [_post(app, second).status_code for _ in range(3)] == [200, 200, 200]
    # Residents' own phones (no device key) and made-up keys share the address's.
    assert [_post(app, None).status_code for _ in range(5)] == [200] * 5
    assert _post(app, "made-up-key").status_code == 401
    assert _post(app, None).status_code == 429
    assert _post(app, "another-made-up-key").status_code == 429
    assert _rows(app, "SELECT count(*) FROM responses") == [(11,)]
