"""Kiosk mode: a tablet in a reception shows nothing of the last person's answers."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import LiveServer, make_kiosk

SECRET = "My neighbour hits his children"


def _answer(page: object) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.locator("#q-consent").check()
    page.locator("[data-testid=next]:visible").click()
    page.locator("#q-what_matters").fill(SECRET)
    for _ in range(4):
        page.locator("[data-testid=next]:visible").click()
    page.locator("#q-quote_consent--no").check()
    page.locator("#q-get_involved--no").check()
    page.locator("[data-testid=submit]:visible").click()


def _settled_content(page: Page) -> str:
    """The page's HTML once it has stopped navigating (Chrome's own error page arrives late)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            page.wait_for_load_state()
            return page.content()
        except PlaywrightError:
            assert time.monotonic() < deadline, "the page never settled"
            time.sleep(0.2)


@pytest.mark.parametrize("javascript", [True, False])
def test_back_button_shows_nothing_of_the_last_response(
    browser: Browser, live_server: LiveServer, javascript: bool
) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    make_kiosk(page, live_server)
    expect(page.get_by_test_id("sign-in-link")).to_have_count(0)  # nothing for staff here
    page.get_by_test_id("start").click()
    _answer(page)
    expect(page.get_by_test_id("next-person").first).to_be_visible()
    assert SECRET not in page.content()
    page.get_by_test_id("next-person").first.click()
    expect(page.get_by_test_id("start")).to_be_visible()
    expect(page.get_by_test_id("kiosk-staff-link")).to_be_visible()
    for _ in range(3):
        try:
            page.go_back()
        except PlaywrightError as error:
            # Without JavaScript the last step was a POST; its page is no-store, so the
            # browser will not show it again from memory and offers only to resubmit.
            assert "ERR_CACHE_MISS" in str(error) and not javascript
        assert SECRET not in _settled_content(page)
        assert all(
            SECRET not in value
            for value in page.locator("textarea, input").evaluate_all(
                "nodes => nodes.map(n => n.value)"
            )
        )
    # The answer itself reached the server; the outbox sends in the background, so wait
    # (bounded) rather than guess how long that takes on a busy machine.
    deadline = time.monotonic() + 15
    while not live_server.query("SELECT 1 FROM answers WHERE value = ?", (SECRET,)):
        assert time.monotonic() < deadline, "the kiosk's response never reached the server"
        time.sleep(0.1)
    context.close()
