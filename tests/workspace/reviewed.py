"""Themes the team has reviewed, made through the app as a team makes them: a real
analysis run, then renames and pinned quotes posted to the review pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from tests.workspace.conftest import Q, rows, run_analysis


@dataclass(frozen=True)
class Reviewed:
    named: dict[str, str]  # theme id -> name the team gave it
    unreviewed: list[str]  # theme ids nobody touched
    pinned: dict[str, str]  # theme id -> pinned response id
    pinned_text: dict[str, str]  # theme id -> the pinned answer as written


def review(
    team: Flask, client: FlaskClient, names: tuple[str, ...] = ("Homes", "Doctors")
) -> Reviewed:
    """Run the analysis, name the largest themes and pin, in each, a quote from a resident
    who agreed to be quoted, preferring an answer in Arabic or Bengali."""
    run_analysis(client, team)
    found = rows(
        team,
        "SELECT t.id, t.version, (SELECT count(*) FROM theme_members m WHERE m.theme_id = t.id)"
        " FROM themes t ORDER BY 3 DESC, t.id",
    )
    named: dict[str, str] = {}
    pinned: dict[str, str] = {}
    texts: dict[str, str] = {}
    for (theme_id, version, _size), name in zip(found, names, strict=False):
        reply = client.post(
            f"{Q}/themes/{theme_id}/rename",
            data={
                "version": version,
                "name": name,
                "description": f"What people said about {name}",
            },
        )
        assert reply.status_code == 302
        named[theme_id] = name
        candidates = rows(
            team,
            "SELECT a.response_id, a.value, a.language FROM theme_members m"
            " JOIN answers a ON a.response_id = m.response_id AND a.question_id = 'what_matters'"
            " JOIN responses r ON r.id = m.response_id WHERE m.theme_id = ? AND r.quote_consent = 1"
            " ORDER BY a.language IN ('ar', 'bn') DESC, a.language, a.response_id",
            (theme_id,),
        )
        rid, text, _lang = candidates[0]
        (version,) = rows(team, "SELECT version FROM themes WHERE id = ?", (theme_id,))[0]
        reply = client.post(f"{Q}/themes/{theme_id}/pin/{rid}", data={"version": version})
        assert reply.status_code == 302
        pinned[theme_id], texts[theme_id] = rid, text
    unreviewed = [t for t, _v, _s in found if t not in named]
    return Reviewed(named, unreviewed, pinned, texts)


def withdraw_quote_consent(team: Flask, response_id: str) -> None:
    """The resident later says their words may not be quoted (the pin stays)."""
    from survey_app import storage

    with team.app_context():
        db = storage.get_db()
        with storage.write(db):
            db.execute("UPDATE responses SET quote_consent = 0 WHERE id = ?", [response_id])
