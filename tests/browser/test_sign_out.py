"""Signing out on a volunteer's tablet: what was sent leaves the device (the round page
kept for offline, the sending key, which the server revokes); answers still waiting keep
the key and go out when the signal returns."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    failing_sends,
    scripts_ready,
    sign_in,
    start_server,
    without_background_sync,
)
from tests.browser.test_door_log import _log, _round_with_a_volunteer
from tests.browser.test_offline import _wait_for_worker

CACHED_ROUNDS = (
    "caches.keys().then(ns => Promise.all(ns.map(n => caches.open(n).then(c => c.keys()))))"
    ".then(lists => lists.flat().filter(r => new URL(r.url).pathname.includes('/rounds/'))"
    ".length)"
)


def _device_key(page: Page) -> object:
    return page.evaluate("WMStore.get('meta', 'device').then(d => d ? d.id : null)")


def _until(check: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_signing_out_forgets_what_was_sent_and_keeps_what_waits(
    browser: Browser, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    try:
        _round_with_a_volunteer(server)
        tablet = browser.new_context()
        without_background_sync(tablet)  # "the send fails for now" must not race it
        failing_sends(tablet)
        page = tablet.new_page()
        sign_in(page, server, "vol@example.org", device="Tablet 7")
        _wait_for_worker(page)
        page.goto(server.url + "/en/rounds/RND234")
        _until(lambda: page.evaluate(CACHED_ROUNDS) == 1)
        [(device_id,)] = server.query("SELECT id FROM devices")
        assert _device_key(page) == device_id

        # A door logged offline waits: signing out keeps the key so that it still goes.
        tablet.set_offline(True)
        page.locator("#street").fill("Manchester Road")
        _log(page, "21", "no_answer")
        page.evaluate("localStorage.setItem('wm-test-failing', '/api/v1/')")  # fails for now
        tablet.set_offline(False)
        assert page.evaluate("WMStore.count('outbox')") == 1
        page.get_by_test_id("sign-out").click()
        expect(page.get_by_test_id("sign-out")).to_have_count(0)
        scripts_ready(page)
        assert page.evaluate(CACHED_ROUNDS) == 0
        assert _device_key(page) == device_id
        assert server.query("SELECT revoked_at FROM devices") == [(None,)]
        page.evaluate("localStorage.removeItem('wm-test-failing')")
        page.evaluate("WMApp.send()")  # the signal is back: it goes with the kept key
        assert server.wait_for("SELECT door FROM doors", (), [("21",)]) == [("21",)]

        # Everything sent: signing out now forgets the key, and the server ends it.
        sign_in(page, server, "vol@example.org", device="Tablet 7")
        new_id = server.wait_for(
            "SELECT count(*) FROM devices WHERE revoked_at IS NULL", (), [(1,)]
        )
        assert new_id == [(1,)]
        # The server writes the device before the next page has loaded its scripts.
        expect(page.get_by_test_id("sign-out")).to_be_visible()
        scripts_ready(page)
        _until(lambda: _device_key(page) is not None)
        page.goto(server.url + "/en/rounds/RND234")
        page.get_by_test_id("sign-out").click()
        expect(page.get_by_test_id("sign-out")).to_have_count(0)
        scripts_ready(page)
        assert _device_key(page) is None
        assert server.query("SELECT count(*) FROM devices WHERE revoked_at IS NULL") == [(0,)]
        assert ("device_revoked",) in server.query("SELECT action FROM audit_log")
        tablet.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
