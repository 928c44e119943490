"""The app's own responses export, made by the app, themed with nothing but the question."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import numpy as np
from flask import Flask

from tests.analysis.conftest import run_cli
from tests.conftest import make_user, sign_in

ROOT = Path(__file__).resolve().parents[2]

# (concern, language, answer, gloss); the answers hold what real ones do: line breaks, a
# Unicode line separator, commas and quotation marks.
ANSWERS = [
    ("housing", "en", "The rent is too high,\nand the flat is damp", None),
    ("housing", "en", "Our flat is overcrowded \u2028 five of us in two rooms", None),
    ("housing", "en", 'Mould in the bedroom, the landlord says "not my problem"', None),
    ("housing", "en", "Waiting years on the council housing list for a flat", None),
    ("housing", "bn", "বাড়ি ভাড়া অনেক বেশি, ঘর স্যাঁতসেঁতে", "The rent is very high and the flat is damp"),
    ("housing", "bn", "বাড়িওয়ালা কিছুই ঠিক করে না", "The landlord fixes nothing in the flat"),
    ("doctor", "en", "I can never get a GP appointment", None),
    ("doctor", "en", "Phoning the surgery at 8am\r\nand still no GP appointment", None),
    ("doctor", "en", "Three weeks to see a GP is far too long", None),
    ("doctor", "en", "The GP surgery never has an appointment for my children", None),
    ("doctor", "bn", "ডাক্তারের অ্যাপয়েন্টমেন্ট পাওয়া যায় না", "I cannot get a GP appointment"),
    ("doctor", "bn", "জিপি দেখাতে তিন সপ্তাহ অপেক্ষা", "Three weeks to wait for a GP appointment"),
    ("parks", "en", "More benches and trees in the park please", None),
    ("parks", "en", "The park playground is broken", None),
    ("parks", "en", "Keep the park clean and open late", None),
    ("parks", "en", "We need a bigger playground in the park", None),
    ("parks", "bn", "পার্কে আরও গাছ আর বেঞ্চ চাই", "More trees and benches in the park"),
    ("parks", "bn", "পার্কের খেলার মাঠ ভাঙা", "The park playground is broken"),
    # Right-to-left and unglossed answers, as residents give them.
    (
        "parks",
        "ar",
        "نريد حديقة نظيفة\nومكانا آمنا للأطفال",
        "A clean park and a safe place for children",
    ),
    ("housing", "so", 'Kirada guriga aad bay u qaali tahay, "waan ka daalnay"', None),
]


def post_answers(app: Flask) -> dict[str, tuple[str, bool]]:
    """Send every answer through the sync API as a volunteer's tablet would: id -> (text,
    whether the resident agreed to be quoted). Every other resident said no."""
    sent: dict[str, tuple[str, bool]] = {}
    payload = []
    for i, (_, language, text, gloss) in enumerate(ANSWERS):
        rid = str(uuid.uuid4())
        quote = i % 2 == 0
        sent[rid] = (text, quote)
        payload.append(
            {
                "id": rid,
                "survey_id": "what-matters",
                "survey_version": 1,
                "language": language,
                "mode": "assisted",
                "created_at": "2026-12-01T10:00:00Z",
                "answers": {
                    "consent": "yes",
                    "what_matters": text,
                    "quote_consent": "yes" if quote else "no",
                    "get_involved": "no",
                },
                "glosses": {"what_matters": gloss} if gloss else {},
            }
        )
    reply = app.test_client().post("/api/v1/responses", json={"responses": payload})
    assert reply.status_code == 200
    assert {r["status"] for r in reply.get_json()["receipts"]} == {"created"}
    return sent


def export(app: Flask, folder: Path) -> Path:
    make_user(app, "analyst")
    analyst = app.test_client()
    sign_in(analyst, "analyst@example.org")
    reply = analyst.get("/en/admin/surveys/what-matters/responses.csv")
    assert reply.status_code == 200
    path = folder / "what-matters-responses.csv"
    path.write_bytes(reply.data)
    return path


def test_the_apps_export_runs_with_only_the_question(app: Flask, tmp_path: Path) -> None:
    sent = post_answers(app)
    path = export(app, tmp_path)
    done = run_cli("themes", path, "--question", "what_matters", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    written = tmp_path / "what-matters-responses-what_matters-themes.json"
    data = json.loads(written.read_text(encoding="utf-8"))
    # Every answer read whole: a line break or a line separator inside one is not a new row.
    assert data["input"]["answers"] == len(ANSWERS)
    assert data["n_responses"] == len(ANSWERS)
    placed = {i for t in data["themes"] for i in t["member_ids"]}
    placed |= set(data["unthemed"]["member_ids"]) | set(data["non_answers"]["member_ids"])
    assert placed == set(sent)
    assert data["input"]["consent_column"] == "quote_consent"
    assert data["input"]["quotable"] == sum(quote for _, quote in sent.values())
    # Glosses and languages came from their columns without being named.
    quotes = [q for t in data["themes"] for q in t["quotes"]]
    assert quotes
    assert any(q["gloss"] for q in quotes) and {q["language"] for q in quotes} >= {"en", "bn"}
    # Only residents who agreed are quoted, in the file and on the screen.
    for quote in quotes:
        text, agreed = sent[quote["response_id"]]
        assert agreed and quote["text"] == text
    # Each answer was embedded once, its gloss where it has one, and the vectors are kept
    # beside the export (a second run embeds nothing).
    with np.load(tmp_path / "what-matters-responses.vectors.npz") as stored:
        keys = set(stored["keys"].tolist())
    # (The app stores a Windows line break as "\n".)
    embedded = {gloss or text.replace("\r\n", "\n") for _, _, text, gloss in ANSWERS}
    assert keys == {hashlib.sha256(t.encode("utf-8")).hexdigest() for t in embedded}
    again = run_cli("themes", path, "--question", "what_matters", cwd=tmp_path)
    assert again.returncode == 0 and "Embedding" not in again.stderr
    printed = done.stdout
    file_text = written.read_text(encoding="utf-8")
    for text, agreed in sent.values():
        text = text.replace("\r\n", "\n")
        if not agreed:
            assert json.dumps(text, ensure_ascii=False) not in file_text
            assert text[:30] not in printed
