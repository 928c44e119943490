"""A location question in the browser: typed without JavaScript (right to left, Arabic
digits), and typed by hand when the device is not allowed to say where it is."""

from __future__ import annotations

import time
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from survey_app import create_app, storage
from survey_app.surveys import xlsform
from tests.browser.conftest import serious_violations, start_server
from tests.conftest import catalogue_translation
from tests.xlsforms import workbook

LANGUAGES = ["en", "ar"]
FORM = workbook(
    [
        ["type", "name", "label::English (en)", "label::Arabic (ar)", "required"],
        ["geopoint", "leak", "Where is the leak?", "أين التسرب؟", "yes"],
        ["text", "matters", "What matters to you?", "ما الذي يهمك؟", ""],
    ],
    settings=[["form_title", "form_id"], ["Leaks", "leaks"]],
)


def _published(tmp_path: Path) -> None:
    """The form, published, in the file the server then opens."""
    app = create_app({"DATABASE": str(tmp_path / "live.sqlite"), "SECRET_KEY": "x"})
    with app.test_request_context("/en/"):  # the upload's notices are in a language
        db = storage.get_db()
        storage.surveys.save_draft(db, xlsform.read(FORM, LANGUAGES).definition)
        storage.surveys.publish_draft(db, "leaks")


def test_a_location_typed_without_javascript_in_arabic(browser: Browser, tmp_path: Path) -> None:
    _published(tmp_path)
    server = start_server(tmp_path)
    try:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(server.url + "/ar/s/leaks/")
        page.locator("#q-consent").check()
        page.get_by_test_id("next").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        block = page.locator("[data-location=leak]")
        expect(block.locator("legend")).to_contain_text("أين التسرب؟")
        # Without JavaScript the device cannot be asked: the button stays hidden.
        expect(block.locator("[data-locate]")).to_be_hidden()
        page.locator("#q-leak__lat").fill("٩١٫٥")  # 91.5: no such latitude
        page.locator("#q-leak__lon").fill("-0.08")
        page.get_by_test_id("next").click()
        message = catalogue_translation(
            "ar",
            "Please give a latitude between -90 and 90 and a longitude between -180 and 180, "
            "as numbers with a decimal point.",
        )
        expect(page.get_by_test_id("error-summary")).to_contain_text(message)
        expect(page.locator("#q-leak__lat")).to_have_attribute("aria-invalid", "true")
        page.locator("#q-leak__lat").fill("٥١٫٥٠٧")  # 51.507, in Arabic-Indic digits
        page.get_by_test_id("next").click()
        page.locator("#q-matters").fill("الرطوبة")
        page.get_by_test_id("submit").click()
        expect(page.get_by_test_id("received")).to_be_visible()
        assert server.query(
            "SELECT a.value FROM answers a JOIN responses r ON r.id = a.response_id"
            " WHERE r.survey_id = 'leaks' AND a.question_id = 'leak'"
        ) == [("51.507 -0.08 0 0",)]
        context.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def test_a_device_not_allowed_to_say_where_it_is(browser: Browser, tmp_path: Path) -> None:
    _published(tmp_path)
    server = start_server(tmp_path)
    try:
        context = browser.new_context()  # no permission given: the browser refuses
        page = context.new_page()
        page.goto(server.url + "/ar/s/leaks/")
        expect(page.locator("form[data-wm-ready]")).to_have_count(1)
        page.locator("#q-consent").check()
        page.get_by_test_id("next").click()
        block = page.locator("[data-location=leak]")
        button = catalogue_translation("ar", "Use this device's location")
        block.get_by_role("button", name=button).click()
        expect(block.get_by_role("status")).to_have_text(
            catalogue_translation(
                "ar",
                "This device was not allowed to give its location. You can type it instead, "
                "or leave it.",
            )
        )
        expect(page.locator("#q-leak__lat")).to_have_value("")
        page.get_by_test_id("next").click()  # required: the browser says so, offline too
        expect(page.get_by_test_id("error-summary")).to_be_visible()
        assert serious_violations(Axe(), page) == []
        assert server.query("SELECT count(*) FROM responses WHERE survey_id = 'leaks'") == [(0,)]
        # Checked in the browser as on the server: no such latitude.
        page.locator("#q-leak__lat").fill("95")
        page.locator("#q-leak__lon").fill("-0.0877")
        page.get_by_test_id("next").click()
        expect(page.get_by_test_id("error-summary")).to_contain_text(
            catalogue_translation(
                "ar",
                "Please give a latitude between -90 and 90 and a longitude between -180 and 180, "
                "as numbers with a decimal point.",
            )
        )
        expect(page.locator("form[data-wm-ready]")).to_have_attribute("data-step", "leak")
        page.locator("#q-leak__lat").fill("51.5")
        page.locator("#q-leak__lon").fill("-0.0877")
        # The tablet reloads here: the draft brings the typed location back into its boxes.
        saved = "WMStore.get('drafts', 'leaks|self').then(d => d && d.raw.leak ? d.raw.leak : null)"
        deadline = time.monotonic() + 10
        while page.evaluate(saved) != ["51.5 -0.0877 0 0"]:
            assert time.monotonic() < deadline, page.evaluate(saved)
            time.sleep(0.05)
        page.reload()
        expect(page.locator("[data-wm-draft-notice]")).to_be_visible()
        expect(page.locator("#q-leak__lat")).to_have_value("51.5")
        expect(page.locator("#q-leak__lon")).to_have_value("-0.0877")
        page.get_by_test_id("next").click()
        page.locator("#q-matters").fill("Damp")
        page.get_by_test_id("submit").click()
        expect(page.get_by_test_id("thanks-status")).to_be_visible()
        rows = server.wait_for(
            "SELECT a.value FROM answers a JOIN responses r ON r.id = a.response_id"
            " WHERE r.survey_id = 'leaks' AND a.question_id = 'leak'",
            (),
            [("51.5 -0.0877 0 0",)],
        )
        assert rows == [("51.5 -0.0877 0 0",)]
        context.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
