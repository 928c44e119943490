"""A resident's reference, made on the device while offline, finds their answers for the
coordinator, who erases them and sets how long the survey keeps answers: in Arabic (right
to left), with axe on every page."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from survey_app.storage.references import reference_for
from tests.browser.conftest import create_user, serious_violations, sign_in, start_server


def test_a_reference_given_offline_finds_and_erases_the_answers(
    browser: Browser, tmp_path: Path
) -> None:
    axe = Axe()
    server = start_server(tmp_path)
    try:
        create_user(server, "coord@example.org", "coordinator")
        phone = browser.new_context()
        page = phone.new_page()
        page.goto(server.url + "/ar/s/what-matters/")
        form = page.locator("form[data-wm-ready]")
        expect(form).to_have_count(1)
        response_id = form.get_attribute("data-response-id") or ""
        page.locator("#q-consent").check()
        page.get_by_test_id("next").click()
        page.locator("#q-what_matters").fill("الحافلات لا تأتي في الوقت")
        for _ in range(4):
            page.get_by_test_id("next").click()
        page.locator("#q-quote_consent--yes").check()
        page.locator("#q-get_involved--no").check()
        phone.set_offline(True)  # no signal at the last step
        page.get_by_test_id("submit").click()
        expect(page.get_by_test_id("saved-on-device")).to_be_visible()
        reference = reference_for(response_id)
        expect(page.get_by_test_id("reference")).to_have_text(reference)
        expect(page.get_by_test_id("print-reference")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert serious_violations(axe, page) == []
        phone.set_offline(False)
        # Sent once the signal returns; the coordinator finds it by the same reference.
        assert server.wait_for(
            "SELECT count(*) FROM responses WHERE id = ?", (response_id,), [(1,)]
        ) == [(1,)]
        phone.close()

        staff = browser.new_context()
        desk = staff.new_page()
        sign_in(desk, server, "coord@example.org", lang="ar")
        desk.goto(server.url + "/ar/admin/residents/")
        assert serious_violations(axe, desk) == []
        # Read over the phone, in lower case with a space.
        desk.locator("#typed").fill(reference.lower().replace("-", " "))
        desk.locator("[data-testid=find] button[type=submit]").click()
        expect(desk.locator(f"tr[data-reference='{reference}']")).to_have_count(1)
        assert "/residents/" in desk.url and reference.lower() not in desk.url.lower()
        expect(desk.get_by_test_id("withdraw-quote")).to_be_visible()  # they agreed to quotes
        assert serious_violations(axe, desk) == []
        desk.get_by_test_id("erase").click()
        expect(desk.get_by_test_id("erase-facts")).to_contain_text(reference)
        assert serious_violations(axe, desk) == []
        desk.get_by_test_id("erase-confirm").click()  # not ticked: asked again
        expect(desk.locator("#confirm-error")).to_be_visible()
        assert server.query("SELECT count(*) FROM responses") == [(1,)]
        desk.locator("#confirm").check()
        desk.get_by_test_id("erase-confirm").click()
        expect(desk.get_by_test_id("flash")).to_be_visible()
        assert server.query("SELECT count(*) FROM responses") == [(0,)]
        assert server.query("SELECT count(*) FROM answers") == [(0,)]
        desk.goto(server.url + "/ar/admin/residents/audit")
        expect(desk.locator("tr[data-action=erased]")).to_have_count(1)
        expect(desk.locator("html")).to_have_attribute("dir", "rtl")
        assert serious_violations(axe, desk) == []

        # How long the survey keeps answers: a wrong number is explained, a right one kept.
        desk.goto(server.url + "/ar/admin/surveys/what-matters")
        desk.locator("#answers_days").fill("0")
        desk.get_by_test_id("save-retention").click()
        expect(desk.locator("#answers_days-error")).to_be_visible()
        assert serious_violations(axe, desk) == []
        desk.locator("#answers_days").fill("730")
        desk.locator("#contacts_days").fill("90")
        desk.get_by_test_id("save-retention").click()
        expect(desk.get_by_test_id("flash")).to_be_visible()
        assert serious_violations(axe, desk) == []
        assert server.query("SELECT keep_answers_days, keep_contacts_days FROM surveys") == [
            (730, 90)
        ]
        staff.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
