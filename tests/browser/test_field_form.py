"""A KoboToolbox-style form in the browser: read, previewed right to left, answered, stored."""

from __future__ import annotations

import time
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import create_user, serious_violations, sign_in, start_server
from tests.browser.test_offline import _wait_for_worker
from tests.conftest import catalogue_translation
from tests.field_form import field_form

NOTICES = 4  # photo, barcode, the list from a file not yet attached, rank


EXPECTED = [
    ("area", "north"),
    ("best_time", "14:30"),
    ("clinic", "high"),
    ("household", "5"),  # worked out by the server, not sent by the browser
    ("last_visit", "2026-11-30T09:15"),
    ("matters", "The damp in the stairwell\nand the broken lift"),
    ("office", "Town Hall"),
    ("person", "1"),  # one person in the home: the repeat's own answer is how many
    ("person[1]/person_name", "Amina"),
    ("person[1]/person_number", "1"),  # position(..), worked out by the server
    ("safety", "7"),
    ("size_label", "5 people"),
    ("where", "51.507910 -0.087689 0 12"),  # from the device, as ODK keeps a location
]


def _next(page: Page, step: str) -> None:
    page.get_by_test_id("next").click()
    expect(page.locator("form[data-wm-ready]")).to_have_attribute("data-step", step)


def test_a_field_form_is_previewed_in_arabic_answered_and_stored(
    browser: Browser, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    axe = Axe()
    try:
        create_user(server, "coord@example.org", "coordinator")
        desk = browser.new_context()
        admin = desk.new_page()
        sign_in(admin, server, "coord@example.org", lang="ar")
        admin.goto(server.url + "/ar/admin/surveys")
        upload = tmp_path / "Damp survey.xlsx"
        upload.write_bytes(field_form())
        admin.locator("#file").set_input_files(str(upload))
        admin.get_by_test_id("upload-xlsform").click()
        expect(admin.get_by_test_id("publish")).to_be_visible()
        made_up = catalogue_translation(
            "ar",
            "The form has no form_id, so the app calls it '%(id)s'. Add a form_id to the "
            "settings sheet to update this survey with a later upload.",
        ) % {"id": "damp-and-safety"}
        expect(admin.get_by_test_id("flash").filter(has_text=made_up)).to_have_count(1)
        assert serious_violations(axe, admin) == []

        admin.goto(server.url + "/ar/admin/surveys/damp-and-safety/preview")
        expect(admin.locator("html")).to_have_attribute("dir", "rtl")
        notices = admin.get_by_test_id("not-collected")
        expect(notices).to_have_count(NOTICES)
        photo = catalogue_translation(
            "ar", "This question asks for a photo, which this app does not collect yet."
        )
        expect(admin.locator("[data-question-block=photo]")).to_contain_text(photo)
        assert serious_violations(axe, admin) == []
        admin.goto(server.url + "/ar/admin/surveys/damp-and-safety")
        # The file of clinics the form reads is asked for, right to left, before publishing.
        clinics = tmp_path / "clinics.csv"
        clinics.write_text("name,label,label::Arabic (ar)\nhigh,High Street,شارع هاي\n", "utf-8")
        row = admin.get_by_test_id("choice-files").locator("tr[data-file='clinics.csv']")
        row.locator("input[type=file]").set_input_files(str(clinics))
        row.get_by_test_id("attach-file").click()
        expect(admin.get_by_test_id("flash")).to_have_count(1)
        assert serious_violations(axe, admin) == []
        admin.get_by_test_id("publish").click()
        expect(admin.get_by_test_id("unpublish")).to_be_visible()
        desk.close()

        # The tablet may tell where it is (the person presses the button; the browser asks).
        resident = browser.new_context(
            permissions=["geolocation"],
            geolocation={"latitude": 51.50791, "longitude": -0.087689, "accuracy": 12},
        )
        page = resident.new_page()
        page.goto(server.url + "/en/s/damp-and-safety/")
        expect(page.locator("form[data-wm-ready]")).to_have_count(1)
        _wait_for_worker(page)  # the survey's pages are on the tablet
        resident.set_offline(True)  # a tower block with no signal, from here to the end
        page.locator("#q-consent").check()
        _next(page, "agree")
        page.locator("#q-agree").check()
        _next(page, "area")
        page.locator("select#q-area").select_option("north")  # appearance minimal
        _next(page, "blocks")  # no "other", so its question is skipped
        # The choice filter: only the north's block is offered.
        expect(page.locator("#q-blocks--elm")).to_be_hidden()
        page.locator("#q-blocks--ash").check()
        _next(page, "safety")
        page.locator("#q-safety").fill("11")
        page.get_by_test_id("next").click()
        expect(page.get_by_test_id("error-summary")).to_be_visible()  # beyond the range
        page.locator("#q-safety").fill("7")
        _next(page, "best_time")
        page.locator("#q-best_time").fill("14:30")
        _next(page, "last_visit")
        page.locator("#q-last_visit").fill("2026-11-30T09:15")
        _next(page, "adults")
        page.locator("#q-adults").fill("2")
        _next(page, "children")
        page.locator("#q-children").fill("3")
        _next(page, "household_note")
        # The calculation, worked out in the browser, shows in the note's text.
        note = page.locator("[data-question-block=household_note]")
        expect(note).to_have_text("Your household has 5 people.")
        # The tablet reloads the page, offline: the draft comes back, worked out again.
        saved = "WMStore.get('drafts', 'damp-and-safety|self').then(d => d ? d.raw.children : null)"
        deadline = time.monotonic() + 10
        while page.evaluate(saved) != ["3"]:
            assert time.monotonic() < deadline, "the draft was never saved"
            time.sleep(0.05)
        page.reload()
        expect(page.locator("[data-wm-draft-notice]")).to_be_visible()
        expect(page.locator("form[data-wm-ready]")).to_have_attribute("data-step", "household_note")
        expect(note).to_have_text("Your household has 5 people.")
        _next(page, "office")
        expect(page.get_by_test_id("read-only").locator("visible=true")).to_have_text("Town Hall")
        _next(page, "size_label")  # worked out in the browser, offline
        expect(page.get_by_test_id("read-only").locator("visible=true")).to_have_text("5 people")
        _next(page, "photo")
        expect(page.get_by_test_id("not-collected").locator("visible=true")).to_have_count(1)
        _next(page, "where")
        where = page.locator("[data-location=where]")
        where.get_by_role("button", name="Use this device's location").click()
        expect(where.get_by_role("status")).to_contain_text("to within about 12 metres")
        expect(page.locator("#q-where__lat")).to_have_value("51.507910")
        _next(page, "meter")
        expect(page.get_by_test_id("not-collected").locator("visible=true")).to_have_count(1)
        _next(page, "clinic")
        page.locator("#q-clinic--high").check()  # its choices came from the attached file
        _next(page, "priorities")
        expect(page.get_by_test_id("not-collected").locator("visible=true")).to_have_count(1)
        _next(page, "person")  # a repeat: each person in the home, one to start with
        expect(page.locator("[data-wm-step=person] [data-testid=instance]")).to_have_count(1)
        page.locator('[name="person[1]/person_name"]').fill("Amina")
        _next(page, "matters")
        assert serious_violations(axe, page) == []
        page.locator("#q-matters").fill("The damp in the stairwell\nand the broken lift")
        page.get_by_test_id("submit").click()
        expect(page.get_by_test_id("thanks-status")).to_be_visible()
        assert server.query(
            "SELECT count(*) FROM responses WHERE survey_id = 'damp-and-safety'"
        ) == [(0,)]
        resident.set_offline(False)  # back in signal: the outbox sends it

        stored = server.wait_for(
            "SELECT a.question_id, a.value FROM answers a JOIN responses r ON r.id = a.response_id"
            " WHERE r.survey_id = ? AND a.question_id IN"
            " ('household', 'safety', 'best_time', 'last_visit', 'area', 'matters', 'clinic',"
            " 'office', 'size_label', 'where', 'person', 'person[1]/person_name',"
            " 'person[1]/person_number')"
            " ORDER BY a.question_id",
            ("damp-and-safety",),
            EXPECTED,
        )
        assert stored == EXPECTED
        assert server.query(
            "SELECT count(*) FROM responses WHERE survey_id = ?", ("damp-and-safety",)
        ) == [(1,)]
        resident.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
