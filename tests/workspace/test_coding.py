"""Coding on one's own: two people code a sample, the app measures their agreement, and
they settle the disagreements together."""

from __future__ import annotations

from flask import Flask

from tests.conftest import soup
from tests.workspace.conftest import Q, rows, run_analysis, signed_in


def test_two_coders_agreement_and_settling_a_disagreement(team: Flask) -> None:
    first = signed_in(team, "analyst@example.org")
    second = signed_in(team, "analyst2@example.org")
    run_analysis(first, team)
    reply = first.post(Q + "/coding", data={"size": "10"})
    assert reply.status_code == 302
    sheet_url = reply.headers["Location"]
    round_id = rows(team, "SELECT id FROM coding_rounds")[0][0]
    sample = [r[0] for r in rows(team, "SELECT response_id FROM coding_items ORDER BY position")]
    assert len(sample) == 10
    themes = [r[0] for r in rows(team, "SELECT id FROM themes ORDER BY position")]
    # The first coder follows the analysis; the second agrees except on two answers.
    engine = dict(rows(team, "SELECT response_id, theme_id FROM theme_members"))
    mine = {rid: engine[rid] for rid in sample}
    theirs = dict(mine)
    for rid in sample[:2]:
        theirs[rid] = next(t for t in themes if t != mine[rid])
    first.post(sheet_url, data={f"code_{rid}": t for rid, t in mine.items()})
    # The second coder's sheet shows none of the first's choices.
    page = soup(second.get(sheet_url))
    assert page.select("[data-testid=coding-sheet] input:checked") == []
    second.post(sheet_url, data={f"code_{rid}": t for rid, t in theirs.items()})
    assert rows(team, "SELECT count(*) FROM codes") == [(20,)]

    page = soup(first.get(f"{Q}/coding/{round_id}"))
    # Worked out from the same table with scikit-learn's kappa (independently computed).
    from sklearn.metrics import cohen_kappa_score

    expected = cohen_kappa_score([mine[r] for r in sample], [theirs[r] for r in sample])
    assert page.select_one("[data-testid=kappa]").get_text() == f"{expected:.2f}"
    shown = [li["data-response"] for li in page.select("[data-testid=disagreements] > li")]
    assert sorted(shown) == sorted(sample[:2])

    # Settle one: the answer is then in the agreed theme only, as a person's decision.
    target = theirs[sample[0]]
    reply = first.post(f"{Q}/coding/{round_id}/settle/{sample[0]}", data={"theme": target})
    assert reply.status_code == 302
    assert rows(
        team, "SELECT theme_id, placed_by FROM theme_members WHERE response_id = ?", (sample[0],)
    ) == [(target, "person")]
    assert rows(
        team, "SELECT settled_theme FROM coding_items WHERE response_id = ?", (sample[0],)
    ) == [(target,)]
    assert rows(team, "SELECT action FROM review_log WHERE action = 'settle'") == [("settle",)]


def test_a_code_for_an_answer_outside_the_sample_or_a_made_up_theme_is_ignored(
    team: Flask,
) -> None:
    client = signed_in(team, "analyst@example.org")
    run_analysis(client, team)
    reply = client.post(Q + "/coding", data={"size": "10"})
    outside = rows(
        team,
        "SELECT id FROM responses WHERE id NOT IN (SELECT response_id FROM coding_items) LIMIT 1",
    )[0][0]
    inside = rows(team, "SELECT response_id FROM coding_items LIMIT 1")[0][0]
    theme = rows(team, "SELECT id FROM themes LIMIT 1")[0][0]
    client.post(
        reply.headers["Location"],
        data={f"code_{outside}": theme, f"code_{inside}": "not-a-theme"},
    )
    assert rows(team, "SELECT count(*) FROM codes") == [(0,)]
