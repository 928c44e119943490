"""The staff pages this work added, in Arabic (right to left), with axe: kiosk settings,
People with its actions and log, changing an event, and a round's recent doors and history."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from tests.browser.conftest import create_user, serious_violations, sign_in, start_server


def test_new_staff_pages_read_right_to_left_without_serious_problems(
    browser: Browser, tmp_path: Path
) -> None:
    axe = Axe()
    server = start_server(tmp_path)
    try:
        create_user(server, "coord@example.org", "coordinator")
        create_user(server, "vol@example.org", "volunteer")
        create_user(server, "vol2@example.org", "volunteer")
        with sqlite3.connect(server.database) as conn:
            conn.execute(
                "INSERT INTO events (id, kind, name, survey_id, area, created_at) VALUES"
                " ('RND234', 'door_knocking', 'Millwall', 'what-matters', '', '2026-11-22')"
            )
            conn.execute(
                "INSERT INTO event_volunteers (event_id, user_id)"
                " SELECT 'RND234', id FROM users WHERE email = 'vol2@example.org'"
            )
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, server, "coord@example.org", lang="ar")

        # People: a role change and a deactivation, then the page with its staff log.
        page.goto(server.url + "/ar/admin/people")
        row = (
            page.locator("tr[data-person]")
            .filter(has_text="vol@example.org")
            .filter(has_not_text="vol2@")
        )
        row.get_by_test_id("role").select_option("analyst")
        row.get_by_test_id("change-role").click()
        page.locator("tr[data-person]").filter(has_text="vol@example.org").filter(
            has_not_text="vol2@"
        ).get_by_test_id("deactivate").click()
        expect(page.get_by_test_id("staff-log")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert serious_violations(axe, page) == []
        assert server.query("SELECT action FROM staff_log ORDER BY id") == [
            ("role",),
            ("deactivated",),
        ]

        # An event's page (with the public-address warning) and its edit page.
        page.goto(server.url + "/ar/admin/events/RND234")
        expect(page.get_by_test_id("public-address-warning")).to_be_visible()
        assert serious_violations(axe, page) == []
        page.get_by_test_id("edit-event").click()
        expect(page.get_by_test_id("save-event")).to_be_visible()
        assert serious_violations(axe, page) == []

        # A round with a door logged by its volunteer: recent doors (with undo) and history.
        tablet = browser.new_context()
        door_page = tablet.new_page()
        sign_in(door_page, server, "vol2@example.org", lang="ar", device="Tablet 5")
        door_page.goto(server.url + "/ar/rounds/RND234")
        door_page.locator("#street").fill("شارع مانشستر")
        door_page.locator("#door").fill("4A")
        door_page.locator("input[name=outcome][value=come_back]").check()
        door_page.get_by_test_id("log-door").click()
        server.wait_for("SELECT door FROM doors", (), [("4A",)])
        door_page.goto(server.url + "/ar/rounds/RND234")
        expect(door_page.get_by_test_id("undo-door")).to_have_count(1)
        door_page.get_by_test_id("door-history").locator("summary").click()
        expect(door_page.locator("html")).to_have_attribute("dir", "rtl")
        assert serious_violations(axe, door_page) == []
        tablet.close()

        # Kiosk settings, last: turning it on signs the coordinator out.
        page.goto(server.url + "/ar/kiosk/")
        expect(page.get_by_test_id("kiosk-state")).to_have_attribute("data-state", "off")
        assert serious_violations(axe, page) == []
        context.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
