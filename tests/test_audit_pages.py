"""The audit log's pages: every entry is on exactly one page, however many share a second
(a burst of failed sign-ins does)."""

from __future__ import annotations

import json
from pathlib import Path

from survey_app import storage
from survey_app.rights.audit import PAGE
from tests.conftest import soup
from tests.test_rights import R, _app, _signed_in


def test_entries_of_one_second_are_all_on_some_page(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = _signed_in(app)
    with app.app_context(), storage.write(storage.get_db()) as db:
        db.conn.executemany(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, NULL, ?, ?)",
            [
                ("2026-12-06T03:00:00+00:00", "sign_in_failed", json.dumps({"rows": n}))
                for n in range(PAGE + 50)
            ],
        )
        [(total,)] = db.execute(
            "SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM staff_log)"
            " + (SELECT count(*) FROM export_log)"
        ).fetchall()
    seen: list[str] = []
    url: str | None = R + "audit"
    while url:
        page = soup(client.get(url))
        seen += [str(row) for row in page.select("[data-testid=audit] tbody tr")]
        older = page.select_one("a[href*='before=']")
        url = str(older["href"]) if older else None
    assert len(seen) == total and total > PAGE + 50
    burst = [row for row in seen if "2026-12-06 03:00:00" in row]
    assert len(burst) == len(set(burst)) == PAGE + 50  # each once: their counts differ


def test_an_address_that_is_not_the_pages_own_is_not_found(tmp_path: Path) -> None:
    client = _signed_in(_app(tmp_path))
    for before in ("yesterday", "2026-12-06T03:00:00|x|1", "|1|1", "2026-13-40|1|1"):
        assert client.get(R + "audit", query_string={"before": before}).status_code == 404
    assert client.get(R + "audit", query_string={"before": "2026-12-06|1|1"}).status_code == 200
