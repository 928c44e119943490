"""A form written in languages the app does not offer yet (Tigrinya, Amharic, Oromo): the
coordinator reads each in the preview, marked for screen readers, before publishing."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from tests.browser.conftest import create_user, serious_violations, sign_in, start_server
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
        page.goto(server.url + "/en/admin/surveys")
        upload = tmp_path / "water.xlsx"
        upload.write_bytes(FORM)
        page.locator("#file").set_input_files(str(upload))
        page.get_by_test_id("upload-xlsform").click()
        expect(page.get_by_test_id("publish")).to_be_visible()
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
