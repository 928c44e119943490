"""A resident who no longer wants to be quoted: their words leave every saved report and
pinned quote and are never quoted again, while their answers stay in the themes."""

from __future__ import annotations

import json

from flask import Flask

from tests.workspace.conftest import rows, signed_in
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
