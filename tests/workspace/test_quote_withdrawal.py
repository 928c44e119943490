"""A resident who no longer wants to be quoted: their words leave every saved report and
pinned quote and are never quoted again, while their answers stay in the themes."""

from __future__ import annotations

import json

from flask import Flask

from tests.workspace.conftest import Q, rows, signed_in
from tests.workspace.reviewed import review
from tests.workspace.test_report import save_report

REQUESTS = "/en/admin/residents/"
E = "/en/analysis/what-matters/exports"


def test_withdrawing_quote_consent_takes_their_words_out_of_every_report(team: Flask) -> None:
    client = signed_in(team, "coordinator@example.org")
    reviewed = review(team, client)
    theme_id, resident = next(iter(reviewed.pinned.items()))
    said = reviewed.pinned_text[theme_id]
    report = save_report(client)
    assert said in client.get(report).get_data(as_text=True)
    placed = rows(team, "SELECT theme_id FROM theme_members WHERE response_id = ?", (resident,))

    reply = client.post(REQUESTS + "withdraw-quote", data={"response": resident})
    assert reply.status_code == 302 and resident not in reply.headers["Location"]
    assert "1 quote taken out of saved reports" in client.get(REQUESTS).get_data(as_text=True)

    # The saved version, a new version and the codebook export no longer quote them; the
    # other pinned quotes stay.
    for page in (report, save_report(client), f"{E}/themes.json"):
        text = client.get(page).get_data(as_text=True)
        assert said not in text and json.dumps(said)[1:-1] not in text, page
    kept = client.get(report).get_data(as_text=True)
    for other_theme, text in reviewed.pinned_text.items():
        if other_theme != theme_id:
            assert text in kept
    assert rows(team, "SELECT count(*) FROM pinned_quotes WHERE response_id = ?", (resident,)) == [
        (0,)
    ]
    # Their answer stays where the team put it, and may no longer be quoted.
    assert (
        rows(team, "SELECT theme_id FROM theme_members WHERE response_id = ?", (resident,))
        == placed
    )
    assert rows(team, "SELECT quote_consent FROM responses WHERE id = ?", (resident,)) == [(0,)]
    [(given, withdrawn)] = rows(
        team,
        "SELECT given, withdrawn_at FROM consents WHERE response_id = ? AND kind = 'quote'",
        (resident,),
    )
    assert given == 1 and withdrawn is not None
    [(detail,)] = rows(team, "SELECT detail FROM audit_log WHERE action = 'quote_withdrawn'")
    assert json.loads(detail) == {"pinned": 1, "report_quotes": 1}
    assert said not in detail

    # Asked again, nothing is left to withdraw and nothing changes.
    before = rows(team, "SELECT content FROM reports ORDER BY id")
    again = client.post(REQUESTS + "withdraw-quote", data={"response": resident})
    assert again.status_code == 302
    assert "nothing to withdraw" in client.get(REQUESTS).get_data(as_text=True)
    assert rows(team, "SELECT content FROM reports ORDER BY id") == before
    assert rows(team, "SELECT count(*) FROM audit_log WHERE action = 'quote_withdrawn'") == [(1,)]


def _quoted(team: Flask, said: str) -> list[int]:
    """How many times each saved report version quotes ``said``, oldest first."""
    return [
        sum(
            quote["text"] == said
            for question in json.loads(content)["questions"]
            for theme in question["themes"]
            for quote in theme["quotes"]
        )
        for (content,) in rows(team, "SELECT content FROM reports ORDER BY id")
    ]


def test_a_resident_who_said_the_same_words_keeps_their_quote(team: Flask) -> None:
    from survey_app import storage

    client = signed_in(team, "coordinator@example.org")
    reviewed = review(team, client)
    theme_id, resident = next(iter(reviewed.pinned.items()))
    said = reviewed.pinned_text[theme_id]
    # Another resident of the same theme, who may be quoted, said the very same words.
    [(other,)] = rows(
        team,
        "SELECT m.response_id FROM theme_members m JOIN responses r ON r.id = m.response_id"
        " WHERE m.theme_id = ? AND r.quote_consent = 1 AND r.id != ? ORDER BY r.id LIMIT 1",
        (theme_id, resident),
    )
    with team.app_context():
        db = storage.get_db()
        with storage.write(db):
            db.execute(
                "UPDATE answers SET value = ? WHERE response_id = ?"
                " AND question_id = 'what_matters'",
                [said, other],
            )
    (version,) = rows(team, "SELECT version FROM themes WHERE id = ?", (theme_id,))[0]
    pinned = client.post(f"{Q}/themes/{theme_id}/pin/{other}", data={"version": version})
    assert pinned.status_code == 302
    save_report(client)
    # A version saved before quotes carried their response (matched by the words alone).
    with team.app_context():
        db = storage.get_db()
        (content,) = db.execute("SELECT content FROM reports ORDER BY id LIMIT 1").fetchone()
        old = json.loads(content)
        for question in old["questions"]:
            for theme in question["themes"]:
                for quote in theme["quotes"]:
                    quote.pop("ref")
        with storage.write(db):
            db.execute(
                "INSERT INTO reports (survey_id, title, introduction, language, sections,"
                " content, created_by, created_at) SELECT survey_id, title, introduction,"
                " language, sections, ?, created_by, created_at FROM reports ORDER BY id LIMIT 1",
                [json.dumps(old, ensure_ascii=False)],
            )
    assert _quoted(team, said) == [2, 2]

    reply = client.post(REQUESTS + "withdraw-quote", data={"response": resident})
    assert reply.status_code == 302
    # The version that knows whose quote is whose keeps the other resident's; the older
    # one cannot tell them apart and takes both out (never too few).
    assert _quoted(team, said) == [1, 0]
    assert said in client.get(save_report(client)).get_data(as_text=True)
