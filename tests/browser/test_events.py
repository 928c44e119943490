"""Events in the browser: the QR link attributes a self-completed response to its event."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from tests.browser.conftest import create_user, serious_violations, sign_in, start_server
from tests.browser.test_offline import _fill_response


def test_qr_link_response_counts_for_its_event(browser: Browser, tmp_path: Path) -> None:
    axe = Axe()
    server = start_server(tmp_path)
    try:
        create_user(server, "coord@example.org", "coordinator")
        desk = browser.new_context()
        admin = desk.new_page()
        sign_in(admin, server, "coord@example.org", lang="ar")
        admin.goto(server.url + "/ar/admin/events")
        assert serious_violations(axe, admin) == []
        admin.locator("#kind").select_option("world_cafe")
        admin.locator("#name").fill("World Café, Island Gardens")
        admin.locator("#tables").fill("6")
        # Tick boxes, as a finger on a tablet manages them (no Ctrl-click multi-select).
        admin.locator('#languages input[value="so"]').check()
        admin.locator('#languages input[value="bn"]').check()
        expect(admin.locator("select[multiple]")).to_have_count(0)
        admin.get_by_test_id("create-event").click()
        expect(admin.locator("svg.qr")).to_be_visible()
        assert serious_violations(axe, admin) == []
        link = admin.get_by_test_id("short-link").get_attribute("href") or ""
        admin.goto(server.url + "/ar/admin/events")
        admin.locator("#kind").select_option("door_knocking")
        admin.locator("#name").fill("Millwall round")
        admin.get_by_test_id("create-event").click()
        expect(admin.get_by_test_id("door-round")).to_be_visible()
        assert serious_violations(axe, admin) == []

        phone = browser.new_context(locale="so-SO")
        page = phone.new_page()
        page.goto(link)
        expect(page.locator("html")).to_have_attribute("lang", "so")
        response_id = _fill_response(page, "Goob ay carruurtu ku ciyaaraan")
        code = link.rsplit("/", 1)[1]
        # Sent by itself, online: no "waiting" count to watch, so watch the database.
        assert server.wait_for(
            "SELECT event_id, mode FROM responses WHERE id = ?", (response_id,), [(code, "self")]
        ) == [(code, "self")]
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "0")
        admin.goto(link.replace("/e/", "/ar/admin/events/"))
        expect(admin.get_by_test_id("event-responses")).to_have_text("1")
        desk.close()
        phone.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
