"""Events: short links and QR codes that attribute self-completed responses to the event."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import storage
from tests.conftest import Resident, catalogue_translation, make_user, sign_in, soup


def _create(client: FlaskClient, **fields: object) -> str:
    page = soup(client.get("/en/admin/events"))
    data = {
        "csrf_token": page.select_one("input[name=csrf_token]")["value"],
        "kind": "door_knocking",
        "name": "Millwall round",
        "starts_on": "2026-12-01",
        "starts_at": "10:00",
        "languages": ["bn", "so"],
        **fields,
    }
    reply = client.post("/en/admin/events", data=data)
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    return reply.location.rsplit("/", 1)[1]


def test_event_page_has_a_qr_code_and_a_leaflet_in_its_languages(
    coordinator: FlaskClient,
) -> None:
    code = _create(coordinator)
    page = soup(coordinator.get(f"/en/admin/events/{code}"))
    qr = page.select_one("svg.qr")
    assert qr["role"] == "img" and code in qr.select_one("title").get_text()
    assert page.select_one("[data-testid=short-link]")["href"] == f"http://localhost/e/{code}"
    titles = {li["lang"]: li.strong.get_text() for li in page.select(".leaflet-languages li")}
    assert titles == {"bn": "আপনার কাছে কী গুরুত্বপূর্ণ?", "so": "Maxaa kuu muhiim ah?"}


def test_a_missing_name_is_explained_and_nothing_is_created(
    app: Flask, coordinator: FlaskClient
) -> None:
    page = soup(coordinator.get("/en/admin/events"))
    reply = coordinator.post(
        "/en/admin/events",
        data={
            "csrf_token": page.select_one("input[name=csrf_token]")["value"],
            "kind": "online",
            "name": "",
        },
    )
    assert "Give the event a name." in soup(reply).select_one("#name-error").get_text()
    with app.app_context():
        assert storage.events.all_events(storage.get_db()) == []


def test_short_link_opens_the_survey_in_the_residents_language(
    app: Flask, coordinator: FlaskClient
) -> None:
    code = _create(coordinator)
    resident = app.test_client()
    assert resident.get(f"/e/{code}?lang=so").location == f"/so/s/what-matters/?event={code}"
    reply = resident.get(f"/e/{code.lower()}", headers={"Accept-Language": "ur"})
    assert reply.location == f"/ur/s/what-matters/?event={code}"
    assert resident.get("/e/NOSUCH").status_code == 404


def test_a_response_through_the_link_counts_for_the_event(
    app: Flask, coordinator: FlaskClient
) -> None:
    code = _create(coordinator)
    phone = app.test_client()
    resident = Resident(phone, lang="so")
    first = phone.get(f"/so/s/what-matters/?event={code}")
    page = soup(first)
    resident.hidden = {
        t["name"]: t.get("value", "")
        for t in page.select("form[data-survey-form] input[type=hidden]")
    }
    assert resident.hidden["event"] == code
    resident.response_id = resident.hidden["response_id"]
    assert resident.complete().status_code == 303
    with app.app_context():
        db = storage.get_db()
        assert db.execute("SELECT event_id FROM responses").fetchall() == [(code,)]
        assert storage.events.get(db, code).responses == 1


def test_a_mistyped_event_code_still_keeps_the_answer(app: Flask, client: FlaskClient) -> None:
    page = soup(client.get("/en/s/what-matters/?event=ZZZZZZ"))
    assert page.select_one("input[name=event]")["value"] == ""


def test_api_records_the_event_and_refuses_an_unknown_one(
    app: Flask, coordinator: FlaskClient
) -> None:
    code = _create(coordinator)
    item = {
        "survey_id": "what-matters",
        "survey_version": 1,
        "language": "en",
        "answers": {
            "consent": "yes",
            "what_matters": "Parks",
            "quote_consent": "no",
            "get_involved": "no",
        },
    }
    reply = coordinator.post(
        "/api/v1/responses",
        json={
            "responses": [
                dict(item, id=str(uuid.uuid4()), event_id=code),
                dict(item, id=str(uuid.uuid4()), event_id="NOSUCH"),
            ]
        },
    )
    statuses = [r["status"] for r in reply.get_json()["receipts"]]
    assert statuses == ["created", "rejected"]
    with app.app_context():
        assert storage.events.get(storage.get_db(), code).responses == 1


@pytest.mark.parametrize(
    ("role", "expected"), [(None, 302), ("volunteer", 403), ("analyst", 403), ("coordinator", 200)]
)
def test_events_are_for_coordinators(
    app: Flask, client: FlaskClient, role: str | None, expected: int
) -> None:
    if role:
        make_user(app, role)
        sign_in(client, f"{role}@example.org")
    assert client.get("/en/admin/events").status_code == expected


def test_the_leaflet_speaks_to_residents_in_each_language(
    app: Flask, coordinator: FlaskClient
) -> None:
    code = _create(coordinator, host="Sami (volunteer lead)")
    page = soup(coordinator.get(f"/en/admin/events/{code}"))
    leaflet = page.select_one(".leaflet")
    parts = {li["lang"]: li for li in leaflet.select(".leaflet-languages li")}
    english = (
        "Tell us what matters to you. Scan the code with your phone's camera, or type "
        "the address. It takes about five minutes, and you can answer in your own language."
    )
    for lang in ("bn", "so"):
        invitation = parts[lang].select_one(".leaflet-invitation").get_text(strip=True)
        assert invitation == catalogue_translation(lang, english)
    # The date in the reader's own language (Babel's Bengali dates keep 0-9 digits).
    assert (
        "মঙ্গলবার, 1 ডিসেম্বর, 2026" in parts["bn"].select_one("[data-testid=leaflet-when]").get_text()
    )
    assert "Talaado" in parts["so"].select_one("[data-testid=leaflet-when]").get_text()
    # Nothing for staff on the printed part; the event's details are screen-only.
    assert "Sami" not in leaflet.get_text()
    assert "no-print" in page.select_one("dl.facts")["class"]


def test_the_coordinator_is_warned_when_the_public_address_is_not_set(
    app: Flask, coordinator: FlaskClient
) -> None:
    code = _create(coordinator)
    warning = soup(coordinator.get(f"/en/admin/events/{code}")).select_one(
        "[data-testid=public-address-warning]"
    )
    assert "cannot open it" in warning.get_text()  # localhost: a phone cannot reach it
    app.config["PUBLIC_URL"] = "https://whatmatters.example.org"
    page = soup(coordinator.get(f"/en/admin/events/{code}"))
    assert page.select_one("[data-testid=public-address-warning]") is None
    assert page.select_one("[data-testid=short-link]")["href"] == (
        f"https://whatmatters.example.org/e/{code}"
    )


def _version_two(app: Flask) -> None:
    """A changed "What matters" survey, published as version 2."""
    with app.app_context():
        db = storage.get_db()
        definition = storage.surveys.draft_definition(db, "what-matters")
        definition["title"] = "What matters to you now?"
        storage.surveys.save_draft(db, definition, source="bundled")
        assert storage.surveys.publish_draft(db, "what-matters").version == 2


def test_an_event_keeps_to_the_survey_version_it_was_given(
    app: Flask, coordinator: FlaskClient
) -> None:
    code = _create(coordinator, kind="world_cafe", survey="what-matters@1")
    _version_two(app)
    page = soup(coordinator.get(f"/e/{code}", follow_redirects=True))
    assert page.select_one("input[name=survey_version]")["value"] == "1"
    # An event that follows the published survey gets the new version.
    other = _create(coordinator, kind="world_cafe", name="Drop-in")
    page = soup(coordinator.get(f"/e/{other}", follow_redirects=True))
    assert page.select_one("input[name=survey_version]")["value"] == "2"
    detail = soup(coordinator.get(f"/en/admin/events/{code}"))
    assert "version 1" in detail.select_one("[data-testid=event-survey]").get_text()


def test_an_event_is_changed_and_cancelled_and_its_link_stays(
    app: Flask, coordinator: FlaskClient
) -> None:
    volunteer = make_user(app, "volunteer")
    code = _create(coordinator)
    form = soup(coordinator.get(f"/en/admin/events/{code}/edit"))
    assert form.select_one("#name")["value"] == "Millwall round"
    data = {
        tag["name"]: tag.get("value", "")
        for tag in form.select("form input[type=hidden], form input[type=text]")
    }
    data.update(
        name="Millwall round (Saturday)", volunteers=[str(volunteer.id)], survey="what-matters"
    )
    reply = coordinator.post(f"/en/admin/events/{code}/edit", data=data)
    assert reply.status_code == 302 and reply.location.endswith(f"/admin/events/{code}")
    with app.app_context():
        event = storage.events.get(storage.get_db(), code)
        assert (event.name, event.kind) == ("Millwall round (Saturday)", "door_knocking")
        assert storage.events.volunteer_ids(storage.get_db(), code) == [volunteer.id]
    tablet = app.test_client()
    sign_in(tablet, "volunteer@example.org")
    assert tablet.get(f"/en/rounds/{code}").status_code == 200

    token = soup(coordinator.get(f"/en/admin/events/{code}")).select_one("input[name=csrf_token]")
    coordinator.post(
        f"/en/admin/events/{code}/cancel", data={"csrf_token": token["value"], "action": "cancel"}
    )
    listing = soup(coordinator.get("/en/admin/events"))
    assert listing.select_one(f"tr[data-event='{code}'] [data-testid=cancelled]") is not None
    assert tablet.get(f"/en/rounds/{code}").status_code == 410
    assert soup(tablet.get("/en/rounds/")).select("[data-round]") == []
    assert coordinator.get(f"/e/{code}").status_code == 302  # printed leaflets still open
