"""A household asked person by person, offline, right to left: people added and removed,
a reload in the middle, and one response with every person's answers in the database."""

from __future__ import annotations

import time
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import publish_form, serious_violations, sign_in, start_server
from tests.browser.test_offline import _wait_for_worker
from tests.xlsforms import workbook

HOUSEHOLD = workbook(
    [
        [
            "type",
            "name",
            "label",
            "required",
            "relevant",
            "constraint",
            "calculation",
            "repeat_count",
        ],
        ["integer", "rooms", "How many rooms?", "", "", "", "", ""],
        ["begin_repeat", "members", "Person", "", "", "", "", ""],
        ["text", "pname", "First name", "yes", "", "", "", ""],
        ["integer", "age", "How old is ${pname}?", "", "", ". < 130", "", ""],
        ["select_one yn", "school", "Does ${pname} go to school?", "", "${age} < 19", "", "", ""],
        ["end_repeat", "", "", "", "", "", "", ""],
        # Worked out in the browser too, over every person (ODK's node-set functions).
        ["calculate", "oldest", "", "", "", "", "max(${age})", ""],
        ["calculate", "second", "", "", "", "", "indexed-repeat(${pname}, ${members}, 2)", ""],
        [
            "text",
            "worry",
            "What worries you? (${second}; the oldest is ${oldest}.)",
            "",
            "",
            "",
            "",
            "",
        ],
        # Counted to none here: no empty page for it, "Send" stays on the page before.
        ["begin_repeat", "pets", "Pet", "", "", "", "", "0"],
        ["text", "pet", "Pet's name", "", "", "", "", ""],
        ["end_repeat", "", "", "", "", "", "", ""],
    ],
    [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
    [["form_title", "form_id"], ["Household", "household"]],
)


def _step(page: Page, step: str) -> None:
    expect(page.locator("form[data-wm-ready]")).to_have_attribute("data-step", step)


def _field(page: Page, name: str) -> Locator:
    return page.locator(f'[name="{name}"]')


def test_a_household_is_answered_offline_person_by_person(browser: Browser, tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        publish_form(browser, server, tmp_path, HOUSEHOLD)

        tablet = browser.new_context()
        page = tablet.new_page()
        page.goto(server.url + "/ar/s/household/")
        expect(page.locator("form[data-wm-ready]")).to_have_count(1)
        _wait_for_worker(page)
        tablet.set_offline(True)  # a tower block with no signal, from here to the end
        page.reload()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.locator("#q-consent").check()
        page.get_by_test_id("next").click()
        _step(page, "rooms")
        page.locator("#q-rooms").fill("3")
        page.get_by_test_id("next").click()
        _step(page, "members")
        people = page.locator("[data-wm-step=members] [data-testid=instance]")
        expect(people).to_have_count(1)
        _field(page, "members[1]/pname").fill("Ann")
        _field(page, "members[1]/age").fill("40")
        page.get_by_test_id("add-instance").click()
        expect(people).to_have_count(2)
        expect(_field(page, "members[2]/pname")).to_be_focused()
        _field(page, "members[2]/pname").fill("Bo")
        _field(page, "members[2]/age").fill("9")
        _field(page, "members[2]/age").press("Tab")
        # Only a child is asked about school, each person by their own age.
        expect(page.locator('[data-question-block="members[2]/school"]')).to_be_visible()
        expect(page.locator('[data-question-block="members[1]/school"]')).to_be_hidden()
        expect(page.locator('[data-question-block="members[2]/age"] label')).to_contain_text(
            "How old is Bo?"
        )
        page.get_by_test_id("add-instance").click()
        _field(page, "members[3]/pname").fill("Cy")
        _field(page, "members[3]/age").fill("7")
        _field(page, "members[3]/age").press("Tab")
        page.locator('[for="q-members[3]/school--yes"]').click()
        assert serious_violations(Axe(), page) == []
        # Bo was counted by mistake: Cy moves up, with Cy's answers.
        people.nth(1).get_by_test_id("remove-instance").click()
        expect(people).to_have_count(2)
        expect(_field(page, "members[2]/pname")).to_have_value("Cy")
        expect(_field(page, "members[2]/age")).to_have_value("7")
        expect(page.locator("#q-members\\[2\\]\\/school--yes")).to_be_checked()
        # A person without a name is refused, in the page's language.
        _field(page, "members[1]/pname").fill("")
        page.get_by_test_id("next").click()
        expect(page.get_by_test_id("error-summary")).to_be_visible()
        _field(page, "members[1]/pname").fill("Ann")
        # The tablet sleeps and wakes: the draft brings both people back.
        saved = "WMStore.get('drafts', 'household|self').then(d => d ? d.raw['members'] : null)"
        deadline = time.monotonic() + 10
        while page.evaluate(saved) != ["2"]:
            assert time.monotonic() < deadline, "the draft was never saved"
            time.sleep(0.05)
        time.sleep(0.4)  # the last keystroke's save
        page.reload()
        expect(page.locator("[data-wm-draft-notice]")).to_be_visible()
        _step(page, "members")
        expect(people).to_have_count(2)
        expect(_field(page, "members[1]/pname")).to_have_value("Ann")
        expect(_field(page, "members[2]/pname")).to_have_value("Cy")
        # Enter in a name goes on to the next page; it never removes the first person.
        _field(page, "members[2]/pname").press("Enter")
        _step(page, "worry")
        expect(page.locator("[data-question-block=worry] label.question-label")).to_contain_text(
            "(Cy; the oldest is 40.)"
        )
        page.locator("#q-worry").fill("الرطوبة")
        page.get_by_test_id("submit").click()
        expect(page.get_by_test_id("saved-on-device")).to_be_visible()
        assert server.query("SELECT count(*) FROM responses") == [(0,)]
        tablet.set_offline(False)  # back in signal: the outbox sends it
        expected = [
            ("members", "2"),
            ("members[1]/age", "40"),
            ("members[1]/pname", "Ann"),
            ("members[2]/age", "7"),
            ("members[2]/pname", "Cy"),
            ("members[2]/school", "yes"),
            ("oldest", "40"),
            ("pets", "0"),  # counted to none: stored as none, its page never shown
            ("pets_count", "0"),  # the count pyxform makes of a constant repeat_count
            ("rooms", "3"),
            ("second", "Cy"),
            ("worry", "الرطوبة"),
        ]
        stored = server.wait_for(
            "SELECT question_id, value FROM answers ORDER BY question_id", (), expected
        )
        assert stored == expected
        assert server.query("SELECT count(*) FROM responses") == [(1,)]
        tablet.close()

        # The coordinator's pages for it, right to left: the preview says it repeats, and
        # the exports page offers each repeat's own table.
        desk = browser.new_context()
        admin = desk.new_page()
        sign_in(admin, server, "coord@example.org", lang="ar")
        admin.goto(server.url + "/ar/admin/surveys/household/preview")
        expect(admin.locator("html")).to_have_attribute("dir", "rtl")
        expect(admin.get_by_test_id("repeat-hint")).to_have_count(2)
        assert serious_violations(Axe(), admin) == []
        admin.goto(server.url + "/ar/analysis/household/exports")
        expect(admin.get_by_test_id("repeat-csv")).to_have_count(2)
        assert serious_violations(Axe(), admin) == []
        desk.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
