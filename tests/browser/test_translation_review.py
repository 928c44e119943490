"""A bilingual volunteer corrects a translation; the survey shows it at once."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from tests.browser.conftest import create_user, serious_violations, sign_in, start_server


def test_a_correction_shows_on_the_survey_page_in_that_language(
    browser: Browser, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    try:
        create_user(server, "nadia@example.org", "volunteer", languages="ur,en")
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, server, "nadia@example.org", lang="ur")
        page.goto(server.url + "/ur/translations/ur")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert serious_violations(Axe(), page) == []
        row = page.locator("tr[data-key='question.what_matters.label']")
        corrected = "آپ کے لیے سب سے اہم کیا ہے؟"
        row.locator("textarea").fill(corrected)
        row.get_by_test_id("correct").click()
        expect(page.locator("tr[data-key='question.what_matters.label']")).to_have_count(0)
        page.goto(server.url + "/ur/translations/ur?show=all")
        expect(page.locator("tr[data-key='question.what_matters.label'] textarea")).to_have_value(
            corrected
        )

        resident = browser.new_context()
        survey = resident.new_page()
        survey.goto(server.url + "/ur/s/what-matters/")
        survey.locator("#q-consent").check()
        survey.get_by_test_id("next").click()
        expect(survey.locator("label[for=q-what_matters]")).to_contain_text(corrected)
        page.goto(server.url + "/ur/translations/")
        assert serious_violations(Axe(), page) == []
        resident.close()
        context.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
