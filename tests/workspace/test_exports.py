"""Exports a partner can open: no live formulas, every script intact, contact details only
for a coordinator and only of residents who agreed, and a record of every file taken."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import openpyxl
import pytest
from flask import Flask

from tests.workspace.conftest import rows, send, signed_in
from tests.workspace.reviewed import review, withdraw_quote_consent

E = "/en/analysis/what-matters/exports"

# Each starts with a character a spreadsheet would read as the start of a formula.
DANGEROUS = [
    '=HYPERLINK("http://x.example","y")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
SCRIPTS = {
    "bn": "আমাদের এলাকায় পার্ক দরকার, স্বাস্থ্য কেন্দ্র খুব দূরে",
    "ar": "نحتاج إلى حديقة في حينا\nومكان آمن للأطفال",
    "zh_Hans": "我们需要公园和更近的诊所",
}


def response(
    answer: str, language: str = "en", gloss: str | None = None, **extra: str
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "survey_id": "what-matters",
        "survey_version": 1,
        "language": language,
        "mode": "assisted",
        "created_at": "2026-12-02T10:00:00Z",
        "answers": {
            "consent": "yes",
            "what_matters": answer,
            "quote_consent": "yes",
            "get_involved": "no",
            **extra,
        },
        "glosses": {"what_matters": gloss} if gloss else {},
    }


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode()), "Excel needs the byte-order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_rows(data: bytes) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_cell_of_an_export_is_run_as_a_formula(team: Flask, fmt: str) -> None:
    send(team, [response(text, "so", gloss=text) for text in DANGEROUS])
    client = signed_in(team, "analyst@example.org")
    reply = client.get(f"{E}/responses.{fmt}", buffered=True)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"
    table = csv_rows(reply.data) if fmt == "csv" else xlsx_rows(reply.data)
    by_id = {r["response_id"]: r for r in table}
    stored = rows(team, "SELECT response_id, value, gloss FROM answers WHERE value = gloss")
    assert len(stored) == len(DANGEROUS)
    for rid, value, gloss in stored:
        # Shown as written after an apostrophe; nothing a spreadsheet would evaluate.
        assert by_id[rid]["what_matters"] == "'" + value
        assert by_id[rid]["what_matters__gloss"] == "'" + gloss
    for r in table:
        for value in r.values():
            assert not str(value or "").startswith(("=", "+", "@", "\t", "\r")), value
            assert not str(value or "").startswith("-") or str(value).lstrip("-").isdigit()
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(reply.data)).active
        assert sheet is not None
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bengali_arabic_and_chinese_survive_the_round_trip(team: Flask, fmt: str) -> None:
    send(team, [response(text, lang, gloss="A park") for lang, text in SCRIPTS.items()])
    client = signed_in(team, "coordinator@example.org")
    data = client.get(f"{E}/responses.{fmt}", buffered=True).data
    table = csv_rows(data) if fmt == "csv" else xlsx_rows(data)
    written = {r["what_matters"] for r in table}
    for text in SCRIPTS.values():
        assert text in written  # byte for byte, the line break in the Arabic answer too
    by_text = {r["what_matters"]: r for r in table}
    assert by_text[SCRIPTS["bn"]]["what_matters__language"] == "bn"
    # One row per response, never split by a line break inside an answer.
    assert len(table) == rows(team, "SELECT count(*) FROM responses")[0][0]


def test_the_export_carries_themes_consents_and_attributes_never_contacts(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    done = review(team, client)
    send(
        team,
        [
            response(
                "Please call me about the park",
                neighbourhood="poplar",
                get_involved="yes",
                contact_consent="yes",
                contact_name="Amina Rahman",
                contact_phone="07700 900123",
            )
        ],
    )
    table = xlsx_rows(client.get(f"{E}/responses.xlsx", buffered=True).data)
    header = set(table[0])
    assert {"quote_consent", "contact_consent", "neighbourhood", "what_matters__themes"} <= header
    pinned = next(iter(done.pinned.values()))
    row = next(r for r in table if r["response_id"] == pinned)
    assert done.named[next(iter(done.pinned))] in row["what_matters__themes"]
    flat = json.dumps(table, ensure_ascii=False, default=str)
    assert "Amina" not in flat and "07700" not in flat


def test_contacts_only_for_a_coordinator_only_who_agreed_and_apart_from_answers(
    team: Flask,
) -> None:
    send(
        team,
        [
            response(
                "Call me",
                get_involved="yes",
                contact_consent="yes",
                contact_name="Amina Rahman",
                contact_phone="07700 900123",
            ),
        ],
    )
    with team.app_context():
        from survey_app import storage

        db = storage.get_db()
        # Someone whose contact details were kept without consent (an older import):
        # they must still never be exported.
        rid = rows(team, "SELECT id FROM responses ORDER BY received_at LIMIT 1")[0][0]
        with storage.write(db):
            db.execute(
                "INSERT OR REPLACE INTO contacts (response_id, name, phone, created_at)"
                " VALUES (?, 'Not Consented', '07000 000000', '2026-12-01')",
                [rid],
            )
    assert signed_in(team, "analyst@example.org").get(f"{E}/contacts.csv").status_code == 403
    reply = signed_in(team, "coordinator@example.org").get(f"{E}/contacts.csv")
    assert reply.status_code == 200
    table = csv_rows(reply.data)
    assert [r["name"] for r in table] == ["Amina Rahman"]
    assert set(table[0]) == {"name", "phone", "email", "date"}  # nothing of what they said


def test_volunteers_and_visitors_get_no_export_and_every_export_is_logged(team: Flask) -> None:
    urls = [f"{E}/responses.csv", f"{E}/responses.xlsx", f"{E}/themes.json", f"{E}/contacts.csv", E]
    anonymous = team.test_client()
    volunteer = signed_in(team, "volunteer@example.org")
    for url in urls:
        assert anonymous.get(url).status_code in (302, 401)
        assert volunteer.get(url).status_code == 403
    assert rows(team, "SELECT count(*) FROM export_log") == [(0,)]
    coordinator = signed_in(team, "coordinator@example.org")
    for url in urls[:4]:
        assert coordinator.get(url, buffered=True).status_code == 200
    logged = rows(
        team,
        "SELECT u.email, l.what, l.format, l.rows FROM export_log l"
        " JOIN users u ON u.id = l.user_id ORDER BY l.id",
    )
    total = rows(team, "SELECT count(*) FROM responses")[0][0]
    assert logged == [
        ("coordinator@example.org", "responses", "csv", total),
        ("coordinator@example.org", "responses", "xlsx", total),
        ("coordinator@example.org", "themes", "json", 0),
        ("coordinator@example.org", "contacts", "csv", 0),
    ]
    page = coordinator.get(E).get_data(as_text=True)
    assert page.count('data-testid="export-log-row"') == 4


def test_the_codebook_has_pinned_quotes_only_from_residents_who_agreed(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    done = review(team, client)
    first, second = list(done.pinned)
    withdraw_quote_consent(team, done.pinned[second])
    body = json.loads(client.get(f"{E}/themes.json").data)
    themes = {t["id"]: t for t in body["questions"][0]["themes"]}
    assert themes[first]["name"] == done.named[first]
    assert [q["text"] for q in themes[first]["pinned_quotes"]] == [done.pinned_text[first]]
    assert themes[second]["pinned_quotes"] == []
    assert done.pinned_text[second] not in json.dumps(body, ensure_ascii=False)


def test_the_themes_export_is_a_codebook_for_the_command_line(
    team: Flask, tmp_path, capsys
) -> None:
    """A team takes its reviewed themes and its answers to a laptop: the command line keeps
    the themes the team named, by their ids, when given the app's own themes file."""
    from analysis.cli import main

    client = signed_in(team, "analyst@example.org")
    done = review(team, client)
    themes_file = tmp_path / "what-matters-themes.json"
    themes_file.write_bytes(client.get(f"{E}/themes.json").data)
    answers = tmp_path / "what-matters-responses.csv"
    answers.write_bytes(client.get(f"{E}/responses.csv").data)
    out = tmp_path / "again.json"
    args = ["themes", str(answers), "--question", "what_matters", "--no-embeddings"]
    assert main([*args, "--codebook", str(themes_file), "--out", str(out)]) == 0
    again = json.loads(out.read_text(encoding="utf-8"))
    kept = {t["id"]: t["label"] for t in again["themes"] if t["from_codebook"]}
    assert {tid: kept.get(tid) for tid in done.named} == done.named
    # A pinned quote is a resident's answer: it stands for that answer, which finds its
    # theme again (no answer is pinned by the file itself).
    members = {t["id"]: set(t["member_ids"]) for t in again["themes"]}
    assert all(done.pinned[tid] in members[tid] for tid in done.pinned)
    other = ["--question", "get_involved", "--codebook", str(themes_file), "--out", str(out)]
    assert main([*args, *other]) == 2
    assert "no themes for the question 'get_involved'" in capsys.readouterr().err


def test_a_leading_tab_or_carriage_return_is_neutralised_too() -> None:
    from survey_app.exports.cells import safe

    assert safe("\t=1+1") == "'\t=1+1"
    assert safe("\r=1+1") == "'\r=1+1"
    assert safe("-3") == "-3" and safe("+44") == "+44" and safe("2.5") == "2.5"
    assert safe("-3+4") == "'-3+4"
    assert safe("কেন্দ্র =1") == "কেন্দ্র =1"
