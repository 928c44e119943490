"""The report, the exports and "you said, we did" in a real browser, in Arabic (right to
left) with axe; the public page in Arabic and Bengali, without anything personal, and
readable offline once a resident has opened it."""

from __future__ import annotations

import time
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
from tests.browser.test_offline import _wait_for_worker
from tests.browser.test_workspace import QUESTION, run_and_wait, send
from tests.workspace.seed import payload

SURVEY = "/analysis/what-matters"


def _kept_offline(page: Page, path: str) -> None:
    """Wait until the service worker has stored the page (asked by keep.js)."""
    script = f"caches.match({path!r}).then(hit => !!hit)"
    deadline = time.monotonic() + 30
    while not page.evaluate(script):
        assert time.monotonic() < deadline, "the page was never kept for offline reading"
        time.sleep(0.1)


def _review_one_theme(page: Page, server: LiveServer) -> str:
    """Find themes, name the first, pin a quote from a resident who agreed."""
    page.goto(server.url + "/ar" + QUESTION + "/themes")
    run_and_wait(page, "find-themes")
    first = page.locator("[data-testid=themes] > li").first
    theme_id = str(first.get_attribute("data-theme"))
    first.get_by_test_id("theme-link").click()
    page.locator("#name").fill("السكن والإيجار")
    page.locator("#description").fill("بيوت رطبة ومكتظة وغالية")
    page.get_by_test_id("save-name").click()
    expect(page.get_by_test_id("theme-title")).to_have_text("السكن والإيجار")
    agreed = (
        page.locator("[data-testid=members] > li")
        .filter(has_not=page.get_by_test_id("no-quote"))
        .first
    )
    agreed.get_by_test_id("pin").click()
    expect(page.get_by_test_id("flash")).to_be_visible()
    assert server.query("SELECT count(*) FROM pinned_quotes") == [(1,)]
    return theme_id


def test_report_exports_and_you_said_we_did_in_arabic(browser: Browser, tmp_path: Path) -> None:
    axe = Axe()
    server = start_server(tmp_path)
    try:
        create_user(server, "coordinator@example.org", "coordinator")
        send(server, payload(72))
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        sign_in(page, server, "coordinator@example.org", lang="ar")
        theme_id = _review_one_theme(page, server)

        # The report: choose, write, save; the saved version reads right to left.
        page.goto(server.url + "/ar/analysis/")
        page.get_by_test_id("report-link").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert serious_violations(axe, page) == []
        page.locator("#title").fill("ما قاله السكان")
        page.locator("#introduction").fill("كتبه فريق جزيرة الكلاب.")
        page.get_by_test_id("save-report").click()
        expect(page.get_by_test_id("report-theme")).to_have_count(1)
        expect(page.get_by_test_id("report-theme").locator("h3")).to_have_text("السكن والإيجار")
        expect(page.get_by_test_id("report-quote")).to_have_count(1)
        assert serious_violations(axe, page) == []
        assert server.query("SELECT title, language FROM reports") == [("ما قاله السكان", "ar")]
        with page.expect_download() as download:
            page.get_by_test_id("report-pdf").click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

        # Exports: the page, a spreadsheet, and the record of it.
        page.goto(server.url + "/ar" + SURVEY + "/exports")
        assert serious_violations(axe, page) == []
        with page.expect_download() as download:
            page.locator("a[href$='responses.xlsx']").click()
        assert download.value.suggested_filename == "what-matters-responses.xlsx"
        page.reload()
        expect(page.get_by_test_id("export-log-row")).to_have_count(2)  # the PDF, the XLSX
        assert server.query("SELECT what, format, rows FROM export_log ORDER BY id")[1] == (
            "responses",
            "xlsx",
            72,
        )

        # You said, we did: show the theme, say what is being done.
        page.goto(server.url + "/ar" + SURVEY + "/you-said-we-did")
        assert serious_violations(axe, page) == []
        page.get_by_test_id("show-theme").click()
        card = page.locator(f"#theme-{theme_id}")
        card.locator("textarea").fill("مقاعد جديدة في الحديقة من المجلس")
        card.locator("input[type=date]").fill("2027-01-15")
        card.get_by_test_id("add-action").click()
        expect(page.get_by_test_id("flash")).to_be_visible()
        assert server.query("SELECT text, happened_on FROM theme_actions") == [
            ("مقاعد جديدة في الحديقة من المجلس", "2027-01-15")
        ]
        assert serious_violations(axe, page) == []

        # The public page's texts in Bengali, from a page laid out right to left.
        page.goto(server.url + "/ar" + SURVEY + "/you-said-we-did/in/bn")
        assert serious_violations(axe, page) == []
        page.locator(f"[name='theme:{theme_id}:name']").fill("বাসস্থান ও ভাড়া")
        page.get_by_test_id("save-translations").click()
        expect(page.get_by_test_id("flash")).to_be_visible()
        assert server.query("SELECT language, text FROM public_texts") == [("bn", "বাসস্থান ও ভাড়া")]
        context.close()

        # A resident opens the public page from a poster's QR code: no one signed in.
        phone = browser.new_context(viewport={"width": 360, "height": 740})
        resident = phone.new_page()
        for lang, direction, name in (
            ("ar", "rtl", "السكن والإيجار"),
            ("bn", "ltr", "বাসস্থান ও ভাড়া"),
        ):
            resident.goto(f"{server.url}/{lang}/you-said/what-matters")
            expect(resident.locator("html")).to_have_attribute("dir", direction)
            expect(resident.get_by_test_id("public-theme")).to_have_count(1)
            expect(resident.get_by_test_id("public-theme").locator("h2")).to_have_text(name)
            expect(resident.get_by_text("مقاعد جديدة في الحديقة من المجلس")).to_be_visible()
            assert serious_violations(axe, resident) == []
            html = resident.content()
            for personal in ("coordinator@example.org", "Coordinator", "sign-out"):
                assert personal not in html
            # Nothing scrolls sideways on a small phone.
            assert resident.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        _wait_for_worker(resident)
        _kept_offline(resident, "/bn/you-said/what-matters")
        phone.set_offline(True)
        resident.reload()
        expect(resident.get_by_test_id("public-theme").locator("h2")).to_have_text("বাসস্থান ও ভাড়া")
        phone.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
