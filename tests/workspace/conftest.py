"""An app with staff accounts and answers in four languages, and helpers to sign in and to
wait for an analysis run, all through real HTTP requests to the app."""

from __future__ import annotations

import re
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import create_app, storage, themes_input
from tests.conftest import PASSWORD, staff_app, staff_config
from tests.workspace.seed import payload

Q = "/en/analysis/what-matters/what_matters"


def team_app(database: Path) -> Flask:
    """The staff app with a second analyst, a Bengali-reading volunteer and 72 answers,
    each with its vectors made (as on arrival)."""
    app = staff_app(database, EMBED_ON_ARRIVAL=False)
    with app.app_context():
        db = storage.get_db()
        storage.accounts.create_user(
            db, email="analyst2@example.org", name="Second", role="analyst", password=PASSWORD
        )
        storage.accounts.create_user(
            db,
            email="bengali@example.org",
            name="Rina",
            role="volunteer",
            password=PASSWORD,
            languages=("bn",),
        )
    send(app, payload(72))
    with app.app_context():
        db = storage.get_db()
        themes_input.vectors_for(
            db, "what_matters", themes_input.responses_for(db, "what-matters", "what_matters")
        )
    return app


def copy_of(template: Path, staff_round: int, database: Path) -> Flask:
    """The staff app on a copy of ``template`` (a :func:`team_app` file): what one test
    changes, no other sees."""
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(database)) as copy:
        source.backup(copy)
    app = create_app(staff_config(database))
    app.config["STAFF_ROUND"] = staff_round
    return app


@pytest.fixture(scope="session")
def team_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The team's app made once per worker, as a file to copy: the model embeds its 72
    answers once, not once per test."""
    database = tmp_path_factory.mktemp("team") / "team.sqlite"
    return database, team_app(database).config["STAFF_ROUND"]


@pytest.fixture
def team(team_file: tuple[Path, int], tmp_path: Path) -> Flask:
    return copy_of(*team_file, tmp_path / "team.sqlite")


def send(app: Flask, items: list[dict[str, Any]]) -> None:
    reply = app.test_client().post("/api/v1/responses", json={"responses": items})
    assert reply.status_code == 200
    assert {r["status"] for r in reply.get_json()["receipts"]} == {"created"}


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    reply = client.post("/en/sign-in", data={"email": email, "password": PASSWORD})
    # Staff are sent on; a volunteer first sees their device's key page.
    assert reply.status_code in (200, 302)
    assert "sign-out" in client.get("/en/analysis/translate").get_data(as_text=True)
    return client


def wait_for_run(app: Flask, timeout: float = 180.0) -> storage.analysis_runs.Run:
    """The newest run, once it has finished (well or not)."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            run = storage.analysis_runs.latest(storage.get_db(), "what-matters", "what_matters")
        assert run is not None
        if not run.active or time.monotonic() > deadline:
            return run
        time.sleep(0.2)


def run_analysis(client: FlaskClient, app: Flask, **form: Any) -> storage.analysis_runs.Run:
    reply = client.post(Q + "/run", data={"kind": "find", **form})
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    assert re.search(r"/runs/\d+$", reply.headers["Location"])
    run = wait_for_run(app)
    assert run.status == "done", run.error
    return run


def rows(app: Flask, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(r) for r in storage.get_db().execute(sql, params).fetchall()]
