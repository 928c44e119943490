"""The gloss queue: each person sees the languages they read, and a gloss is used at once."""

from __future__ import annotations

from flask import Flask

from tests.conftest import soup
from tests.workspace.conftest import rows, signed_in

URL = "/en/analysis/translate"


def unglossed(app: Flask, language: str) -> list[tuple[str, str]]:
    return [
        (str(r[0]), str(r[1]))
        for r in rows(
            app,
            "SELECT a.response_id, a.value FROM answers a JOIN responses r ON r.id = a.response_id"
            " WHERE a.question_id = 'what_matters' AND COALESCE(a.language, r.language) = ?"
            " AND a.gloss IS NULL ORDER BY r.received_at, r.id",
            (language,),
        )
    ]


def test_a_volunteer_who_reads_only_bengali_sees_only_bengali_answers(team: Flask) -> None:
    client = signed_in(team, "bengali@example.org")
    page = soup(client.get(URL))
    shown = page.select("[data-testid=gloss-queue] > li[data-response]")
    waiting = unglossed(team, "bn")
    assert waiting and {li["data-language"] for li in shown} == {"bn"}
    # Oldest first.
    assert [li["data-response"] for li in shown] == [rid for rid, _ in waiting][: len(shown)]


def test_a_saved_gloss_leaves_the_queue_and_is_what_the_analysis_reads(team: Flask) -> None:
    client = signed_in(team, "bengali@example.org")
    rid, _ = unglossed(team, "bn")[0]
    form = {"survey_id": "what-matters", "response_id": rid, "question_id": "what_matters"}
    reply = client.post(URL, data={**form, "gloss": "  The landlord fixes nothing  "})
    assert reply.status_code == 302
    assert rows(
        team,
        "SELECT a.gloss, u.email FROM answers a JOIN users u ON u.id = a.gloss_by"
        " WHERE a.response_id = ? AND a.question_id = 'what_matters'",
        (rid,),
    ) == [("The landlord fixes nothing", "bengali@example.org")]
    page = soup(client.get(URL))
    assert rid not in {li["data-response"] for li in page.select("[data-testid=gloss-queue] > li")}
    with team.app_context():
        from survey_app import storage, themes_input

        responses = themes_input.responses_for(storage.get_db(), "what-matters", "what_matters")
    assert next(r for r in responses if r.id == rid).gloss == "The landlord fixes nothing"


def test_an_empty_gloss_is_refused_with_a_message_and_changes_nothing(team: Flask) -> None:
    client = signed_in(team, "bengali@example.org")
    rid, _ = unglossed(team, "bn")[0]
    form = {"survey_id": "what-matters", "response_id": rid, "question_id": "what_matters"}
    reply = client.post(URL, data={**form, "gloss": "   "})
    assert reply.status_code == 400
    assert "Write the gloss in English" in reply.get_data(as_text=True)
    assert rid in {r for r, _ in unglossed(team, "bn")}


def test_a_volunteer_cannot_gloss_a_language_they_do_not_read(team: Flask) -> None:
    client = signed_in(team, "bengali@example.org")
    rid, _ = unglossed(team, "ar")[0]
    form = {"survey_id": "what-matters", "response_id": rid, "question_id": "what_matters"}
    assert client.post(URL, data={**form, "gloss": "Anything"}).status_code == 404
    assert rid in {r for r, _ in unglossed(team, "ar")}


def test_a_second_person_checks_a_gloss_and_its_author_cannot(team: Flask) -> None:
    author = signed_in(team, "bengali@example.org")
    rid, _ = unglossed(team, "bn")[0]
    form = {"survey_id": "what-matters", "response_id": rid, "question_id": "what_matters"}
    author.post(URL, data={**form, "gloss": "The landlord fixes nothing"})
    reply = author.post(URL + "/check", data=form, follow_redirects=True)
    assert "someone other than the person who wrote it" in reply.get_data(as_text=True)
    assert rows(
        team,
        "SELECT gloss_checked_by FROM answers"
        " WHERE response_id = ? AND question_id = 'what_matters'",
        (rid,),
    ) == [(None,)]
    # The coordinator reads Bengali too (and Somali): the gloss is waiting for their check.
    checker = signed_in(team, "coordinator@example.org")
    with team.app_context():
        from survey_app import storage

        db = storage.get_db()
        with storage.write(db):
            db.execute("UPDATE users SET languages = 'bn' WHERE email = 'coordinator@example.org'")
    page = soup(checker.get(URL))
    assert rid in {li["data-response"] for li in page.select("[data-testid=check-queue] > li")}
    assert checker.post(URL + "/check", data=form).status_code == 302
    assert rows(
        team,
        "SELECT u.email FROM answers a JOIN users u ON u.id = a.gloss_checked_by"
        " WHERE a.response_id = ? AND a.question_id = 'what_matters'",
        (rid,),
    ) == [("coordinator@example.org",)]


def test_only_analysts_and_coordinators_open_the_analysis(team: Flask) -> None:
    volunteer = signed_in(team, "volunteer@example.org")
    assert volunteer.get("/en/analysis/").status_code == 403
    assert volunteer.get("/en/analysis/what-matters/what_matters/themes").status_code == 403
    assert volunteer.post("/en/analysis/what-matters/what_matters/run").status_code == 403
    assert rows(team, "SELECT count(*) FROM analysis_runs") == [(0,)]
    assert signed_in(team, "analyst@example.org").get("/en/analysis/").status_code == 200


def test_unglossed_somali_answers_are_pointed_to_the_gloss_queue(team: Flask) -> None:
    """A dozen answers in Somali with no gloss make the themes less certain: the themes page
    says so in the team's language and links to the queue; glossed and analysed again, the
    note is gone."""
    from tests.analysis.test_analysis_themes import SOMALI_GLOSSES
    from tests.workspace.conftest import Q, run_analysis, send
    from tests.workspace.test_exports import response

    send(team, [response(text, "so") for text in SOMALI_GLOSSES])
    client = signed_in(team, "analyst@example.org")
    run_analysis(client, team)
    [hint] = soup(client.get(Q + "/themes")).select("[data-testid=gloss-hint]")
    assert "12 answers were in Somali with no English gloss" in hint.get_text(" ", strip=True)
    assert hint.a["href"] == URL
    arabic = soup(client.get(Q.replace("/en/", "/ar/") + "/themes"))
    [hint] = arabic.select("[data-testid=gloss-hint]")
    assert "12" in hint.text and "الصومالية" in hint.text and "Somali" not in hint.text
    assert "English gloss" not in hint.text  # the sentence itself is in Arabic too
    for rid, text in unglossed(team, "so"):
        form = {"survey_id": "what-matters", "response_id": rid, "question_id": "what_matters"}
        assert client.post(URL, data={**form, "gloss": SOMALI_GLOSSES[text]}).status_code == 302
    run_analysis(client, team)
    assert not soup(client.get(Q + "/themes")).select("[data-testid=gloss-hint]")
