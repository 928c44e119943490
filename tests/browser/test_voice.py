"""Voice answers in the browser: recorded offline with a fake microphone, kept through a
closed browser, sent once when the network is back, heard only by the team."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from tests.browser.conftest import (
    CHROMIUM_ARGS,
    LiveServer,
    create_user,
    failing_sends,
    make_kiosk,
    serious_violations,
    sign_in,
    start_server,
    without_background_sync,
)
from tests.browser.test_offline import _wait_for_worker

FAKE_MICROPHONE = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
WEBM = bytes.fromhex("1a45dfa3")


def _open(playwright: Playwright, profile: Path, offline: bool = False) -> BrowserContext:
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=shutil.which("chromium"),
        args=CHROMIUM_ARGS + FAKE_MICROPHONE,
        offline=offline,
        permissions=["microphone"],
    )


def _to_the_open_question(page: Page) -> str:
    form = page.locator("form[data-wm-ready]")
    expect(form).to_have_count(1)
    page.locator("#q-consent").check()
    page.get_by_test_id("next").click()
    expect(page.locator("#q-what_matters")).to_be_visible()
    return form.get_attribute("data-response-id") or ""


def _record(page: Page, seconds: float = 2.0) -> None:
    block = page.locator("[data-wm-voice=what_matters]")
    block.get_by_test_id("voice-consent").check()
    block.get_by_test_id("voice-record").click()
    expect(block.get_by_test_id("voice-stop")).to_be_visible()
    expect(block.get_by_test_id("voice-time")).to_contain_text("0:0")
    time.sleep(seconds)
    block.get_by_test_id("voice-stop").click()
    expect(block).to_have_attribute("data-recorded", "true")
    expect(block.get_by_test_id("voice-audio")).to_be_visible()


def _finish(page: Page) -> None:
    """From the open question on; spoken, not typed, it counts as answered."""
    page.get_by_test_id("next").click()
    expect(page.get_by_test_id("error-summary")).to_have_count(0)
    for _ in range(3):
        page.get_by_test_id("next").click()
    page.locator("#q-quote_consent--no").check()
    page.locator("#q-get_involved--no").check()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("thanks-status")).to_be_visible()


def _on_device(page: Page) -> int:
    return int(page.evaluate("WMStore.count('recordings')"))


def test_a_voice_answer_recorded_offline_arrives_once_and_only_the_team_hears_it(
    playwright: Playwright, browser: Browser, axe: Axe, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    port = int(server.url.rsplit(":", 1)[1])
    profile = tmp_path / "profile"
    context = _open(playwright, profile)
    page = context.new_page()
    page.goto(server.url + "/en/")
    _wait_for_worker(page)
    context.set_offline(True)
    server.process.kill()
    server.process.wait()
    page.goto(server.url + "/en/s/what-matters/")
    response_id = _to_the_open_question(page)
    _record(page)
    # Kept on the device from the moment it stopped: a closed tab loses nothing.
    assert _on_device(page) == 1
    context.close()
    context = _open(playwright, profile, offline=True)
    page = context.new_page()
    page.goto(server.url + "/en/s/what-matters/")
    expect(page.locator("[data-wm-draft-notice]")).to_be_visible()
    expect(page.locator("form[data-wm-ready]")).to_have_attribute("data-response-id", response_id)
    block = page.locator("[data-wm-voice=what_matters]")
    expect(block).to_have_attribute("data-recorded", "true")  # the draft's recording is back
    _finish(page)
    expect(page.get_by_test_id("saved-on-device")).to_be_visible()
    expect(page.get_by_test_id("outbox")).to_have_attribute("data-audio-waiting", "1")
    assert not page.locator("audio[src]").count()
    context.close()

    context = _open(playwright, profile, offline=True)
    page = context.new_page()
    page.goto(server.url + "/en/")
    expect(page.get_by_test_id("outbox")).to_have_attribute("data-audio-waiting", "1")
    server = start_server(tmp_path, port=port)
    try:
        context.set_offline(False)
        expect(page.get_by_test_id("outbox")).to_have_attribute("data-waiting", "0", timeout=15000)
        expect(page.get_by_test_id("outbox")).to_have_attribute(
            "data-audio-waiting", "0", timeout=15000
        )
        page.get_by_test_id("send-now").click()  # a second send changes nothing
        rows = server.query(
            "SELECT g.id, g.size, g.stored_name, r.voice_consent FROM recordings g JOIN responses r"
            " ON r.id = response_id WHERE response_id = ?",
            (response_id,),
        )
        assert len(rows) == 1 and rows[0][2] and rows[0][3] == 1
        folder = server.database.with_name("live-recordings")
        files = [p for p in folder.rglob("*") if p.is_file()]
        assert [p.name for p in files] == [rows[0][2]]
        stored = files[0].read_bytes()
        assert len(stored) == rows[0][1] and stored.startswith(WEBM)
        assert _on_device(page) == 0
        context.close()
        _only_the_team_hears_it(browser, axe, server, rows[0][0], stored)
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def _only_the_team_hears_it(
    browser: Browser, axe: Axe, server: LiveServer, recording: str, data: bytes
) -> None:
    create_user(server, "analyst@example.org", "analyst", "en,so")
    create_user(server, "volunteer@example.org", "volunteer", "en,so")
    url = f"{server.url}/en/analysis/recordings/{recording}"
    anonymous = browser.new_context()
    reply = anonymous.request.get(url, max_redirects=0)
    assert reply.status == 302 and data[:64] not in reply.body()
    volunteer = browser.new_context()
    page = volunteer.new_page()
    sign_in(page, server, "volunteer@example.org")
    assert volunteer.request.get(url).status == 403
    analyst = browser.new_context()
    page = analyst.new_page()
    sign_in(page, server, "analyst@example.org")
    heard = analyst.request.get(url)
    assert heard.status == 200 and heard.body() == data
    assert heard.headers["cache-control"] == "no-store"
    # And it plays: the browser reads a length from it.
    page.goto(server.url + "/en/analysis/translate")
    player = page.get_by_test_id("transcript-audio").first
    expect(player).to_be_visible()
    deadline = time.monotonic() + 10
    while not page.evaluate(
        "document.querySelector('[data-testid=transcript-audio]').readyState >= 1"
    ):
        assert time.monotonic() < deadline, "the recording never loaded"
        time.sleep(0.1)
    assert serious_violations(axe, page) == []
    # The team's page right to left: the player, the transcript box, the gloss box.
    page.goto(server.url + "/ar/analysis/translate")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("transcript-audio")).to_have_count(1)
    assert serious_violations(axe, page) == []
    # Written down: the spoken answer becomes the answer the analysis reads.
    page.get_by_test_id("transcript-input").fill("Lifts that work, and a bench by the door")
    page.get_by_test_id("save-transcript").click()
    expect(page.get_by_test_id("transcript-audio")).to_have_count(0)
    assert server.query(
        "SELECT a.value FROM answers a JOIN recordings g ON g.response_id = a.response_id"
        " AND g.question_id = a.question_id WHERE g.id = ?",
        (recording,),
    ) == [("Lifts that work, and a bench by the door",)]
    for context in (anonymous, volunteer, analyst):
        context.close()


def test_a_kiosk_never_plays_the_last_persons_recording(
    playwright: Playwright, tmp_path: Path
) -> None:
    """Offline on a kiosk, in Arabic: the next person finds nothing to play, and a
    recording left half-way is deleted when the survey starts again by itself."""
    server = start_server(
        tmp_path, settings={"KIOSK_IDLE_SECONDS": "6", "KIOSK_COUNTDOWN_SECONDS": "1"}
    )
    try:
        context = _open(playwright, tmp_path / "profile")
        page = context.new_page()
        make_kiosk(page, server, lang="ar")
        page.goto(server.url + "/ar/")
        _wait_for_worker(page)
        context.set_offline(True)
        page.goto(server.url + "/ar/s/what-matters/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        _to_the_open_question(page)
        _record(page, seconds=1.0)
        _finish(page)
        page.get_by_test_id("next-person").click()
        page.goto(server.url + "/ar/s/what-matters/")
        _to_the_open_question(page)
        block = page.locator("[data-wm-voice=what_matters]")
        expect(block).to_have_attribute("data-recorded", "false")
        assert page.locator("audio[src]").count() == 0
        assert _on_device(page) == 1  # the finished one, waiting to be sent; never shown
        # The next person records and walks away: the survey starts again by itself.
        _record(page, seconds=1.0)
        assert _on_device(page) == 2
        expect(page.get_by_test_id("start")).to_be_visible(timeout=15000)
        assert _on_device(page) == 1
        context.set_offline(False)
        page.goto(server.url + "/ar/")
        expect(page.get_by_test_id("outbox")).to_have_attribute(
            "data-audio-waiting", "0", timeout=15000
        )
        assert server.query("SELECT count(*) FROM recordings WHERE stored_name IS NOT NULL") == [
            (1,)
        ]
        context.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def test_the_recorder_reads_right_to_left_and_passes_axe(
    playwright: Playwright, live_server: LiveServer, axe: Axe, tmp_path: Path
) -> None:
    context = _open(playwright, tmp_path / "profile")
    page = context.new_page()
    page.goto(live_server.url + "/ur/s/what-matters/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    _to_the_open_question(page)
    block = page.locator("[data-wm-voice=what_matters]")
    expect(block).to_be_visible()
    # Recording before agreeing to keep it is not possible: the person is told why.
    block.get_by_test_id("voice-record").click()
    expect(block.get_by_test_id("voice-status")).not_to_have_text("")
    expect(block.get_by_test_id("voice-stop")).to_be_hidden()
    assert serious_violations(axe, page) == []
    _record(page, seconds=1.0)
    assert serious_violations(axe, page) == []
    # Deleted: nothing left to play, on the page or the device.
    block.get_by_test_id("voice-delete").click()
    expect(block).to_have_attribute("data-recorded", "false")
    assert _on_device(page) == 0
    context.close()


def test_without_a_microphone_the_person_is_told_to_type(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context()  # no microphone, and no leave to use one
    page = context.new_page()
    page.goto(live_server.url + "/en/s/what-matters/")
    _to_the_open_question(page)
    block = page.locator("[data-wm-voice=what_matters]")
    block.get_by_test_id("voice-consent").check()
    block.get_by_test_id("voice-record").click()
    expect(block.get_by_test_id("voice-status")).to_contain_text("Please type your answer")
    page.locator("#q-what_matters").fill("Typed instead")
    _finish(page)
    context.close()


def test_a_revoked_tablets_recordings_reach_the_server_in_its_saved_file(
    playwright: Playwright, browser: Browser, tmp_path: Path
) -> None:
    """The device cannot send any more: the file it saves carries the audio, and the
    coordinator's import stores it as the upload would have, byte for byte."""
    import base64
    import json

    server = start_server(tmp_path)
    try:
        create_user(server, "vol@example.org", "volunteer")
        create_user(server, "coord@example.org", "coordinator")
        tablet = _open(playwright, tmp_path / "profile")
        page = tablet.new_page()
        sign_in(page, server, "vol@example.org", device="Tablet 9")
        expect(page.get_by_test_id("device-status")).to_have_attribute("data-stored", "true")
        _wait_for_worker(page)
        tablet.set_offline(True)
        page.get_by_test_id("collect").click()
        response_id = _to_the_open_question(page)
        _record(page, seconds=1.0)
        _finish(page)
        desk = browser.new_context()
        admin = desk.new_page()
        sign_in(admin, server, "coord@example.org")
        admin.goto(server.url + "/en/admin/devices")
        admin.locator("tr[data-device]").get_by_test_id("revoke").click()
        tablet.set_offline(False)
        page.goto(server.url + "/en/")
        page.get_by_test_id("send-now").click()
        expect(page.get_by_test_id("refused")).to_contain_text("signed this device out")
        with page.expect_download() as download:
            page.get_by_test_id("export").click()
        saved = json.loads(Path(download.value.path()).read_text("utf-8"))
        [recording] = saved["recordings"]
        assert recording["response"] == response_id
        audio = base64.b64decode(recording["data"])
        assert len(audio) == recording["size"] and audio.startswith(WEBM)
        admin.goto(server.url + "/en/admin/import")
        admin.locator("#file").set_input_files(download.value.path())
        admin.get_by_test_id("import").click()
        expect(admin.get_by_test_id("created")).to_have_text("1")
        expect(admin.get_by_test_id("voices-stored")).to_have_text("1")
        [(name,)] = server.query(
            "SELECT stored_name FROM recordings WHERE id = ? AND response_id = ?",
            (recording["id"], response_id),
        )
        stored = server.database.with_name("live-recordings") / name
        assert stored.read_bytes() == audio
        # Imported twice: nothing more is stored.
        admin.goto(server.url + "/en/admin/import")
        admin.locator("#file").set_input_files(download.value.path())
        admin.get_by_test_id("import").click()
        expect(admin.get_by_test_id("duplicate")).to_have_text("1")
        assert server.query("SELECT count(*) FROM recordings") == [(1,)]
        files = [p for p in stored.parent.rglob("*") if p.is_file()]
        assert files == [stored]
        tablet.close()
        desk.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


def test_a_tablet_deletes_a_recording_erased_before_it_was_sent(
    playwright: Playwright, browser: Browser, tmp_path: Path
) -> None:
    from survey_app.storage.references import reference_for

    server = start_server(tmp_path)
    try:
        create_user(server, "coord@example.org", "coordinator")
        context = _open(playwright, tmp_path / "profile")
        without_background_sync(context)  # or the worker would send the recording anyway
        failing_sends(context)
        page = context.new_page()
        page.goto(server.url + "/en/s/what-matters/")
        # The response gets through; its recording does not (the signal drops mid-way).
        page.evaluate("localStorage.setItem('wm-test-failing', '/api/v1/recordings/')")
        response_id = _to_the_open_question(page)
        _record(page)
        _finish(page)
        assert server.wait_for(
            "SELECT count(*) FROM responses WHERE id = ?", (response_id,), [(1,)]
        ) == [(1,)]
        assert _on_device(page) == 1

        # Meanwhile the resident asks for everything to be erased.
        desk = browser.new_context().new_page()
        sign_in(desk, server, "coord@example.org")
        desk.goto(server.url + "/en/admin/residents/")
        desk.locator("#typed").fill(reference_for(response_id))
        desk.locator("[data-testid=find] button[type=submit]").click()
        desk.get_by_test_id("erase").click()
        desk.locator("#confirm").check()
        desk.get_by_test_id("erase-confirm").click()
        expect(desk.get_by_test_id("flash")).to_be_visible()

        # The signal returns: the tablet is told the recording is gone and deletes it.
        page.evaluate("localStorage.removeItem('wm-test-failing')")
        page.goto(server.url + "/en/")
        page.get_by_test_id("send-now").click()
        expect(page.get_by_test_id("outbox")).to_have_attribute(
            "data-audio-waiting", "0", timeout=15000
        )
        assert _on_device(page) == 0
        assert server.query("SELECT count(*) FROM responses") == [(0,)]
        folder = server.database.with_name("live-recordings")
        assert not [p for p in folder.rglob("*") if p.is_file()]
        context.close()
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
