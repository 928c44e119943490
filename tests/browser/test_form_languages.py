"""A form written in languages the app does not offer yet (Tigrinya, Amharic, Oromo): the
coordinator reads each in the preview, marked for screen readers, before publishing."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from tests.browser.conftest import (
    create_user,
    publish_form,
    serious_violations,
    sign_in,
    start_server,
    upload_form,
)
from tests.browser.test_offline import _wait_for_worker
from tests.xlsforms import workbook

TI, AM, OM = "Tigrinya (ti)", "Amharic (am)", "Oromo (om)"
FORM = workbook(
    [
        ["type", "name", f"label::{TI}", f"label::{AM}", f"label::{OM}", "appearance"],
        ["select_one yn", "water", "ማይ ኣሎ ድዩ?", "ውሃ አለ?", "Bishaan jiraa?", "minimal"],
        ["text", "need", "እንታይ የድልየካ?", "ምን ያስፈልግዎታል?", "Maal si barbaachisa?", ""],
    ],
    [
        ["list_name", "name", f"label::{TI}", f"label::{AM}", f"label::{OM}"],
        ["yn", "yes", "እወ", "አዎ", "Eeyyee"],
        ["yn", "no", "ኣይፋል", "አይ", "Lakki"],
    ],
    [["form_title", "form_id", "default_language"], ["Water", "water", TI]],
)


def test_each_language_only_the_form_has_is_previewed(browser: Browser, tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        create_user(server, "coord@example.org", "coordinator")
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, server, "coord@example.org")
        upload_form(page, server, tmp_path, FORM, publish=False)
        page.goto(server.url + "/en/admin/surveys/water/preview")
        links = page.get_by_test_id("form-language")
        expect(links).to_have_count(3)  # Amharic, Oromo, and Tigrinya (the form's default)
        links.filter(has_text="አማርኛ").click()
        expect(page.get_by_test_id("form-language-notice")).to_contain_text("Amharic")
        label = page.locator("[data-question-block=water] .question-label span").first
        expect(label).to_have_text("ውሃ አለ?")
        expect(label).to_have_attribute("lang", "am")
        option = page.locator("select#q-water option[value=no]")
        expect(option).to_have_text("አይ")
        expect(option).to_have_attribute("lang", "am")
        # The page around the form's texts stays in the coordinator's language.
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert serious_violations(Axe(), page) == []
        # A right-to-left page around left-to-right texts: each says its direction.
        page.goto(server.url + "/ar/admin/surveys/water/preview?texts=am")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(label).to_have_attribute("dir", "ltr")
        expect(label).to_have_text("ውሃ አለ?")
        assert serious_violations(Axe(), page) == []
        page.goto(server.url + "/en/admin/surveys/water/preview")
        links.filter(has_text="Oromoo").click()
        expect(page.locator("[data-question-block=need] label span").first).to_have_text(
            "Maal si barbaachisa?"
        )
        context.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


ARABIC_FIRST = workbook(
    [
        ["type", "name", "label::Arabic (ar)", f"label::{TI}", f"label::{AM}"],
        ["select_one yn", "water", "هل يوجد ماء؟", "ማይ ኣሎ ድዩ?", "ውሃ አለ?"],
        ["text", "need", "ماذا تحتاج؟", "እንታይ የድልየካ?", "ምን ያስፈልግዎታል?"],
    ],
    [
        ["list_name", "name", "label::Arabic (ar)", f"label::{TI}", f"label::{AM}"],
        ["yn", "yes", "نعم", "እወ", "አዎ"],
        ["yn", "no", "لا", "ኣይፋል", "አይ"],
    ],
    [["form_title", "form_id", "default_language"], ["Water", "water_ar", "Arabic (ar)"]],
)


def test_a_resident_answers_offline_in_a_language_only_the_form_has(
    browser: Browser, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    try:
        publish_form(browser, server, tmp_path, ARABIC_FIRST)

        tablet = browser.new_context()
        page = tablet.new_page()
        page.goto(server.url + "/en/")
        _wait_for_worker(page)
        tablet.set_offline(True)  # the page of the form's language comes from the tablet
        page.locator("a[data-form-language=ti]").click()
        form = page.locator("form[data-wm-ready]")
        expect(form).to_have_count(1)
        # The app's own words in the form's own language (Arabic, right to left), the
        # questions in Tigrinya (left to right), and the page says so.
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.get_by_test_id("form-language-notice")).to_be_visible()
        page.locator("#q-consent").check()
        page.get_by_test_id("next").click()
        expect(form).to_have_attribute("data-step", "water")
        label = page.locator("[data-question-block=water] .question-label span").first
        expect(label).to_have_text("ማይ ኣሎ ድዩ?")
        expect(label).to_have_attribute("dir", "ltr")
        assert serious_violations(Axe(), page) == []
        page.locator("#q-water--no").check()
        page.get_by_test_id("next").click()
        expect(form).to_have_attribute("data-step", "need")
        page.locator("#q-need").fill("ማይ ንደሊ")
        page.get_by_test_id("submit").click()
        expect(page.get_by_test_id("saved-on-device")).to_be_visible()
        assert server.query("SELECT count(*) FROM responses") == [(0,)]
        tablet.set_offline(False)  # back in signal: the outbox sends it
        assert server.wait_for(
            "SELECT language FROM responses WHERE survey_id = ?", ("water_ar",), [("ti",)]
        ) == [("ti",)]

        # The switch on the page moves to another of the form's languages, and back.
        page.goto(server.url + "/ar/s/water_ar/?texts=ti")
        expect(form).to_have_count(1)
        page.locator("select[name=switch_to]").select_option("form:am")
        page.get_by_test_id("switch-language").click()
        expect(page).to_have_url(server.url + "/ar/s/water_ar/?texts=am")
        page.locator("#q-consent").check()
        page.get_by_test_id("next").click()
        expect(label).to_have_text("ውሃ አለ?")
        page.locator("select[name=switch_to]").select_option("en")
        page.get_by_test_id("switch-language").click()
        expect(page).to_have_url(server.url + "/en/s/water_ar/")
        expect(page.get_by_test_id("form-language-notice")).to_have_count(0)
        tablet.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
