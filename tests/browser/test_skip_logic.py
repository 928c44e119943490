"""An XLSForm in the browser: uploaded, published, and its skip logic live, offline too."""

from __future__ import annotations

import json
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Playwright, expect

from tests.browser.conftest import create_user, serious_violations, sign_in, start_server
from tests.browser.test_offline import _open, _wait_for_worker
from tests.conftest import catalogue_translation
from tests.expression_cases import ANSWERS, as_json
from tests.xlsforms import family_form


def _publish_family_form(browser: Browser, server: object, tmp_path: Path) -> None:
    axe = Axe()
    desk = browser.new_context()
    admin = desk.new_page()
    sign_in(admin, server, "coord@example.org", lang="ar")  # type: ignore[arg-type]
    admin.goto(server.url + "/ar/admin/surveys")  # type: ignore[attr-defined]
    assert serious_violations(axe, admin) == []
    upload = tmp_path / "families.xlsx"
    upload.write_bytes(family_form())
    admin.locator("#file").set_input_files(str(upload))
    admin.get_by_test_id("upload-xlsform").click()
    expect(admin.get_by_test_id("publish")).to_be_visible()
    read = catalogue_translation(
        "ar", "The survey was read. Preview it, then publish it when it is ready."
    )
    expect(admin.get_by_test_id("flash")).to_have_text([read])
    # The twelve language buttons wrap in rows, not one tall list: the first two share a row.
    first, second = (
        admin.get_by_test_id("preview-links").locator("a").nth(i).bounding_box() for i in (0, 1)
    )
    assert first is not None and second is not None and first["y"] == second["y"]
    assert serious_violations(axe, admin) == []
    admin.get_by_test_id("publish").click()
    expect(admin.get_by_test_id("unpublish")).to_be_visible()
    admin.goto(server.url + "/ar/admin/surveys/families-send/preview")  # type: ignore[attr-defined]
    expect(admin.locator("html")).to_have_attribute("dir", "rtl")
    expect(admin.get_by_test_id("preview-step")).to_have_count(6)
    assert serious_violations(axe, admin) == []
    admin.goto(server.url + "/ar/admin/surveys/families-send/texts/ar")  # type: ignore[attr-defined]
    assert serious_violations(axe, admin) == []
    desk.close()


def test_skip_logic_follows_the_answers_online_and_offline(
    browser: Browser, playwright: Playwright, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    try:
        create_user(server, "coord@example.org", "coordinator")
        _publish_family_form(browser, server, tmp_path)

        tablet = _open(playwright, tmp_path / "profile")
        page = tablet.new_page()
        page.goto(server.url + "/en/s/families-send/")
        _wait_for_worker(page)

        # The browser evaluates the server's parsed trees exactly as the server does.
        results = page.evaluate(
            "([cases, answers]) => cases.map(c => WMExpressions.holds(c.tree, answers, c.current))",
            [as_json(), ANSWERS],
        )
        expected = [case["expected"] for case in as_json()]
        assert results == expected, json.dumps(list(zip(results, expected, strict=True)))

        tablet.set_offline(True)
        page.reload()  # from the service worker's cache
        form = page.locator("form[data-wm-ready]")
        expect(form).to_have_count(1)
        page.locator("#q-consent").check()
        page.get_by_test_id("next").click()
        page.locator("#q-has_children--no").check()
        page.get_by_test_id("next").click()
        # No children: the children's questions are skipped.
        expect(form).to_have_attribute("data-step", "what_matters")
        page.get_by_test_id("back").click()
        page.locator("#q-has_children--yes").check()
        page.get_by_test_id("next").click()
        expect(form).to_have_attribute("data-step", "children")
        other = page.locator("[data-question-block=needs_other]")
        expect(other).to_be_hidden()
        page.locator("#q-needs--other").check()
        expect(other).to_be_visible()
        page.locator("#q-needs--other").uncheck()
        expect(other).to_be_hidden()
        # The constraint, with the form's own message, before anything is sent.
        page.locator("#q-children_count").fill("40")
        page.get_by_test_id("next").click()
        expect(page.get_by_test_id("error-summary")).to_contain_text("A number from 1 to 19")
        page.locator("#q-children_count").fill("৩")  # Bengali digits count as digits
        page.get_by_test_id("next").click()
        expect(form).to_have_attribute("data-step", "what_matters")
        server.process.kill()
        server.process.wait()
        tablet.close()
    finally:
        if server.process.poll() is None:
            server.process.terminate()
            server.process.wait(timeout=10)
