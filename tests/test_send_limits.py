"""Devices and addresses that send too fast are asked to wait (429, Retry-After, a message
in their language) and nothing of the refused request is stored; other devices go on, and
a made-up key counts against the address."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from survey_app import config, storage
from survey_app.sync import limits
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


def _outbox_batch() -> int:
    """How many items the device's outbox puts in one request (static/js/outbox.js)."""
    script = Path(__file__).parent.parent / "survey_app" / "static" / "js" / "outbox.js"
    found = re.search(r"var BATCH = (\d+);", script.read_text(encoding="utf-8"))
    assert found is not None
    return int(found.group(1))


def _morning(event: str, answered: int, knocked: int) -> list[tuple[str, dict[str, Any]]]:
    """One volunteer's outbox, oldest first: a door for each knock, three in five answered
    (the survey is queued before its door's entry) until ``answered`` have been."""
    queued: list[tuple[str, dict[str, Any]]] = []
    for n in range(knocked):
        linked = None
        if n % 5 < 3 and answered > 0:
            answered -= 1
            item = _item(mode="assisted", event_id=event)
            queued.append(("responses", item))
            linked = item["id"]
        door = {
            "id": str(uuid.uuid4()),
            "event_id": event,
            "street": "Manchester Road",
            "door": f"Flat {n + 1}",
            "outcome": "completed" if linked else "no_answer",
            "response_id": linked,
            "knocked_at": "2026-12-05T09:00:00Z",
        }
        queued.append(("doors", door))
    assert answered == 0
    return queued


def _as_the_outbox_sends(queued: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, list[Any]]]:
    """The requests, in order: the oldest item's kind, up to a batch of that kind."""
    batch, left, requests = _outbox_batch(), list(queued), []
    while left:
        kind = left[0][0]
        taken = [item for each, item in left if each == kind][:batch]
        requests.append((kind, taken))
        sent = {item["id"] for item in taken}
        left = [(each, item) for each, item in left if item["id"] not in sent]
    return requests


def test_the_default_limits_let_a_centre_full_of_tablets_send_a_morning_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app's own limits: nothing here lowers or raises them.
    app = staff_app(tmp_path / "busy.sqlite", RATELIMIT_ENABLED=True, EMBED_ON_ARRIVAL=False)
    defaults = config.defaults()
    for name in ("SEND_LIMIT_PER_DEVICE", "SEND_LIMIT_PER_ADDRESS"):
        assert app.config[name] == defaults[name]
    tablets, answered, knocked = 25, 60, 100
    with app.app_context():
        db = storage.get_db()
        people = [
            storage.accounts.create_user(
                db, email=f"v{n}@example.org", name=f"V{n}", role="volunteer", password=PASSWORD
            )
            for n in range(tablets)
        ]
        event = storage.events.create(
            db,
            kind="door_knocking",
            name="Saturday morning",
            survey_id="what-matters",
            volunteer_ids=tuple(person.id for person in people),
        )
        keys = [storage.accounts.register_device(db, person, "Tablet")[1] for person in people]
    outboxes = [_as_the_outbox_sends(_morning(event.id, answered, knocked)) for _ in keys]
    # Every tablet on the centre's wifi (one address) gets its signal back in the same
    # minute, one of the limits' windows, and sends in turn with the others: the limits'
    # clock stands still, so a slow machine cannot spread the morning over two windows.
    monkeypatch.setattr(limits.time, "time", lambda: 1_800_000_000.0)
    statuses, receipts = [], []
    for turn in range(max(len(outbox) for outbox in outboxes)):
        for key, outbox in zip(keys, outboxes, strict=True):
            if turn < len(outbox):
                kind, items = outbox[turn]
                reply = app.test_client().post(
                    f"/api/v1/{kind}",
                    json={kind: items},
                    headers={"Authorization": f"Bearer {key}"},
                    environ_base={"REMOTE_ADDR": "10.20.30.40"},
                )
                statuses.append(reply.status_code)
                receipts += [r["status"] for r in (reply.get_json() or {}).get("receipts", [])]
    assert len(statuses) == sum(len(outbox) for outbox in outboxes) > tablets * 2
    assert set(statuses) == {200}
    assert receipts == ["created"] * tablets * (answered + knocked)
    assert _rows(app, "SELECT count(*) FROM responses") == [(tablets * answered,)]
    assert _rows(app, "SELECT count(*) FROM doors") == [(tablets * knocked,)]
    assert _rows(app, "SELECT count(*) FROM doors WHERE response_id IS NOT NULL") == [
        (tablets * answered,)
    ]
