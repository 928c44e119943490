"""The door log page without JavaScript: a few taps, stored once, explained when incomplete."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import storage
from tests.conftest import count_rows, make_user, sign_in, soup


@pytest.fixture
def volunteer(app: Flask, client: FlaskClient) -> tuple[FlaskClient, str]:
    user = make_user(app, "volunteer")
    sign_in(client, "volunteer@example.org")
    with app.app_context():
        event = storage.events.create(
            storage.get_db(),
            kind="door_knocking",
            name="Millwall",
            survey_id="what-matters",
            area="Manchester Road\nWestferry Road",
            volunteer_ids=(user.id,),
        )
    return client, event.id


def _post(client: FlaskClient, event_id: str, **fields: object) -> object:
    page = soup(client.get(f"/en/rounds/{event_id}"))
    data = {tag["name"]: tag.get("value", "") for tag in page.select("form input[type=hidden]")}
    data.update(fields)
    return client.post(f"/en/rounds/{event_id}", data=data)


def test_a_door_is_logged_and_the_street_kept_for_the_next(
    app: Flask, volunteer: tuple[FlaskClient, str]
) -> None:
    client, event_id = volunteer
    page = soup(client.get(f"/en/rounds/{event_id}"))
    assert [o["value"] for o in page.select("datalist#streets option")] == [
        "Manchester Road",
        "Westferry Road",
    ]
    reply = _post(
        client,
        event_id,
        street="Manchester Road",
        door="14",
        outcome="needs_language",
        language="so",
    )
    assert reply.status_code == 302 and "street=Manchester" in reply.location
    after = soup(client.get(reply.location))
    assert "Needs another language" in after.select_one("[data-testid=logged]").get_text()
    assert after.select_one("#street")["value"] == "Manchester Road"
    with app.app_context():
        row = storage.get_db().execute("SELECT street, door, outcome, language FROM doors")
        assert row.fetchall() == [("Manchester Road", "14", "needs_language", "so")]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"street": "", "outcome": "no_answer"}, "street", "Say which street."),
        ({"street": "Manchester Road"}, "outcome", "Say what happened at the door."),
        (
            {"street": "Manchester Road", "outcome": "needs_language"},
            "language",
            "Say which language is needed.",
        ),
    ],
)
def test_an_incomplete_door_is_explained_and_not_stored(
    app: Flask, volunteer: tuple[FlaskClient, str], fields: dict[str, str], field: str, message: str
) -> None:
    client, event_id = volunteer
    reply = _post(client, event_id, **fields)
    assert reply.status_code == 422
    assert message in soup(reply).select_one(f"#{field}-error").get_text()
    assert count_rows(app, "doors") == 0


def test_only_door_knocking_rounds_have_a_door_log(
    app: Flask, volunteer: tuple[FlaskClient, str]
) -> None:
    client, _event_id = volunteer
    with app.app_context():
        online = storage.events.create(
            storage.get_db(), kind="online", name="Link", survey_id="what-matters"
        )
    assert client.get(f"/en/rounds/{online.id}").status_code == 404


def test_a_completed_door_leads_to_the_survey_and_names_its_response(
    app: Flask, volunteer: tuple[FlaskClient, str]
) -> None:
    client, event_id = volunteer
    reply = _post(client, event_id, street="Manchester Road", door="3", outcome="completed")
    assert reply.status_code == 302 and "with=volunteer" in reply.location
    with app.app_context():
        response_id = storage.get_db().execute("SELECT response_id FROM doors").fetchone()[0]
    assert f"response={response_id}" in reply.location and f"event={event_id}" in reply.location
    survey = soup(client.get(reply.location))
    assert survey.select_one("form[data-survey-form] input[name=response_id]")["value"] == (
        response_id
    )
    assert survey.select_one("input[name=mode]")["value"] == "assisted"
    assert survey.select_one("input[name=event]")["value"] == event_id


def test_volunteers_on_a_round_find_it_and_others_do_not(app: Flask, client: FlaskClient) -> None:
    make_user(app, "coordinator")
    with app.app_context():
        db = storage.get_db()
        hodan = storage.accounts.create_user(
            db,
            email="hodan@example.org",
            name="Hodan",
            role="volunteer",
            password="river lantern quietly",
        )
        storage.accounts.create_user(
            db,
            email="sami@example.org",
            name="Sami",
            role="volunteer",
            password="river lantern quietly",
        )
    sign_in(client, "coordinator@example.org")
    page = soup(client.get("/en/admin/events"))
    option = page.select_one(f"#volunteers input[type=checkbox][value='{hodan.id}']")
    assert page.select_one(f"label[for={option['id']}]").get_text() == "Hodan"
    reply = client.post(
        "/en/admin/events",
        data={
            "csrf_token": page.select_one("input[name=csrf_token]")["value"],
            "kind": "door_knocking",
            "name": "Cubitt Town round",
            "volunteers": [str(hodan.id)],
        },
    )
    event_id = reply.location.rsplit("/", 1)[1]
    detail = soup(client.get(reply.location))
    assert detail.select_one("[data-testid=round-volunteers]").get_text() == "Hodan"

    hodans = app.test_client()
    sign_in(hodans, "hodan@example.org", "river lantern quietly")
    rounds = soup(hodans.get("/en/rounds/"))
    assert [a["data-round"] for a in rounds.select("[data-round]")] == [event_id]
    samis = app.test_client()
    sign_in(samis, "sami@example.org", "river lantern quietly")
    assert soup(samis.get("/en/rounds/")).select("[data-round]") == []


def test_a_volunteer_not_on_a_round_can_neither_open_it_nor_log_its_doors(
    app: Flask, volunteer: tuple[FlaskClient, str]
) -> None:
    _own_client, event_id = volunteer
    with app.app_context():
        storage.accounts.create_user(
            storage.get_db(),
            email="sami@example.org",
            name="Sami",
            role="volunteer",
            password="river lantern quietly",
        )
    sami = app.test_client()
    sign_in(sami, "sami@example.org", "river lantern quietly")
    assert sami.get(f"/en/rounds/{event_id}").status_code == 403
    token = soup(sami.get("/en/rounds/")).select_one("input[name=csrf_token]")
    reply = sami.post(
        f"/en/rounds/{event_id}",
        data={
            "csrf_token": token["value"],
            "id": "0b6f7a4e-5d1c-4c2a-9e8f-2a1b3c4d5e6f",
            "street": "Manchester Road",
            "outcome": "no_answer",
        },
    )
    assert reply.status_code == 403
    assert count_rows(app, "doors") == 0


def _undo(client: FlaskClient, event_id: str, knock: str) -> object:
    token = soup(client.get(f"/en/rounds/{event_id}")).select_one("input[name=csrf_token]")
    return client.post(
        f"/en/rounds/{event_id}/undo", data={"csrf_token": token["value"], "knock": knock}
    )


def test_a_mistaken_door_can_be_undone_for_a_while_and_the_undo_is_recorded(
    app: Flask, volunteer: tuple[FlaskClient, str]
) -> None:
    client, event_id = volunteer
    _post(client, event_id, street="Manchester Road", door="10", outcome="come_back")
    _post(client, event_id, street="Manchester Road", door="2", outcome="no_answer")
    page = soup(client.get(f"/en/rounds/{event_id}"))
    recent = page.select("[data-testid=recent-doors] li")
    assert [li.span.get_text(" ", strip=True).split(",")[0] for li in recent] == [
        "Manchester Road 2: No answer",
        "Manchester Road 10: Come back later",
    ]
    # The history lists doors as people read them: 2 before 10.
    history = page.select("[data-testid=door-history] > ul > li > strong")
    assert [h.get_text(strip=True) for h in history] == ["Manchester Road 2", "Manchester Road 10"]
    knock = recent[1].select_one("input[name=knock]")["value"]
    assert _undo(client, event_id, knock).status_code == 302
    with app.app_context():
        db = storage.get_db()
        row = db.execute("SELECT undone_at IS NOT NULL, undone_by FROM doors WHERE id = ?", [knock])
        assert row.fetchone() == (1, 1)
        # Undone doors no longer count: no follow-up for door 10.
        assert storage.doors.follow_ups(db, event_id) == []
        assert storage.doors.summary(db, event_id)["come_back"] == 0
    assert count_rows(app, "doors") == 2  # kept, marked undone
    history = soup(client.get(f"/en/rounds/{event_id}")).select("[data-testid=door-history] del")
    assert [d.get_text() for d in history] == ["Come back later"]


def test_only_your_own_recent_doors_can_be_undone(
    app: Flask, volunteer: tuple[FlaskClient, str]
) -> None:
    client, event_id = volunteer
    _post(client, event_id, street="Manchester Road", door="3", outcome="declined")
    with app.app_context():
        db = storage.get_db()
        knock = db.execute("SELECT id FROM doors").fetchone()[0]
        user = storage.accounts.create_user(
            db, email="sami@example.org", name="Sami", role="volunteer", password="a long password"
        )
        with storage.write(db):
            db.execute(
                "INSERT INTO event_volunteers (event_id, user_id) VALUES (?, ?)",
                [event_id, user.id],
            )
    sami = app.test_client()
    sign_in(sami, "sami@example.org", "a long password")
    reply = _undo(sami, event_id, knock)
    assert reply.status_code == 302
    assert "can no longer be undone" in soup(sami.get(reply.location)).get_text()
    with app.app_context():
        db = storage.get_db()
        # Too late for its own volunteer too, once the minutes have passed.
        with storage.write(db):
            db.execute("UPDATE doors SET received_at = '2026-01-01T10:00:00+00:00'")
    _undo(client, event_id, knock)
    with app.app_context():
        row = storage.get_db().execute("SELECT undone_at FROM doors").fetchone()
    assert row == (None,)
