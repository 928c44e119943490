"""The analysis workspace at scale: pages over 100,000 answers, and placing new answers.

    python bench/bench_workspace.py [--answers 100000] [--new 1000] [--repeat 15]

Builds a database the way the app's storage holds it (responses, answers, themes, members,
reviewed answers, stored vectors), with the baseline survey of 1,000 answers built the same
way in the same run. Answers are made from phrases about six topics in four languages.
The stored vectors of the old answers are random unit vectors of the model's size, written
as the app writes them: embedding 100,000 answers with the model takes half an hour and
measures the model, not the workspace; the new answers are embedded by the real model
during the run, as they would be.

Prints, for each size, the server time (in process, through Flask's test client, signed in
as an analyst) of each page: median of ``--repeat`` requests; then the time of a "place new
answers" run for ``--new`` answers, as the background worker does it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.embed import SENTENCE_MODEL, text_key  # noqa: E402
from survey_app import create_app, storage  # noqa: E402
from survey_app.workspace import runner  # noqa: E402

TOPICS = {
    "housing": ["rent is too high", "damp flat", "mould in the bedroom", "overcrowded home"],
    "doctor": ["no GP appointment", "waiting weeks for the surgery", "cannot see a doctor"],
    "parks": ["broken playground", "more benches in the park", "clean the park"],
    "safety": ["knife crime on the estate", "feel unsafe at night", "more police patrols"],
    "transport": ["bus is always late", "the lift at the station is broken", "fares too high"],
    "youth": ["nothing for young people", "youth club closed", "activities for teenagers"],
}
LANGUAGES = ["en", "en", "bn", "so", "ar"]
PASSWORD = "a long benchmark password"


def build(path: Path, n: int, seed: int = 0) -> dict[str, list[str]]:
    """A database with ``n`` themed answers in six themes; returns topic -> theme id."""
    rng = random.Random(seed)
    app = create_app(
        {
            "DATABASE": str(path),
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db = storage.get_db()
        storage.accounts.create_user(
            db, email="analyst@example.org", name="A", role="analyst", password=PASSWORD
        )
        rows: list[tuple] = []
        answers: list[tuple] = []
        members: list[tuple] = []
        states: list[tuple] = []
        vectors: list[tuple] = []
        theme_ids = {topic: f"t-{topic}" for topic in TOPICS}
        for i in range(n):
            topic = rng.choice(list(TOPICS))
            text = f"{rng.choice(TOPICS[topic])} ({i})"
            rid = str(uuid.UUID(int=rng.getrandbits(128)))
            lang = rng.choice(LANGUAGES)
            at = f"2026-11-{1 + i * 28 // n:02d}T10:00:00+00:00"
            rows.append((rid, lang, at, at, int(i % 3 != 2)))
            answers.append((rid, "what_matters", 0, text, None, lang, "what-matters"))
            answers.append(
                (
                    rid,
                    "neighbourhood",
                    0,
                    rng.choice(["millwall", "poplar"]),
                    None,
                    None,
                    "what-matters",
                )
            )
            members.append((theme_ids[topic], rid, "engine", 0.5))
            states.append(("what-matters", "what_matters", rid, "themed", ""))
            v = np.asarray(np.random.default_rng(i).standard_normal(384), dtype="<f4")
            vectors.append(
                (
                    rid,
                    "what_matters",
                    SENTENCE_MODEL,
                    text_key(text),
                    (v / np.linalg.norm(v)).tobytes(),
                )
            )
        with storage.write(db):
            db.conn.executemany(
                "INSERT INTO responses (id, survey_id, survey_version, language, mode,"
                " created_at, received_at, consent_given, consent_version, quote_consent,"
                " contact_consent, content_hash) VALUES (?, 'what-matters', 1, ?, 'self', ?,"
                " ?, 1, '1', ?, 0, 'x')",
                rows,
            )
            db.conn.executemany(
                "INSERT INTO answers (response_id, question_id, position, value, gloss, language,"
                " survey_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                answers,
            )
            run = db.execute(
                "INSERT INTO analysis_runs (survey_id, question_id, kind, status, progress,"
                " started_at, finished_at, settings, confidence, changes) VALUES"
                " ('what-matters', 'what_matters', 'find', 'done', 1, '2026-11-30', '2026-11-30',"
                " ?, '{}', '{}')",
                [
                    '{"min_themes": 2, "max_themes": 20, "random_state": 0,'
                    ' "stored_vector_dimensions": 384}'
                ],
            ).lastrowid
            for pos, (topic, tid) in enumerate(theme_ids.items()):
                db.execute(
                    "INSERT INTO themes (id, survey_id, question_id, label, name, keywords,"
                    " reviewed, position, run_id, updated_at) VALUES (?, 'what-matters',"
                    " 'what_matters', ?, ?, '[]', 1, ?, ?, '2026-11-30')",
                    [tid, topic, topic.title(), pos, run],
                )
            db.conn.executemany("INSERT INTO theme_members VALUES (?, ?, ?, ?)", members)
            db.conn.executemany(
                "INSERT INTO reviewed_answers (survey_id, question_id, response_id, state,"
                " reason) VALUES (?, ?, ?, ?, ?)",
                states,
            )
            db.conn.executemany("INSERT INTO answer_vectors VALUES (?, ?, ?, ?, ?)", vectors)
        db.execute("ANALYZE")
    return {"app": app, "themes": list(theme_ids.values())}  # type: ignore[dict-item]


def page_times(app: object, theme: str, repeat: int) -> dict[str, float]:
    client = app.test_client()  # type: ignore[attr-defined]
    client.post("/en/sign-in", data={"email": "analyst@example.org", "password": PASSWORD})
    q = "/en/analysis/what-matters/what_matters"
    pages = {
        "analysis home": "/en/analysis/",
        "themes": q + "/themes",
        "theme page": f"{q}/themes/{theme}",
        "answers (Somali, page 3)": q + "/answers?language=so&page=3",
        "not yet themed": q + "/unthemed",
        "healthz (floor)": "/healthz",
    }
    out = {}
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            reply = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert reply.status_code == 200
        out[name] = statistics.median(times)
    return out


def place_time(app: object, n_new: int) -> float:
    """Seconds for a place run of ``n_new`` answers, as the worker does it, once their
    vectors are stored (the embedding is timed and printed apart)."""
    rng = random.Random(1)
    with app.app_context():  # type: ignore[attr-defined]
        db = storage.get_db()
        rows, answers = [], []
        for i in range(n_new):
            topic = rng.choice(list(TOPICS))
            rid = str(uuid.uuid4())
            rows.append((rid, "2026-12-01T10:00:00+00:00"))
            answers.append((rid, f"{rng.choice(TOPICS[topic])} please (new {i})"))
        with storage.write(db):
            db.conn.executemany(
                "INSERT INTO responses (id, survey_id, survey_version, language, mode,"
                " created_at, received_at, consent_given, consent_version, quote_consent,"
                " contact_consent, content_hash) VALUES (?, 'what-matters', 1, 'en', 'self',"
                " ?1, ?2, 1, '1', 1, 0, 'x')".replace("?1, ?2", "?2, ?2"),
                rows,
            )
            db.conn.executemany(
                "INSERT INTO answers (response_id, question_id, position, value, language,"
                " survey_id) VALUES (?, 'what_matters', 0, ?, 'en', 'what-matters')",
                answers,
            )
        run_id = storage.analysis_runs.start(
            db, "what-matters", "what_matters", "place", {}, None, None
        )
        # Embedding the new answers (once per answer, kept) is timed on its own: it is
        # the model's time, paid once whatever runs later.
        from survey_app.themes_input import responses_for, vectors_for

        start = time.perf_counter()
        fresh = [r for r in responses_for(db, "what-matters", "what_matters") if "(new " in r.text]
        vectors_for(db, "what_matters", fresh)
        embedding = time.perf_counter() - start
    start = time.perf_counter()
    runner._execute(app.config["DATABASE"], run_id)  # type: ignore[attr-defined]
    seconds = time.perf_counter() - start
    print(f"    embedding the new answers {embedding:.1f} s; placing them {seconds:.1f} s")
    with app.app_context():  # type: ignore[attr-defined]
        run = storage.analysis_runs.get(storage.get_db(), run_id)
    assert run.status == "done", run.error
    placed = sum(run.changes["placed"].values())
    print(f"    placed {placed:,} of {n_new:,} into themes", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    # The model is loaded once before any clock starts: a server has it loaded already.
    from analysis.embed import embed_texts

    embed_texts(["warm up"])
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.baseline, args.answers):
            start = time.perf_counter()
            built = build(Path(tmp) / f"w{n}.sqlite", n)
            print(f"built {n:,} answers in {time.perf_counter() - start:.0f} s", flush=True)
            app = built["app"]
            pages = page_times(app, built["themes"][0], args.repeat)
            seconds = place_time(app, args.new)
            results[n] = (pages, seconds)
    print(
        f"\n| page (server ms, median of {args.repeat}) | {args.baseline:,} answers | "
        f"{args.answers:,} answers | ratio |"
    )
    print("| --- | ---: | ---: | ---: |")
    small, big = results[args.baseline][0], results[args.answers][0]
    for name in small:
        print(f"| {name} | {small[name]:.1f} | {big[name]:.1f} | {big[name] / small[name]:.1f} |")
    print(
        f"\nplace {args.new:,} new answers (vectors stored): {results[args.baseline][1]:.1f} s"
        f" beside {args.baseline:,}, {results[args.answers][1]:.1f} s beside {args.answers:,}"
    )


if __name__ == "__main__":
    main()
