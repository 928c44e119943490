"""run.py: a real WSGI server on 127.0.0.1 unless told otherwise, creating its database."""

from __future__ import annotations

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
