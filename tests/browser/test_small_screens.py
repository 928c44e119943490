"""Phones and screen readers: short steps, no sideways scrolling, focus and titles that
tell a person where a problem is, and the survey before the outbox in the tab order."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer


def _to_about_you(page: Page) -> None:
    expect(page.locator("form[data-wm-ready]")).to_have_count(1)
    page.locator("#q-consent").check()
    page.locator("[data-testid=next]:visible").click()
    page.locator("#q-what_matters").fill("Nabad")
    for _ in range(3):
        page.locator("[data-testid=next]:visible").click()


@pytest.mark.parametrize("lang", ["en", "so", "bn", "ar"])
def test_about_you_is_short_on_a_phone_and_nothing_scrolls_sideways(
    browser: Browser, live_server: LiveServer, lang: str
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/{lang}/s/what-matters/")
    _to_about_you(page)
    expect(page.locator("[data-wm-step=about-you]")).to_be_visible()
    # Was over 5,000 px with one choice a line; short choices now sit side by side and
    # the 20 ethnic groups are one native picker.
    assert page.evaluate("document.documentElement.scrollHeight") <= 3600
    expect(page.locator("#q-ethnicity")).to_have_js_property("tagName", "SELECT")
    page.set_viewport_size({"width": 320, "height": 640})
    page.locator("[data-testid=next]:visible").click()
    page.locator("#q-quote_consent--no").check()
    page.locator("#q-get_involved--yes").check()
    page.locator("#q-contact_consent--yes").check()
    page.locator("[data-testid=next]:visible").click()
    expect(page.locator("[data-wm-step=contact]")).to_be_visible()
    # Somali's long words in a large heading wrap instead of widening the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_without_javascript_an_error_page_puts_focus_on_the_summary(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/so/s/what-matters/")
    page.get_by_test_id("next").click()  # no consent ticked
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Khalad:")  # "Error:" in Somali
    context.close()


def test_with_javascript_the_title_says_there_is_a_problem(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/en/s/what-matters/")
    expect(page.locator("form[data-wm-ready]")).to_have_count(1)
    page.locator("[data-testid=next]:visible").click()
    expect(page.get_by_test_id("error-summary")).to_be_focused()
    expect(page).to_have_title("Error: Before you start – What Matters")
    page.locator("#q-consent").check()
    page.locator("[data-testid=next]:visible").click()
    expect(page).to_have_title("What matters to you? – What Matters")


def test_a_resident_tabs_into_the_survey_before_the_outbox(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/en/s/what-matters/")
    expect(page.locator("form[data-wm-ready]")).to_have_count(1)
    expect(page.get_by_test_id("outbox")).to_be_visible()
    page.keyboard.press("Tab")  # the skip link
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#q-consent")).to_be_focused()
