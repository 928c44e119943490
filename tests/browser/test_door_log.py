"""The door log in the browser: offline in a stairwell, it lands exactly once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    LiveServer,
    create_user,
    serious_violations,
    sign_in,
    start_server,
)
from tests.browser.test_offline import _fill_response, _wait_for_worker


def _round_with_a_volunteer(server: LiveServer) -> None:
    """Round RND234 on Manchester Road, with vol@example.org on it."""
    create_user(server, "vol@example.org", "volunteer")
    with sqlite3.connect(server.database) as conn:
        conn.execute(
            "INSERT INTO events (id, kind, name, survey_id, area, created_at) VALUES"
            " ('RND234', 'door_knocking', 'Millwall', 'what-matters', 'Manchester Road',"
            " '2026-11-22')"
        )
        conn.execute(
            "INSERT INTO event_volunteers (event_id, user_id)"
            " SELECT 'RND234', id FROM users WHERE email = 'vol@example.org'"
        )


def _log(page: Page, door: str, outcome: str, language: str | None = None) -> None:
    page.locator("#door").fill(door)
    page.locator(f"input[name=outcome][value={outcome}]").check()
    if language:
        page.locator("#language").select_option(language)
    page.get_by_test_id("log-door").click()
    expect(page.get_by_test_id("door-saved")).to_be_visible()


def test_door_log_works_offline_and_lands_once(browser: Browser, tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        _round_with_a_volunteer(server)
        tablet = browser.new_context()
        page = tablet.new_page()
        sign_in(page, server, "vol@example.org", lang="ar", device="Tablet 2")
        _wait_for_worker(page)
        page.goto(server.url + "/ar/rounds/RND234")  # opened once online: kept for offline
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert serious_violations(Axe(), page) == []

        tablet.set_offline(True)
        page.reload()  # from the service worker's cache
        page.locator("#street").fill("Manchester Road")
        _log(page, "14", "no_answer")
        _log(page, "16", "needs_language", "so")
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "2")
        assert server.query("SELECT count(*) FROM doors") == [(0,)]
        # A resident at door 18 answers with the volunteer: on to the survey, still offline.
        page.locator("#door").fill("18")
        page.locator("input[name=outcome][value=completed]").check()
        page.get_by_test_id("log-door").click()
        response_id = _fill_response(page, "الدرج مظلم في الليل")
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "4")

        tablet.set_offline(False)
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "0", timeout=15000)
        rows = server.query(
            "SELECT d.door, d.outcome, d.language, v.label FROM doors d"
            " JOIN devices v ON v.id = d.device_id ORDER BY d.door"
        )
        assert rows == [
            ("14", "no_answer", None, "Tablet 2"),
            ("16", "needs_language", "so", "Tablet 2"),
            ("18", "completed", None, "Tablet 2"),
        ]
        # The door names the response given at it, and the response its round.
        assert server.query("SELECT response_id FROM doors WHERE door = '18'") == [(response_id,)]
        assert server.query(
            "SELECT event_id, mode FROM responses WHERE id = ?", (response_id,)
        ) == [("RND234", "assisted")]
        tablet.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def test_a_door_logged_by_mistake_offline_is_undone_before_it_leaves(
    browser: Browser, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    try:
        _round_with_a_volunteer(server)
        tablet = browser.new_context()
        page = tablet.new_page()
        sign_in(page, server, "vol@example.org", lang="so", device="Tablet 3")
        _wait_for_worker(page)
        page.goto(server.url + "/so/rounds/RND234")
        tablet.set_offline(True)
        page.reload()
        page.locator("#street").fill("Manchester Road")
        _log(page, "14", "declined")  # meant "come back"
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "1")
        page.get_by_test_id("undo-last").click()
        expect(page.get_by_test_id("door-undone")).to_be_visible()
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "0")
        _log(page, "14", "come_back")
        tablet.set_offline(False)
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "0", timeout=15000)
        rows = server.wait_for("SELECT door, outcome FROM doors", (), [("14", "come_back")])
        assert rows == [("14", "come_back")]
        # Online, the page lists the volunteer's recent doors, each with an undo.
        page.reload()
        expect(page.get_by_test_id("undo-door")).to_have_count(1)
        assert serious_violations(Axe(), page) == []
        page.get_by_test_id("undo-door").click()
        expect(page.get_by_test_id("logged")).to_be_visible()
        assert server.query("SELECT undone_at IS NOT NULL FROM doors") == [(1,)]
        tablet.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def test_a_coordinator_on_a_round_logs_doors_with_javascript(
    browser: Browser, tmp_path: Path
) -> None:
    """A coordinator's browser has no device key, so the outbox could never send its doors:
    the door goes to the server at once instead, under the coordinator, and is counted."""
    server = start_server(tmp_path)
    try:
        _round_with_a_volunteer(server)
        create_user(server, "coord@example.org", "coordinator")
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, server, "coord@example.org")
        page.goto(server.url + "/en/rounds/RND234")
        expect(page.locator("[data-wm-door-form]")).to_be_visible()
        page.wait_for_function("window.WMStore !== undefined")
        page.locator("#street").fill("Manchester Road")
        page.locator("#door").fill("22")
        page.locator("input[name=outcome][value=declined]").check()
        page.get_by_test_id("log-door").click()
        expect(page.get_by_test_id("logged")).to_contain_text("Manchester Road 22")
        rows = server.query(
            "SELECT d.door, d.outcome, d.device_id, u.email FROM doors d"
            " JOIN users u ON u.id = d.logged_by"
        )
        assert rows == [("22", "declined", None, "coord@example.org")]
        # Nothing waits in an outbox that could never send it.
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "0")
        context.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
