"""A resident answers the survey in a real browser, in their own language."""

from __future__ import annotations

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, serious_violations
from tests.conftest import catalogue_translation

STEPS = ["welcome", "what-matters", "good-life", "one-thing", "about-you", "your-words"]


def _step(page: Page) -> str:
    return page.locator("form[data-survey-form]").get_attribute("data-step") or ""


def _continue(page: Page) -> None:
    page.locator("[data-testid=next]:visible, [data-testid=submit]:visible").first.click()


def _client_ready(page: Page) -> str:
    """Wait for the in-browser survey to take over; the id it made for this response."""
    form = page.locator("form[data-wm-ready]")
    expect(form).to_have_count(1)
    return form.get_attribute("data-response-id") or ""


def _wait_stored(live_server: LiveServer, response_id: str) -> None:
    """The outbox sends by itself; wait (bounded) until the server has committed it."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if live_server.query("SELECT 1 FROM responses WHERE id = ?", (response_id,)):
            return
        time.sleep(0.1)
    raise AssertionError(f"response {response_id} never reached the server")


def test_resident_completes_survey_in_bengali(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/bn/")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    page.get_by_test_id("start").click()
    response_id = _client_ready(page)
    page.locator("#q-consent").check()
    _continue(page)
    page.locator("#q-what_matters").fill("বাচ্চাদের জন্য নিরাপদ খেলার জায়গা দরকার")
    _continue(page)
    _continue(page)
    _continue(page)
    page.locator("#q-age_band--35-44").check()
    page.locator("#q-home_languages--bengali").check()
    _continue(page)
    assert _step(page) == "your-words"
    page.locator("#q-quote_consent--yes").check()
    page.locator("#q-get_involved--no").check()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("thanks")).to_be_visible()
    _wait_stored(live_server, response_id)
    rows = live_server.query(
        "SELECT language, quote_consent, survey_version FROM responses WHERE id = ?",
        (response_id,),
    )
    assert rows == [("bn", 1, 1)]
    answers = dict(
        live_server.query(
            "SELECT question_id, value FROM answers WHERE response_id = ?", (response_id,)
        )
    )
    assert answers["what_matters"] == "বাচ্চাদের জন্য নিরাপদ খেলার জায়গা দরকার"
    assert answers["age_band"] == "35-44"


def test_resident_completes_survey_in_arabic_right_to_left(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/ar/s/what-matters/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    response_id = _client_ready(page)
    # Right-to-left for real: the consent box sits at the right of its label.
    box = page.locator("#q-consent").bounding_box()
    label = page.locator("label[for=q-consent]").bounding_box()
    assert box and label and box["x"] > label["x"]
    page.locator("#q-consent").check()
    _continue(page)
    page.locator("#q-what_matters").fill("المواصلات العامة والأمان في الشارع")
    for _ in range(4):
        _continue(page)
    page.locator("#q-quote_consent--no").check()
    page.locator("#q-get_involved--no").check()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("thanks")).to_be_visible()
    _wait_stored(live_server, response_id)
    assert live_server.query(
        "SELECT language, quote_consent FROM responses WHERE id = ?", (response_id,)
    ) == [("ar", 0)]


def test_validation_error_appears_in_somali(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/so/s/what-matters/")
    before = live_server.query("SELECT count(*) FROM responses")[0][0]
    _continue(page)
    expected = catalogue_translation(
        "so", "Please tick the box to say you agree, or close this page to stop."
    )
    error = page.locator("#q-consent-error")
    expect(error).to_contain_text(expected)
    expect(page.get_by_test_id("error-summary")).to_be_focused()
    assert page.locator("#q-consent").get_attribute("aria-describedby") == "q-consent-error"
    assert live_server.query("SELECT count(*) FROM responses")[0][0] == before


def test_question_appears_only_when_its_condition_holds(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/en/s/what-matters/")
    page.locator("#q-consent").check()
    _continue(page)
    page.locator("#q-what_matters").fill("Buses")
    for _ in range(4):
        _continue(page)
    contact_consent = page.locator("[data-question-block=contact_consent]")
    expect(contact_consent).to_be_hidden()
    page.locator("#q-get_involved--yes").check()
    expect(contact_consent).to_be_visible()
    page.locator("#q-get_involved--no").check()
    expect(contact_consent).to_be_hidden()


def test_survey_works_with_javascript_turned_off(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/en/s/what-matters/")
    response_id = page.locator("input[name=response_id]").input_value()
    page.locator("#q-consent").check()
    _continue(page)
    page.locator("#q-what_matters").fill("A doctor who listens")
    for _ in range(4):
        _continue(page)
    # Without the script, the dependent question is shown and the server decides.
    expect(page.locator("[data-question-block=contact_consent]")).to_be_visible()
    page.locator("#q-quote_consent--yes").check()
    page.locator("#q-get_involved--yes").check()
    page.locator("#q-contact_consent--yes").check()
    _continue(page)
    assert _step(page) == "contact"
    page.locator("#q-contact_name").fill("Amina")
    page.locator("#q-contact_email").fill("amina@example.org")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("thanks")).to_be_visible()
    assert live_server.query("SELECT name FROM contacts WHERE response_id = ?", (response_id,)) == [
        ("Amina",)
    ]
    context.close()


@pytest.mark.parametrize("tag", ["en", "bn", "ar"])
def test_no_serious_accessibility_violations(
    page: Page, live_server: LiveServer, axe: Axe, tag: str
) -> None:
    found: dict[str, list[str]] = {}
    page.goto(f"{live_server.url}/{tag}/")
    found["start"] = serious_violations(axe, page)
    page.get_by_test_id("start-assisted").click()
    _continue(page)  # an error state first: it must be accessible too
    found["welcome with error"] = serious_violations(axe, page)
    page.locator("#q-consent").check()
    _continue(page)
    page.locator("#q-what_matters").fill("Parks")
    for step in STEPS[1:]:
        assert _step(page) == step
        found[step] = serious_violations(axe, page)
        if step == "your-words":
            page.locator("#q-quote_consent--yes").check()
            page.locator("#q-get_involved--yes").check()
            page.locator("#q-contact_consent--yes").check()
        _continue(page)
    assert _step(page) == "contact"
    found["contact"] = serious_violations(axe, page)
    page.locator("#q-contact_name").fill("Test")
    page.locator("#q-contact_phone").fill("07700 900123")
    page.get_by_test_id("submit").click()
    found["thanks"] = serious_violations(axe, page)
    page.goto(f"{live_server.url}/{tag}/translations/")
    found["translations"] = serious_violations(axe, page)
    assert {name: issues for name, issues in found.items() if issues} == {}


def test_language_is_remembered_and_offered_in_its_own_name(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/en/")
    link = page.locator(".language-list a[data-lang=ur]")
    expect(link).to_have_text("اردو")
    link.click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(live_server.url + "/")
    assert re.search(r"/ur/$", page.url)


def test_a_volunteer_notes_the_language_the_resident_answered_in(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/en/s/what-matters/?with=volunteer")
    form = page.locator("form[data-wm-ready]")
    expect(form).to_have_count(1)
    response_id = form.get_attribute("data-response-id")
    page.locator("#q-consent").check()
    page.locator("[data-testid=next]:visible").click()
    page.locator("#q-what_matters").fill("Waxaan u baahanahay beer nadiif ah")
    page.locator("#q-what_matters__gloss").fill("We need a clean park")
    expect(page.locator("#q-what_matters__language")).to_have_value("en")
    page.locator("#q-what_matters__language").select_option("so")
    for _ in range(4):
        page.locator("[data-testid=next]:visible").click()
    page.locator("#q-quote_consent--no").check()
    page.locator("#q-get_involved--no").check()
    page.locator("[data-testid=submit]:visible").click()
    rows = live_server.wait_for(
        "SELECT r.language, a.language FROM answers a JOIN responses r ON r.id = a.response_id"
        " WHERE r.id = ? AND a.question_id = 'what_matters'",
        (response_id,),
        [("en", "so")],
    )
    assert rows == [("en", "so")]
