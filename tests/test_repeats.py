"""Repeats: a part of the survey asked once for each person in a household, stored per person."""

from __future__ import annotations

import copy
import io
import sqlite3
import uuid
from typing import Any

import openpyxl
import pytest
from flask import Flask

from survey_app import storage
from survey_app.surveys import repeats, xlsform
from survey_app.surveys.model import SurveyDefinitionError, parse_survey
from tests.conftest import Resident, count_rows, field_errors, shown_step, soup
from tests.test_authoring import _token, _upload
from tests.xlsforms import workbook

HOUSEHOLD: dict[str, Any] = {
    "id": "household",
    "version": 1,
    "default_language": "en",
    "consent_version": "household-1",
    "title": "Your household",
    "steps": [
        {
            "id": "welcome",
            "title": "Welcome",
            "questions": [
                {
                    "id": "consent",
                    "type": "consent",
                    "records": "consent",
                    "required": True,
                    "label": "I agree to take part.",
                }
            ],
        },
        {
            "id": "home",
            "title": "Your home",
            "questions": [{"id": "rooms", "type": "integer", "label": "How many rooms?"}],
        },
        {
            "id": "members",
            "title": "Person",
            "repeat": {},
            "questions": [
                {"id": "name", "type": "short_text", "label": "First name", "required": True},
                {
                    "id": "age",
                    "type": "integer",
                    "label": "How old is ${name}?",
                    "constraint": ". < 130",
                },
                {
                    "id": "school",
                    "type": "yes_no",
                    "label": "Does ${name} go to school?",
                    "relevant": "${age} < 19",
                },
            ],
        },
        {
            "id": "last",
            "title": "Last",
            "questions": [{"id": "worry", "type": "long_text", "label": "What worries you?"}],
        },
    ],
}


def _publish(app: Flask, definition: dict[str, Any] = HOUSEHOLD) -> None:
    with app.app_context():
        db = storage.get_db()
        storage.surveys.save_draft(db, copy.deepcopy(definition))
        storage.surveys.publish_draft(db, definition["id"])


def _stored(app: Flask) -> dict[str, str]:
    with sqlite3.connect(app.config["DATABASE"]) as db:
        return dict(
            db.execute(
                "SELECT question_id, group_concat(value, ' ') FROM answers GROUP BY question_id"
            ).fetchall()
        )


def test_copies_name_their_own_instances_answers() -> None:
    survey = parse_survey(HOUSEHOLD).expanded({"members": ["2"]})
    step = survey.steps[2]
    assert [q.id for q in step.questions] == [
        "members",
        "members[1]/name",
        "members[1]/age",
        "members[1]/school",
        "members[2]/name",
        "members[2]/age",
        "members[2]/school",
    ]
    raw = {
        "members": ["2"],
        "members[1]/name": ["Ann"],
        "members[1]/age": ["40"],
        "members[1]/school": ["yes"],
        "members[2]/name": ["Bo"],
        "members[2]/age": ["9"],
        "members[2]/school": ["yes"],
    }
    kept = survey.effective_answers(raw)
    assert "members[1]/school" not in kept  # Ann is 40: her school question does not apply
    assert kept["members[2]/school"] == ["yes"]
    assert survey.text("question.members[2]/school.label", "en") == (
        "Does ${members[2]/name} go to school?"
    )
    assert parse_survey(HOUSEHOLD).expanded({"members": ["999"]}).steps[2].repeat.instances == 50


def test_a_repeat_counted_by_an_earlier_answer_asks_that_many() -> None:
    counted = copy.deepcopy(HOUSEHOLD)
    counted["steps"][2]["repeat"] = {"count": "${rooms}"}
    survey = parse_survey(counted)
    assert survey.expanded({"rooms": ["3"], "members": ["1"]}).steps[2].repeat.instances == 3
    assert survey.expanded({"rooms": ["lots"]}).steps[2].repeat.instances == 0


def test_what_a_repeat_may_not_hold_or_name_is_refused() -> None:
    inside = copy.deepcopy(HOUSEHOLD)
    inside["steps"][2]["questions"].append(
        {"id": "quote", "type": "yes_no", "records": "quote_consent", "label": "Quote?"}
    )
    with pytest.raises(SurveyDefinitionError, match="inside a repeat"):
        parse_survey(inside)
    before = copy.deepcopy(HOUSEHOLD)
    before["steps"][1]["questions"][0]["relevant"] = "${age} > 60"
    with pytest.raises(SurveyDefinitionError, match="not asked before"):
        parse_survey(before)


def test_after_a_repeat_its_answers_are_read_as_a_set() -> None:
    after = copy.deepcopy(HOUSEHOLD)
    after["steps"][3]["questions"] += [
        {"id": "total", "type": "calculate", "calculation": "sum(${age})"},
        {"id": "oldest", "type": "calculate", "calculation": "max(${age})"},
        {"id": "people", "type": "calculate", "calculation": "count(${members})"},
        {"id": "first", "type": "calculate", "calculation": "${name}"},
        {
            "id": "last_name",
            "type": "calculate",
            "calculation": "indexed-repeat(${name}, ${members}, count(${members}))",
        },
        {"id": "many", "type": "long_text", "label": "Why?", "relevant": "count(${age}) > 2"},
    ]
    survey = parse_survey(after)
    raw = {
        "members": ["3"],
        "members[1]/name": ["Ann"],
        "members[1]/age": ["40"],
        "members[2]/age": ["9"],
        "members[3]/age": ["7"],
        "many": ["Cousins"],
    }
    kept = survey.expanded(raw).effective_answers(raw)
    raw["members[3]/name"] = ["Cy"]
    kept = survey.expanded(raw).effective_answers(raw)
    assert [kept[k] for k in ("total", "oldest", "people", "first", "last_name")] == [
        ["56"],
        ["40"],
        ["3"],
        ["Ann"],
        ["Cy"],
    ]
    assert kept["many"] == ["Cousins"]
    fewer = {**raw, "members": ["2"]}
    kept = survey.expanded(fewer).effective_answers(fewer)
    assert (kept["total"], kept["people"], "many" in kept) == (["49"], ["2"], False)
    none = {"members": ["0"]}
    kept = survey.expanded(none).effective_answers(none)
    assert (kept["total"], "oldest" in kept) == (["0"], False)  # max of nothing: no value


def test_a_household_is_answered_without_javascript_adding_and_removing_people(
    app: Flask,
) -> None:
    _publish(app)
    resident = Resident(app.test_client(), survey_id="household")
    resident.post("welcome", consent="yes")
    page = resident.post("home", rooms="3")
    assert shown_step(page) == "members"
    assert len(soup(page).select("[data-testid=instance]")) == 1  # one person to start with
    resident.hidden["members"] = "1"
    page = resident.post("members", action="add:members", **{"members[1]/name": "Ann"})
    assert len(soup(page).select("[data-testid=instance]")) == 2
    assert soup(page).select_one("input[name='members[1]/name']")["value"] == "Ann"
    resident.hidden["members"] = "2"
    page = resident.post("members", action="add:members", **{"members[2]/name": "Bo"})
    resident.hidden["members"] = "3"
    answers = {
        "members[1]/age": "40",
        "members[2]/age": "9",
        "members[2]/school": "yes",
        "members[3]/name": "Cy",
        "members[3]/age": "7",
    }
    # Bo is not in the household after all: Cy moves up to be the second person.
    page = resident.post("members", action="remove:members:2", **answers)
    assert [i["value"] for i in soup(page).select("input[name$='/name']")] == ["Ann", "Cy"]
    label = soup(page).select_one("[data-question-block='members[2]/age'] label")
    assert " ".join(label.get_text().split()) == "How old is Cy? (optional)"  # the same person
    resident.answers = {k: v for k, v in resident.answers.items() if not k.startswith("members[")}
    resident.hidden["members"] = "2"
    page = resident.post(
        "members",
        **{
            "members[1]/name": "Ann",
            "members[1]/age": "140",
            "members[2]/name": "Cy",
            "members[2]/age": "7",
        },
    )
    assert field_errors(page) == {
        "members[1]/age": "This answer is not one the survey can accept. Please check it."
    }
    page = resident.post("members", **{"members[1]/age": "40", "members[2]/school": "yes"})
    assert shown_step(page) == "last", field_errors(page)
    done = resident.post("last", worry="The damp")
    assert done.status_code == 303, field_errors(done)
    assert _stored(app) == {
        "members": "2",
        "members[1]/name": "Ann",
        "members[1]/age": "40",
        "members[2]/name": "Cy",
        "members[2]/age": "7",
        "members[2]/school": "yes",
        "rooms": "3",
        "worry": "The damp",
    }


def test_the_api_takes_a_repeats_answers_and_refuses_copies_beyond_the_count(
    app: Flask,
) -> None:
    _publish(app)
    item = {
        "id": str(uuid.uuid4()),
        "survey_id": "household",
        "survey_version": 1,
        "language": "en",
        "created_at": "2026-12-01T10:04:30Z",
        "answers": {
            "consent": "yes",
            "members": "2",
            "members[1]/name": "Ann",
            "members[2]/name": "Bo",
            "members[2]/age": "9",
        },
    }
    api = app.test_client()
    extra = dict(item, id=str(uuid.uuid4()), answers={**item["answers"], "members[3]/name": "Cy"})
    refused = api.post("/api/v1/responses", json={"responses": [extra]}).get_json()
    assert refused["receipts"][0]["errors"] == {
        "members[3]/name": "This survey has no such question."
    }
    sent = api.post("/api/v1/responses", json={"responses": [item]}).get_json()
    assert sent["receipts"][0]["status"] == "created", sent
    assert count_rows(app, "responses") == 1
    assert _stored(app)["members[2]/age"] == "9"


def test_removing_moves_later_instances_up() -> None:
    survey = parse_survey(HOUSEHOLD).expanded({"members": ["3"]})
    raw = {
        "members": ["3"],
        "members[1]/name": ["Ann"],
        "members[2]/name": ["Bo"],
        "members[3]/name": ["Cy"],
        "members[3]/age": ["7"],
    }
    after = repeats.changed(survey, raw, "remove:members:1")
    assert after == {
        "members": ["2"],
        "members[1]/name": ["Bo"],
        "members[2]/name": ["Cy"],
        "members[1]/age": [],
        "members[2]/age": ["7"],
        "members[1]/school": [],
        "members[2]/school": [],
        **{
            k: []
            for k in after
            if k.endswith(("__gloss", "__language", "__lat", "__lon", "__alt", "__acc"))
        },
    }
    assert repeats.changed(survey, raw, "add:members")["members"] == ["4"]
    assert repeats.changed(survey, raw, "remove:members:9") == raw  # no such person


KIDS_FORM = [
    [
        "type",
        "name",
        "label::English (en)",
        "label::Arabic (ar)",
        "repeat_count",
        "relevant",
        "constraint",
        "calculation",
    ],
    ["integer", "n", "How many children?", "كم طفلا؟", "", "", "", ""],
    ["begin_repeat", "kids", "Child", "طفل", "${n}", "${n} > 0", "", ""],
    ["text", "kname", "Name", "الاسم", "", "", "", ""],
    ["integer", "kage", "How old is ${kname}?", "كم عمر ${kname}؟", "", "", ". < 18", ""],
    ["calculate", "number", "", "", "", "", "", "position(..)"],
    # The child before this one: not worked out yet, kept for the export and said.
    [
        "calculate",
        "before",
        "",
        "",
        "",
        "",
        "",
        "indexed-repeat(${kname}, ${kids}, position(..) - 1)",
    ],
    ["end_repeat", "", "", "", "", "", "", ""],
    ["begin_group", "adults", "Adults", "البالغون", "", "", "", ""],
    ["text", "street", "Street", "الشارع", "", "", "", ""],
    ["begin_repeat", "people", "Adult", "بالغ", "", "", "", ""],
    ["text", "pname", "Name", "الاسم", "", "", "", ""],
    ["end_repeat", "", "", "", "", "", "", ""],
    ["text", "more", "Anything else?", "شيء آخر؟", "", "", "", ""],
    ["end_group", "", "", "", "", "", "", ""],
    ["integer", "oldest", "Age of the oldest", "عمر الأكبر", "", "", ". >= max(${kage})", ""],
    # After a repeat, its answers are read as a set, as ODK reads them.
    ["calculate", "ages", "", "", "", "", "", "sum(${kage})"],
    ["calculate", "children", "", "", "", "", "", "count(${kids})"],
    ["calculate", "first", "", "", "", "", "", "${kname}"],
    # A repeat inside a repeat is still a notice: what names its questions is kept aside.
    ["begin_repeat", "visits", "Visit", "زيارة", "", "", "", ""],
    ["begin_repeat", "doses", "Dose", "جرعة", "", "", "", ""],
    ["text", "dose", "Dose", "جرعة", "", "", "", ""],
    ["end_repeat", "", "", "", "", "", "", ""],
    ["end_repeat", "", "", "", "", "", "", ""],
    ["text", "said", "Said", "قيل", "", "${dose} != ''", "", ""],
]


def test_an_xlsform_repeat_is_read_answered_exported_and_written_back(
    app: Flask, coordinator: Any
) -> None:
    form = workbook(KIDS_FORM, None, [["form_title", "form_id"], ["Kids", "kids_form"]])
    with app.test_request_context("/en/"):
        imported = xlsform.read(form, app.config["LANGUAGES"])
    definition = imported.definition
    ids = [(s["id"], "repeat" in s) for s in definition["steps"]]
    # A repeat inside a group splits the group's page around it.
    assert ids == [
        ("welcome", False),
        ("n", False),
        ("kids", True),
        ("adults", False),
        ("people", True),
        ("adults_2", False),
        ("oldest", False),
        ("visits", True),
        ("said", False),
    ]
    assert definition["steps"][2]["repeat"] == {"count": "${n}"}
    said = "\n".join(imported.notices)
    assert "'oldest' uses answers" not in said  # max() over the children is worked out
    assert "'said' uses answers from inside a repeat (${dose} != '')" in said
    assert "'before' uses answers from inside a repeat (indexed-repeat(" in said
    again = xlsform.read(xlsform.write(definition), app.config["LANGUAGES"])
    assert again.definition == definition  # begin_repeat … end_repeat, with its count
    assert _upload(coordinator, form).status_code == 302
    hints = soup(coordinator.get("/en/admin/surveys/kids_form/preview")).select(
        "[data-testid=repeat-hint]"
    )
    assert [h.select_one("code").get_text() if h.select_one("code") else "" for h in hints] == [
        "${n}",
        "",
        "",
    ]
    page = "/en/admin/surveys/kids_form"
    coordinator.post(f"{page}/publish", data={"csrf_token": _token(coordinator, page)})

    resident = Resident(app.test_client(), lang="ar", survey_id="kids_form")
    resident.post("welcome", consent="yes")
    page = resident.post("n", n="2")
    assert shown_step(page) == "kids"
    assert len(soup(page).select("[data-testid=instance]")) == 2  # as many as the count
    assert soup(page).select("[data-testid=add-instance]") == []  # counted, not added
    page = resident.post(
        "kids",
        **{
            "kids[1]/kname": "Amal",
            "kids[1]/kage": "19",
            "kids[2]/kname": "Omar",
            "kids[2]/kage": "4",
        },
    )
    assert list(field_errors(page)) == ["kids[1]/kage"]
    page = resident.post("kids", **{"kids[1]/kage": "9"})
    assert shown_step(page) == "adults", field_errors(page)
    page = resident.post("adults", street="Mill Lane")
    resident.hidden["people"] = "1"
    page = resident.post("people", **{"people[1]/pname": "Sara"})
    for step in ("adults_2",):
        page = resident.post(step)
    assert list(field_errors(resident.post("oldest", oldest="5"))) == ["oldest"]
    page = resident.post("oldest", oldest="9")
    assert shown_step(page) == "visits", field_errors(page)
    resident.post("visits")
    assert resident.post("said").status_code == 303
    stored = _stored(app)
    assert (stored["ages"], stored["children"], stored["first"]) == ("13", "2", "Amal")
    assert (stored["kids"], stored["kids[2]/kname"], stored["kids[2]/number"]) == ("2", "Omar", "2")
    assert (stored["people"], stored["people[1]/pname"]) == ("1", "Sara")

    exported = coordinator.get("/en/analysis/kids_form/exports/responses.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(exported.data))
    exported.close()  # the file is sent from a temporary file on disk
    assert book.sheetnames == ["responses", "kids", "people", "visits"]
    rows = list(book["kids"].iter_rows(values_only=True))
    header = ("response_id", "instance", "kname", "kname__gloss", "kname__language", "kage")
    assert rows[0] == (*header, "number")
    assert [r[1:] for r in rows[1:]] == [
        ("1", "Amal", None, "ar", "9", "1"),
        ("2", "Omar", None, "ar", "4", "2"),
    ]
    main = list(book["responses"].iter_rows(values_only=True))
    assert "kids" in main[0] and "kname" not in main[0]
    csv_text = coordinator.get(
        "/en/analysis/kids_form/exports/responses.csv?repeat=people"
    ).get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").splitlines()[1].endswith(",1,Sara,,ar")
    assert (
        coordinator.get("/en/analysis/kids_form/exports/responses.csv?repeat=nope").status_code
        == 404
    )


def test_calculations_between_repeats_stay_between_them(app: Flask) -> None:
    rows = [
        ["type", "name", "label", "calculation", "repeat_count"],
        ["integer", "n", "Adults?", "", ""],
        ["begin_repeat", "a", "Adult", "", ""],
        ["text", "an", "Name", "", ""],
        ["end_repeat", "", "", "", ""],
        ["calculate", "c", "", "count(${a}) + ${n}", ""],
        ["begin_repeat", "b", "Bed", "", "${c}"],
        ["text", "bn", "Who sleeps here?", "", ""],
        ["end_repeat", "", "", "", ""],
        ["calculate", "beds", "", "count(${bn})", ""],
    ]
    form = workbook(rows, None, [["form_title", "form_id"], ["T", "t"]])
    with app.test_request_context("/en/"):
        definition = xlsform.read(form, app.config["LANGUAGES"]).definition
        again = xlsform.read(xlsform.write(definition), app.config["LANGUAGES"]).definition
    # Never inside a repeat (it would be worked out once per adult), and before the repeat
    # it counts.
    assert [(s["id"], [q["id"] for q in s["questions"]]) for s in definition["steps"][1:]] == [
        ("n", ["n"]),
        ("a", ["an"]),
        ("c", ["c"]),
        ("b", ["bn"]),
        ("beds", ["beds"]),
    ]
    assert again == definition
    survey = parse_survey(definition)
    raw = {"n": ["1"], "a": ["2"]}
    kept = survey.expanded(raw).effective_answers(raw)
    assert (kept["c"], kept["b"], kept["beds"]) == (["3"], ["3"], ["3"])


def _read(app: Flask, rows: list[list[str]], choices: list[list[str]] | None = None) -> Any:
    form = workbook(rows, choices, [["form_title", "form_id"], ["Visits", "visits"]])
    with app.test_request_context("/en/"):
        imported = xlsform.read(form, app.config["LANGUAGES"])
        again = xlsform.read(xlsform.write(imported.definition), app.config["LANGUAGES"])
    assert again.definition == imported.definition  # written back, read the same
    return imported


def test_repeat_patterns_from_field_forms_are_read_never_refused(app: Flask) -> None:
    """Patterns ODK accepts in forms teams write, each read (not refused, never a crash)."""
    imported = _read(
        app,
        [
            ["type", "name", "label", "calculation", "default", "choice_filter"],
            # A repeat inside a group and nothing else: no empty page for the group.
            ["begin_group", "home", "Home", "", "", ""],
            ["begin_repeat", "visit", "Visit", "", "", ""],
            # Its first row a calculation: it stays inside, numbering each visit.
            ["calculate", "visit_no", "", "position(..)", "", ""],
            ["text", "who", "Who came?", "", "", ""],
            # A default ODK works out when the visit appears: not typed in by the app.
            [
                "text",
                "who_before",
                "Who came last time?",
                "",
                "indexed-repeat(${who}, ${visit}, ${visit_no} - 1)",
                "",
            ],
            ["begin_repeat", "dose", "Dose", "", "", ""],
            ["text", "medicine", "Medicine", "", "", ""],
            ["end_repeat", "", "", "", "", ""],
            # Reads a repeat inside this one: kept for the export.
            ["calculate", "first_medicine", "", "indexed-repeat(${medicine}, ${dose}, 1)", "", ""],
            ["end_repeat", "", "", "", "", ""],
            ["end_group", "", "", "", "", ""],
            # Choices from the answers given in the repeat, filtered ODK's way.
            ["select_one ${who}", "main", "Who helps most?", "", "", "position() != 1"],
        ],
    )
    definition = imported.definition
    assert [(s["id"], "repeat" in s) for s in definition["steps"]] == [
        ("welcome", False),
        ("visit", True),
        ("main", False),
    ]
    visit = definition["steps"][1]["questions"]
    assert [q["id"] for q in visit] == [
        "visit_no",
        "who",
        "who_before",
        "dose",
        "first_medicine",
    ]
    assert "default" not in visit[2] and visit[2]["xlsform"]["default"].startswith("indexed-repeat")
    assert (visit[3]["asks"], visit[4]["asks"]) == ("repeat", "calculation")
    main = definition["steps"][2]["questions"][0]
    assert (main["type"], main["asks"]) == ("unsupported", "earlier")
    assert main["xlsform"] == {"type": "select_one ${who}", "choice_filter": "position() != 1"}
    survey = parse_survey(definition)
    raw = {"visit": ["2"], "visit[1]/who": ["Ann"], "visit[2]/who": ["Bo"]}
    kept = survey.expanded(raw).effective_answers(raw)
    assert (kept["visit[1]/visit_no"], kept["visit[2]/visit_no"]) == (["1"], ["2"])


def test_a_page_of_calculations_only_is_worked_out_never_shown(app: Flask) -> None:
    rows = [
        ["type", "name", "label", "calculation", "repeat_count"],
        ["integer", "n", "How many children?", "", ""],
        ["begin_repeat", "kids", "Child", "", "${n}"],
        ["integer", "kage", "Age", "", ""],
        ["end_repeat", "", "", "", ""],
        ["begin_repeat", "pets", "Pet", "", ""],
        ["text", "pet", "Pet's name", "", ""],
        ["end_repeat", "", "", "", ""],
        # After the last repeat: a page of their own, which nobody sees.
        ["calculate", "ages", "", "sum(${kage})", ""],
    ]
    form = workbook(rows, None, [["form_title", "form_id"], ["Kids", "kids_total"]])
    with app.test_request_context("/en/"):
        definition = xlsform.read(form, app.config["LANGUAGES"]).definition
    _publish(app, definition)
    resident = Resident(app.test_client(), survey_id="kids_total")
    resident.post("welcome", consent="yes")
    page = resident.post("n", n="0")
    assert shown_step(page) == "pets"  # no children: their page is not shown
    resident.hidden["pets"] = "1"
    page = resident.post("pets", action="remove:pets:1", **{"pets[1]/pet": "Tom"})
    # No pets left: the page stays, to add one again, and it is the last one.
    assert shown_step(page) == "pets"
    assert soup(page).select_one("[data-testid=submit]") is not None
    assert soup(page).select_one("[data-testid=add-instance]") is not None
    resident.hidden["pets"] = "0"
    resident.answers.pop("pets[1]/pet")
    page = resident.post("pets", action="add:pets")
    resident.hidden["pets"] = "1"
    assert resident.post("pets", **{"pets[1]/pet": "Rex"}).status_code == 303
    stored = _stored(app)
    assert (stored["ages"], stored["pets[1]/pet"], stored["kids"]) == ("0", "Rex", "0")
