"""Forms as KoboToolbox and ODK users write them: every type read, nothing silently lost."""

from __future__ import annotations

import csv
import io
import sqlite3
import uuid
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import storage
from survey_app.surveys import xlsform
from survey_app.surveys.answers import MESSAGES, gather, validate_response, validate_step
from survey_app.surveys.expressions import today
from survey_app.surveys.model import parse_survey
from survey_app.surveys.piping import piped
from tests.conftest import (
    Resident,
    count_rows,
    field_errors,
    make_user,
    shown_step,
    sign_in,
    soup,
)
from tests.field_form import FIELD_CHOICES, FIELD_SETTINGS, FIELD_SURVEY, field_form
from tests.test_authoring import _token, _upload
from tests.xlsforms import workbook

LANGUAGES = ["en", "bn", "so", "ur", "ar", "tr", "pl", "es", "pt", "it", "lt", "zh_Hans"]
NOT_COLLECTED = {
    "photo": "photo",
    "meter": "barcode",
    "clinic": "external",
    "priorities": "rank",
}


def _field() -> xlsform.Imported:
    return xlsform.read(field_form(), LANGUAGES, "Damp survey.xlsx")


def test_a_field_form_is_read_with_every_question_kept() -> None:
    imported = _field()
    survey = parse_survey(imported.definition)
    types = {q.id: q.type for q in survey.questions()}
    assert types["safety"] == "integer"  # a range, asked as a whole number within its bounds
    assert (types["best_time"], types["last_visit"]) == ("time", "datetime")
    assert types["household"] == "calculate"
    assert types["area_other"] == "short_text"  # or_other's own question
    assert [c.value for c in survey.choice_lists["area"]][-1] == "other"
    assert {q.id: q.asks for q in survey.questions() if q.type == "unsupported"} == {
        **NOT_COLLECTED,
        "visit_id": "calculation",
    }
    assert [m["name"] for m in imported.definition["metadata"]] == [
        "start",
        "end",
        "today",
        "deviceid",
        "username",
        "audit",
    ]
    said = "\n".join(imported.notices)
    for name in NOT_COLLECTED:
        assert f"'{name}' (" in said
    assert "'audit' (audit) is left out: the app does not record details" in said
    assert "choice filter of 'blocks'" not in said  # applied, so nothing to say
    assert "The appearance 'w3' of 'matters' is kept" in said
    assert "calculation of 'visit_id' uses a function the app cannot work out" in said
    # No form_id: the app makes one from the title, and says it did.
    assert (imported.definition["id"], imported.made_up_id) == ("damp-and-safety", True)
    # Arabic texts of every kind are kept, the repeat's and the notice's labels too.
    assert survey.text("step.person.title", "ar") == "كل شخص في المنزل"
    person = survey.steps[survey.step_index("person")]
    assert person.repeat is not None  # asked once for each person
    assert [q.id for q in person.questions] == ["person_name", "person_ill", "person_number"]
    assert survey.text("choice.block.elm", "so") == "Elm House"


def test_the_field_form_goes_out_and_comes_back_the_same() -> None:
    first = _field().definition
    exported = xlsform.write(first)
    again = xlsform.read(exported, LANGUAGES).definition
    assert again == first
    assert parse_survey(again) == parse_survey(first)
    rows = list(openpyxl.load_workbook(io.BytesIO(exported))["survey"].iter_rows(values_only=True))
    types = [row[0] for row in rows]
    # Metadata the form relied on, the repeat and its rows go back out as they came in.
    assert types[1:6] == ["start", "end", "today", "deviceid", "username"]
    assert "begin_repeat" in types and "end_repeat" in types and "range" in types
    assert "select_one_from_file clinics.csv" in types and "rank block" in types


def test_calculations_are_worked_out_by_the_server_never_taken_from_the_device() -> None:
    survey = parse_survey(_field().definition)
    raw = {
        "consent": ["yes"],
        "agree": ["OK"],
        "area": ["north"],
        "adults": ["2"],
        "children": ["3"],
        "household": ["99"],  # a device that sends its own figure is not believed
    }
    submission, errors, _step = validate_response(survey, raw, mode="self", max_length=500)
    assert errors == {} and submission is not None
    assert submission.answers["household"] == ["5"]
    # Read-only questions keep their default, or what their calculation works out.
    assert submission.answers["office"] == ["Town Hall"]
    assert submission.answers["size_label"] == ["5 people"]
    assert "visit_id" not in submission.answers  # kept, but not worked out here
    note = piped(survey, survey.text("question.household_note.label", "ar"), raw)
    assert 'data-pipe="household">5</span>' in note and "أسرتك فيها" in note
    # A calculation over an unanswered question has no value, not "NaN".
    submission, errors, _step = validate_response(
        survey, {**raw, "children": []}, mode="self", max_length=500
    )
    assert submission is not None and "household" not in submission.answers


def test_a_choice_filter_offers_only_the_choices_the_answers_allow() -> None:
    survey = parse_survey(_field().definition)
    blocks = survey.question("blocks")
    assert [c.value for c in survey.choices_for(blocks, {"area": ["north"]})] == ["ash"]
    assert [c.value for c in survey.choices_for(blocks, {"area": ["south"]})] == ["elm"]
    assert survey.choices_for(blocks) == survey.choice_lists["block"]  # unfiltered
    step = next(s for s in survey.steps if s.id == "blocks")
    raw = {"consent": ["yes"], "agree": ["OK"], "area": ["north"], "blocks": ["elm"]}
    errors = validate_step(survey, step, raw, mode="self", max_length=500)
    assert errors == {"blocks": "Please choose one of the answers shown."}
    raw["blocks"] = ["ash"]
    assert validate_step(survey, step, raw, mode="self", max_length=500) == {}


def test_a_choice_filter_the_app_cannot_work_out_is_kept_and_shows_every_choice() -> None:
    survey_rows = [
        ["type", "name", "label", "choice_filter"],
        ["select_one l", "first", "First", ""],
        ["select_one l", "second", "Second", "pulldata('f', 'a', 'b', ${first}) = name"],
    ]
    choices = [["list_name", "name", "label"], ["l", "a", "A"], ["l", "b", "B"]]
    settings = [["form_title", "form_id"], ["T", "t"]]
    imported = xlsform.read(workbook(survey_rows, choices, settings), LANGUAGES)
    survey = parse_survey(imported.definition)
    assert (
        survey.choices_for(survey.question("second"), {"first": ["a"]}) == survey.choice_lists["l"]
    )
    assert any("The choice filter of 'second'" in notice for notice in imported.notices)
    again = xlsform.read(xlsform.write(imported.definition), LANGUAGES).definition
    assert again == imported.definition


def test_piped_text_is_escaped_and_form_tags_left_out() -> None:
    survey = parse_survey(_field().definition)
    label = "<span style='color:red'>Careful</span> in ${area}"
    shown = piped(survey, label, {"consent": ["yes"], "area": ["<i>"]})
    # The form's own tags are left out; what a resident typed is escaped, never markup.
    assert shown == 'Careful in <span class="piped" data-pipe="area">&lt;i&gt;</span>'
    assert piped(survey, "5 < 6 & 7 > 2") == "5 &lt; 6 &amp; 7 &gt; 2"
    around = piped(survey, "Rent & bills < 5 in ${area}", {"consent": ["yes"], "area": ["x"]})
    assert around.startswith("Rent &amp; bills &lt; 5 in <span")


@pytest.mark.parametrize(
    ("question", "value", "wanted"),
    [
        ("safety", "11", "This answer is not one the survey can accept. Please check it."),
        ("safety", "10", None),
        ("best_time", "25:00", "Please enter a time of day: hours and minutes."),
        ("best_time", "14:30", None),
        ("last_visit", "2026-02-30T10:00", "Please enter a real date and a time of day."),
        ("last_visit", "2026-12-04 10:00", "Please enter a real date and a time of day."),
        ("last_visit", "2026-12-04T10:00", None),
    ],
)
def test_ranges_times_and_dates_with_times_are_checked(
    question: str, value: str, wanted: str | None
) -> None:
    survey = parse_survey(_field().definition)
    step = next(s for s in survey.steps if s.id == question)
    errors = validate_step(survey, step, {question: [value]}, mode="self", max_length=500)
    assert errors.get(question) == wanted


def test_an_unknown_type_and_pyxforms_own_problem_are_listed_together() -> None:
    survey = [
        ["type", "name", "label", "trigger"],
        ["background-geopoint", "bg", "Where", ""],  # pyxform: needs a trigger
        ["integr", "age", "Age", ""],  # the app: not an XLSForm type
    ]
    with pytest.raises(xlsform.XLSFormError) as raised:
        xlsform.read(workbook(survey), LANGUAGES)
    found = [(p.sheet, p.row, p.message) for p in raised.value.problems]
    assert len(found) == 2
    assert any(
        row == 3 and "'integr' is not an XLSForm type" in message for _s, row, message in found
    )
    assert any(
        row == 2
        and message.startswith("pyxform (the XLSForm reader ODK uses) says:")
        and "trigger" in message
        for _s, row, message in found
    )


def _surveys(app: Flask) -> list[str]:
    with sqlite3.connect(app.config["DATABASE"]) as db:
        return [row[0] for row in db.execute("SELECT id FROM surveys ORDER BY id")]


def test_two_forms_without_a_form_id_never_overwrite_each_other(
    app: Flask, coordinator: FlaskClient
) -> None:
    first = _upload(coordinator, field_form())
    assert first.status_code == 302 and first.location.endswith("/damp-and-safety")
    page = coordinator.get(first.location).get_data(as_text=True)
    assert "The form has no form_id, so the app calls it &#39;damp-and-safety&#39;" in page
    second = _upload(coordinator, field_form())
    assert second.location.endswith("/damp-and-safety-2")
    assert _surveys(app) == ["damp-and-safety", "damp-and-safety-2", "what-matters"]
    # With a form_id, a later upload updates that survey instead.
    with_id = workbook(
        FIELD_SURVEY, FIELD_CHOICES, [[*FIELD_SETTINGS[0], "form_id"], [*FIELD_SETTINGS[1], "damp"]]
    )
    assert _upload(coordinator, with_id).location.endswith("/damp")
    assert _upload(coordinator, with_id).location.endswith("/damp")
    assert len(_surveys(app)) == 4


def test_the_preview_shows_a_notice_for_each_question_not_collected(
    coordinator: FlaskClient,
) -> None:
    _upload(coordinator, field_form())
    for lang in ("en", "ar"):
        page = soup(coordinator.get(f"/{lang}/admin/surveys/damp-and-safety/preview"))
        blocks = page.select("[data-testid=not-collected]")
        assert len(blocks) == len(NOT_COLLECTED)  # the uncalculated visit_id shows nothing
        assert all(block.get_text(strip=True) for block in blocks)
        assert page.select_one("select#q-area") is not None  # appearance minimal
        assert page.select_one("input#q-best_time")["type"] == "time"
        assert page.select_one("input#q-last_visit")["type"] == "datetime-local"
    english = soup(coordinator.get("/en/admin/surveys/damp-and-safety/preview"))
    photo = english.select_one("[data-question-block=photo]").get_text(" ", strip=True)
    assert "This question asks for a photo, which this app does not collect yet." in photo


PAGE = "/en/admin/surveys/damp-and-safety"


def _attach(client: FlaskClient, name: str, text: str) -> Any:
    return client.post(
        f"{PAGE}/files",
        data={
            "csrf_token": _token(client, PAGE),
            "name": name,
            "file": (io.BytesIO(text.encode("utf-8")), name),
        },
        content_type="multipart/form-data",
    )


def _draft(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return storage.surveys.draft_definition(storage.get_db(), "damp-and-safety")


def test_a_file_of_choices_is_asked_for_before_publishing_then_read(
    app: Flask, coordinator: FlaskClient
) -> None:
    _upload(coordinator, field_form())
    row = soup(coordinator.get(PAGE)).select_one("[data-testid=choice-files] tr[data-file]")
    assert row is not None and row["data-file"] == "clinics.csv"
    assert "Needed before publishing" in row.get_text()
    refused = coordinator.post(f"{PAGE}/publish", data={"csrf_token": _token(coordinator, PAGE)})
    assert refused.status_code == 302
    said = coordinator.get(PAGE).get_data(as_text=True)
    assert "Attach the form&#39;s files of choices before publishing: clinics.csv." in said
    assert count_rows(app, "survey_versions") == 1  # only the bundled survey's

    before = _draft(app)
    bad = _attach(coordinator, "clinics.csv", "name,label\nhigh,High Street\nhigh,Again\n,None\n")
    assert bad.status_code == 422
    problems = [
        [cell.get_text(strip=True) for cell in tr.select("td")]
        for tr in soup(bad).select("[data-testid=file-problems] tbody tr")
    ]
    assert problems == [
        ["clinics.csv", "3", "The choice 'high' is in the file twice."],
        ["clinics.csv", "4", "Each choice needs a name, used once."],
    ]
    assert _draft(app) == before
    assert _attach(coordinator, "clinics.csv", "name\nx\n").status_code == 422
    assert _attach(coordinator, "other.csv", "name,label\nx,X\n").status_code == 422
    assert _draft(app) == before

    good = "name;label::English (en);label::Arabic (ar);area\nhigh;High Street;شارع هاي;north\n"
    good += "park;Park Road;طريق الحديقة;south\nelm;Elm Clinic;عيادة إلم;south\n"
    assert _attach(coordinator, "clinics.csv", good).status_code == 302
    survey = parse_survey(_draft(app))
    clinic = survey.question("clinic")
    assert clinic.type == "single_choice"
    assert [c.value for c in survey.choices_for(clinic)] == ["high", "park", "elm"]
    assert survey.text(f"choice.{clinic.choices}.park", "ar") == "طريق الحديقة"
    arabic = soup(coordinator.get("/ar/admin/surveys/damp-and-safety/preview"))
    assert "عيادة إلم" in arabic.select_one("[data-question-block=clinic]").get_text()
    published = coordinator.post(f"{PAGE}/publish", data={"csrf_token": _token(coordinator, PAGE)})
    assert published.status_code == 302 and count_rows(app, "survey_versions") == 2
    # The export still names the file, as KoboToolbox expects it.
    exported = coordinator.get(f"{PAGE}/xlsform").data
    types = [
        r[0]
        for r in openpyxl.load_workbook(io.BytesIO(exported))["survey"].iter_rows(values_only=True)
    ]
    assert "select_one_from_file clinics.csv" in types

    # Attached again, the new file's choices replace the old ones, translations too.
    assert _attach(coordinator, "clinics.csv", "name,label\nhigh,High Street\n").status_code == 302
    definition = _draft(app)
    survey = parse_survey(definition)
    assert [c.value for c in survey.choices_for(survey.question("clinic"))] == ["high"]
    assert not any("park" in key for key in definition["translations"].get("ar", {}))
    assert len([n for n in definition["choices"] if n.startswith("file_")]) == 1


def _publish_field_form(coordinator: FlaskClient) -> None:
    """The field form uploaded, its file of clinics attached, and published."""
    _upload(coordinator, field_form())
    assert _attach(coordinator, "clinics.csv", "name,label\nhigh,High Street\n").status_code == 302
    coordinator.post(f"{PAGE}/publish", data={"csrf_token": _token(coordinator, PAGE)})


def test_the_field_form_is_answered_without_javascript(
    app: Flask, coordinator: FlaskClient
) -> None:
    _publish_field_form(coordinator)
    resident = Resident(app.test_client(), survey_id="damp-and-safety")
    steps = [
        ("welcome", {"consent": "yes"}),
        ("agree", {"agree": "OK"}),
        ("area", {"area": "south"}),
        ("blocks", {"blocks": "elm"}),
        ("safety", {"safety": "4"}),
        ("best_time", {"best_time": "09:00"}),
        ("last_visit", {"last_visit": "2026-10-01T16:45"}),
        ("adults", {"adults": "1"}),
        ("children", {"children": "2"}),
    ]
    for step, answers in steps:
        page = resident.post(step, **answers)
        assert page.status_code == 200 and not field_errors(page), (step, field_errors(page))
        if step == "area":
            # Server-side, the filter already hides the north's block.
            choices = soup(page).select("[data-question-block=blocks] .choice")
            assert [c.get("hidden") is not None for c in choices] == [True, False]
    note = soup(page).select_one("[data-question-block=household_note]")
    assert " ".join(note.get_text().split()) == "Your household has 3 people."  # piped
    page = resident.post("household_note")
    shown = soup(page).select_one("[data-question-block=office] [data-testid=read-only]")
    assert shown.get_text(strip=True) == "Town Hall"
    assert soup(page).select_one("input[name=office]") is None  # shown, not asked
    page = resident.post("office", office="Somewhere else")  # a forged value is not kept
    assert shown_step(page) == "size_label", (shown_step(page), field_errors(page))
    shown = soup(page).select_one("[data-question-block=size_label] [data-testid=read-only]")
    assert shown.get_text(strip=True) == "3 people"
    for step in ("size_label", "photo", "where", "meter", "clinic", "priorities", "person"):
        page = resident.post(step, clinic="high") if step == "clinic" else resident.post(step)
        assert page.status_code == 200, step
    done = resident.post("matters", action="submit", matters="Mould in the bathroom")
    assert done.status_code == 303, field_errors(done)  # to the thanks page
    with sqlite3.connect(app.config["DATABASE"]) as db:
        rows = dict(
            db.execute(
                "SELECT question_id, value FROM answers a JOIN responses r ON r.id = a.response_id"
                " WHERE r.survey_id = 'damp-and-safety'"
            ).fetchall()
        )
    assert rows["household"] == "3" and rows["blocks"] == "elm" and rows["clinic"] == "high"
    assert (rows["office"], rows["size_label"]) == ("Town Hall", "3 people")
    assert rows["last_visit"] == "2026-10-01T16:45" and rows["matters"] == "Mould in the bathroom"
    # The form's metadata, as columns of the responses export named as the form names them.
    with sqlite3.connect(app.config["DATABASE"]) as db:
        started, created = db.execute(
            "SELECT started_at, created_at FROM responses WHERE survey_id = 'damp-and-safety'"
        ).fetchone()
    assert started is not None and started <= created  # carried from the first page
    exported = coordinator.get(f"{PAGE}/responses.csv").get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert (row["start"], row["end"], row["today"]) == (started, created, started[:10])
    assert row["deviceid"] == row["username"] == ""  # a resident's own phone: no staff device
    assert "audit" not in row  # never recorded


def test_a_volunteers_tablet_fills_the_forms_metadata_columns(
    app: Flask, coordinator: FlaskClient
) -> None:
    _publish_field_form(coordinator)
    make_user(app, "volunteer")
    tablet = app.test_client()
    signed_in = soup(sign_in(tablet, "volunteer@example.org", label="Blue tablet"))
    token = str(signed_in.select_one("[data-wm-device]")["data-token"])
    item = {
        "id": str(uuid.uuid4()),
        "survey_id": "damp-and-safety",
        "survey_version": 1,
        "language": "ar",
        "mode": "assisted",
        "started_at": "2026-12-01T09:58:00Z",
        "created_at": "2026-12-01T10:04:30Z",
        "answers": {
            "consent": "yes",
            "agree": "OK",
            "area": "south",
            "blocks": "elm",
            "safety": "4",
            "adults": "1",
            "children": "2",
            "where": "51.5 -0.08 12 5",
            "clinic": "high",
            "matters": "الرطوبة في الدرج",
        },
    }
    reply = app.test_client().post(
        "/api/v1/responses",
        json={"responses": [item]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert reply.get_json()["receipts"][0]["status"] == "created", reply.get_json()
    exported = coordinator.get(f"{PAGE}/responses.csv").get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert (row["start"], row["end"], row["today"]) == (
        "2026-12-01T09:58:00+00:00",
        "2026-12-01T10:04:30+00:00",
        "2026-12-01",
    )
    with sqlite3.connect(app.config["DATABASE"]) as db:
        [(device,)] = db.execute("SELECT id FROM devices").fetchall()
    assert (row["deviceid"], row["username"]) == (device, "Volunteer")
    assert row["where"] == "51.5 -0.08 12 5"
    # A start that is not a time is refused with the reason; nothing is stored.
    item.update(id=str(uuid.uuid4()), started_at="last Tuesday")
    refused = app.test_client().post(
        "/api/v1/responses",
        json={"responses": [item]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.get_json()["receipts"][0]["errors"] == {
        "started_at": "Give the time as an ISO 8601 date and time."
    }
    assert count_rows(app, "responses") == 1


def test_paths_patterns_and_functions_the_app_cannot_work_out() -> None:
    rows = [
        ["type", "name", "label", "relevant", "constraint", "constraint_message"],
        ["begin_group", "home", "Home", "", "", ""],
        ["integer", "age", "Age", "", ". < 120", ""],
        ["text", "phone", "Phone", "/data/home/age >= 18", "regex(., '0[0-9]{10}')", "11 digits"],
        ["text", "code", "Code", "pulldata('codes', 'ok', 'id', ${age}) = 'yes'", "", ""],
        ["text", "ref", "Ref", "", "jr:choice-name(., '${age}') != ''", ""],
        ["end_group", "", "", "", "", ""],
    ]
    settings = [["form_title", "form_id"], ["T", "t"]]
    imported = xlsform.read(workbook(rows, None, settings), LANGUAGES)
    survey = parse_survey(imported.definition)
    # An old form's absolute path is the question it names.
    assert survey.question("phone").relevant.source == "${age} >= 18"  # type: ignore[union-attr]
    # regex() is checked, on the whole answer.
    step = next(s for s in survey.steps if s.id == "home")
    errors = validate_step(
        survey, step, {"age": ["30"], "phone": ["0770090012"]}, mode="self", max_length=500
    )
    assert errors == {"phone": "11 digits"}
    # What the app cannot work out is kept for the export, said, and not applied.
    assert survey.question("code").relevant is None
    assert survey.question("ref").constraint is None
    said = "\n".join(imported.notices)
    assert "The relevant of 'code' (pulldata(" in said and "always asked" in said
    assert "The constraint of 'ref' (jr:choice-name(" in said and "not checked" in said
    again = xlsform.read(xlsform.write(imported.definition), LANGUAGES)
    assert again.definition == imported.definition


def test_expressions_may_name_the_forms_metadata() -> None:
    rows = [
        ["type", "name", "label", "relevant", "calculation"],
        ["today", "today", "", "", ""],
        ["start", "start", "", "", ""],
        ["date", "born", "Date of birth", "", ""],
        ["calculate", "seen_on", "", "", "${today}"],
        ["text", "why", "Why today?", "${born} < ${today} and ${start} = ''", ""],
    ]
    settings = [["form_title", "form_id"], ["T", "t"]]
    imported = xlsform.read(workbook(rows, None, settings), LANGUAGES)
    survey = parse_survey(imported.definition)
    raw = {"consent": ["yes"], "born": ["1990-05-01"], "why": ["Because"]}
    submission, errors, _step = validate_response(survey, raw, mode="self", max_length=500)
    assert errors == {} and submission is not None
    assert submission.answers["seen_on"] == [today()]
    assert submission.answers["why"] == ["Because"]
    again = xlsform.read(xlsform.write(imported.definition), LANGUAGES)
    assert again.definition == imported.definition


def test_a_form_titled_in_arabic_without_a_form_id_is_named_after_its_file() -> None:
    rows = [["type", "name", "label"], ["text", "q", "Q"]]
    settings = [["form_title"], ["مسح الرطوبة"]]
    imported = xlsform.read(workbook(rows, None, settings), LANGUAGES, "Damp Survey 2026.xlsx")
    assert (imported.definition["id"], imported.made_up_id) == ("damp-survey-2026", True)
    assert imported.definition["title"] == "مسح الرطوبة"


def test_one_name_in_two_groups_is_read_and_the_second_renamed() -> None:
    rows = [
        ["type", "name", "label", "relevant"],
        ["begin_group", "mother", "Mother", ""],
        ["integer", "age", "Her age", ""],
        ["end_group", "", "", ""],
        ["begin_group", "father", "Father", ""],
        ["integer", "age", "His age", ""],
        ["end_group", "", "", ""],
    ]
    settings = [["form_title", "form_id"], ["T", "t"]]
    imported = xlsform.read(workbook(rows, None, settings), LANGUAGES)
    survey = parse_survey(imported.definition)
    assert survey.text("question.age.label", "en") == "Her age"
    assert survey.text("question.father_age.label", "en") == "His age"
    assert any("the app calls the second 'father_age'" in n for n in imported.notices)
    again = xlsform.read(xlsform.write(imported.definition), LANGUAGES)
    assert again.definition == imported.definition
    # In one group, twice is still refused, as pyxform refuses it.
    rows.insert(3, ["integer", "age", "Again", ""])
    with pytest.raises(xlsform.XLSFormError) as raised:
        xlsform.read(workbook(rows, None, settings), LANGUAGES)
    assert [p.row for p in raised.value.problems] == [4]


def test_a_form_of_calculations_only_is_refused_with_the_reason() -> None:
    rows = [["type", "name", "label", "calculation"], ["calculate", "x", "", "1 + 1"]]
    with pytest.raises(xlsform.XLSFormError) as raised:
        xlsform.read(workbook(rows, None, [["form_title", "form_id"], ["T", "t"]]), LANGUAGES)
    assert [p.message for p in raised.value.problems] == [
        "The form has calculations but no question."
    ]


def test_a_location_is_asked_checked_and_kept_as_odk_keeps_it(app: Flask) -> None:
    imported = _field()
    survey = parse_survey(imported.definition)
    assert survey.question("where").type == "geopoint"
    assert "'where' asks for a location." in "\n".join(imported.notices)
    assert xlsform.write(imported.definition)  # written back as a geopoint (round trip above)

    def fields(**given: str) -> list[str]:
        return gather(survey, lambda name: [given[name]] if name in given else [])["where"]

    # Typed in Arabic-Indic digits with a decimal comma; the device adds height and accuracy.
    assert fields(where__lat="٥١٫٥", where__lon="-0,08") == ["51.5 -0.08 0 0"]
    assert fields(where__lat="51.5079", where__lon="-0.0877", where__acc="12") == [
        "51.5079 -0.0877 0 12"
    ]
    assert fields(where="51.5 -0.08 0 0") == ["51.5 -0.08 0 0"]  # carried from a page before
    assert fields() == []
    with app.test_request_context("/en/"):
        step = next(s for s in survey.steps if any(q.id == "where" for q in s.questions))
        for bad in ("91 0", "51.5 181", "51.5", "? -0.08 0 0", "51.5 -0.08 0 -3", "north"):
            errors = validate_step(survey, step, {"where": [bad]}, mode="self", max_length=500)
            assert errors == {"where": str(MESSAGES["geopoint"])}, bad
        assert not validate_step(
            survey, step, {"where": ["-33.9 151.2 5 3"]}, mode="self", max_length=500
        )


def _with_external_choices(external: list[list[str]]) -> bytes:
    """A KoboToolbox-style cascade: a state, then a city from the external_choices sheet."""
    book = openpyxl.load_workbook(
        io.BytesIO(
            workbook(
                [
                    ["type", "name", "label::English (en)", "label::Arabic (ar)", "choice_filter"],
                    ["select_one state", "state", "State", "الولاية", ""],
                    ["select_one_external city", "city", "City", "المدينة", "state=${state}"],
                ],
                [
                    ["list_name", "name", "label::English (en)", "label::Arabic (ar)"],
                    ["state", "north", "North", "الشمال"],
                    ["state", "south", "South", "الجنوب"],
                ],
                [["form_title", "form_id"], ["Cities", "cities"]],
            )
        )
    )
    sheet = book.create_sheet("external_choices")
    for row in external:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_external_choices_kept_in_the_form_are_asked_filtered_and_written_back(
    app: Flask,
) -> None:
    data = _with_external_choices(
        [
            ["list_name", "name", "label::English (en)", "label::Arabic (ar)", "state"],
            ["city", "leeds", "Leeds", "ليدز", "north"],
            ["city", "york", "York", "يورك", "north"],
            ["city", "bristol", "Bristol", "بريستول", "south"],
        ]
    )
    with app.test_request_context("/ar/"):
        imported = xlsform.read(data, LANGUAGES, "cities.xlsx")
        survey = parse_survey(imported.definition)
        city = survey.question("city")
        assert city.type == "single_choice"
        assert [c.value for c in survey.choices_for(city, {"state": ["south"]})] == ["bristol"]
        assert survey.text(f"choice.{city.choices}.york", "ar") == "يورك"
        said = "\n".join(imported.notices)
        assert "'city' (" not in said  # askable, so nothing to say of it
        # The server refuses a city of the other state, in the resident's language.
        step = next(s for s in survey.steps if any(q.id == "city" for q in s.questions))
        refused = validate_step(
            survey, step, {"state": ["south"], "city": ["leeds"]}, mode="self", max_length=500
        )
        assert refused == {"city": str(MESSAGES["unknown_choice"])}
        assert not validate_step(
            survey, step, {"state": ["south"], "city": ["bristol"]}, mode="self", max_length=500
        )
        # Written back as the form had it, and read back to the same survey.
        exported = xlsform.write(imported.definition)
        assert xlsform.read(exported, LANGUAGES, "cities.xlsx").definition == imported.definition
    book = openpyxl.load_workbook(io.BytesIO(exported))
    assert ["select_one_external city", "city"] in [
        list(r[:2]) for r in book["survey"].iter_rows(values_only=True)
    ]
    rows = list(book["external_choices"].iter_rows(values_only=True))
    assert rows[0][:2] == ("list_name", "name") and "state" in rows[0]
    assert {r[1] for r in rows[1:]} == {"leeds", "york", "bristol"}
    assert all(r[0] != "city" for r in book["choices"].iter_rows(values_only=True))


def test_external_choices_with_a_problem_are_listed_and_nothing_is_made(app: Flask) -> None:
    data = _with_external_choices(
        [
            ["list_name", "name", "label::English (en)", "state"],
            ["city", "leeds", "Leeds", "north"],
            ["city", "leeds", "Leeds again", "north"],
        ]
    )
    with app.test_request_context("/en/"), pytest.raises(xlsform.XLSFormError) as raised:
        xlsform.read(data, LANGUAGES, "cities.xlsx")
    [problem] = raised.value.problems
    assert (problem.sheet, problem.row) == ("external_choices", 3)
    assert "'leeds'" in problem.message
