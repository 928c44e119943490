"""Offline collection in a real browser: nothing entered offline is lost or sent twice."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from tests.browser.conftest import CHROMIUM_ARGS, LiveServer, start_server


def _open(playwright: Playwright, profile: Path, offline: bool = False) -> BrowserContext:
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=shutil.which("chromium"),
        args=CHROMIUM_ARGS,
        offline=offline,
    )


def _wait_for_worker(page: Page) -> None:
    """Wait until the service worker is activated: its precache is then complete and every
    later navigation goes through it.

    Not ``controller`` alone: a page that came from a POST (the sign-in page) while the
    worker was still installing stays uncontrolled, though the worker is ready. Polled
    from here, since the page's Content-Security-Policy rightly forbids the eval that
    Playwright's wait_for_function would use.
    """
    script = (
        "navigator.serviceWorker.getRegistration().then("
        "r => !!(r && r.active && r.active.state === 'activated'))"
    )
    deadline = time.monotonic() + 30
    while not page.evaluate(script):
        assert time.monotonic() < deadline, "the service worker never became active"
        time.sleep(0.1)


def _fill_response(page: Page, what_matters: str) -> str:
    form = page.locator("form[data-wm-ready]")
    expect(form).to_have_count(1)
    response_id = form.get_attribute("data-response-id") or ""
    page.locator("#q-consent").check()
    page.get_by_test_id("next").click()
    page.locator("#q-what_matters").fill(what_matters)
    for _ in range(4):
        page.get_by_test_id("next").click()
    page.locator("#q-quote_consent--yes").check()
    page.locator("#q-get_involved--no").check()
    page.get_by_test_id("submit").click()
    # Kept on the device, or already sent: either way the answers are safe.
    expect(page.get_by_test_id("thanks-status")).to_be_visible()
    return response_id


def _stored(server: LiveServer, ids: list[str]) -> int:
    marks = ",".join("?" * len(ids))
    return int(
        server.query(f"SELECT count(*) FROM responses WHERE id IN ({marks})", tuple(ids))[0][0]
    )


def test_responses_made_offline_survive_a_closed_browser_and_arrive_once(
    playwright: Playwright, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    port = int(server.url.rsplit(":", 1)[1])
    profile = tmp_path / "profile"
    context = _open(playwright, profile)
    page = context.new_page()
    page.goto(server.url + "/en/")
    _wait_for_worker(page)

    # No signal at all from here. The page's offline emulation does not reach the service
    # worker (microsoft/playwright#2311), whose background sync could still send a queued
    # response, so the server goes too: nothing can arrive until it is back.
    context.set_offline(True)
    server.process.kill()
    server.process.wait()
    page.reload()
    expect(page.get_by_test_id("start")).to_be_visible()  # served by the service worker
    page.get_by_test_id("start").click()
    ids = [_fill_response(page, "A bus that comes on time")]
    page.get_by_test_id("again").click()
    ids.append(_fill_response(page, "Somewhere for teenagers to go"))
    # Switching language offline: the Bengali survey comes from the cache too.
    page.goto(server.url + "/bn/s/what-matters/")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    ids.append(_fill_response(page, "বয়স্কদের জন্য বসার জায়গা"))
    # The count is shown in the page's own digits (৩ in Bengali); the attribute is plain.
    expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "3")
    expect(page.get_by_test_id("waiting")).to_have_text("৩")
    assert len(set(ids)) == 3 and _stored(server, ids) == 0
    context.close()

    # A new browser on the same profile, still with no network.
    context = _open(playwright, profile, offline=True)
    page = context.new_page()
    page.goto(server.url + "/en/")
    expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "3")
    expect(page.get_by_test_id("waiting")).to_have_text("3")
    assert _stored(server, ids) == 0

    server = start_server(tmp_path, port=port)
    try:
        context.set_offline(False)  # the 'online' event starts the send
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "0", timeout=15000)
        assert _stored(server, ids) == 3
        languages = sorted(
            row[0]
            for row in server.query(
                "SELECT language FROM responses WHERE id IN (?, ?, ?)", tuple(ids)
            )
        )
        assert languages == ["bn", "en", "en"]
        expect(page.get_by_test_id("last-sent")).not_to_have_text("")

        page.get_by_test_id("send-now").click()
        page.wait_for_timeout(500)
        assert _stored(server, ids) == 3
        assert server.query("SELECT count(*) FROM responses")[0][0] == 3
    finally:
        context.close()
        server.process.terminate()
        server.process.wait(timeout=10)


def test_a_half_filled_survey_survives_a_closed_tab(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/so/s/what-matters/")
    expect(page.locator("form[data-wm-ready]")).to_have_count(1)
    page.locator("#q-consent").check()
    page.get_by_test_id("next").click()
    page.locator("#q-what_matters").fill("Nabad iyo caafimaad")
    # The draft is saved as the person types; wait (bounded) until it is on the device.
    saved = "WMStore.get('drafts', 'what-matters|self').then(d => d ? d.raw.what_matters : null)"
    deadline = time.monotonic() + 10
    while page.evaluate(saved) != ["Nabad iyo caafimaad"]:
        assert time.monotonic() < deadline, "the draft was never saved"
        time.sleep(0.05)
    page.goto("about:blank")
    page.goto(live_server.url + "/so/s/what-matters/")
    expect(page.locator("[data-wm-draft-notice]")).to_be_visible()
    expect(page.locator("form[data-wm-ready]")).to_have_attribute("data-step", "what-matters")
    expect(page.locator("#q-what_matters")).to_have_value("Nabad iyo caafimaad")


def test_server_killed_while_sending_loses_nothing_and_doubles_nothing(
    playwright: Playwright, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    port = int(server.url.rsplit(":", 1)[1])
    context = _open(playwright, tmp_path / "profile")
    page = context.new_page()
    page.goto(server.url + "/en/s/what-matters/")
    _wait_for_worker(page)
    context.set_offline(True)
    ids: list[str] = page.evaluate(
        """async (count) => {
          const ids = [];
          for (let i = 0; i < count; i += 1) {
            const id = crypto.randomUUID();
            ids.push(id);
            await WMOutbox.queue({id, survey_id: "what-matters", survey_version: 1,
              language: "en", mode: "self", created_at: new Date().toISOString(),
              answers: {consent: "yes", what_matters: "Answer " + i, quote_consent: "no",
                        get_involved: "no"}});
          }
          return ids;
        }""",
        300,
    )
    context.set_offline(False)
    deadline = time.monotonic() + 20
    while _stored(server, ids) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.process.kill()  # no goodbye: as if the power went
    server.process.wait()
    part = _stored(server, ids)
    assert 0 < part < 300, "the kill should land in the middle of sending"

    server = start_server(tmp_path, port=port)
    try:
        page.get_by_test_id("send-now").click()
        expect(page.get_by_test_id("waiting")).to_have_text("0", timeout=30000)
        assert _stored(server, ids) == 300
        assert server.query("SELECT count(*) FROM responses")[0][0] == 300
    finally:
        context.close()
        server.process.terminate()
        server.process.wait(timeout=10)


def test_signal_lost_at_the_last_step_keeps_the_answers_until_it_returns(
    browser: Browser, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    try:
        phone = browser.new_context(locale="ur-PK")
        page = phone.new_page()
        page.goto(server.url + "/")  # the leaflet's link: the browser's language decides
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.get_by_test_id("start").click()
        form = page.locator("form[data-wm-ready]")
        expect(form).to_have_count(1)
        response_id = form.get_attribute("data-response-id") or ""
        page.locator("#q-consent").check()
        page.get_by_test_id("next").click()
        page.locator("#q-what_matters").fill("محفوظ گلیاں اور صاف پارک")
        for _ in range(4):
            page.get_by_test_id("next").click()
        page.locator("#q-quote_consent--yes").check()
        page.locator("#q-get_involved--no").check()
        phone.set_offline(True)  # into the lift, no signal
        page.get_by_test_id("submit").click()
        expect(page.get_by_test_id("saved-on-device")).to_be_visible()
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "1")
        assert _stored(server, [response_id]) == 0
        phone.set_offline(False)  # out of the lift: it sends itself
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "0", timeout=15000)
        assert server.query("SELECT language FROM responses WHERE id = ?", (response_id,)) == [
            ("ur",)
        ]
        assert server.query(
            "SELECT value FROM answers WHERE response_id = ? AND question_id = 'what_matters'",
            (response_id,),
        ) == [("محفوظ گلیاں اور صاف پارک",)]
        phone.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
