"""Engagement run charts: counts per period, the SVG, the findings in words, the CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey_app import storage
from survey_app.surveys.answers import Submission
from tests.conftest import make_user, sign_in, soup

# Weekly responses: ten quiet weeks, then door-knocking starts.
WEEKLY = [10, 12, 11, 9, 13, 10, 12, 11, 10, 12, 15, 16, 14, 17, 15, 16, 18, 15, 17, 16]


def _fill(app: Flask, weekly: list[int], first_monday: date = date(2026, 3, 2)) -> None:
    with app.app_context():
        db = storage.get_db()
        survey = storage.surveys.latest(db, "what-matters")
        submission = Submission(
            answers={"what_matters": ["x"]},
            flags={"consent": True, "quote_consent": False, "contact_consent": False},
        )
        for week, count in enumerate(weekly):
            for n in range(count):
                day = first_monday + timedelta(days=7 * week + n % 5)
                storage.responses.save(
                    db,
                    response_id=f"w{week}-{n}",
                    survey=survey,
                    language="en",
                    mode="self",
                    submission=submission,
                    created_at=f"{day.isoformat()}T10:00:00+00:00",
                )


def test_counts_per_period_fill_empty_periods(app: Flask) -> None:
    _fill(app, [3, 0, 2])
    with app.app_context():
        db = storage.get_db()
        assert storage.measures.series(db, "responses", "week") == [
            (date(2026, 3, 2), 3),
            (date(2026, 3, 9), 0),
            (date(2026, 3, 16), 2),
        ]
        assert storage.measures.series(db, "responses", "month") == [(date(2026, 3, 1), 5)]
        days = storage.measures.series(db, "responses", "day")
        assert days[0] == (date(2026, 3, 2), 1) and len(days) == 16  # 2 to 17 March
        # One survey's figures (a report's charts) leave other surveys out.
        weekly = storage.measures.series(db, "responses", "week", survey_id="what-matters")
        assert [v for _, v in weekly] == [3, 0, 2]
        assert storage.measures.series(db, "responses", "week", survey_id="another") == []


def test_engagement_chart_shows_the_signal_in_words_and_shapes(
    app: Flask, coordinator: FlaskClient
) -> None:
    _fill(app, WEEKLY)
    page = soup(coordinator.get("/en/admin/engagement?period=week"))
    svg = page.select_one("svg.run-chart")
    assert svg["role"] == "img"
    assert page.select_one("#engagement-chart-title").get_text() == "Responses per week"
    assert "Longest run" in page.select_one("#engagement-chart-desc").get_text()
    assert len(svg.select("[data-signal=true]")) == 20  # two shifts cover every point
    findings = [li.get_text(" ", strip=True) for li in page.select("[data-testid=findings] li")]
    assert any("Signal:" in line and "10 points" in line for line in findings)
    rows = page.select("[data-testid=chart-data] tbody tr")
    assert len(rows) == 20 and rows[0].select("td")[1].get_text() == "10"


def test_fixing_the_median_on_a_baseline(app: Flask, coordinator: FlaskClient) -> None:
    _fill(app, WEEKLY)
    page = soup(coordinator.get("/en/admin/engagement?period=week&baseline=10"))
    medians = {
        row.select("td")[2].get_text() for row in page.select("[data-testid=chart-data] tbody tr")
    }
    assert medians == {"11"}
    findings = page.select_one("[data-testid=findings]").get_text(" ", strip=True)
    assert "11 points" in findings


def test_csv_of_the_figures(app: Flask, coordinator: FlaskClient) -> None:
    _fill(app, [3, 0, 2])
    reply = coordinator.get("/en/admin/engagement.csv?period=week")
    assert reply.data.startswith("\ufeff".encode())  # so that Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert reply.mimetype == "text/csv"
    assert rows == [
        ["point", "period_start", "responses", "median", "excluded", "astronomical"],
        ["1", "2026-03-02", "3.0", "2.0", "0", "0"],
        ["2", "2026-03-09", "0.0", "2.0", "0", "0"],
        ["3", "2026-03-16", "2.0", "2.0", "0", "0"],
    ]
    with app.app_context():
        logged = storage.get_db().execute("SELECT what, format, rows FROM export_log").fetchall()
    assert [tuple(r) for r in logged] == [("chart responses-per-week.csv", "csv", 3)]


def test_an_empty_chart_says_so(coordinator: FlaskClient) -> None:
    page = soup(coordinator.get("/ar/admin/engagement"))
    assert page.html["dir"] == "rtl"
    assert page.select_one("[data-testid=findings] li").get_text(strip=True)


@pytest.mark.parametrize(
    ("role", "expected"), [(None, 302), ("volunteer", 403), ("analyst", 200), ("coordinator", 200)]
)
def test_engagement_is_for_coordinators_and_analysts(
    app: Flask, client: FlaskClient, role: str | None, expected: int
) -> None:
    if role:
        make_user(app, role)
        sign_in(client, f"{role}@example.org")
    assert client.get("/en/admin/engagement").status_code == expected
    assert client.get("/en/admin/engagement.csv").status_code == expected


def _knocks(app: Flask, per_week: list[tuple[int, int]]) -> None:
    """(doors knocked, completed) per week of a door-knocking round."""
    from survey_app.storage.doors import Knock

    with app.app_context():
        db = storage.get_db()
        event = storage.events.create(
            db, kind="door_knocking", name="Round", survey_id="what-matters"
        )
        for week, (knocked, completed) in enumerate(per_week):
            for n in range(knocked):
                day = date(2026, 3, 2) + timedelta(days=7 * week)
                storage.doors.log(
                    db,
                    Knock(
                        id=f"k{week}-{n}",
                        event_id=event.id,
                        street="High Street",
                        door=str(n),
                        outcome="completed" if n < completed else "no_answer",
                        knocked_at=f"{day.isoformat()}T11:00:00+00:00",
                    ),
                    device_id=None,
                )


def test_doors_and_completion_rate_charts(app: Flask, coordinator: FlaskClient) -> None:
    _knocks(app, [(10, 2), (0, 0), (20, 10)])
    doors = soup(coordinator.get("/en/admin/engagement?measure=doors&period=week"))
    values = [
        row.select("td")[1].get_text() for row in doors.select("[data-testid=chart-data] tbody tr")
    ]
    assert values == ["10", "0", "20"]
    rate = soup(coordinator.get("/en/admin/engagement?measure=completion&period=week"))
    assert rate.select_one("#engagement-chart-title").get_text() == ("Completion rate per week (%)")
    values = [
        row.select("td")[1].get_text() for row in rate.select("[data-testid=chart-data] tbody tr")
    ]
    assert values == ["20", "—", "50"]  # no doors knocked: no rate, not 0 %


def test_event_type_parts_exclusions_and_astronomical_points(
    app: Flask, coordinator: FlaskClient
) -> None:
    _fill(app, WEEKLY)
    only_rounds = soup(coordinator.get("/en/admin/engagement?kind=door_knocking"))
    assert only_rounds.select("[data-testid=chart-data] tbody tr") == []
    page = soup(
        coordinator.get("/en/admin/engagement?period=week&breaks=11&excluded=3&astronomical=17")
    )
    medians = [
        row.select("td")[2].get_text() for row in page.select("[data-testid=chart-data] tbody tr")
    ]
    assert medians[:10] == ["11"] * 10 and medians[10:] == ["16"] * 10
    svg = page.select_one("svg.run-chart")
    assert len(svg.select("[data-excluded=true]")) == 1
    assert len(svg.select("[data-astronomical=true]")) == 1
    findings = page.select_one("[data-testid=findings]").get_text(" ", strip=True)
    assert "Astronomical point, marked by a person" in findings
    assert "Part 2:" in findings
