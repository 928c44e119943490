"""The team writes a voice answer down; the analysis and exports read it as an answer."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from survey_app import storage
from tests.conftest import PASSWORD, staff_app
from tests.voice.helpers import declared, recording_bytes, send, upload, voice_response
from tests.workspace.test_exports import csv_rows

EXPORT = "/en/analysis/what-matters/exports/responses.csv"


def _signed_in(app: Flask, role: str) -> FlaskClient:
    with app.app_context(), storage.write(storage.get_db()) as db:
        db.execute("UPDATE users SET languages = 'en,so' WHERE email = ?", [f"{role}@example.org"])
    client = app.test_client()
    client.post("/en/sign-in", data={"email": f"{role}@example.org", "password": PASSWORD})
    return client


def _spoken(app: Flask, typed: str | None = None, arrive: bool = True) -> dict[str, str]:
    client = app.test_client()
    data = recording_bytes(40_000)
    spoken = declared("what_matters", data)
    item = voice_response(spoken)
    if typed:
        item["answers"]["what_matters"] = typed
    assert send(client, item)["status"] == "created"
    if arrive:
        upload(client, spoken["id"], data)
    return {"response": item["id"], "recording": spoken["id"]}


def _export(client: FlaskClient) -> dict[str, dict[str, str]]:
    reply = client.get(EXPORT)
    try:
        return {row["response_id"]: row for row in csv_rows(reply.data)}
    finally:
        reply.close()


def _answer(app: Flask, response_id: str) -> tuple[str, str, str | None] | None:
    with app.app_context():
        row = (
            storage.get_db()
            .execute(
                "SELECT value, language, gloss FROM answers WHERE response_id = ?"
                " AND question_id = 'what_matters'",
                [response_id],
            )
            .fetchone()
        )
    return None if row is None else (row[0], row[1], row[2])


def test_a_transcript_becomes_the_answer_the_analysis_reads(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "t.sqlite")
    ids = _spoken(app)
    waiting = _spoken(app, arrive=False)
    analyst = _signed_in(app, "analyst")
    page = analyst.get("/en/analysis/translate").get_data(as_text=True)
    assert ids["recording"] in page and waiting["recording"] not in page  # only what arrived
    home = analyst.get("/en/analysis/").get_data(as_text=True)
    assert "1 voice answer is not written down yet" in home
    assert "1 response is waiting for its recording to arrive" in home
    rows = _export(analyst)
    assert rows[ids["response"]]["what_matters__voice"] == "not transcribed"
    assert rows[waiting["response"]]["what_matters__voice"] == "audio waiting"
    saved = analyst.post(
        "/en/analysis/translate/transcript",
        data={
            "recording_id": ids["recording"],
            "transcript": "Guryo la awoodi karo",
            "gloss": "Affordable housing",
        },
    )
    assert saved.status_code == 302
    assert _answer(app, ids["response"]) == ("Guryo la awoodi karo", "so", "Affordable housing")
    with app.app_context():
        texts = storage.vectors.free_text_answers(storage.get_db(), "what-matters", "what_matters")
    assert [t.text for t in texts] == ["Guryo la awoodi karo"]
    rows = _export(analyst)
    assert rows[ids["response"]]["what_matters"] == "Guryo la awoodi karo"
    assert rows[ids["response"]]["what_matters__voice"] == "transcribed"
    assert ids["recording"] not in analyst.get("/en/analysis/translate").get_data(as_text=True)
    # Corrected later: the answer follows.
    analyst.post(
        "/en/analysis/translate/transcript",
        data={"recording_id": ids["recording"], "transcript": "Guryo la awoodi karo iyo shaqo"},
    )
    assert _answer(app, ids["response"]) == (
        "Guryo la awoodi karo iyo shaqo",
        "so",
        "Affordable housing",
    )


def test_a_typed_answer_is_never_overwritten_by_a_transcript(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "t.sqlite")
    ids = _spoken(app, typed="Guryo")
    analyst = _signed_in(app, "analyst")
    analyst.post(
        "/en/analysis/translate/transcript",
        data={"recording_id": ids["recording"], "transcript": "Guryo iyo shaqo"},
    )
    assert _answer(app, ids["response"]) == ("Guryo", "so", None)
    with app.app_context():
        recording = storage.recordings.get(storage.get_db(), ids["recording"])
    assert recording.transcript == "Guryo iyo shaqo"


def test_only_the_team_writes_transcripts(tmp_path: Path) -> None:
    app = staff_app(tmp_path / "t.sqlite")
    ids = _spoken(app)
    volunteer = _signed_in(app, "volunteer")
    assert ids["recording"] not in volunteer.get("/en/analysis/translate").get_data(as_text=True)
    refused = volunteer.post(
        "/en/analysis/translate/transcript",
        data={"recording_id": ids["recording"], "transcript": "x"},
    )
    assert refused.status_code == 403 and _answer(app, ids["response"]) is None
