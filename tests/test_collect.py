"""The survey over real HTTP: languages, steps, validation, consent and idempotence."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import storage
from tests.conftest import (
    Resident,
    count_rows,
    field_errors,
    make_user,
    shown_step,
    sign_in,
    soup,
)


def test_first_visit_follows_accept_language(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "so-SO,so;q=0.9,en;q=0.5"})
    assert response.status_code == 302 and response.location == "/so/"
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("zh-CN,zh;q=0.9", "/zh-Hans/"), ("pt-BR", "/pt/"), ("fr-FR", "/en/"), ("", "/en/")],
)
def test_browser_languages_map_to_offered_ones(
    client: FlaskClient, accept: str, expected: str
) -> None:
    assert client.get("/", headers={"Accept-Language": accept}).location == expected


def test_lang_parameter_and_remembered_choice(client: FlaskClient) -> None:
    assert client.get("/?lang=ur").location == "/ur/"
    client.get("/ar/")
    assert client.get("/", headers={"Accept-Language": "en"}).location == "/ar/"


def test_unknown_language_is_not_found(client: FlaskClient) -> None:
    assert client.get("/xx/").status_code == 404


@pytest.mark.parametrize(
    ("tag", "direction", "name"),
    [
        ("ar", "rtl", "العربية"),
        ("ur", "rtl", "اردو"),
        ("bn", "ltr", "বাংলা"),
        ("so", "ltr", "Soomaali"),
        ("zh-Hans", "ltr", "简体中文"),
    ],
)
def test_pages_declare_language_and_direction(
    client: FlaskClient, tag: str, direction: str, name: str
) -> None:
    page = soup(client.get(f"/{tag}/"))
    assert page.html["lang"] == tag and page.html["dir"] == direction
    link = page.select_one(f'.language-list a[data-lang="{tag}"]')
    assert link.get_text(strip=True) == name and link["aria-current"] == "page"


def test_start_page_lists_every_language_in_its_own_name(client: FlaskClient) -> None:
    links = soup(client.get("/en/")).select(".language-list a")
    assert [a["lang"] for a in links] == [
        "en",
        "bn",
        "so",
        "ur",
        "ar",
        "tr",
        "pl",
        "es",
        "pt",
        "it",
        "lt",
        "zh-Hans",
    ]
    assert {a.get_text(strip=True) for a in links} >= {
        "বাংলা",
        "Soomaali",
        "اردو",
        "العربية",
        "Türkçe",
        "Polski",
        "Lietuvių",
    }


def test_survey_content_is_shown_in_the_chosen_language(client: FlaskClient) -> None:
    page = soup(client.get("/bn/s/what-matters/"))
    assert page.h1.get_text(strip=True) == "শুরু করার আগে"
    assert page.select_one("label[for=q-consent]").get("lang") is None


def test_a_complete_response_is_stored_with_its_language_and_version(
    app: Flask, client: FlaskClient
) -> None:
    resident = Resident(client, lang="bn")
    done = resident.complete(
        what_matters="পার্কগুলো আরও পরিষ্কার হওয়া দরকার",
        age_band="25-34",
        home_languages=["bengali", "english"],
    )
    assert done.status_code == 303 and done.location == "/bn/s/what-matters/thanks?v=1"
    with app.app_context():
        stored = storage.responses.get(storage.get_db(), resident.response_id)
    assert stored.language == "bn" and stored.mode == "self" and stored.survey_version == 1
    assert stored.answers["what_matters"] == ["পার্কগুলো আরও পরিষ্কার হওয়া দরকার"]
    assert stored.answers["home_languages"] == ["bengali", "english"]
    assert stored.flags == {"consent": True, "quote_consent": True, "contact_consent": False}
    thanks = client.get(done.location)
    assert thanks.status_code == 200 and thanks.headers["Cache-Control"] == "no-store"


def test_sending_the_last_step_twice_stores_one_response(app: Flask, resident: Resident) -> None:
    resident.complete()
    again = resident.post("your-words")
    assert again.status_code == 303
    assert count_rows(app, "responses") == 1


def test_volunteer_gloss_is_kept_beside_the_original_words(app: Flask, client: FlaskClient) -> None:
    resident = Resident(client, lang="so", assisted=True)
    resident.complete(what_matters="Guryaha waa qaali", what_matters__gloss="Housing is expensive")
    with app.app_context():
        stored = storage.responses.get(storage.get_db(), resident.response_id)
    assert stored.mode == "assisted"
    assert stored.answers["what_matters"] == ["Guryaha waa qaali"]
    assert stored.glosses == {"what_matters": "Housing is expensive"}


def test_gloss_fields_show_only_for_volunteers(client: FlaskClient) -> None:
    for assisted, expected in ((False, 0), (True, 1)):
        resident = Resident(client, assisted=assisted)
        page = soup(resident.post("welcome", consent="yes"))
        assert len(page.select("textarea[name=what_matters__gloss]")) == expected


def test_contact_details_are_asked_only_after_contact_consent(
    app: Flask, client: FlaskClient
) -> None:
    resident = Resident(client)
    for step in ("welcome", "what-matters", "good-life", "one-thing", "about-you"):
        resident.post(step, consent="yes", what_matters="Buses")
    said_no = resident.post(
        "your-words", quote_consent="no", get_involved="yes", contact_consent="no"
    )
    assert said_no.status_code == 303
    assert count_rows(app, "contacts") == 0

    resident = Resident(client)
    for step in ("welcome", "what-matters", "good-life", "one-thing", "about-you"):
        resident.post(step, consent="yes", what_matters="Buses")
    said_yes = resident.post(
        "your-words", quote_consent="no", get_involved="yes", contact_consent="yes"
    )
    assert shown_step(said_yes) == "contact"
    resident.post("contact", contact_name="Amina", contact_email="amina@example.org")
    with app.app_context():
        stored = storage.responses.get(storage.get_db(), resident.response_id)
    assert stored.contact == {"name": "Amina", "email": "amina@example.org"}
    assert "contact_name" not in stored.answers


def test_contact_given_then_withdrawn_is_not_kept(app: Flask, client: FlaskClient) -> None:
    resident = Resident(client)
    for step in ("welcome", "what-matters", "good-life", "one-thing", "about-you"):
        resident.post(step, consent="yes", what_matters="Buses")
    resident.post("your-words", quote_consent="yes", get_involved="yes", contact_consent="yes")
    back = resident.post(
        "contact", action="back", contact_name="Amina", contact_phone="07700 900123"
    )
    assert shown_step(back) == "your-words"
    done = resident.post("your-words", get_involved="no")
    assert done.status_code == 303
    assert count_rows(app, "contacts") == 0


BAD_INPUTS = [
    (
        "welcome",
        {"consent": None},
        "consent",
        "Please tick the box to say you agree, or close this page to stop.",
    ),
    ("what-matters", {"what_matters": "   "}, "what_matters", "Please answer this question."),
    ("about-you", {"age_band": "teenager"}, "age_band", "Please choose one of the answers shown."),
    ("about-you", {"age_band": ["16-24", "25-34"]}, "age_band", "Please choose only one answer."),
    (
        "about-you",
        {"home_languages": ["english", "klingon"]},
        "home_languages",
        "Please choose one of the answers shown.",
    ),
    (
        "what-matters",
        {"what_matters": "x" * 5001},
        "what_matters",
        "Please shorten this to 5,000 characters or fewer. It has 5,001.",
    ),
    (
        "your-words",
        {"quote_consent": "maybe"},
        "quote_consent",
        "Please choose one of the answers shown.",
    ),
    ("your-words", {"get_involved": None}, "get_involved", "Please choose an answer."),
]


@pytest.mark.parametrize(("step", "answers", "field", "message"), BAD_INPUTS)
def test_bad_input_is_explained_at_the_field_and_writes_nothing(
    app: Flask, client: FlaskClient, step: str, answers: dict[str, object], field: str, message: str
) -> None:
    resident = Resident(client)
    resident.answers.update(
        {"consent": "yes", "what_matters": "Parks", "quote_consent": "no", "get_involved": "no"}
    )
    resident.answers.update(answers)
    resident.answers = {k: v for k, v in resident.answers.items() if v is not None}
    response = resident.post(step)
    assert response.status_code == 422
    assert field_errors(response)[field] == message
    page = soup(response)
    summary_links = [a["href"] for a in page.select("[data-testid=error-summary] a")]
    assert f"#q-{field}" in summary_links
    assert page.title.get_text().startswith("Error:")
    assert count_rows(app, "responses") == 0


def test_what_was_typed_is_kept_when_an_error_is_shown(client: FlaskClient) -> None:
    resident = Resident(client)
    for step in ("welcome", "what-matters", "good-life", "one-thing"):
        resident.post(step, consent="yes", what_matters="Parks", good_life="Neighbours")
    response = resident.post(
        "about-you", age_band="nonsense", gender="woman", home_languages=["somali", "english"]
    )
    page = soup(response)
    assert page.select_one("#q-gender--woman").has_attr("checked")
    assert page.select_one("#q-home_languages--somali").has_attr("checked")
    carried = {tag["name"]: tag["value"] for tag in page.select("input[type=hidden]")}
    assert carried["good_life"] == "Neighbours" and carried["what_matters"] == "Parks"


def test_error_messages_are_in_the_residents_language(client: FlaskClient) -> None:
    from tests.conftest import catalogue_translation

    resident = Resident(client, lang="so")
    response = resident.post("welcome")
    expected = catalogue_translation(
        "so", "Please tick the box to say you agree, or close this page to stop."
    )
    assert field_errors(response)["consent"] == expected
    assert expected != "Please tick the box to say you agree, or close this page to stop."


@pytest.mark.parametrize(("field", "value"), [("response_id", "not-a-uuid"), ("mode", "robot")])
def test_a_tampered_page_is_refused_and_writes_nothing(
    app: Flask, client: FlaskClient, field: str, value: str
) -> None:
    resident = Resident(client, lang="ar")
    resident.hidden[field] = value
    response = resident.complete()
    page = soup(response)
    assert response.status_code == 400 and page.html["dir"] == "rtl"
    assert page.select_one("[data-testid=error-message]").get_text(strip=True)
    assert count_rows(app, "responses") == 0


@pytest.mark.parametrize("version", ["99", "abc", ""])
def test_an_unknown_survey_version_keeps_the_answers_and_asks_again(
    app: Flask, client: FlaskClient, version: str
) -> None:
    resident = Resident(client, lang="so")
    for step in ("welcome", "what-matters", "good-life", "one-thing", "about-you"):
        resident.post(step, consent="yes", what_matters="Dhakhtar", age_band="25-34")
    resident.hidden["survey_version"] = version
    response = resident.post("your-words", quote_consent="yes", get_involved="no")
    page = soup(response)
    assert response.status_code == 409 and count_rows(app, "responses") == 0
    assert page.select_one("p.notice").get_text(strip=True)
    assert page.select_one("#q-quote_consent--yes").has_attr("checked")
    assert page.select_one("input[name=survey_version]")["value"] == "1"
    carried = {tag["name"]: tag["value"] for tag in page.select("input[type=hidden]")}
    assert carried["what_matters"] == "Dhakhtar" and carried["age_band"] == "25-34"
    resident.hidden["survey_version"] = "1"
    assert resident.post("your-words").status_code == 303
    assert count_rows(app, "responses") == 1


def test_going_back_keeps_answers(client: FlaskClient) -> None:
    resident = Resident(client)
    resident.post("welcome", consent="yes")
    resident.post("what-matters", what_matters="Clean air")
    back = resident.post("good-life", action="back", good_life="Friendly people")
    page = soup(back)
    assert shown_step(back) == "what-matters"
    assert page.select_one("textarea[name=what_matters]").get_text() == "Clean air"
    assert page.select_one("input[name=good_life]")["value"] == "Friendly people"


def test_changing_language_mid_survey_keeps_answers(client: FlaskClient) -> None:
    resident = Resident(client)
    resident.post("welcome", consent="yes")
    switched = resident.post(
        "what-matters", action="language", switch_to="ur", what_matters="Safe streets at night"
    )
    page = soup(switched)
    assert page.html["lang"] == "ur" and page.html["dir"] == "rtl"
    assert page.select_one("form[data-survey-form]")["action"] == "/ur/s/what-matters/"
    assert page.select_one("textarea[name=what_matters]").get_text() == "Safe streets at night"


def test_csrf_failure_keeps_answers_and_writes_nothing(tmp_path: object) -> None:
    from survey_app import create_app

    app = create_app({"DATABASE": f"{tmp_path}/csrf.sqlite", "SECRET_KEY": "s"})
    client = app.test_client()
    resident = Resident(client)
    resident.hidden["csrf_token"] = "forged"
    response = resident.post("welcome", consent="yes")
    page = soup(response)
    assert shown_step(response) == "welcome"
    assert page.select_one("p.notice").get_text(strip=True)
    assert page.select_one("#q-consent").has_attr("checked")
    # The page now carries a good token: pressing again goes on.
    assert shown_step(resident.post("welcome")) == "what-matters"
    assert count_rows(app, "responses") == 0


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/en/s/what-matters/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_have_no_inline_script_or_style(client: FlaskClient) -> None:
    for url in ("/en/", "/ar/s/what-matters/", "/en/translations/"):
        page = soup(client.get(url))
        # JSON data blocks are never executed; every script that runs is a file.
        executable = [s for s in page.select("script") if s.get("type") != "application/json"]
        assert executable and all(script.get("src") for script in executable)
        assert not page.select("style") and not page.select("[style]")


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": True}


def test_no_personal_data_in_urls(client: FlaskClient) -> None:
    resident = Resident(client)
    done = resident.complete(
        get_involved="yes",
        contact_consent="yes",
        contact_name="Amina",
        contact_phone="07700 900123",
    )
    assert "Amina" not in done.location and "07700" not in done.location


def test_every_described_by_and_label_points_at_something_on_every_step(
    client: FlaskClient,
) -> None:
    resident = Resident(client, lang="ur", assisted=True)
    pages = [resident.post("welcome")]  # with an error shown
    answers = {
        "consent": "yes",
        "what_matters": "Parks",
        "quote_consent": "no",
        "get_involved": "yes",
        "contact_consent": "yes",
    }
    step = "welcome"
    for _ in range(7):
        response = resident.post(step, **answers)
        pages.append(response)
        step = shown_step(response)
        if step == "contact":
            break
    pages.append(resident.post("contact", contact_name="A"))  # require_one_of error
    for response in pages:
        page = soup(response)
        ids = {tag["id"] for tag in page.select("[id]")}
        for tag in page.select("[aria-describedby]"):
            assert set(tag["aria-describedby"].split()) <= ids
        for label in page.select("label[for]"):
            assert label["for"] in ids
        for hint in page.select("p.hint"):
            assert "<" not in hint.get_text()


def test_a_page_fetched_for_the_offline_cache_does_not_change_the_language(
    client: FlaskClient,
) -> None:
    client.get("/so/", headers={"Sec-Fetch-Mode": "navigate"})
    client.get("/pt/", headers={"Sec-Fetch-Mode": "cors"})
    assert client.get("/").location == "/so/"


def test_a_door_s_response_id_serves_one_resident_only(app: Flask, client: FlaskClient) -> None:
    """The address the door log opened, opened again (a reload, the next resident), starts a
    response of its own instead of colliding with the one already stored."""
    door_id = "0b6f7a4e-5d1c-4c2a-9e8f-2a1b3c4d5e6f"
    query = f"?with=volunteer&response={door_id}"
    first = Resident(client, query=query)
    assert first.response_id == door_id
    assert first.complete(what_matters="Lifts that work").status_code == 303
    second = Resident(client, query=query)
    assert second.response_id != door_id
    assert second.complete(what_matters="A GP who listens").status_code == 303
    assert count_rows(app, "responses") == 2


def test_the_thanks_page_says_the_answers_arrived_and_leads_back_to_the_round(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        db = storage.get_db()
        with storage.write(db):
            db.execute(
                "INSERT INTO events (id, kind, name, survey_id, area, created_at) VALUES"
                " ('RND234', 'door_knocking', 'Millwall', 'what-matters', '', '2026-11-22')"
            )
    resident = Resident(client, query="?with=volunteer&event=RND234&round=RND234")
    done = resident.complete()
    assert done.location == "/en/s/what-matters/thanks?v=1&event=RND234"
    page = soup(client.get(done.location))
    assert page.select_one("[data-testid=received]").get_text(strip=True) == (
        "Your answers have been received."
    )
    assert page.select_one("[data-testid=back-to-round]")["href"] == "/en/rounds/RND234"


def test_the_responses_csv_opens_in_excel_with_every_script(app: Flask) -> None:
    """UTF-8 with a byte-order mark: Excel then reads Bengali, Arabic and Chinese as written."""
    words = ["পার্কগুলো পরিষ্কার", "الدرج مظلم في الليل", "公园需要更干净"]
    for lang, text in zip(["bn", "ar", "zh-Hans"], words, strict=True):
        Resident(app.test_client(), lang=lang).complete(what_matters=text)
    make_user(app, "coordinator")
    coordinator = app.test_client()
    sign_in(coordinator, "coordinator@example.org")
    reply = coordinator.get("/en/admin/surveys/what-matters/responses.csv")
    assert reply.data.startswith(codecs.BOM_UTF8)
    assert reply.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert sorted(r["what_matters"] for r in rows) == sorted(words)
    assert all(text.encode() in reply.data for text in words)  # byte for byte


def test_an_answer_records_the_language_it_was_given_in(app: Flask, client: FlaskClient) -> None:
    """The screen shows English; the resident speaks Somali, and the volunteer says so."""
    resident = Resident(client, lang="en", assisted=True)
    page = soup(resident.post("welcome", consent="yes"))
    chooser = page.select_one("select[name=what_matters__language]")
    assert chooser.select_one("option[selected]")["value"] == "en"  # the screen's by default
    assert chooser.select_one("option[value=so]").get_text(strip=True) == "Soomaali"
    resident.complete(
        what_matters="Guryaha waa qaali",
        what_matters__gloss="Housing is expensive",
        what_matters__language="so",
        good_life="Parks",
    )
    with app.app_context():
        stored = storage.responses.get(storage.get_db(), resident.response_id)
    assert stored.language == "en"  # the screen's language stays the response's
    assert stored.languages["what_matters"] == "so"
    assert stored.languages["good_life"] == "en"


def test_an_unknown_answer_language_is_refused_in_the_person_s_language(
    app: Flask, client: FlaskClient
) -> None:
    resident = Resident(client, lang="en", assisted=True)
    resident.post("welcome", consent="yes")
    reply = resident.post("what-matters", what_matters="Buses", what_matters__language="xx")
    assert reply.status_code == 422
    assert field_errors(reply) == {
        "what_matters__language": "Please choose one of the languages shown."
    }
    assert count_rows(app, "responses") == 0


def test_every_script_a_page_loads_is_kept_for_offline_use(client: FlaskClient) -> None:
    """A script left out of the service worker's cache works offline only while the browser's
    own cache happens to hold it: kiosk mode and the door log would then fail without signal."""
    import re
    from pathlib import Path

    templates = Path(__file__).parent.parent / "survey_app" / "templates"
    used = {
        name
        for page in templates.rglob("*.html")
        for name in re.findall(r"filename='(js/[\w.-]+)'", page.read_text("utf-8"))
    }
    worker = client.get("/sw.js").get_data(as_text=True)
    cached = set(re.findall(r"/static/(js/[\w.-]+)", worker))
    assert used and used <= cached, used - cached
