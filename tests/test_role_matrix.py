"""Every route, tried as nobody and as each role: the server gives the right answer each time.

A route missing from ACCESS fails the test, so whoever adds a route decides who may use it.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, staff_app

PUBLIC = "everyone"
DEVICE = "device token"
ROLES = ("volunteer", "analyst", "coordinator")

ACCESS: dict[str, str | tuple[str, ...]] = {
    "index": PUBLIC,
    "healthz": PUBLIC,
    "static": PUBLIC,
    "short_link": PUBLIC,
    "offline.manifest": PUBLIC,
    "offline.service_worker": PUBLIC,
    "collect.start": PUBLIC,
    "collect.survey_start": PUBLIC,
    "collect.survey_step": PUBLIC,
    "collect.thanks": PUBLIC,
    "translations_review.overview": PUBLIC,
    "translations_review.language_detail": PUBLIC,
    "translations_review.review": ("volunteer", "coordinator"),
    "translations_review.export_po": ("coordinator",),
    "sync.openapi": PUBLIC,
    # Residents' phones send without an account; devices add their token.
    "sync.receive_responses": PUBLIC,
    # Only a registered device's token opens the door log, whoever is signed in.
    "sync.receive_doors": DEVICE,
    "auth.sign_in": PUBLIC,
    "auth.sign_out": PUBLIC,
    "auth.welcome": PUBLIC,
    "admin.devices": ("coordinator",),
    "admin.revoke": ("coordinator",),
    "admin.import_file": ("coordinator",),
    "admin.events": ("coordinator",),
    "admin.event": ("coordinator",),
    "admin.edit_event": ("coordinator",),
    "admin.cancel_event": ("coordinator",),
    "admin.clear_doors": ("coordinator",),
    "rounds.door_log": ("volunteer", "coordinator"),
    "rounds.my_rounds": ("volunteer", "coordinator"),
    "kiosk.settings": ("volunteer", "coordinator"),
    "admin.people": ("coordinator",),
    "admin.change_person": ("coordinator",),
    "rounds.undo_door": ("volunteer", "coordinator"),
    "admin.engagement": ("coordinator", "analyst"),
    "admin.engagement_csv": ("coordinator", "analyst"),
    "admin.surveys": ("coordinator",),
    "admin.upload_survey": ("coordinator",),
    "admin.survey": ("coordinator",),
    "admin.preview": ("coordinator",),
    "admin.publish": ("coordinator",),
    "admin.attach_file": ("coordinator",),
    "admin.unpublish": ("coordinator",),
    "admin.download_xlsform": ("coordinator",),
    "admin.responses_csv": ("coordinator", "analyst"),
    "admin.edit_texts": ("coordinator",),
    "admin.set_retention": ("coordinator",),
    "rights.requests": ("coordinator",),
    "rights.download": ("coordinator",),
    "rights.withdraw_contact": ("coordinator",),
    "rights.withdraw_quote": ("coordinator",),
    "rights.erase": ("coordinator",),
    "rights.audit_log": ("coordinator",),
    # The analysis workspace: volunteers gloss; only analysts and coordinators review.
    "workspace.translate": ("volunteer", "analyst", "coordinator"),
    "workspace.check_gloss": ("volunteer", "analyst", "coordinator"),
    "workspace.home": ("analyst", "coordinator"),
    "workspace.answers": ("analyst", "coordinator"),
    "workspace.themes": ("analyst", "coordinator"),
    "workspace.theme": ("analyst", "coordinator"),
    "workspace.rename": ("analyst", "coordinator"),
    "workspace.lock": ("analyst", "coordinator"),
    "workspace.split": ("analyst", "coordinator"),
    "workspace.merge": ("analyst", "coordinator"),
    "workspace.move": ("analyst", "coordinator"),
    "workspace.pin": ("analyst", "coordinator"),
    "workspace.unthemed": ("analyst", "coordinator"),
    "workspace.history": ("analyst", "coordinator"),
    "workspace.undo": ("analyst", "coordinator"),
    "workspace.start_run": ("analyst", "coordinator"),
    "workspace.run": ("analyst", "coordinator"),
    "workspace.run_status": ("analyst", "coordinator"),
    "workspace.coding": ("analyst", "coordinator"),
    "workspace.code": ("analyst", "coordinator"),
    "workspace.agreement_page": ("analyst", "coordinator"),
    "workspace.settle": ("analyst", "coordinator"),
    "workspace.display": ("volunteer", "analyst", "coordinator"),
    "exports.exports": ("analyst", "coordinator"),
    "exports.responses": ("analyst", "coordinator"),
    "exports.themes": ("analyst", "coordinator"),
    # Residents' names and numbers: only a coordinator.
    "exports.contacts": ("coordinator",),
    "report.report": ("analyst", "coordinator"),
    "report.saved": ("analyst", "coordinator"),
    "report.pdf": ("analyst", "coordinator"),
    "report.team": ("analyst", "coordinator"),
    "report.show": ("analyst", "coordinator"),
    "report.remove": ("analyst", "coordinator"),
    # A volunteer translates the public page into a language on their profile (the matrix's
    # volunteer has none, so is refused; tests/workspace/test_report.py tries one who has).
    "report.translate": ("analyst", "coordinator"),
    # "You said, we did" is for residents: a poster's QR code points at it.
    "report.public": PUBLIC,
    # A voice answer's bytes come from the device that sent its response (checked against
    # the response), or from a resident's own phone that knows the recording's random id.
    "voice_upload.where": PUBLIC,
    "voice_upload.add_chunk": PUBLIC,
    # Listening to and writing down residents' voices: the team, not volunteers.
    "voice.play": ("analyst", "coordinator"),
    "workspace.save_transcript": ("analyst", "coordinator"),
}


@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    # The volunteer is on the round: a volunteer who is not is refused (test_rounds).
    return staff_app(tmp_path_factory.mktemp("matrix") / "m.sqlite", TESTING=True)


def _client(app: Flask, role: str | None) -> FlaskClient:
    client = app.test_client()
    if role:
        reply = client.post(
            "/en/sign-in", data={"email": f"{role}@example.org", "password": PASSWORD}
        )
        assert reply.status_code in (200, 302)
    return client


def _path(app: Flask, rule: str) -> str:
    values = {
        "lang_tag": "en",
        "survey_id": "what-matters",
        "event_id": app.config["STAFF_ROUND"],
        "code": app.config["STAFF_ROUND"],
        "token": "not-a-token",
        "device_id": "nope",
        "filename": "css/app.css",
        "language_tag": "bn",
        "user_id": "1",
        "question_id": "what_matters",
        "theme_id": "no-such-theme",
        "response_id": "no-such-response",
        "run_id": "1",
        "entry_id": "1",
        "round_id": "1",
        "report_id": "1",
        "action_id": "1",
        "fmt": "csv",
        "recording_id": "no-such-recording",
    }
    path = rule
    for name, value in values.items():
        for pattern in (f"<{name}>", f"<path:{name}>", f"<int:{name}>"):
            path = path.replace(pattern, value)
    return path


def test_every_route_is_in_the_table(matrix_app: Flask) -> None:
    endpoints = {rule.endpoint for rule in matrix_app.url_map.iter_rules()}
    assert endpoints == set(ACCESS)


CASES = [(endpoint, role) for endpoint in ACCESS for role in (None, *ROLES)]


@pytest.mark.parametrize(("endpoint", "role"), CASES)
def test_route_answers_each_role_rightly(
    matrix_app: Flask, endpoint: str, role: str | None
) -> None:
    allowed = ACCESS[endpoint]
    client = _client(matrix_app, role)
    for rule in matrix_app.url_map.iter_rules(endpoint=endpoint):
        path = _path(matrix_app, rule.rule)
        # A route for HEAD alone (how far an upload has got) is tried with HEAD.
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}) or ["HEAD"]:
            reply = client.open(path, method=method, data={})
            reply.close()  # a static file's response holds the file open until closed
            if allowed == DEVICE:
                reply = client.open(path, method=method, json={"doors": []})
                reply.close()
                assert reply.status_code == 401, (method, path, role)
            elif allowed == PUBLIC or role in allowed:
                assert reply.status_code not in (401, 403), (method, path, role)
                assert "/sign-in" not in (reply.location or ""), (method, path, role)
                assert reply.status_code < 500, (method, path, role)
            elif role is None:
                assert reply.status_code == 302 and "/en/sign-in" in reply.location, (method, path)
            else:
                assert reply.status_code == 403, (method, path, role, reply.status_code)


@pytest.mark.parametrize("role", ["analyst", "coordinator", "volunteer"])
def test_no_one_is_shown_a_link_their_role_cannot_open(matrix_app: Flask, role: str) -> None:
    """Every page a role lands on or can open: each link on it opens for that role."""
    from bs4 import BeautifulSoup

    client = _client(matrix_app, role)
    starts = {
        "analyst": ["/en/admin/engagement", "/en/analysis/", "/en/"],
        "coordinator": ["/en/admin/engagement", "/en/admin/people", "/en/admin/events", "/en/"],
        "volunteer": ["/en/rounds/", "/en/analysis/translate", "/en/"],
    }[role]
    checked = 0
    for start in starts:
        page = BeautifulSoup(client.get(start).get_data(as_text=True), "html.parser")
        for link in page.select("a[href^='/']"):
            href = link["href"]
            if href.startswith("/static/") or href.endswith(("/sign-out", ".csv", ".xlsx")):
                continue
            if link.find_parent(attrs={"hidden": True}) is not None:
                continue  # shown only on a kiosk, to staff
            reply = client.get(href)
            reply.close()
            assert reply.status_code not in (401, 403), (role, start, href)
            checked += 1
    assert checked >= 1  # (earlier tests in this module may have unpublished the survey)
