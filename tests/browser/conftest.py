"""Browser tests: the real server as a subprocess on a free port, Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium package is needed: apt-get install chromium"
    return {"executable_path": executable, "args": CHROMIUM_ARGS}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    database: Path
    process: subprocess.Popen[bytes]

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the server's own SQLite file, as a coordinator's export would."""
        with sqlite3.connect(self.database) as conn:
            return list(conn.execute(sql, params))

    def wait_for(
        self,
        sql: str,
        params: tuple[Any, ...],
        expected: list[tuple[Any, ...]],
        timeout: float = 15.0,
    ) -> list[tuple[Any, ...]]:
        """Poll the database until a query gives the expected rows (or the time is up)."""
        deadline = time.monotonic() + timeout
        rows = self.query(sql, params)
        while rows != expected and time.monotonic() < deadline:
            time.sleep(0.1)
            rows = self.query(sql, params)
        return rows


# A load test sends from one address far faster than any team: the send limits (tested on
# their own) would only slow it down.
LOAD_SETTINGS = {
    "SEND_LIMIT_PER_ADDRESS": "1000000 per minute",
    "SEND_LIMIT_PER_DEVICE": "1000000 per minute",
}


def start_server(
    tmp: Path, port: int | None = None, settings: dict[str, str] | None = None
) -> LiveServer:
    """The app as run.py runs it; ``settings`` as WHATMATTERS_<NAME> environment variables."""
    port = port or _free_port()
    database = tmp / "live.sqlite"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.update({f"WHATMATTERS_{name}": value for name, value in (settings or {}).items()})
    log_path = tmp / "server.log"
    # Listed for the check after the whole suite: no resident's details in any log.
    if "WM_TEST_LOGS" in os.environ:
        with (Path(os.environ["WM_TEST_LOGS"]) / "servers.txt").open("a") as listed:
            listed.write(f"{log_path}\n")
    # A file, not a pipe: an unread pipe that fills up would stall the server.
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "run.py"),
                "--port",
                str(port),
                "--database",
                str(database),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return LiveServer(url, database, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"the server did not start:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("server"))
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def serious_violations(axe: Axe, page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page, as readable lines."""
    # After a click that posts a form the new page may not be there yet: axe on a document
    # mid-navigation fails (no documentElement), so wait for the page to have loaded.
    page.wait_for_load_state("load")
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


PASSWORD = "a long password"


def create_user(server: LiveServer, email: str, role: str, languages: str = "") -> None:
    """An account made the way a coordinator would: with the create-user command."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "survey_app",
            "create-user",
            "--email",
            email,
            "--name",
            role.title(),
            "--role",
            role,
            "--password",
            PASSWORD,
            "--languages",
            languages,
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={"WHATMATTERS_DATABASE": str(server.database), "PATH": "/usr/bin:/bin"},
    )


def sign_in(
    page: Page, server: LiveServer, email: str, lang: str = "en", device: str | None = None
) -> None:
    page.goto(f"{server.url}/{lang}/sign-in")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    if device:
        page.locator("#device_label").fill(device)
    # Wait for the answer: a goto straight after the click could cancel the sign-in.
    with page.expect_navigation():
        page.get_by_test_id("sign-in").click()


def scripts_ready(page: Page) -> None:
    """Wait for the page's deferred scripts: a form's server-rendered answer shows before
    they run, so the device's store is not there yet."""
    page.wait_for_function("document.readyState === 'complete'")


def without_background_sync(context: BrowserContext) -> None:
    """Pages in this context see no Background Sync, as in Firefox and Safari.

    The service worker's sync event sends the outbox from the worker, where neither a route
    nor :func:`failing_sends` reaches, so a test that makes a send fail would race it.
    """
    context.add_init_script(
        "Object.defineProperty(ServiceWorkerRegistration.prototype, 'sync', {get: () => undefined})"
    )


def failing_sends(context: BrowserContext) -> None:
    """Pages in this context fail their own fetches to any URL containing the text kept
    under ``wm-test-failing`` in localStorage, as a dropped signal would.

    A route cannot be trusted with this: a request that passes through a service worker
    which has just been restarted (a loaded machine culls idle workers) can escape
    context.route and reach the server.
    """
    context.add_init_script(
        """(() => {
          const real = window.fetch;
          window.fetch = function (url, options) {
            let failing = null;
            try { failing = localStorage.getItem('wm-test-failing'); } catch (e) {}
            const target = url instanceof Request ? url.url : String(url);
            if (failing && target.includes(failing)) {
              return Promise.reject(new TypeError('Failed to fetch'));
            }
            return real.apply(this, arguments);
          };
        })()"""
    )


def make_kiosk(page: Page, server: LiveServer, lang: str = "en") -> None:
    """A staff member turns this browser into a kiosk, which signs them out."""
    email = f"kiosk-{time.monotonic_ns()}@example.org"
    create_user(server, email, "coordinator")
    sign_in(page, server, email, lang=lang)
    page.goto(f"{server.url}/{lang}/kiosk/")
    page.get_by_test_id("kiosk-on").click()
    expect(page.get_by_test_id("kiosk-staff-link")).to_be_visible()
    expect(page.get_by_test_id("sign-out")).to_have_count(0)


def upload_form(page: Page, server: LiveServer, folder: Path, data: bytes, publish: bool) -> None:
    """An XLSForm uploaded by a signed-in coordinator on ``page``, published if asked."""
    page.goto(server.url + "/en/admin/surveys")
    upload = folder / "form.xlsx"
    upload.write_bytes(data)
    page.locator("#file").set_input_files(str(upload))
    page.get_by_test_id("upload-xlsform").click()
    expect(page.get_by_test_id("publish")).to_be_visible()
    if publish:
        page.get_by_test_id("publish").click()
        expect(page.get_by_test_id("unpublish")).to_be_visible()


def publish_form(browser: Browser, server: LiveServer, folder: Path, data: bytes) -> None:
    """An XLSForm published by a coordinator from a desk of their own, then signed out."""
    create_user(server, "coord@example.org", "coordinator")
    desk = browser.new_context()
    page = desk.new_page()
    sign_in(page, server, "coord@example.org")
    upload_form(page, server, folder, data, publish=True)
    desk.close()
