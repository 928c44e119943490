"""Fixtures: an app on a temporary SQLite file, a client, and a helper that fills the survey."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from survey_app import create_app, storage
from survey_app.logs import FORMAT, OneLineFormatter

# The test residents' names, phone numbers and emails: none may reach a log line.
PERSONAL_DATA = (
    "Amina Rahman",
    "amina@example.org",
    "Hodan Warsame",
    "hodan@example.net",
    "07700 900123",
    "someone@example.net",
)
LOGS = "WM_TEST_LOGS"


def pytest_configure(config: pytest.Config) -> None:
    # One folder for the whole run (xdist workers and live servers inherit it): every
    # process's log records, and a list of the live servers' log files.
    if LOGS not in os.environ:
        os.environ[LOGS] = tempfile.mkdtemp(prefix="wm-test-logs-")
    handler = logging.FileHandler(
        Path(os.environ[LOGS]) / f"process-{os.getpid()}.log", encoding="utf-8"
    )
    handler.setFormatter(OneLineFormatter(FORMAT))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After the whole suite: the logs hold none of the test residents' details."""
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controlling process reads every log at the end
    folder = Path(os.environ[LOGS])
    servers = folder / "servers.txt"
    files = list(folder.glob("*.log"))
    if servers.exists():
        files += [Path(line) for line in servers.read_text().splitlines() if line]
    found = [
        f"{path}: {marker}"
        for path in files
        if path.exists()
        for marker in PERSONAL_DATA
        if marker in path.read_text(encoding="utf-8", errors="replace")
    ]
    if found:
        print("\nPersonal data found in the logs:\n" + "\n".join(found))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "DATABASE": str(tmp_path / "test.sqlite"),
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            # One process runs every test from 127.0.0.1; the limit has its own test.
            "RATELIMIT_ENABLED": False,
            # Tests that count what is embedded make the vectors themselves; arrival
            # embedding has its own test (tests/workspace/test_vectors_on_arrival.py).
            "EMBED_ON_ARRIVAL": False,
        }
    )
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def soup(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def field_errors(response: TestResponse) -> dict[str, str]:
    """Messages shown next to fields, by field name, as a person reads them."""
    page = soup(response)
    found = {}
    for node in page.select("p.field-error"):
        name = node["id"].removeprefix("q-").removesuffix("-error")
        hidden = node.select_one(".visually-hidden")
        if hidden:
            hidden.extract()
        found[name] = node.get_text(" ", strip=True)
    return found


def shown_step(response: TestResponse) -> str:
    form = soup(response).select_one("form[data-survey-form]")
    assert form is not None, response.get_data(as_text=True)[:500]
    return str(form["data-step"])


class Resident:
    """Fills the survey through real HTTP requests, as a browser without JavaScript would."""

    def __init__(
        self,
        client: FlaskClient,
        lang: str = "en",
        assisted: bool = False,
        survey_id: str = "what-matters",
        query: str = "",
    ) -> None:
        self.client = client
        self.lang = lang
        self.url = f"/{lang}/s/{survey_id}/"
        url = self.url + (query or ("?with=volunteer" if assisted else ""))
        first = client.get(url)
        assert first.status_code == 200
        page = soup(first)
        self.hidden = {
            tag["name"]: tag.get("value", "")
            for tag in page.select("form[data-survey-form] input[type=hidden]")
        }
        self.response_id = self.hidden["response_id"]
        self.answers: dict[str, Any] = {}
        self.last = first

    def post(self, step: str, action: str = "next", **answers: Any) -> TestResponse:
        self.answers.update(answers)
        data: dict[str, Any] = dict(self.hidden, step=step, action=action)
        data.update(self.answers)
        self.last = self.client.post(self.url, data=data)
        page = soup(self.last)
        token = page.select_one("input[name=csrf_token]")
        if token is not None:
            self.hidden["csrf_token"] = token["value"]
        return self.last

    def complete(self, **overrides: Any) -> TestResponse:
        """Answer every step with sensible answers; ``overrides`` replaces any."""
        answers: dict[str, Any] = {
            "consent": "yes",
            "what_matters": "Being able to see a GP when my children are ill.",
            "quote_consent": "yes",
            "get_involved": "no",
        }
        answers.update(overrides)
        self.answers.update(answers)
        step = "welcome"
        for _ in range(10):
            response = self.post(step)
            if response.status_code != 200:
                return response
            step = shown_step(response)
        raise AssertionError("the survey never ended")


@pytest.fixture
def resident(client: FlaskClient) -> Resident:
    return Resident(client)


def catalogue_translation(lang: str, english: str) -> str:
    """The drafted translation of ``english`` in the shipped catalogue, read from the file."""
    from babel.messages.pofile import read_po

    path = Path(__file__).parent.parent / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        message = read_po(handle).get(english)
    assert message is not None and message.string, f"{english!r} is not translated into {lang}"
    return str(message.string)


def count_rows(app: Flask, table: str) -> int:
    assert re.fullmatch(r"[a-z_]+", table)
    with app.app_context():
        return int(storage.get_db().execute(f"SELECT count(*) FROM {table}").fetchone()[0])


PASSWORD = "correct horse battery"


def make_user(app: Flask, role: str, email: str | None = None) -> storage.accounts.User:
    with app.app_context():
        return storage.accounts.create_user(
            storage.get_db(),
            email=email or f"{role}@example.org",
            name=role.title(),
            role=role,
            password=PASSWORD,
            languages=("en", "so"),
        )


def sign_in(
    client: FlaskClient, email: str, password: str = PASSWORD, label: str = "Tablet 1"
) -> TestResponse:
    page = soup(client.get("/en/sign-in"))
    token = page.select_one("input[name=csrf_token]")["value"]
    return client.post(
        "/en/sign-in",
        data={"csrf_token": token, "email": email, "password": password, "device_label": label},
    )


@pytest.fixture
def coordinator(app: Flask, client: FlaskClient) -> FlaskClient:
    """A client signed in as a coordinator."""
    make_user(app, "coordinator")
    sign_in(client, "coordinator@example.org")
    return client


def staff_config(database: Path, **config: Any) -> dict[str, Any]:
    """The settings of :func:`staff_app`: no CSRF tokens or rate limits in the way."""
    return {
        "DATABASE": str(database),
        "SECRET_KEY": "staff",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        **config,
    }


def staff_app(database: Path, **config: Any) -> Flask:
    """An app with one account for each role and a round with the volunteer on it; the
    round's code is ``app.config["STAFF_ROUND"]``."""
    app = create_app(staff_config(database, **config))
    with app.app_context():
        db = storage.get_db()
        users = [
            storage.accounts.create_user(
                db, email=f"{role}@example.org", name=role, role=role, password=PASSWORD
            )
            for role in ("volunteer", "analyst", "coordinator")
        ]
        event = storage.events.create(
            db,
            kind="door_knocking",
            name="Round",
            survey_id="what-matters",
            volunteer_ids=(users[0].id,),
        )
    app.config["STAFF_ROUND"] = event.id
    return app
