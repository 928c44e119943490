"""The door log: knocks from volunteers' devices, stored once, with follow-ups per street."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import storage
from tests.conftest import count_rows, make_user, sign_in, soup


@pytest.fixture
def round_and_token(app: Flask, client: FlaskClient) -> tuple[str, str]:
    user = make_user(app, "volunteer")
    page = soup(sign_in(client, "volunteer@example.org"))
    token = page.select_one("[data-wm-device]")["data-token"]
    with app.app_context():
        event = storage.events.create(
            storage.get_db(),
            kind="door_knocking",
            name="Millwall",
            survey_id="what-matters",
            volunteer_ids=(user.id,),
        )
    return event.id, str(token)


def knock(round_id: str, **fields: Any) -> dict[str, Any]:
    entry = {
        "id": str(uuid.uuid4()),
        "event_id": round_id,
        "street": "Manchester Road",
        "door": "14",
        "outcome": "no_answer",
        "knocked_at": "2026-11-21T10:05:00Z",
    }
    entry.update(fields)
    return entry


def send(client: FlaskClient, token: str | None, *doors: dict[str, Any]) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/doors", json={"doors": list(doors)}, headers=headers)


def test_a_knock_is_stored_once(app: Flask, round_and_token: tuple[str, str]) -> None:
    event_id, token = round_and_token
    client = app.test_client()
    entry = knock(event_id)
    assert send(client, token, entry).get_json()["receipts"][0]["status"] == "created"
    assert send(client, token, entry).get_json()["receipts"][0]["status"] == "duplicate"
    changed = dict(entry, outcome="declined")
    assert send(client, token, changed).get_json()["receipts"][0]["status"] == "conflict"
    assert count_rows(app, "doors") == 1


def test_only_a_device_may_send_the_door_log(app: Flask, round_and_token: tuple[str, str]) -> None:
    event_id, _token = round_and_token
    reply = send(app.test_client(), None, knock(event_id))
    assert reply.status_code == 401 and reply.get_json()["error"]
    assert count_rows(app, "doors") == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"street": " "}, "street"),
        ({"event_id": "NOSUCH"}, "event_id"),
        ({"outcome": "needs_language"}, "language"),
        ({"language": "so"}, "language"),
        ({"id": "7"}, "id"),
        ({"knocked_at": "yesterday"}, "knocked_at"),
    ],
)
def test_bad_knocks_are_rejected_with_the_reason(
    app: Flask, round_and_token: tuple[str, str], change: dict[str, Any], field: str
) -> None:
    event_id, token = round_and_token
    [receipt] = send(app.test_client(), token, knock(event_id, **change)).get_json()["receipts"]
    assert receipt["status"] == "rejected" and receipt["errors"][field]
    assert count_rows(app, "doors") == 0


def test_follow_ups_take_the_latest_knock_and_labels_can_be_cleared(
    app: Flask, round_and_token: tuple[str, str]
) -> None:
    event_id, token = round_and_token
    client = app.test_client()
    send(
        client,
        token,
        knock(event_id, door="14", outcome="come_back", knocked_at="2026-11-21T10:00:00Z"),
        knock(event_id, door="14", outcome="completed", knocked_at="2026-11-21T16:00:00Z"),
        knock(event_id, door="15", outcome="come_back"),
        knock(
            event_id, door="16", street="Westferry Road", outcome="needs_language", language="so"
        ),
        knock(event_id, door="17", outcome="declined"),
    )
    with app.app_context():
        db = storage.get_db()
        follow = [
            (f.street, f.door, f.outcome, f.language)
            for f in storage.doors.follow_ups(db, event_id)
        ]
        assert follow == [
            ("Manchester Road", "15", "come_back", None),
            ("Westferry Road", "16", "needs_language", "so"),
        ]
        counts = storage.doors.summary(db, event_id)
        assert (counts["come_back"], counts["completed"], counts["declined"]) == (2, 1, 1)
        assert storage.doors.clear_door_labels(db, event_id) == 5
        assert db.execute("SELECT count(*) FROM doors WHERE door IS NOT NULL").fetchone()[0] == 0
        assert storage.doors.summary(db, event_id) == counts


def test_coordinator_sees_follow_ups_with_speakers_and_clears_labels(
    app: Flask, round_and_token: tuple[str, str]
) -> None:
    event_id, token = round_and_token
    with app.app_context():
        storage.accounts.create_user(
            storage.get_db(),
            email="hodan@example.org",
            name="Hodan",
            role="volunteer",
            password="river lantern quietly",
            languages=("so", "en"),
        )
    send(
        app.test_client(),
        token,
        knock(event_id, door="15", outcome="come_back"),
        knock(
            event_id, door="16", street="Westferry Road", outcome="needs_language", language="so"
        ),
        knock(event_id, door="17", outcome="completed"),
    )
    make_user(app, "coordinator")
    desk = app.test_client()
    sign_in(desk, "coordinator@example.org")
    page = soup(desk.get(f"/en/admin/events/{event_id}"))
    assert page.select_one("tr[data-outcome=completed] td").get_text() == "1"
    lists = [
        [li["data-door"] for li in ul.select("li")]
        for ul in page.select("[data-testid=follow-ups]")
    ]
    assert lists == [["15"], ["16"]]
    assert page.select_one("[data-testid=language-matches]").get_text(" ", strip=True) == (
        "Soomaali: Hodan, Volunteer"  # make_user gives the volunteer en and so too
    )
    form = page.select_one("form[action$='/clear-doors']")
    reply = desk.post(
        form["action"], data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]}
    )
    assert reply.status_code == 302
    after = soup(desk.get(f"/en/admin/events/{event_id}"))
    assert after.select("[data-testid=follow-ups]") == []
    assert after.select_one("tr[data-outcome=completed] td").get_text() == "1"


def test_a_device_of_a_volunteer_not_on_the_round_cannot_log_its_doors(
    app: Flask, round_and_token: tuple[str, str]
) -> None:
    event_id, _token = round_and_token
    make_user(app, "volunteer", "sami@example.org")
    other = app.test_client()
    token = soup(sign_in(other, "sami@example.org")).select_one("[data-wm-device]")["data-token"]
    reply = send(other, str(token), knock(event_id)).get_json()
    assert reply["receipts"][0]["status"] == "rejected"
    assert reply["receipts"][0]["errors"] == {"event_id": "You are not a volunteer on this round."}
    assert count_rows(app, "doors") == 0


def test_doors_are_sorted_as_people_read_them() -> None:
    labels = ["10", "4B", "2", "Flat 12", "4A", "4", "Flat 3", "٣", "1"]
    ordered = sorted(labels, key=storage.doors.door_order)
    assert ordered == ["1", "2", "٣", "4", "4A", "4B", "10", "Flat 3", "Flat 12"]


def test_a_cancelled_round_takes_no_more_doors(
    app: Flask, round_and_token: tuple[str, str]
) -> None:
    event_id, token = round_and_token
    with app.app_context():
        storage.events.set_cancelled(storage.get_db(), event_id, True)
    [receipt] = send(app.test_client(), token, knock(event_id)).get_json()["receipts"]
    assert receipt["status"] == "rejected"
    assert receipt["errors"] == {"event_id": "This round was cancelled."}
    assert count_rows(app, "doors") == 0
