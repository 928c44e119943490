"""Kiosk mode belongs to the device: it holds across reloads, languages and no network,
keeps no half-finished answers, starts an idle survey again, and only staff turn it off."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    LiveServer,
    create_user,
    make_kiosk,
    scripts_ready,
    serious_violations,
    sign_in,
    start_server,
)
from tests.browser.test_offline import _wait_for_worker

QUICK = {"KIOSK_IDLE_SECONDS": "3", "KIOSK_COUNTDOWN_SECONDS": "8"}
SECRET = "جاري يضرب أطفاله"


def _begin(page: Page, text: str) -> None:
    page.get_by_test_id("start").click()
    expect(page.locator("form[data-wm-ready]")).to_have_count(1)
    page.locator("#q-consent").check()
    page.locator("[data-testid=next]:visible").click()
    page.locator("#q-what_matters").fill(text)


def _looks_like_a_kiosk(page: Page) -> None:
    expect(page.get_by_test_id("kiosk-staff-link")).to_be_visible()
    expect(page.get_by_test_id("sign-in-link")).to_be_hidden()
    expect(page.get_by_test_id("start-assisted")).to_be_hidden()
    expect(page.get_by_test_id("export")).to_be_hidden()


def _no_secret_anywhere(page: Page) -> None:
    assert SECRET not in page.content()
    drafts = page.evaluate("WMStore.all('drafts').then(ds => JSON.stringify(ds))")
    assert SECRET not in drafts


def test_a_kiosk_holds_offline_and_across_languages_and_resets_when_idle(
    browser: Browser, tmp_path: Path
) -> None:
    server = start_server(tmp_path, settings=QUICK)
    port = int(server.url.rsplit(":", 1)[1])
    context = browser.new_context()
    try:
        page = context.new_page()
        make_kiosk(page, server, lang="ar")
        _wait_for_worker(page)
        page.reload()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        _looks_like_a_kiosk(page)
        assert serious_violations_free(page)
        # Another language: still a kiosk.
        page.locator('.language-list a[data-lang="so"]').click()
        expect(page.locator("html")).to_have_attribute("lang", "so")
        _looks_like_a_kiosk(page)
        page.locator('.language-list a[data-lang="ar"]').click()

        # Half-way, then a reload: nothing is kept for the next person.
        _begin(page, SECRET)
        page.reload()
        expect(page.locator("form[data-wm-ready]")).to_have_count(1)
        expect(page.locator("[data-wm-draft-notice]")).to_be_hidden()
        _no_secret_anywhere(page)

        # No network (the server gone too): pages from the offline cache are still a kiosk.
        context.set_offline(True)
        server.process.kill()
        server.process.wait()
        page.goto(server.url + "/ar/")
        _looks_like_a_kiosk(page)
        assert page.evaluate("WMKiosk.locked()") is True

        # Left half-way: a countdown anyone can stop, then a fresh start.
        _begin(page, SECRET)
        warning = page.get_by_test_id("idle-warning")
        expect(warning).to_be_visible(timeout=10000)
        expect(warning.locator("[data-wm-idle-message]")).to_have_text(re.compile(r"[0-9٠-٩]"))
        assert serious_violations_free(page)
        page.get_by_test_id("still-here").click()
        expect(warning).to_be_hidden()
        expect(page.locator("#q-what_matters")).to_have_value(SECRET)
        expect(page.get_by_test_id("start")).to_be_visible(timeout=25000)  # reset by itself
        _no_secret_anywhere(page)
        page.go_back()
        _no_secret_anywhere(page)

        # A resident who finishes, offline: the next person gets a clean start.
        page.goto(server.url + "/ar/")
        _begin(page, "حديقة نظيفة")
        for _ in range(4):
            page.locator("[data-testid=next]:visible").click()
        page.locator("#q-quote_consent--no").check()
        page.locator("#q-get_involved--no").check()
        page.locator("[data-testid=submit]:visible").click()
        expect(page.get_by_test_id("next-person")).to_be_visible()
        expect(page.get_by_test_id("again")).to_have_count(0)
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "1")
        expect(page.get_by_test_id("export")).to_be_hidden()

        server = start_server(tmp_path, port=port, settings=QUICK)
        context.set_offline(False)
        page.get_by_test_id("send-now").click()
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "0", timeout=15000)
        assert server.query("SELECT value FROM answers WHERE question_id = 'what_matters'") == [
            ("حديقة نظيفة",)
        ]
    finally:
        context.close()
        server.process.terminate()
        server.process.wait(timeout=10)


def serious_violations_free(page: Page) -> bool:
    from axe_playwright_python.sync_playwright import Axe

    found = serious_violations(Axe(), page)
    assert found == []
    return True


def test_only_a_signed_in_staff_member_turns_a_kiosk_off(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context()
    page = context.new_page()
    make_kiosk(page, live_server, lang="ur")
    page.get_by_test_id("kiosk-staff-link").click()
    expect(page).to_have_url(f"{live_server.url}/ur/sign-in?next=%2Fur%2Fkiosk%2F")
    email = f"staff-{time.monotonic_ns()}@example.org"
    create_user(live_server, email, "volunteer")
    sign_in(page, live_server, email, lang="ur")
    page.goto(live_server.url + "/ur/kiosk/")
    expect(page.get_by_test_id("kiosk-state")).to_have_attribute("data-state", "on")
    # Signed in, staff may save waiting answers to a file again.
    expect(page.get_by_test_id("export")).to_be_visible()
    page.get_by_test_id("kiosk-off").click()
    expect(page.get_by_test_id("kiosk-state")).to_have_attribute("data-state", "off")
    scripts_ready(page)
    deadline = time.monotonic() + 10
    while page.evaluate("WMStore.get('meta', 'kiosk')") is not None:
        assert time.monotonic() < deadline, "the device kept its kiosk mark"
        time.sleep(0.1)
    page.get_by_test_id("sign-out").click()
    # Signing out first tidies the device's store, then leaves the page.
    expect(page.get_by_test_id("sign-out")).to_have_count(0)
    page.goto(live_server.url + "/ur/")
    expect(page.get_by_test_id("sign-in-link")).to_be_visible()
    expect(page.get_by_test_id("kiosk-staff-link")).to_be_hidden()
    context.close()
