"""run.py: a real WSGI server on 127.0.0.1 unless told otherwise, creating its database."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

import run
from tests.browser.conftest import start_server


def test_defaults_bind_to_this_machine_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "DATABASE"):
        monkeypatch.delenv(f"WHATMATTERS_{name}", raising=False)
    args = run.parse_args([])
    assert (args.host, args.port, args.database) == ("127.0.0.1", 8080, None)


def test_environment_sets_the_same_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATMATTERS_PORT", "9001")
    monkeypatch.setenv("WHATMATTERS_DATABASE", "/tmp/x.sqlite")
    args = run.parse_args([])
    assert (args.port, args.database) == (9001, "/tmp/x.sqlite")


def test_server_starts_creates_the_database_and_says_where(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        assert server.database.exists()
        assert server.query("SELECT survey_id, version FROM survey_versions") == [
            ("what-matters", 1)
        ]
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
    log = (tmp_path / "server.log").read_text()
    assert "Open http://localhost:" in log and str(server.database) in log


def test_the_server_purges_on_its_own_and_logs_one_line_per_record(tmp_path: Path) -> None:
    # 0.0005 hours: the first purge 1.8 s after start, as run.py schedules a daily one.
    server = start_server(tmp_path, settings={"PURGE_EVERY_HOURS": "0.0005"})
    log_path = tmp_path / "server.log"
    try:
        deadline = time.monotonic() + 30
        while "daily purge:" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
    purged = [line for line in log_path.read_text().splitlines() if "daily purge:" in line]
    assert purged, log_path.read_text()
    # run.py's one-line format (survey_app.logs): time, level, logger, message.
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO survey_app\.operations\.purging "
        r"daily purge: \{.*'responses': 0.*\}",
        purged[0],
    ), purged[0]
