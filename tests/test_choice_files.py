"""Files of choices as ODK reads them: CSV, XML and GeoJSON, with the columns a question names."""

from __future__ import annotations

import io
import json
import sqlite3
from typing import Any

import openpyxl
from flask import Flask
from flask.testing import FlaskClient

from survey_app import storage
from survey_app.surveys.model import parse_survey
from tests.conftest import Resident, field_errors, soup
from tests.test_authoring import _token, _upload
from tests.xlsforms import workbook

PAGE = "/en/admin/surveys/places"


def _form(kind: str = "select_one_from_file clinics.xml", parameters: str = "") -> bytes:
    return workbook(
        [
            ["type", "name", "label", "parameters"],
            [kind, "clinic", "Which clinic?", parameters],
            ["text", "why", "Why that one?", ""],
        ],
        None,
        [["form_title", "form_id"], ["Places", "places"]],
    )


def _attach(client: FlaskClient, name: str, data: bytes) -> Any:
    return client.post(
        f"{PAGE}/files",
        data={"csrf_token": _token(client, PAGE), "name": name, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _definition(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return storage.surveys.draft_definition(storage.get_db(), "places")


def _choices(app: Flask) -> list[tuple[str, str, dict[str, str]]]:
    definition = _definition(app)
    survey = parse_survey(definition)
    listed = definition["choices"][survey.question("clinic").choices]
    return [(c["value"], c["label"], c.get("columns", {})) for c in listed]


XML = """<?xml version="1.0" encoding="UTF-8"?>
<root>
  <item><name>high</name><label>High Street</label><area>north</area></item>
  <item><name>mill</name><label>Mill Lane</label><area>south</area></item>
</root>
"""


def test_an_xml_file_of_items_gives_the_questions_choices(
    app: Flask, coordinator: FlaskClient
) -> None:
    assert _upload(coordinator, _form()).status_code == 302
    assert _attach(coordinator, "clinics.xml", XML.encode()).status_code == 302
    assert _choices(app) == [
        ("high", "High Street", {"area": "north"}),
        ("mill", "Mill Lane", {"area": "south"}),
    ]
    published = coordinator.post(f"{PAGE}/publish", data={"csrf_token": _token(coordinator, PAGE)})
    assert published.status_code == 302
    # Answered without JavaScript, like any choice question.
    resident = Resident(app.test_client(), survey_id="places")
    page = resident.post("welcome", consent="yes")
    assert [i["value"] for i in soup(page).select("input[name=clinic]")] == ["high", "mill"]
    resident.post("clinic", clinic="mill")
    assert resident.post("why", why="Close by").status_code == 303
    with sqlite3.connect(app.config["DATABASE"]) as db:
        stored = db.execute("SELECT value FROM answers WHERE question_id = 'clinic'").fetchall()
    assert stored == [("mill",)]


def test_the_questions_parameters_name_the_value_and_label_columns(
    app: Flask, coordinator: FlaskClient
) -> None:
    assert _upload(coordinator, _form(parameters="value=code label=title")).status_code == 302
    items = "<root><item><code>c1</code><title>Canal Road</title><name>x</name></item></root>"
    assert _attach(coordinator, "clinics.xml", items.encode()).status_code == 302
    assert _choices(app) == [("c1", "Canal Road", {"code": "c1"})]
    # The export writes the parameters back, so ODK reads the same columns.
    exported = coordinator.get(f"{PAGE}/xlsform")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.data))["survey"]
    header = [cell.value for cell in sheet[1]]
    clinic = next(row for row in sheet.iter_rows(values_only=True) if "clinic" in row)
    assert clinic[header.index("type")] == "select_one_from_file clinics.xml"
    assert clinic[header.index("parameters")] == "value=code label=title"


def _feature(properties: dict[str, Any], geometry: Any, **own: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry, **own}


def test_a_geojson_file_gives_each_feature_as_a_choice(
    app: Flask, coordinator: FlaskClient
) -> None:
    form = _form("select_one_from_file clinics.geojson")
    assert _upload(coordinator, form).status_code == 302
    features = {
        "type": "FeatureCollection",
        "features": [
            _feature(
                {"title": "High Street", "beds": 4},
                {"type": "Point", "coordinates": [-0.08769, 51.50791]},
                id="high",
            ),
            _feature({"id": "mill", "title": "Mill Lane", "open": True}, None),
        ],
    }
    reply = _attach(coordinator, "clinics.geojson", json.dumps(features).encode())
    assert reply.status_code == 302, field_errors(reply)
    assert _choices(app) == [
        ("high", "High Street", {"beds": "4", "geometry": "51.50791 -0.08769 0 0", "id": "high"}),
        ("mill", "Mill Lane", {"id": "mill", "open": "true"}),
    ]


def _problems(reply: Any) -> list[str]:
    rows = soup(reply).select("[data-testid=file-problems] tbody tr")
    return [" ".join(row.get_text(" ").split()) for row in rows]


def test_a_file_that_cannot_be_read_is_refused_with_the_reason_and_nothing_changes(
    app: Flask, coordinator: FlaskClient
) -> None:
    assert _upload(coordinator, _form()).status_code == 302
    before = _definition(app)
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><root><item><name>&b;</name>'
        "<label>x</label></item></root>"
    )
    for data, said in (
        (laughs.encode(), "entities"),
        (b"<root><item><name>a</name></root>", "mismatched tag"),
        ("<root><item><name>é</name></item></root>".encode("latin-1"), "UTF-8"),
    ):
        reply = _attach(coordinator, "clinics.xml", data)
        assert reply.status_code == 422
        assert any(said in problem for problem in _problems(reply)), _problems(reply)
    assert _definition(app) == before


def test_geojson_that_is_not_a_collection_of_features_is_refused(
    app: Flask, coordinator: FlaskClient
) -> None:
    assert _upload(coordinator, _form("select_one_from_file clinics.geojson")).status_code == 302
    before = _definition(app)
    lines = {"type": "MultiPoint", "coordinates": [[0, 1], [1, 2]]}
    for found, said in (
        ({"type": "Feature", "properties": {}}, "FeatureCollection"),
        (
            {"type": "FeatureCollection", "features": [_feature({"id": "a", "title": "A"}, lines)]},
            "Only points, lines and polygons",
        ),
    ):
        reply = _attach(coordinator, "clinics.geojson", json.dumps(found).encode())
        assert reply.status_code == 422
        assert any(said in problem for problem in _problems(reply)), _problems(reply)
    reply = _attach(coordinator, "clinics.geojson", b"{not json")
    assert any("FeatureCollection" in problem for problem in _problems(reply))
    assert _definition(app) == before


SEARCH_FORM = workbook(
    [
        ["type", "name", "label::English (en)", "label::Arabic (ar)", "appearance"],
        ["select_one areas", "area", "Area", "المنطقة", ""],
        [
            "select_one clinics",
            "clinic",
            "Which clinic?",
            "أي عيادة؟",
            "minimal search('clinics', 'matches', 'area', ${area})",
        ],
        ["text", "why", "Why that one?", "لماذا؟", ""],
    ],
    [
        ["list_name", "name", "label::English (en)", "label::Arabic (ar)"],
        ["areas", "north", "North", "الشمال"],
        ["areas", "south", "South", "الجنوب"],
        # search(): the row names the file's columns for the value and each label.
        ["clinics", "code", "title_en", "title_ar"],
    ],
    [["form_title", "form_id"], ["Places", "places"]],
)
CLINICS = (
    "code,title_en,title_ar,area\n"
    "c1,High Street,شارع هاي,north\n"
    "c2,Mill Lane,طريق الطاحونة,south\n"
    "c3,Canal Road,طريق القناة,north\n"
)


def test_a_search_appearance_reads_its_csv_file_through_its_own_columns(
    app: Flask, coordinator: FlaskClient
) -> None:
    uploaded = coordinator.post(
        "/en/admin/surveys",
        data={
            "csrf_token": _token(coordinator, "/en/admin/surveys"),
            "file": (io.BytesIO(SEARCH_FORM), "places.xlsx"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    said = uploaded.get_data(as_text=True)
    # search() is read, not kept aside as an appearance the app ignores.
    assert "in its usual way" not in said and "clinics.csv" in said
    # Until the file is attached the question is a notice, and publishing waits for it.
    row = soup(coordinator.get(PAGE)).select_one("[data-testid=choice-files] tr[data-file]")
    assert row is not None and row["data-file"] == "clinics.csv"
    assert _attach(coordinator, "clinics.csv", CLINICS.encode()).status_code == 302
    assert _choices(app) == [
        ("c1", "High Street", {"area": "north", "code": "c1"}),
        ("c2", "Mill Lane", {"area": "south", "code": "c2"}),
        ("c3", "Canal Road", {"area": "north", "code": "c3"}),
    ]
    definition = _definition(app)
    listed = parse_survey(definition).question("clinic").choices
    assert definition["translations"]["ar"][f"choice.{listed}.c2"] == "طريق الطاحونة"
    published = coordinator.post(f"{PAGE}/publish", data={"csrf_token": _token(coordinator, PAGE)})
    assert published.status_code == 302
    resident = Resident(app.test_client(), lang="ar", survey_id="places")
    resident.post("welcome", consent="yes")
    page = resident.post("area", area="north")
    offered = soup(page).select("select#q-clinic option[value]:not([value=''])")
    shown = {o["value"]: o.get_text() for o in offered if o.get("hidden") is None}
    assert shown == {"c1": "شارع هاي", "c3": "طريق القناة"}  # the search's matching
    resident.post("clinic", clinic="c2")  # not the north's: refused, nothing kept
    assert field_errors(resident.last)
    resident.post("clinic", clinic="c3")
    assert resident.post("why", why="قريبة").status_code == 303
    with sqlite3.connect(app.config["DATABASE"]) as db:
        stored = db.execute("SELECT value FROM answers WHERE question_id = 'clinic'").fetchall()
    assert stored == [("c3",)]
    # Exported as written: the search() in the appearance, no filter of its own.
    sheet = openpyxl.load_workbook(io.BytesIO(coordinator.get(f"{PAGE}/xlsform").data))
    header = [cell.value for cell in sheet["survey"][1]]
    clinic = next(r for r in sheet["survey"].iter_rows(values_only=True) if "clinic" in r)
    assert clinic[header.index("type")] == "select_one clinics"
    assert "search('clinics', 'matches', 'area', ${area})" in clinic[header.index("appearance")]
    assert not clinic[header.index("choice_filter")]
    template = [r for r in sheet["choices"].iter_rows(values_only=True) if r[0] == "clinics"]
    assert [r[1] for r in template] == ["code"]
