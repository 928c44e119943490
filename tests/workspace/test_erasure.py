"""Erasing a resident whose words the team reviewed, pinned and published: every trace
goes (themes, quotes, review records, vectors, saved reports), the rest of the team's
work stands, and an undo of a decision that named them still works."""

from __future__ import annotations

import json

from flask import Flask

from survey_app import storage
from tests.workspace.conftest import Q, rows, signed_in
from tests.workspace.reviewed import review
from tests.workspace.test_report import save_report


def test_erasing_a_pinned_and_published_quote_leaves_no_trace(team: Flask) -> None:
    client = signed_in(team, "coordinator@example.org")
    reviewed = review(team, client)
    theme_id, erased = next(iter(reviewed.pinned.items()))
    said = reviewed.pinned_text[theme_id]
    report = save_report(client)
    assert said in client.get(report).get_data(as_text=True)
    assert rows(team, "SELECT count(*) FROM answer_vectors WHERE response_id = ?", (erased,))[0][0]
    [(pin_entry,)] = rows(
        team, "SELECT id FROM review_log WHERE action = 'pin' AND detail LIKE ?", (f"%{erased}%",)
    )
    kept_themes = rows(team, "SELECT id, name FROM themes ORDER BY id")

    reply = client.post("/en/admin/residents/erase", data={"response": erased, "confirm": "y"})
    assert reply.status_code == 302

    with team.app_context():
        dump = "\n".join(storage.get_db().conn.iterdump())
    assert erased not in dump
    # Another resident's answer may contain theirs ("X (1)" holds "X"): take those out first.
    longer = rows(
        team, "SELECT value FROM answers WHERE value LIKE ? AND value != ?", (f"%{said}%", said)
    )
    for (other,) in longer:
        for form in _stored_forms(other):
            dump = dump.replace(form, "")
    for form in _stored_forms(said):
        assert form not in dump
    # The saved version no longer quotes them; the other pinned quotes stay.
    page = client.get(report).get_data(as_text=True)
    assert said not in page
    for other_theme, text in reviewed.pinned_text.items():
        if other_theme != theme_id:
            assert text in page
    assert rows(team, "SELECT id, name FROM themes ORDER BY id") == kept_themes
    [(detail,)] = rows(team, "SELECT detail FROM audit_log WHERE action = 'erased'")
    assert json.loads(detail)["report_quotes"] == 1
    # Undoing the pin that named them restores what is left, without them.
    assert client.post(f"{Q}/history/{pin_entry}/undo").status_code == 302
    assert erased not in "\n".join(str(r) for r in rows(team, "SELECT * FROM pinned_quotes"))


def _stored_forms(text: str) -> list[str]:
    """How a text can appear in a dump: as an SQL literal, or inside JSON (ASCII-escaped or not)."""
    return [
        text.replace("'", "''"),
        json.dumps(text)[1:-1].replace("'", "''"),
        json.dumps(text, ensure_ascii=False)[1:-1].replace("'", "''"),
    ]
