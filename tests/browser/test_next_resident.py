"""Two residents in a row on one device, with a reload mid-way and on the thanks screen.

Every path to the survey (a door on a round, an event's short link, a kiosk, a plain
link), online and offline: each resident's answers reach the database once, under an id
of their own, and nobody's answers replace anybody else's.
"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, create_user, make_kiosk, sign_in, start_server
from tests.browser.test_offline import _wait_for_worker

ROUND = "RND234"
EVENT = "CAFE23"


def _drafted(page: Page) -> list[object]:
    return list(page.evaluate("WMStore.all('drafts').then(ds => ds.map(d => d.raw.what_matters))"))


def _start_and_reload(page: Page, text: str, keeps_draft: bool) -> str:
    """Begin a response, reload half-way (a tablet that slept), and return its id."""
    form = page.locator("form[data-wm-ready]")
    expect(form).to_have_count(1)
    response_id = form.get_attribute("data-response-id") or ""
    page.locator("#q-consent").check()
    page.locator("[data-testid=next]:visible").click()
    page.locator("#q-what_matters").fill(text)
    if keeps_draft:
        deadline = time.monotonic() + 10
        while [text] not in _drafted(page):
            assert time.monotonic() < deadline, "the draft was never saved"
            time.sleep(0.05)
    page.reload()
    expect(form).to_have_count(1)
    if keeps_draft:
        expect(page.locator("[data-wm-draft-notice]")).to_be_visible()
        expect(form).to_have_attribute("data-response-id", response_id)
        expect(page.locator("#q-what_matters")).to_have_value(text)
        return response_id
    # A kiosk keeps no draft: the next person could read it. Start again.
    expect(page.locator("[data-wm-draft-notice]")).to_be_hidden()
    page.locator("#q-consent").check()
    page.locator("[data-testid=next]:visible").click()
    page.locator("#q-what_matters").fill(text)
    return form.get_attribute("data-response-id") or ""


def _finish(page: Page) -> None:
    for _ in range(4):
        page.locator("[data-testid=next]:visible").click()
    page.locator("#q-quote_consent--yes").check()
    page.locator("#q-get_involved--no").check()
    page.locator("[data-testid=submit]:visible").click()
    expect(page.get_by_test_id("thanks-status")).to_be_visible()


def _fresh_survey(page: Page, previous: str) -> str:
    """The survey shown to the next resident: empty, under a new id."""
    form = page.locator("form[data-wm-ready]")
    expect(form).to_have_count(1)
    expect(page.locator("[data-wm-draft-notice]")).to_be_hidden()
    expect(page.locator("#q-what_matters")).to_have_value("")
    new_id = form.get_attribute("data-response-id") or ""
    assert new_id and new_id != previous
    return new_id


def _open_path(page: Page, server: LiveServer, path: str) -> bool:
    """Open the survey the way this path does; True when drafts are kept."""
    if path == "door":
        page.goto(f"{server.url}/ar/rounds/{ROUND}")
        page.locator("#street").fill("Manchester Road")
        page.locator("#door").fill("18")
        page.locator("input[name=outcome][value=completed]").check()
        page.get_by_test_id("log-door").click()
        return True
    if path == "event":
        # The short link needs the network; offline, the address it led to opens from the cache.
        online = page.context.pages and page.evaluate("navigator.onLine")
        page.goto(
            f"{server.url}/e/{EVENT}?lang=ar"
            if online
            else f"{server.url}/ar/s/what-matters/?event={EVENT}"
        )
        return True
    if path == "kiosk":
        page.goto(f"{server.url}/ar/")
        page.get_by_test_id("start").click()
        return False
    page.goto(f"{server.url}/ar/s/what-matters/")
    return True


def _next_resident(page: Page, server: LiveServer, path: str) -> None:
    """From the thanks screen to an empty survey for the next person."""
    if path == "kiosk":
        page.get_by_test_id("next-person").click()
        page.get_by_test_id("start").click()
    else:
        page.reload()  # the thanks screen reloaded, or the tablet woke on it


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
@pytest.mark.parametrize("path", ["door", "event", "kiosk", "plain"])
def test_two_residents_in_a_row_each_reach_the_database_once(
    browser: Browser, tmp_path: Path, path: str, offline: bool
) -> None:
    server = start_server(tmp_path)
    port = int(server.url.rsplit(":", 1)[1])
    context = browser.new_context()
    try:
        with sqlite3.connect(server.database) as conn:
            conn.executemany(
                "INSERT INTO events (id, kind, name, survey_id, area, created_at)"
                " VALUES (?, ?, ?, 'what-matters', 'Manchester Road', '2026-11-22')",
                [(ROUND, "door_knocking", "Millwall"), (EVENT, "world_cafe", "Café")],
            )
        page = context.new_page()
        if path == "door":
            create_user(server, "vol@example.org", "volunteer")
            with sqlite3.connect(server.database) as conn:
                conn.execute(
                    "INSERT INTO event_volunteers (event_id, user_id)"
                    " SELECT ?, id FROM users WHERE email = 'vol@example.org'",
                    (ROUND,),
                )
            sign_in(page, server, "vol@example.org", lang="ar", device="Tablet 2")
            page.goto(f"{server.url}/ar/rounds/{ROUND}")
        elif path == "kiosk":
            make_kiosk(page, server, lang="ar")
        else:
            page.goto(f"{server.url}/ar/")
        _wait_for_worker(page)
        # Open the survey once online, so that its page is in the offline cache too.
        if path == "door":
            page.goto(f"{server.url}/ar/rounds/{ROUND}")  # through the worker: kept
            page.get_by_test_id("start-survey").click()
        else:
            _open_path(page, server, path)
        expect(page.locator("form[data-wm-ready]")).to_have_count(1)
        if offline:
            # Playwright's offline mode does not reach the service worker's background
            # sync (microsoft/playwright#2311): the server goes too, so nothing can arrive.
            context.set_offline(True)
            server.process.kill()
            server.process.wait()
        start_rows = 0 if offline else server.query("SELECT count(*) FROM responses")[0][0]

        keeps_draft = _open_path(page, server, path)
        first = _start_and_reload(page, "الدرج مظلم في الليل", keeps_draft)
        _finish(page)
        if path == "door" and not offline:
            expect(page.get_by_test_id("back-to-round")).to_be_visible()
        _next_resident(page, server, path)
        second = _fresh_survey(page, first)
        page.locator("#q-consent").check()
        page.locator("[data-testid=next]:visible").click()
        page.locator("#q-what_matters").fill("Mehr Busse am Abend")
        _finish(page)
        _next_resident(page, server, path)
        third = _fresh_survey(page, second)
        assert third != first

        if offline:
            waiting = "3" if path == "door" else "2"
            expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", waiting)
            server = start_server(tmp_path, port=port)
            context.set_offline(False)
            page.get_by_test_id("send-now").click()
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "0", timeout=20000)
        rows = server.wait_for(
            "SELECT id, value FROM answers a JOIN responses r ON r.id = a.response_id"
            " WHERE question_id = 'what_matters' ORDER BY value",
            (),
            [(second, "Mehr Busse am Abend"), (first, "الدرج مظلم في الليل")],
        )
        assert rows == [(second, "Mehr Busse am Abend"), (first, "الدرج مظلم في الليل")]
        assert server.query("SELECT count(*) FROM responses")[0][0] == start_rows + 2
        expect(page.get_by_test_id("held")).to_be_hidden()
        if path == "door":
            # The door names the first resident's response; the second came after a reload.
            assert server.query("SELECT response_id FROM doors") == [(first,)]
        if path in {"door", "event"}:
            events = server.query("SELECT event_id FROM responses ORDER BY event_id")
            assert events == [(ROUND if path == "door" else EVENT,)] * 2
    finally:
        context.close()
        server.process.terminate()
        server.process.wait(timeout=10)


def _post_response(server: LiveServer, response_id: str, text: str) -> None:
    body = {
        "responses": [
            {
                "id": response_id,
                "survey_id": "what-matters",
                "survey_version": 1,
                "language": "en",
                "mode": "self",
                "created_at": "2026-12-01T10:00:00Z",
                "answers": {
                    "consent": "yes",
                    "what_matters": text,
                    "quote_consent": "no",
                    "get_involved": "no",
                },
            }
        ]
    }
    request = urllib.request.Request(
        server.url + "/api/v1/responses",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert json.load(reply)["receipts"][0]["status"] == "created"


def test_a_conflict_is_held_on_the_device_and_never_shown_as_saved(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/en/s/what-matters/")
    form = page.locator("form[data-wm-ready]")
    expect(form).to_have_count(1)
    taken = form.get_attribute("data-response-id") or ""
    # Another device already sent different answers under this id.
    _post_response(live_server, taken, "The first answers, kept")
    page.locator("#q-consent").check()
    page.get_by_test_id("next").click()
    page.locator("#q-what_matters").fill("Different answers from another person")
    _finish(page)
    status = page.get_by_test_id("thanks-status")
    expect(status).to_have_attribute("data-state", "held", timeout=15000)
    expect(page.get_by_test_id("saved-on-device")).to_be_hidden()
    expect(page.get_by_test_id("sent")).to_be_hidden()
    expect(page.get_by_test_id("held")).to_be_visible()
    expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "1")
    # Sent again, the held response stays held: it is not retried under the taken id.
    page.get_by_test_id("send-now").click()
    expect(page.get_by_test_id("outbox")).to_have_attribute("data-held", "1")
    assert live_server.query(
        "SELECT value FROM answers WHERE response_id = ? AND question_id = 'what_matters'",
        (taken,),
    ) == [("The first answers, kept",)]

    page.get_by_test_id("resend-held").click()
    expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "0", timeout=15000)
    rows = live_server.query(
        "SELECT response_id = ? FROM answers WHERE value = ?",
        (taken, "Different answers from another person"),
    )
    assert rows == [(0,)]  # stored once, under an id of its own
    expect(page.get_by_test_id("held")).to_be_hidden()


def test_the_outbox_never_replaces_a_waiting_response(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/en/")
    expect(page.get_by_test_id("start")).to_be_visible()
    outcome = page.evaluate(
        """async () => {
          const id = crypto.randomUUID();
          const item = (text) => ({id, survey_id: "what-matters", survey_version: 1,
            language: "en", mode: "self", created_at: new Date().toISOString(),
            answers: {consent: "yes", what_matters: text}});
          await WMOutbox.queue(item("first"));
          let error = null;
          try { await WMOutbox.queue(item("second")); } catch (e) { error = e.name; }
          const kept = await WMStore.get("outbox", id);
          await WMStore.remove("outbox", id);
          return [error, kept.payload.answers.what_matters];
        }"""
    )
    assert outcome == ["ConstraintError", "first"]


def test_a_response_the_server_refuses_is_not_said_to_be_on_its_way(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/en/")
    expect(page.get_by_test_id("start")).to_be_visible()
    outcome = page.evaluate(
        """async () => {
          const id = crypto.randomUUID();
          await WMOutbox.queue({id, survey_id: "what-matters", survey_version: 999,
            language: "en", mode: "self", created_at: new Date().toISOString(),
            answers: {consent: "yes"}});
          const before = await WMOutbox.status(id);
          await WMOutbox.flush();
          return [before, await WMOutbox.status(id)];
        }"""
    )
    assert outcome == ["waiting", "refused"]
    assert live_server.query("SELECT count(*) FROM responses WHERE survey_version = 999") == [(0,)]
