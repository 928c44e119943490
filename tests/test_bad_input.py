"""Bad input never breaks a page: odd headers, odd bodies and fuzzed requests on every route.

Each gets a clear 4xx (or the page in a language we offer) and changes nothing.
"""

from __future__ import annotations

import json
import re
import sqlite3
import string
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD, staff_app

ODD_LANGUAGES = ["xx", "zz-ZZ", "*", ";;;", "en;q=abc", "x" * 300, "é", "i-klingon", "-", "\x7f"]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A server as it runs for people: errors become pages (not exceptions), CSRF aside so
    that fuzzed forms reach the code behind them."""
    yield staff_app(
        tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite",
        TESTING=False,
        PROPAGATE_EXCEPTIONS=False,
        # Vectors made in the background, after arrivals go quiet, are no request's write.
        EMBED_ON_ARRIVAL=False,
    )


def _rows(app: Flask) -> dict[str, int]:
    """Every table of the app as a hash of its rows: a refused request that inserted,
    deleted or changed anything shows here."""
    with sqlite3.connect(app.config["DATABASE"]) as conn:
        tables = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not row[0].startswith(("sqlite_", "_"))
        ]
        return {t: hash(tuple(conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid'))) for t in tables}


@pytest.mark.parametrize("accept", ODD_LANGUAGES)
@pytest.mark.parametrize("path", ["/", "/en/", "/manifest.webmanifest", "/sw.js", "/e/NOPE00"])
def test_any_accept_language_falls_back_to_an_offered_language(
    fuzz_app: Flask, path: str, accept: str
) -> None:
    reply = fuzz_app.test_client().get(path, headers={"Accept-Language": accept})
    assert reply.status_code in (200, 302, 404), reply.status_code
    if path == "/":
        assert reply.location == "/en/"


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("path", ["/api/v1/responses", "/api/v1/doors"])
def test_deeply_nested_json_is_refused_clearly(fuzz_app: Flask, path: str) -> None:
    before = _rows(fuzz_app)
    reply = fuzz_app.test_client().post(
        path, data='{"responses": ' + DEEP + "}", content_type="application/json"
    )
    assert reply.status_code == 400
    assert reply.get_json() == {"error": "The request body is not valid JSON."}
    assert _rows(fuzz_app) == before


def _response(**fields: Any) -> dict[str, Any]:
    made = {
        "id": str(uuid.uuid4()),
        "survey_id": "what-matters",
        "survey_version": 1,
        "language": "en",
        "mode": "self",
        "created_at": "2026-12-01T10:00:00Z",
        "answers": {
            "consent": "yes",
            "what_matters": "A bench by the bus stop",
            "quote_consent": "no",
            "get_involved": "no",
        },
    }
    made.update(fields)
    return made


@pytest.mark.parametrize("version", [10**30, -(10**30), 2**63, 0, True, "1", 1.5])
def test_an_impossible_survey_version_is_rejected_and_stores_nothing(
    fuzz_app: Flask, version: object
) -> None:
    before = _rows(fuzz_app)
    reply = fuzz_app.test_client().post(
        "/api/v1/responses", json={"responses": [_response(survey_version=version)]}
    )
    assert reply.status_code == 200
    receipt = reply.get_json()["receipts"][0]
    assert receipt["status"] == "rejected" and "survey_version" in receipt["errors"]
    assert _rows(fuzz_app) == before


def test_a_json_body_with_a_byte_order_mark_is_accepted(fuzz_app: Flask) -> None:
    """Decided: accepted everywhere (RFC 8259 allows ignoring it; Windows tools add one)."""
    item = _response()
    body = "\ufeff" + json.dumps({"responses": [item]})
    reply = fuzz_app.test_client().post(
        "/api/v1/responses", data=body.encode("utf-8"), content_type="application/json"
    )
    assert reply.get_json()["receipts"] == [{"id": item["id"], "status": "created"}]


def test_a_json_body_sent_to_a_survey_step_changes_nothing(fuzz_app: Flask) -> None:
    before = _rows(fuzz_app)
    client = fuzz_app.test_client()
    for body in ({"consent": "yes"}, [1, 2], "text", DEEP):
        reply = client.post(
            "/en/s/what-matters/", data=json.dumps(body), content_type="application/json"
        )
        assert reply.status_code == 400, body
    assert _rows(fuzz_app) == before


# The fuzz: every route, every method, as nobody and as each role, with fuzzed path
# values, headers and bodies. No 5xx, and a refused request writes nothing.

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
ODD = st.one_of(
    TEXT,
    st.sampled_from(["", "0", "-1", "99999999999999999999999", "../..", "%00", "ar", "RND234"]),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def _path_values(app: Flask) -> dict[str, list[str]]:
    return {
        "lang_tag": ["en", "ar", "so"],
        "survey_id": ["what-matters"],
        "event_id": [app.config["STAFF_ROUND"]],
        "code": [app.config["STAFF_ROUND"]],
        "token": ["not-a-token"],
        "device_id": ["nope"],
        "filename": ["css/app.css"],
        "language_tag": ["bn"],
        "user_id": ["1", "2", "999"],
        "recording_id": [str(uuid.uuid4()), "not-a-uuid"],
    }


@st.composite
def requests(draw: st.DrawFn, app: Flask) -> dict[str, Any]:
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    rule = draw(st.sampled_from(rules))
    path = rule.rule
    for name, values in _path_values(app).items():
        value = draw(st.sampled_from(values) | ODD.filter(lambda v: "/" not in v and v))
        value = quote(value, safe="")
        for pattern in (f"<{name}>", f"<path:{name}>", f"<int:{name}>"):
            path = path.replace(pattern, value)
    methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}) or ["HEAD"]
    method = draw(st.sampled_from(methods))
    query = draw(
        st.dictionaries(
            st.sampled_from(
                ["v", "response", "event", "kiosk", "with", "lang", "round", "street", "step"]
            ),
            ODD,
            max_size=3,
        )
    )
    # What an HTTP header can carry: latin-1, no line breaks.
    header = (ODD | st.sampled_from(ODD_LANGUAGES)).map(
        lambda v: (
            v.encode("latin-1", "replace").decode("latin-1").replace("\r", "").replace("\n", "")
        )
    )
    headers = {"Accept-Language": draw(header)}
    if draw(st.booleans()):
        headers["Authorization"] = "Bearer " + draw(st.text(string.ascii_letters, max_size=20))
    kind = draw(st.sampled_from(["none", "json", "raw", "form"]))
    body: dict[str, Any] = {}
    if kind == "json":
        body = {"data": json.dumps(draw(JSON)), "content_type": "application/json"}
    elif kind == "raw":
        body = {
            "data": draw(st.binary(max_size=200)),
            "content_type": draw(
                st.sampled_from(
                    ["application/json", "text/plain", "application/x-www-form-urlencoded"]
                )
            ),
        }
    elif kind == "form":
        fields = st.sampled_from(
            [
                "action",
                "step",
                "response_id",
                "survey_version",
                "mode",
                "event",
                "consent",
                "what_matters",
                "street",
                "door",
                "outcome",
                "email",
                "password",
                "name",
                "role",
                "kind",
                "switch_to",
                "languages",
                "volunteers",
                "typed",
                "response",
                "confirm",
                "confirming",
                "answers_days",
                "contacts_days",
                "forget_device",
            ]
        )
        body = {"data": draw(st.dictionaries(fields, ODD, max_size=6))}
    role = draw(st.sampled_from([None, "volunteer", "analyst", "coordinator"]))
    return {
        "path": path,
        "method": method,
        "query": query,
        "headers": headers,
        "body": body,
        "role": role,
    }


def _signed_in(app: Flask, role: str | None) -> FlaskClient:
    client = app.test_client()
    if role:
        client.post("/en/sign-in", data={"email": f"{role}@example.org", "password": PASSWORD})
    return client


@pytest.fixture(scope="module")
def clients(fuzz_app: Flask) -> dict[str | None, FlaskClient]:
    return {
        role: _signed_in(fuzz_app, role) for role in (None, "volunteer", "analyst", "coordinator")
    }


@settings(
    max_examples=600,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzzed_requests_never_fail_and_refused_ones_write_nothing(
    fuzz_app: Flask, clients: dict[str | None, FlaskClient], data: st.DataObject
) -> None:
    request = data.draw(requests(fuzz_app))
    if request["path"].endswith("/sign-out"):
        return  # it would sign the shared client out; it has its own tests
    before = _rows(fuzz_app)
    reply = clients[request["role"]].open(
        request["path"],
        method=request["method"],
        query_string=request["query"],
        headers=request["headers"],
        **request["body"],
    )
    reply.close()
    assert reply.status_code < 500, request
    if reply.status_code >= 400:
        assert _rows(fuzz_app) == before, request


def test_a_number_too_large_for_the_database_in_an_address_is_not_found(
    fuzz_app: Flask, clients: dict[str | None, FlaskClient]
) -> None:
    # Found by the fuzzer: /admin/people/<20 digits> reached SQLite and failed with a 500.
    big = str(2**63)
    numbered = [rule for rule in fuzz_app.url_map.iter_rules() if "<int:" in rule.rule]
    assert len(numbered) >= 8
    values = {name: values[0] for name, values in _path_values(fuzz_app).items()}
    for rule in numbered:
        path = re.sub(r"<int:\w+>", big, rule.rule)
        path = re.sub(r"<(\w+)>", lambda m: values.get(m[1], "what_matters"), path)
        method = "POST" if "POST" in (rule.methods or set()) else "GET"
        before = _rows(fuzz_app)
        reply = clients["coordinator"].open(path, method=method)
        assert reply.status_code == 404, (path, reply.status_code)
        assert _rows(fuzz_app) == before
    # And in the query strings that carry numbers.
    assert (
        clients[None].get("/en/s/what-matters/thanks", query_string={"v": big}).status_code == 404
    )
    answers = "/en/analysis/what-matters/what_matters/answers"
    assert clients["coordinator"].get(answers, query_string={"page": big}).status_code == 200
