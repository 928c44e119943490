"""Residents answer in a language only the form has (Tigrinya, Amharic): the questions in
it, the app's own words in the closest language the app has, and the response says which."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from survey_app import i18n
from survey_app.surveys import xlsform
from tests.conftest import Resident, count_rows, field_errors, shown_step, soup
from tests.test_authoring import _token, _upload
from tests.xlsforms import workbook

TI, AM = "Tigrinya (ti)", "Amharic (am)"


def _form(default: str = "English (en)", form_id: str = "water") -> bytes:
    return workbook(
        [
            ["type", "name", f"label::{default}", f"label::{TI}", f"label::{AM}"],
            ["select_one yn", "water", "Is there water?", "ማይ ኣሎ ድዩ?", "ውሃ አለ?"],
            ["text", "need", "What do you need?", "እንታይ የድልየካ?", "ምን ያስፈልግዎታል?"],
        ],
        [
            ["list_name", "name", f"label::{default}", f"label::{TI}", f"label::{AM}"],
            ["yn", "yes", "Yes", "እወ", "አዎ"],
            ["yn", "no", "No", "ኣይፋል", "አይ"],
        ],
        [["form_title", "form_id", "default_language"], ["Water", form_id, default]],
    )


def _publish(coordinator: FlaskClient, data: bytes, survey_id: str = "water") -> None:
    assert _upload(coordinator, data).status_code == 302
    page = f"/en/admin/surveys/{survey_id}"
    published = coordinator.post(f"{page}/publish", data={"csrf_token": _token(coordinator, page)})
    assert published.status_code == 302


def _label(response: Any, question: str) -> Any:
    return soup(response).select_one(f"[data-question-block={question}] .question-label span")


def test_the_start_page_offers_the_forms_own_languages(
    app: Flask, coordinator: FlaskClient
) -> None:
    _publish(coordinator, _form())
    page = soup(app.test_client().get("/so/"))
    links = {a["data-form-language"]: a for a in page.select("a[data-form-language]")}
    assert sorted(links) == ["am", "ti"]
    # The app has neither: its own words are shown in the form's default language.
    assert links["ti"]["href"] == "/en/s/water/?texts=ti"
    assert (links["ti"]["lang"], links["ti"]["dir"]) == ("ti", "ltr")
    assert links["ti"].get_text() == "ትግርኛ"  # named in its own words


def test_a_resident_answers_in_amharic_without_javascript(
    app: Flask, coordinator: FlaskClient
) -> None:
    _publish(coordinator, _form())
    resident = Resident(app.test_client(), survey_id="water", query="?texts=am")
    assert resident.hidden["texts"] == "am"
    notice = soup(resident.last).select_one("[data-testid=form-language-notice]")
    assert notice is not None and "Amharic" in notice.get_text() and "English" in notice.get_text()
    page = resident.post("welcome", consent="yes")
    assert shown_step(page) == "water", field_errors(page)
    label = _label(page, "water")
    assert (label.get_text(), label["lang"]) == ("ውሃ አለ?", "am")
    assert soup(page).select_one("html")["lang"] == "en"  # the app's own words
    option = soup(page).select_one("[data-question-block=water] input[value=no]")
    assert option is not None
    choice = option.find_parent("label") or soup(page).select_one(f"label[for={option['id']}]")
    assert "አይ" in choice.get_text()
    page = resident.post("water", water="no")
    done = resident.post("need", need="ውሃ ያስፈልገናል")
    assert done.status_code == 303, field_errors(done)
    assert "texts=am" in done.headers["Location"]
    thanks = app.test_client().get(done.headers["Location"])
    assert thanks.status_code == 200
    with sqlite3.connect(app.config["DATABASE"]) as db:
        [(language,)] = db.execute(
            "SELECT language FROM responses WHERE survey_id = 'water'"
        ).fetchall()
    assert language == "am"


def test_the_language_switch_moves_between_the_apps_and_the_forms_languages(
    app: Flask, coordinator: FlaskClient
) -> None:
    _publish(coordinator, _form())
    resident = Resident(app.test_client(), survey_id="water")
    switch = soup(resident.last).select_one("select[name=switch_to]")
    own = switch.select_one("option[value='form:ti']")
    assert own is not None and own["data-interface"] == "en"
    page = resident.post("welcome", consent="yes")
    page = resident.post("water", action="language", switch_to="form:ti")
    assert _label(page, "water").get_text() == "ማይ ኣሎ ድዩ?"
    assert soup(page).select_one("input[name=texts]")["value"] == "ti"
    resident.hidden["texts"] = "ti"
    page = resident.post("water", action="language", switch_to="so")
    assert soup(page).select_one("html")["lang"] == "so"
    assert soup(page).select_one("input[name=texts]")["value"] == ""
    assert soup(page).select_one("[data-testid=form-language-notice]") is None
    assert _label(page, "water").get_text() == "Is there water?"  # no Somali: the default


def test_a_language_the_form_does_not_have_is_ignored(app: Flask, coordinator: FlaskClient) -> None:
    _publish(coordinator, _form())
    for forged in ("fr", "so", "../x", "form:am"):
        resident = Resident(app.test_client(), survey_id="water", query=f"?texts={forged}")
        assert resident.hidden["texts"] == ""
    resident = Resident(app.test_client(), survey_id="water")
    resident.hidden["texts"] = "fr"
    for step, answers in (("welcome", {"consent": "yes"}), ("water", {"water": "yes"})):
        assert resident.post(step, **answers).status_code == 200
    assert resident.post("need", need="Taps").status_code == 303
    with sqlite3.connect(app.config["DATABASE"]) as db:
        [(language,)] = db.execute("SELECT language FROM responses").fetchall()
    assert language == "en"


def test_a_form_written_in_arabic_shows_its_other_languages_right_to_left(
    app: Flask, coordinator: FlaskClient
) -> None:
    _publish(coordinator, _form(default="Arabic (ar)", form_id="water_ar"), "water_ar")
    link = soup(app.test_client().get("/en/")).select_one("a[data-form-language=ti]")
    # Tigrinya with the app's words in the form's own language, which the app has.
    assert link["href"] == "/ar/s/water_ar/?texts=ti"
    resident = Resident(app.test_client(), lang="ar", survey_id="water_ar", query="?texts=ti")
    assert soup(resident.last).select_one("html")["dir"] == "rtl"
    page = resident.post("welcome", consent="yes")
    label = _label(page, "water")
    assert (label["lang"], label["dir"], label.get_text()) == ("ti", "ltr", "ማይ ኣሎ ድዩ?")
    worker = app.test_client().get("/sw.js").get_data(as_text=True)
    kept = json.loads(re.search(r"var PRECACHE = (.*);", worker).group(1))  # type: ignore[union-attr]
    assert {"/ar/s/water_ar/?texts=ti", "/ar/s/water_ar/?texts=ti&with=volunteer"} <= set(kept)


def _item(survey_id: str, language: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "survey_id": survey_id,
        "survey_version": 1,
        "language": language,
        "created_at": "2026-12-01T10:04:30Z",
        "answers": {"consent": "yes", "water": "yes", "need": "ማይ"},
    }


def test_the_api_takes_a_language_only_the_survey_has(app: Flask, coordinator: FlaskClient) -> None:
    _publish(coordinator, _form())
    api = app.test_client()
    sent = api.post("/api/v1/responses", json={"responses": [_item("water", "ti")]})
    assert sent.get_json()["receipts"][0]["status"] == "created", sent.get_json()
    wrong = _item("what-matters", "ti") | {"answers": {"consent": "yes"}}
    for item in (wrong, _item("water", "fr"), _item("water", "<b>")):
        refused = api.post("/api/v1/responses", json={"responses": [item]})
        receipt = refused.get_json()["receipts"][0]
        assert (receipt["status"], list(receipt["errors"])) == ("rejected", ["language"])
    assert count_rows(app, "responses") == 1
    with sqlite3.connect(app.config["DATABASE"]) as db:
        assert db.execute("SELECT language FROM responses").fetchone() == ("ti",)


def test_the_upload_says_residents_can_answer_in_the_forms_own_languages(app: Flask) -> None:
    rows = [
        ["type", "name", "label::English (en)", f"label::{TI}", f"label::{AM}"],
        ["text", "need", "What do you need?", "እንታይ የድልየካ?", "ምን ያስፈልግዎታል?"],
    ]
    with app.test_request_context("/en/"):
        imported = xlsform.read(workbook(rows), app.config["LANGUAGES"])
    said = "\n".join(imported.notices)
    assert "Residents can answer in Amharic (am)" in said
    assert "Residents can answer in Tigrinya (ti)" in said


def test_the_closest_offered_language_is_the_same_for_everyone(app: Flask) -> None:
    with app.test_request_context("/so/", headers={"Accept-Language": "ur"}):
        # The same language in another country: the app's own.
        assert i18n.closest_offered("pt_BR").code == "pt"
        # None close: the form's own default language if the app has it, else English —
        # never the reader's, so a tablet can keep one page for everyone.
        assert i18n.closest_offered("ti", "ar").code == "ar"
        assert i18n.closest_offered("ti", "fr").code == "en"
        assert [own.code for own, _ in i18n.form_options({"ti", "en", "pt_BR"}, "en")] == [
            "pt_BR",
            "ti",
        ]
