"""Reviewing themes through the app's own pages: every decision kept, nothing overwritten."""

from __future__ import annotations

from flask import Flask

from analysis.embed import SENTENCE_MODEL
from analysis.terms import TERMS_MODEL
from survey_app import storage
from tests.conftest import soup
from tests.workspace.conftest import Q, rows, run_analysis, send, signed_in, wait_for_run
from tests.workspace.seed import payload


def themes(app: Flask) -> list[tuple[str, str, int]]:
    """(id, name or label, version) of every theme, in the order the team sees them."""
    return [
        (str(i), str(n), int(v))
        for i, n, v in rows(
            app,
            "SELECT id, coalesce(nullif(name, ''), label), version FROM themes ORDER BY position",
        )
    ]


def members(app: Flask, theme_id: str) -> set[str]:
    return {
        r[0]
        for r in rows(app, "SELECT response_id FROM theme_members WHERE theme_id = ?", (theme_id,))
    }


def quote_consent(app: Flask, agreed: bool) -> list[str]:
    return [
        r[0]
        for r in rows(
            app, "SELECT id FROM responses WHERE quote_consent = ? ORDER BY id", (int(agreed),)
        )
    ]


def test_a_run_in_the_background_themes_every_answer_once(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    run = run_analysis(client, team)
    found = themes(team)
    assert 2 <= len(found) <= 20
    assert run.changes["new_themes"] == len(found)
    # Every answer is in a theme or has a reason for not being in one; none is in two.
    placed = rows(team, "SELECT response_id, count(*) FROM theme_members GROUP BY response_id")
    assert all(n == 1 for _, n in placed)
    states = dict(rows(team, "SELECT response_id, state FROM reviewed_answers"))
    assert len(states) == 72
    assert {rid for rid, _ in placed} == {rid for rid, s in states.items() if s == "themed"}
    # The vectors were kept: a second run embeds nothing new. The answers are in several
    # languages, so their latent terms were kept too.
    assert rows(
        team, "SELECT model, count(*) FROM answer_vectors GROUP BY model ORDER BY model"
    ) == [
        (SENTENCE_MODEL, 72),
        (TERMS_MODEL, 72),
    ]
    page = soup(client.get(Q + "/themes"))
    assert len(page.select("[data-testid=themes] > li")) == len(found)
    assert page.select_one("[data-testid=changes]") is not None
    # How the number was chosen, in the page's language, from the run's own figures.
    explanation = page.select_one("[data-testid=explanation]").get_text(" ", strip=True)
    tried = sorted(int(k) for k in run.confidence["k_scores"])
    assert f"from {tried[0]} to {tried[-1]} and suggests {len(found)}" in explanation


def test_a_second_run_is_refused_politely_while_one_is_running(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    with team.app_context():
        waiting = storage.analysis_runs.start(
            storage.get_db(), "what-matters", "what_matters", "find", {}, None, None
        )
    reply = client.post(Q + "/run", data={"kind": "find"}, follow_redirects=True)
    assert "already running" in reply.get_data(as_text=True)
    assert rows(team, "SELECT id, status FROM analysis_runs") == [(waiting, "waiting")]


def test_a_run_that_cannot_finish_says_so_and_changes_nothing(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    run_analysis(client, team)
    before = themes(team)
    # Limited to a language nobody answered in: no answers, so the run fails.
    reply = client.post(Q + "/run", data={"kind": "find", "since": "2030-01-01"})
    assert reply.status_code == 302
    run = wait_for_run(team)
    assert run.status == "failed"
    assert themes(team) == before
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "There are no answers to analyse with these limits." in page


def test_two_people_renaming_one_theme_never_overwrite_each_other(team: Flask) -> None:
    first = signed_in(team, "analyst@example.org")
    second = signed_in(team, "analyst2@example.org")
    run_analysis(first, team)
    theme_id, _, version = themes(team)[0]
    url = f"{Q}/themes/{theme_id}"
    # Both open the theme; both see the same version.
    for client in (first, second):
        shown = soup(client.get(url)).select_one("input[name=version]")
        assert shown is not None and shown["value"] == str(version)
    ok = first.post(
        url + "/rename", data={"version": version, "name": "Housing", "description": ""}
    )
    assert ok.status_code == 302
    late = second.post(
        url + "/rename", data={"version": version, "name": "Homes", "description": "Damp flats"}
    )
    assert late.status_code == 409
    page = soup(late)
    assert page.select_one("[data-testid=stale]") is not None
    # The latest state is shown, and what the second person typed is still in the form.
    assert page.select_one("[data-testid=theme-title]").get_text(strip=True) == "Housing"
    assert page.select_one("#description").get_text().strip() == "Damp flats"
    assert rows(team, "SELECT name, description FROM themes WHERE id = ?", (theme_id,)) == [
        ("Housing", "")
    ]
    assert rows(team, "SELECT action FROM review_log WHERE action = 'rename'") == [("rename",)]


def test_only_quotes_from_residents_who_agreed_can_be_pinned(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    run_analysis(client, team)
    agreed, refused = set(quote_consent(team, True)), set(quote_consent(team, False))
    theme_id, _, version = themes(team)[0]
    inside = members(team, theme_id)
    no, yes = sorted(inside & refused)[0], sorted(inside & agreed)[0]
    url = f"{Q}/themes/{theme_id}/pin/"
    reply = client.post(url + no, data={"version": version}, follow_redirects=True)
    assert "did not agree to be quoted" in reply.get_data(as_text=True)
    assert rows(team, "SELECT count(*) FROM pinned_quotes") == [(0,)]
    reply = client.post(url + yes, data={"version": version})
    assert reply.status_code == 302
    assert rows(team, "SELECT theme_id, response_id FROM pinned_quotes") == [(theme_id, yes)]
    # The themes page quotes only residents who agreed, the pinned quote first; in the
    # other themes, the most typical answer is from a resident who said no, and is not
    # quoted.
    typical = [
        rows(
            team,
            "SELECT response_id FROM theme_members WHERE theme_id = ? ORDER BY score DESC LIMIT 1",
            (other,),
        )[0][0]
        for other, _, _ in themes(team)[1:]
    ]
    with team.app_context():
        db = storage.get_db()
        with storage.write(db):
            for rid in typical:
                db.execute("UPDATE responses SET quote_consent = 0 WHERE id = ?", [rid])
    agreed -= set(typical)
    page = soup(client.get(Q + "/themes"))
    quoted = {q["data-response"] for q in page.select("[data-testid=theme-quote]")}
    assert quoted and quoted <= agreed
    first_quote = page.select_one(f"[data-theme='{theme_id}'] [data-testid=theme-quote]")
    assert first_quote is not None and first_quote["data-response"] == yes
    # The review page marks every answer whose resident said no.
    page = soup(client.get(f"{Q}/themes/{theme_id}"))
    marked = {
        li["data-response"]
        for li in page.select("[data-testid=members] > li")
        if li.select_one("[data-testid=no-quote]")
    }
    assert marked == inside & refused


def test_human_decisions_survive_a_new_analysis_and_new_answers_are_placed(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    run_analysis(client, team)
    (a, _, va), (b, _, vb), *_ = themes(team)
    client.post(f"{Q}/themes/{a}/rename", data={"version": va, "name": "Homes", "description": ""})
    va += 1
    client.post(f"{Q}/themes/{b}/lock", data={"version": vb, "locked": "1"})
    vb += 1
    moved = sorted(members(team, b))[0]
    reply = client.post(f"{Q}/answers/{moved}/move", data={"source": b, "version": vb, "target": a})
    assert reply.status_code == 302
    aside = sorted(members(team, a) - {moved})[0]
    client.post(
        f"{Q}/answers/{aside}/move", data={"source": a, "version": va + 1, "target": "none"}
    )
    locked_before = members(team, b)
    homes_before = members(team, a)

    # New answers arrive; the team places them into the reviewed themes.
    send(team, payload(24, start=72))
    reply = client.post(Q + "/run", data={"kind": "place"})
    assert reply.status_code == 302
    run = wait_for_run(team)
    assert run.status == "done", run.error
    assert rows(team, "SELECT count(*) FROM reviewed_answers") == [(96,)]
    assert members(team, a) > homes_before  # took new answers
    # The themes page says how many new answers each theme took.
    page = soup(client.get(Q + "/themes"))
    badge = page.select_one(f"[data-theme='{a}'] [data-testid=newly-placed]")
    assert badge is not None
    assert badge.get_text(strip=True).startswith(str(len(members(team, a) - homes_before)))
    assert members(team, b) == locked_before  # locked: took none
    assert moved in members(team, a) and aside not in members(team, a)

    # A whole new analysis keeps every decision too.
    run_analysis(client, team)
    assert rows(team, "SELECT name FROM themes WHERE id = ?", (a,)) == [("Homes",)]
    assert rows(team, "SELECT locked FROM themes WHERE id = ?", (b,)) == [(1,)]
    assert members(team, b) == locked_before
    assert moved in members(team, a)
    assert rows(team, "SELECT state FROM reviewed_answers WHERE response_id = ?", (aside,)) == [
        ("set_aside",)
    ]
    assert not rows(team, "SELECT 1 FROM theme_members WHERE response_id = ?", (aside,))


def test_merge_then_undo_from_the_history_restores_both_themes(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    run_analysis(client, team)
    (a, name_a, va), (b, name_b, vb), *_ = themes(team)
    before = {a: members(team, a), b: members(team, b)}
    reply = client.post(
        f"{Q}/merge", data={"theme": [a, b], f"version_{a}": va, f"version_{b}": vb}
    )
    assert reply.status_code == 302
    assert members(team, a) == before[a] | before[b]
    assert not rows(team, "SELECT 1 FROM themes WHERE id = ?", (b,))
    entry = rows(team, "SELECT id FROM review_log WHERE action = 'merge'")[0][0]
    assert client.post(f"{Q}/history/{entry}/undo").status_code == 302
    assert members(team, a) == before[a] and members(team, b) == before[b]
    assert {t[1] for t in themes(team)} >= {name_a, name_b}
    page = soup(client.get(Q + "/history"))
    assert page.select_one("[data-action=merge] [data-testid=undone]") is not None


def test_an_undo_is_refused_once_a_later_change_touched_the_same_theme(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    run_analysis(client, team)
    a, _, va = themes(team)[0]
    client.post(f"{Q}/themes/{a}/rename", data={"version": va, "name": "One", "description": ""})
    client.post(
        f"{Q}/themes/{a}/rename", data={"version": va + 1, "name": "Two", "description": ""}
    )
    first = rows(team, "SELECT id FROM review_log WHERE action = 'rename' ORDER BY id")[0][0]
    reply = client.post(f"{Q}/history/{first}/undo", follow_redirects=True)
    assert "cannot be undone now" in reply.get_data(as_text=True)
    assert rows(team, "SELECT name FROM themes WHERE id = ?", (a,)) == [("Two",)]


def test_a_split_makes_sub_themes_of_the_same_answers_and_can_be_undone(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    run_analysis(client, team, themes_wanted="2")
    assert "You asked for 2 themes." in client.get(Q + "/themes").get_data(as_text=True)
    a, _, va = max(themes(team), key=lambda t: len(members(team, t[0])))
    inside = members(team, a)
    before = {t[0] for t in themes(team)}
    assert client.post(f"{Q}/themes/{a}/split", data={"version": va}).status_code == 302
    parts = [a] + [t[0] for t in themes(team) if t[0] not in before]
    assert len(parts) >= 2
    # The sub-themes hold the theme's answers, each exactly once, none lost.
    pieces = [members(team, t) for t in parts]
    assert all(pieces) and sum(len(p) for p in pieces) == len(inside)
    assert set().union(*pieces) == inside
    count = len(before)
    entry = rows(team, "SELECT id FROM review_log WHERE action = 'split'")[0][0]
    client.post(f"{Q}/history/{entry}/undo")
    assert {t[0] for t in themes(team)} == before and len(themes(team)) == count
    assert members(team, a) == inside


def test_an_answer_can_belong_to_two_themes(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    run_analysis(client, team)
    (a, _, va), (b, _, _), *_ = themes(team)
    answer = sorted(members(team, a))[0]
    reply = client.post(
        f"{Q}/answers/{answer}/move", data={"source": a, "version": va, "target": b, "also": "1"}
    )
    assert reply.status_code == 302
    assert answer in members(team, a) and answer in members(team, b)


def test_undoing_a_merge_keeps_the_answers_placed_since(team: Flask) -> None:
    client = signed_in(team, "analyst@example.org")
    run_analysis(client, team)
    (a, _, va), (b, _, vb), *_ = themes(team)
    before_b = members(team, b)
    client.post(f"{Q}/merge", data={"theme": [a, b], f"version_{a}": va, f"version_{b}": vb})
    send(team, payload(24, start=72))
    client.post(Q + "/run", data={"kind": "place"})
    assert wait_for_run(team).status == "done"
    placed = members(team, a)
    entry = rows(team, "SELECT id FROM review_log WHERE action = 'merge'")[0][0]
    reply = client.post(f"{Q}/history/{entry}/undo", follow_redirects=True)
    assert "Undone." in reply.get_data(as_text=True)
    assert members(team, b) == before_b
    # Every answer the analysis placed after the merge is still in a theme.
    assert placed - before_b <= members(team, a)
    assert rows(
        team,
        "SELECT count(*) FROM reviewed_answers v WHERE v.state = 'themed' AND NOT EXISTS"
        " (SELECT 1 FROM theme_members m WHERE m.response_id = v.response_id)",
    ) == [(0,)]


def test_a_reviewed_theme_does_not_take_every_answer_of_a_new_analysis(team: Flask) -> None:
    """With the model's vectors any two answers looked alike enough to join a reviewed
    theme: a team that reviewed one theme saw every answer put in it by the next analysis."""
    client = signed_in(team, "analyst@example.org")
    run_analysis(client, team)
    (a, _, version), *_ = themes(team)
    client.post(f"{Q}/themes/{a}/rename", data={"version": version, "name": "Homes"})
    before = members(team, a)
    run_analysis(client, team)
    total = rows(team, "SELECT count(*) FROM responses")[0][0]
    assert before <= members(team, a) and len(members(team, a)) < total / 2
    others = rows(
        team,
        "SELECT count(*) FROM theme_members WHERE theme_id != ?",
        (a,),
    )[0][0]
    assert others > total / 2
