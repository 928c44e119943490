"""Coordinators bring XLSForms, publish versions; volunteers correct translations."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from survey_app import storage
from tests.conftest import (
    Resident,
    catalogue_translation,
    count_rows,
    field_errors,
    make_user,
    shown_step,
    sign_in,
    soup,
)
from tests.xlsforms import (
    FAMILY_CHOICES,
    FAMILY_SETTINGS,
    FAMILY_SURVEY,
    family_form,
    work_form,
    workbook,
)

SURVEYS = "/en/admin/surveys"


def _token(client: FlaskClient, url: str = SURVEYS) -> str:
    field = soup(client.get(url)).select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def _upload(client: FlaskClient, data: bytes, surveys: str = SURVEYS) -> Any:
    return client.post(
        surveys,
        data={"csrf_token": _token(client, surveys), "file": (io.BytesIO(data), "form.xlsx")},
        content_type="multipart/form-data",
    )


def _press(client: FlaskClient, survey_id: str, action: str) -> Any:
    page = f"{SURVEYS}/{survey_id}"
    return client.post(f"{page}/{action}", data={"csrf_token": _token(client, page)})


def _response(version: int, **answers: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "survey_id": "families-send",
        "survey_version": version,
        "language": "ar",
        "mode": "self",
        "created_at": "2026-11-22T10:00:00Z",
        "answers": {"consent": "yes", **answers},
    }


def test_an_upload_with_problems_lists_them_and_changes_nothing(
    app: Flask, coordinator: FlaskClient
) -> None:
    before = count_rows(app, "surveys")
    broken = workbook([["type", "name", "label"], ["text", "a", "A"], ["text", "a", "B"]])
    reply = _upload(coordinator, broken)
    assert reply.status_code == 422
    rows = soup(reply).select("[data-testid=xlsform-problems] tbody tr")
    assert [[cell.get_text(strip=True) for cell in row.select("td")] for row in rows] == [
        ["survey", "3", "The name 'a' is used twice (first on row 2)."]
    ]
    assert count_rows(app, "surveys") == before


def test_a_coordinator_reads_the_problems_in_their_own_language(
    app: Flask, coordinator: FlaskClient
) -> None:
    broken = workbook(
        [["type", "name", "label"], ["text", "a", "A"], ["text", "a", "B"], ["integer", "b", "B"]]
        + [["text", "c", "C"]],
        settings=[["form_id"], ["Not Valid!"]],
    )
    reply = _upload(coordinator, broken, "/ar/admin/surveys")
    assert reply.status_code == 422
    messages = [
        row.select("td")[2].get_text(strip=True)
        for row in soup(reply).select("[data-testid=xlsform-problems] tbody tr")
    ]
    twice = "The name '%(name)s' is used twice (first on row %(row)s)."
    form_id = "The form_id '%(id)s' must be lower-case letters, digits, - and _."
    assert messages == [
        catalogue_translation("ar", twice) % {"name": "a", "row": 2},
        catalogue_translation("ar", form_id) % {"id": "Not Valid!"},
    ]
    assert count_rows(app, "surveys") == 1  # only the bundled survey


def test_publishing_makes_versions_and_residents_see_only_what_is_published(
    app: Flask, coordinator: FlaskClient, client: FlaskClient
) -> None:
    reply = _upload(coordinator, family_form())
    assert reply.status_code == 302
    resident = app.test_client()
    assert resident.get("/ar/s/families-send/").status_code == 404  # a draft only
    preview = coordinator.get("/ar/admin/surveys/families-send/preview")
    assert "كم عدد الأطفال؟" in preview.get_data(as_text=True)
    _press(coordinator, "families-send", "publish")
    page = resident.get("/ar/s/families-send/")
    assert page.status_code == 200 and "أوافق على المشاركة" in page.get_data(as_text=True)
    assert storage_version(app) == 1

    # Answers to version 1, one of them to a question that did not apply.
    sent = resident.post(
        "/api/v1/responses",
        json={
            "responses": [
                _response(1, has_children="yes", children_count="2", needs=["school"]),
                _response(1, has_children="no", children_count="2"),
                _response(1, has_children="yes", children_count="40"),
            ]
        },
    ).get_json()["receipts"]
    assert [r["status"] for r in sent] == ["created", "rejected", "rejected"]
    # Refused in the resident's language, with the form's own Arabic message.
    assert list(sent[1]["errors"]) == ["children_count"]
    assert sent[2]["errors"] == {"children_count": "رقم من 1 إلى 19"}

    # A changed form becomes version 2; version 1's answers keep their version.
    texts_page = "/en/admin/surveys/families-send/texts/en"
    form = {f"text-{key}": text for key, text in _texts(coordinator, texts_page).items()}
    form["text-question.what_matters.label"] = "What matters most to your family?"
    form["csrf_token"] = _token(coordinator, texts_page)
    assert coordinator.post(texts_page, data=form).status_code == 302
    listing = soup(coordinator.get(SURVEYS)).select_one("tr[data-survey=families-send]")
    assert listing is not None and "changes not yet published" in listing.get_text()
    _press(coordinator, "families-send", "publish")
    assert storage_version(app) == 2
    with app.app_context():
        survey = storage.surveys.published(storage.get_db(), "families-send")
    assert survey.text("question.what_matters.label", "en") == "What matters most to your family?"
    exported = coordinator.get("/en/admin/surveys/families-send/responses.csv")
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert [(r["survey_version"], r["children_count"]) for r in rows] == [("1", "2")]

    # Unpublished: residents cannot open it, a tablet's queued answers still arrive.
    _press(coordinator, "families-send", "unpublish")
    assert resident.get("/en/s/families-send/").status_code == 404
    late = resident.post(
        "/api/v1/responses", json={"responses": [_response(1, has_children="no")]}
    ).get_json()["receipts"]
    assert late[0]["status"] == "created"


def stored_answers(app: Flask, response_id: str) -> dict[str, str]:
    """What the database holds for one response, by question."""
    with app.app_context():
        rows = storage.get_db().execute(
            "SELECT question_id, value FROM answers WHERE response_id = ?", [response_id]
        )
        return dict(rows.fetchall())


def _texts(client: FlaskClient, url: str) -> dict[str, str]:
    page = soup(client.get(url))
    return {str(area["data-key"]): area.get_text() for area in page.select("textarea[data-key]")}


def storage_version(app: Flask) -> int:
    with app.app_context():
        return storage.surveys.published(storage.get_db(), "families-send").version


def test_the_xlsform_download_imports_back_to_the_same_survey(
    app: Flask, coordinator: FlaskClient
) -> None:
    _upload(coordinator, family_form())
    downloaded = coordinator.get("/en/admin/surveys/families-send/xlsform")
    assert downloaded.status_code == 200
    with app.app_context():
        first = storage.surveys.draft_definition(storage.get_db(), "families-send")
    assert _upload(coordinator, downloaded.data).status_code == 302
    with app.app_context():
        assert storage.surveys.draft_definition(storage.get_db(), "families-send") == first


def test_a_volunteers_correction_shows_on_the_survey_at_once(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "volunteer")  # speaks English and Somali
    sign_in(client, "volunteer@example.org")
    page = "/en/translations/so"
    row = soup(client.get(page)).select_one("tr[data-key='question.what_matters.label']")
    assert row is not None and row.select_one("form") is not None
    corrected = "Maxaa adiga kuu muhiimsan?"
    reply = client.post(
        "/en/translations/so/review",
        data={
            "csrf_token": _token(client, page),
            "domain": "survey:what-matters",
            "key": "question.what_matters.label",
            "text": corrected,
            "action": "correct",
        },
    )
    assert reply.status_code == 302
    survey_page = app.test_client().get("/so/s/what-matters/").get_data(as_text=True)
    assert corrected in survey_page
    # Reviewed now: it leaves the list of texts waiting.
    assert soup(client.get(page)).select_one("tr[data-key='question.what_matters.label']") is None


def test_an_interface_correction_shows_at_once_and_goes_into_the_po_export(
    app: Flask, coordinator: FlaskClient
) -> None:
    page = "/en/translations/bn"
    coordinator.post(
        "/en/translations/bn/review",
        data={
            "csrf_token": _token(coordinator, page),
            "domain": "interface",
            "key": "Start",
            "text": "শুরু করুন এখানে",
            "action": "correct",
        },
    )
    assert "শুরু করুন এখানে" in app.test_client().get("/bn/").get_data(as_text=True)
    exported = coordinator.get("/en/translations/bn/messages.po").get_data(as_text=True)
    entry = exported.split('msgid "Start"\n', 1)[1].split("\n\n", 1)[0]
    assert 'msgstr "শুরু করুন এখানে"' in entry
    before = exported.split('msgid "Start"\n', 1)[0].rsplit("\n\n", 1)[1]
    assert "needs-review" not in before


def test_a_volunteer_reviews_only_the_languages_they_speak(app: Flask, client: FlaskClient) -> None:
    make_user(app, "volunteer")  # speaks English and Somali, not Bengali
    sign_in(client, "volunteer@example.org")
    page = soup(client.get("/en/translations/bn"))
    assert page.select_one("[data-testid=not-your-language]") is not None
    assert page.select_one("form.review-form") is None
    reply = client.post(
        "/en/translations/bn/review",
        data={
            "csrf_token": _token(client, "/en/translations/so"),
            "domain": "interface",
            "key": "Start",
            "text": "ভুল",
            "action": "correct",
        },
    )
    assert reply.status_code == 403
    assert count_rows(app, "text_reviews") == 0


def test_approving_keeps_the_text_and_the_overview_counts_it(
    app: Flask, coordinator: FlaskClient
) -> None:
    def waiting() -> int:
        row = soup(coordinator.get("/en/translations/")).select_one("tr[data-lang=ur]")
        assert row is not None
        return int(row.select_one("[data-testid=interface-count]").get_text())

    before = waiting()
    coordinator.post(
        "/en/translations/ur/review",
        data={
            "csrf_token": _token(coordinator, "/en/translations/ur"),
            "domain": "interface",
            "key": "Start",
            "text": "anything typed is ignored when approving",
            "action": "approve",
        },
    )
    assert waiting() == before - 1
    with app.app_context():
        assert storage.reviews.reviewed(storage.get_db(), "ur", "interface") == {"Start": None}


def test_without_javascript_numbers_constraints_and_skip_logic_are_checked_by_the_server(
    app: Flask, coordinator: FlaskClient
) -> None:
    _upload(coordinator, family_form())
    _press(coordinator, "families-send", "publish")
    resident = Resident(app.test_client(), "ar", survey_id="families-send")
    assert shown_step(resident.post("consent", consent="yes")) == "has_children"
    missing = resident.post("has_children")
    assert field_errors(missing) == {"has_children": "Please say yes or no"}  # form's own
    assert shown_step(resident.post("has_children", has_children="yes")) == "children"
    whole_number = catalogue_translation("ar", "Please enter a whole number, using digits only.")
    assert field_errors(resident.post("children", children_count="two")) == {
        "children_count": whole_number
    }
    assert field_errors(resident.post("children", children_count="40")) == {
        "children_count": "رقم من 1 إلى 19"
    }
    # Digits in another script are digits: Arabic-Indic three.
    after = resident.post("children", children_count="٣", needs=["school", "health", "other"])
    assert field_errors(after) == {"needs": "Choose up to two"}  # no Arabic text: English
    assert shown_step(resident.post("children", needs=["school"])) == "what_matters"
    # Going back to "no children" drops the children's answers: they no longer apply.
    resident.post("what_matters", action="back")
    resident.post("children", action="back")
    assert shown_step(resident.post("has_children", has_children="no")) == "what_matters"
    finished = resident.complete(what_matters="حدائق آمنة", next_visit="2026-12-01")
    assert finished.status_code in (302, 303)
    assert stored_answers(app, resident.response_id) == {
        "has_children": "no",
        "what_matters": "حدائق آمنة",
        "next_visit": "2026-12-01",
    }


def test_a_work_goals_form_in_urdu_is_checked_by_the_server_and_stores_what_applied(
    app: Flask, coordinator: FlaskClient
) -> None:
    _upload(coordinator, work_form())
    # What the upload left out is said on the survey's page.
    notices = [
        p.get_text(strip=True)
        for p in soup(coordinator.get(f"{SURVEYS}/work-goals")).select("[data-testid=flash]")
    ]
    assert notices == [
        "The survey was read. Preview it, then publish it when it is ready.",
        "'started' (start) is left out: the app records this itself.",
        "'ended' (end) is left out: the app records this itself.",
    ]
    _press(coordinator, "work-goals", "publish")
    resident = Resident(app.test_client(), "ur", survey_id="work-goals")
    first = soup(resident.last)
    assert first.select_one("html")["dir"] == "rtl"
    assert shown_step(resident.post("agree", agree="yes")) == "now"
    # The form's default answer is chosen already.
    assert soup(resident.last).select_one("input[name=status][value=looking]").has_attr("checked")
    too_many = resident.post("now", status="employed", hours="81")
    assert field_errors(too_many) == {"hours": "0 سے 80 گھنٹے کے درمیان"}  # the form's Urdu
    # Extended Arabic-Indic digits, as an Urdu keyboard types them, are a number.
    assert shown_step(resident.post("now", hours="۳۷")) == "goals"
    clash = resident.post("goals", goals=["none", "job"])
    assert field_errors(clash) == {"goals": "'Nothing for now' cannot go with other goals"}
    # Changing their mind: no longer working, nothing for now. Hours and the later
    # questions no longer apply, so they are neither asked nor stored.
    resident.post("goals", action="back")
    assert shown_step(resident.post("now", status="looking")) == "goals"
    finished = resident.post("goals", goals=["none"])
    assert finished.status_code in (302, 303)
    assert stored_answers(app, resident.response_id) == {"status": "looking", "goals": "none"}


def test_answers_to_a_question_a_later_version_removed_stay_in_the_export(
    app: Flask, coordinator: FlaskClient
) -> None:
    assert _upload(coordinator, family_form()).status_code == 302
    _press(coordinator, "families-send", "publish")
    resident = app.test_client()
    sent = resident.post(
        "/api/v1/responses",
        json={"responses": [_response(1, has_children="no", next_visit="2026-12-10")]},
    ).get_json()["receipts"]
    assert [r["status"] for r in sent] == ["created"]
    without = [row for row in FAMILY_SURVEY if row[1] != "next_visit"]
    changed = [list(r) for r in FAMILY_SETTINGS]
    changed[1][2] = "2026120401"
    assert _upload(coordinator, workbook(without, FAMILY_CHOICES, changed)).status_code == 302
    _press(coordinator, "families-send", "publish")
    assert storage_version(app) == 2
    exported = coordinator.get("/en/admin/surveys/families-send/responses.csv")
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert [(r["survey_version"], r["next_visit"]) for r in rows] == [("1", "2026-12-10")]
