"""QI measures over time: responses, doors knocked and completion rate, per period."""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

PERIODS = ("day", "week", "month")
MEASURES = ("responses", "doors", "completion")

Daily = dict[date, tuple[int, int]]


def _period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    if period == "month":
        return day.replace(day=1)
    return day


def _next_period(start: date, period: str) -> date:
    if period == "week":
        return start + timedelta(days=7)
    if period == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def _daily(db: Database, measure: str, kind: str | None, survey_id: str | None) -> Daily:
    """(count, completed) per day, by when it happened on the doorstep or the device."""
    if measure == "responses":
        sql = (
            "SELECT substr(r.created_at, 1, 10) AS day, count(*), 0 FROM responses r"
            " LEFT JOIN events e ON e.id = r.event_id"
            " WHERE (? IS NULL OR e.kind = ?) AND (? IS NULL OR r.survey_id = ?) GROUP BY day"
        )
    else:
        sql = (
            "SELECT substr(d.knocked_at, 1, 10) AS day, count(*), sum(d.outcome = 'completed')"
            " FROM counted_doors d JOIN events e ON e.id = d.event_id"
            " WHERE (? IS NULL OR e.kind = ?) AND (? IS NULL OR e.survey_id = ?) GROUP BY day"
        )
    return {
        date.fromisoformat(day): (int(count), int(done or 0))
        for day, count, done in db.execute(sql, [kind, kind, survey_id, survey_id])
    }


def series(
    db: Database, measure: str, period: str, kind: str | None = None, survey_id: str | None = None
) -> list[tuple[date, float | None]]:
    """A measure per day, week or month (of one survey's responses and rounds, if given),
    with empty periods filled.

    Counts of nothing are 0; a completion rate with no doors knocked is missing (None),
    not 0 %, so that it is neither a run nor a crossing.
    """
    if period not in PERIODS or measure not in MEASURES:
        raise ValueError((measure, period))
    totals: dict[date, tuple[int, int]] = {}
    for day, (count, done) in _daily(db, measure, kind, survey_id).items():
        start = _period_start(day, period)
        old = totals.get(start, (0, 0))
        totals[start] = (old[0] + count, old[1] + done)
    result: list[tuple[date, float | None]] = []
    if not totals:
        return result
    current, last = min(totals), max(totals)
    while current <= last:
        count, done = totals.get(current, (0, 0))
        if measure == "completion":
            result.append((current, round(100 * done / count, 1) if count else None))
        else:
            result.append((current, float(count)))
        current = _next_period(current, period)
    return result
