"""A volunteer's device: signed in once, it sends later; revoked, it keeps its answers."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, create_user, sign_in, start_server
from tests.browser.test_offline import _fill_response, _wait_for_worker


def test_revoked_device_keeps_its_answers_and_says_why(browser: Browser, tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        create_user(server, "vol@example.org", "volunteer")
        create_user(server, "coord@example.org", "coordinator")
        tablet = browser.new_context(accept_downloads=True)
        page = tablet.new_page()
        sign_in(page, server, "vol@example.org", device="Tablet 7")
        expect(page.get_by_test_id("device-status")).to_have_attribute("data-stored", "true")
        _wait_for_worker(page)

        tablet.set_offline(True)
        page.get_by_test_id("collect").click()
        response_id = _fill_response(page, "The lift is broken again")
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "1")

        desk = browser.new_context()
        admin = desk.new_page()
        sign_in(admin, server, "coord@example.org")
        row = admin.locator("tr[data-device]")
        expect(row.locator("th")).to_have_text("Tablet 7")
        row.get_by_test_id("revoke").click()
        expect(admin.locator("tr[data-device] td").nth(2)).to_have_text("Revoked")

        tablet.set_offline(False)
        page.get_by_test_id("send-now").click()
        expect(page.get_by_test_id("refused")).to_contain_text("signed this device out")
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "1")
        assert server.query("SELECT count(*) FROM responses")[0][0] == 0

        with page.expect_download() as download:
            page.get_by_test_id("export").click()
        saved = json.loads(Path(download.value.path()).read_text("utf-8"))
        assert [r["id"] for r in saved["responses"]] == [response_id]
        assert saved["responses"][0]["answers"]["what_matters"] == "The lift is broken again"
        tablet.close()
        desk.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def _send_one(server: LiveServer, created_at: str) -> None:
    import urllib.request
    import uuid

    body = json.dumps(
        {
            "responses": [
                {
                    "id": str(uuid.uuid4()),
                    "survey_id": "what-matters",
                    "survey_version": 1,
                    "language": "en",
                    "created_at": created_at,
                    "answers": {
                        "consent": "yes",
                        "what_matters": "Parks",
                        "quote_consent": "no",
                        "get_involved": "no",
                    },
                }
            ]
        }
    ).encode()
    request = urllib.request.Request(
        server.url + "/api/v1/responses", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert json.load(reply)["receipts"][0]["status"] == "created"


def test_sign_in_and_coordinator_pages_are_accessible(browser: Browser, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.conftest import serious_violations

    axe = Axe()
    server = start_server(tmp_path)
    try:
        create_user(server, "vol@example.org", "volunteer")
        create_user(server, "coord@example.org", "coordinator")
        for day in range(1, 13):  # some responses, so that the chart has points to draw
            _send_one(server, f"2026-10-{day:02d}T09:00:00Z")
        found: dict[str, list[str]] = {}
        for tag in ("en", "ar"):
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{server.url}/{tag}/sign-in")
            page.get_by_test_id("sign-in").click()  # empty: errors shown
            expect(page.locator(".field-error").first).to_be_visible()
            found[f"{tag} sign-in with errors"] = serious_violations(axe, page)
            sign_in(page, server, "vol@example.org", lang=tag)
            found[f"{tag} device ready"] = serious_violations(axe, page)
            context.close()
            context = browser.new_context()
            page = context.new_page()
            sign_in(page, server, "coord@example.org", lang=tag)
            expect(page.get_by_test_id("devices")).to_be_visible()
            found[f"{tag} devices"] = serious_violations(axe, page)
            page.goto(f"{server.url}/{tag}/admin/import")
            found[f"{tag} import"] = serious_violations(axe, page)
            page.goto(f"{server.url}/{tag}/admin/people")
            page.locator("#name").fill(f"Newcomer {tag}")
            page.locator("#email").fill(f"new-{tag}@example.org")
            page.get_by_test_id("invite").click()
            expect(page.get_by_test_id("invited")).to_be_visible()
            found[f"{tag} people"] = serious_violations(axe, page)
            link = page.get_by_test_id("invite-link").get_attribute("href") or ""
            welcome = context.new_page()
            welcome.goto(link)  # made on this page, so in this language
            welcome.get_by_test_id("set-password").click()  # empty: errors shown
            expect(welcome.locator(".field-error, .error-summary").first).to_be_visible()
            found[f"{tag} welcome with errors"] = serious_violations(axe, welcome)
            welcome.close()
            page.goto(f"{server.url}/{tag}/admin/engagement?period=day")
            expect(page.locator("svg.run-chart")).to_be_visible()
            found[f"{tag} engagement"] = serious_violations(axe, page)
            context.close()
        assert {name: issues for name, issues in found.items() if issues} == {}
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
