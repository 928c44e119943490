"""The report, its PDF, the XLSX export and the public page, at scale.

    python bench/bench_report.py [--answers 10000] [--export 100000] [--repeat 5]

Databases are built as bench_workspace.py builds them (responses, answers, reviewed themes
with members), with a pinned quote in each theme. Prints, median of ``--repeat``:

* saving a report (gathering its content) and opening it, at ``--answers`` answers, beside
  the same at 1,000 answers; the PDF of it;
* the XLSX export of ``--export`` responses, beside openpyxl writing the same number of rows
  of the same width straight from memory (the floor: what the export costs beyond reading
  the database), with the peak Python memory of each (tracemalloc, a run of its own);
* the public "you said, we did" page's weight, gzipped, with what it loads.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_workspace import PASSWORD, build  # noqa: E402
from bench.timing import median_ms  # noqa: E402
from survey_app import storage  # noqa: E402

SURVEY = "/en/analysis/what-matters"


def prepare(app: object, themes: list[str]) -> object:
    """Pin a quote in each theme and show it on the public page; sign an analyst in."""
    with app.app_context():  # type: ignore[attr-defined]
        db = storage.get_db()
        with storage.write(db):
            for theme in themes:
                db.execute(
                    "INSERT OR IGNORE INTO pinned_quotes (theme_id, response_id, pinned_at)"
                    " SELECT m.theme_id, m.response_id, '2026-12-01' FROM theme_members m"
                    " JOIN responses r ON r.id = m.response_id AND r.quote_consent = 1"
                    " WHERE m.theme_id = ? LIMIT 2",
                    [theme],
                )
                db.execute("UPDATE themes SET public = 1 WHERE id = ?", [theme])
                db.execute(
                    "INSERT INTO theme_actions (survey_id, theme_id, text, happened_on,"
                    " created_at) VALUES ('what-matters', ?, 'The council will meet residents"
                    " about this in January.', '2027-01-10', '2026-12-01')",
                    [theme],
                )
    client = app.test_client()  # type: ignore[attr-defined]
    client.post("/en/sign-in", data={"email": "analyst@example.org", "password": PASSWORD})
    return client


def report_times(client: object, repeat: int) -> dict[str, float]:
    form = {
        "title": "What residents told us",
        "introduction": "From the team.",
        "sections": ["gathering", "engagement", "themes", "breakdowns", "involvement", "method"],
    }
    saved: list[str] = []

    def save() -> None:
        reply = client.post(SURVEY + "/report", data=form)  # type: ignore[attr-defined]
        assert reply.status_code == 302, reply.status_code
        saved.append(reply.headers["Location"])

    def get(url: str) -> Callable[[], None]:
        def run() -> None:
            reply = client.get(url)  # type: ignore[attr-defined]
            assert reply.status_code == 200, (url, reply.status_code)

        return run

    out = {"save a report (gather)": median_ms(save, repeat)}
    out["open the saved report"] = median_ms(get(saved[-1]), repeat)
    out["its PDF"] = median_ms(get(saved[-1] + ".pdf"), repeat)
    out["themes page (floor)"] = median_ms(get(SURVEY + "/what_matters/themes"), repeat)
    return out


def xlsx_floor(rows: int, width: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    row = ["x" * 12] * width
    for _ in range(rows):
        sheet.append(row)
    # Saved to a temporary file, as the app does, so neither holds the file in memory.
    with tempfile.TemporaryFile() as out:
        workbook.save(out)


def export_figures(client: object, rows: int, repeat: int) -> tuple[float, float, float, float]:
    """(export ms, floor ms, export peak MiB, floor peak MiB)."""
    url = SURVEY + "/exports/responses.xlsx"

    def export() -> None:
        # Sent the way a server sends it, to a client that reads and drops each chunk, so
        # the figure is the server's memory, not a copy of the file held by the client.
        reply = client.get(url)  # type: ignore[attr-defined]
        for _chunk in reply.response:
            pass
        reply.close()

    reply = client.get(url, buffered=True)  # type: ignore[attr-defined]
    assert reply.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(reply.data), read_only=True).active
    width = len(next(sheet.iter_rows(values_only=True)))
    took = median_ms(export, repeat)
    floor = median_ms(lambda: xlsx_floor(rows, width), repeat)
    peaks = []
    for action in (export, lambda: xlsx_floor(rows, width)):
        tracemalloc.start()
        action()
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    return took, floor, peaks[0], peaks[1]


def public_weight(client: object) -> tuple[float, float]:
    """(raw KB, gzipped KB) of the public page with the files it loads."""
    from bs4 import BeautifulSoup

    html = client.get("/bn/you-said/what-matters").data  # type: ignore[attr-defined]
    page = BeautifulSoup(html, "html.parser")
    files = [html]
    for tag in page.select("link[rel=stylesheet], script[src]"):
        files.append(client.get(tag.get("href") or tag.get("src")).data)  # type: ignore[attr-defined]
    raw = sum(len(f) for f in files) / 1024
    zipped = sum(len(gzip.compress(f)) for f in files) / 1024
    return raw, zipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--export", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    reports = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.baseline, args.answers):
            built = build(Path(tmp) / f"r{n}.sqlite", n)
            client = prepare(built["app"], built["themes"])
            reports[n] = report_times(client, args.repeat)
            if n == args.answers:
                raw, zipped = public_weight(client)
        print(
            f"\n| report (server ms, median of {args.repeat}) | {args.baseline:,} answers | "
            f"{args.answers:,} answers |"
        )
        print("| --- | ---: | ---: |")
        small, big = reports[args.baseline], reports[args.answers]
        for name in small:
            print(f"| {name} | {small[name]:.0f} | {big[name]:.0f} |")
        print(
            f"\npublic page (/bn/you-said/..., with its CSS and scripts): {raw:.1f} KB raw,"
            f" {zipped:.1f} KB gzipped"
        )
        print(f"\n| XLSX export | responses | ms (median of {args.repeat}) | peak MiB |")
        print("| --- | ---: | ---: | ---: |")
        for n in (args.export // 10, args.export):
            built = build(Path(tmp) / f"x{n}.sqlite", n)
            client = prepare(built["app"], built["themes"])
            took, floor, peak, floor_peak = export_figures(client, n, args.repeat)
            print(f"| What Matters | {n:,} | {took:,.0f} | {peak:.1f} |")
            print(
                f"| openpyxl alone, same rows (floor) | {n:,} | {floor:,.0f} | {floor_peak:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
