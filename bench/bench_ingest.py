"""Server ingest: responses per second and request latency, 32 concurrent clients.

    python bench/bench_ingest.py [--seconds 8] [--clients 32]

Runs, in one go and on the same machine: the real app (run.py: waitress, SQLite in WAL
with synchronous=NORMAL) taking single responses and batches of 50 through
POST /api/v1/responses, and two bare Flask + SQLite endpoints served the same way: one
that writes the same rows as the app into the app's own schema (a response row, its answer
rows, with the same indexes and foreign keys) without checking anything, and one that
stores each posted response as a single row (the baseline of earlier runs). Every request
carries new ids, so every response is really validated and written. The load comes from
Python threads with keep-alive connections; the client shares the 2 cores, so compare the
ratio, not the absolutes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Both bare endpoints are served as the app is: waitress, 8 threads, 64 KB reads.
SERVED = """
@app.get("/healthz")
def health():
    return {"ok": True}
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, recv_bytes=65536, _quiet=True)
"""

BARE_APP = (
    """
import sqlite3, sys
from flask import Flask, request
from waitress import serve
path = sys.argv[2]
init = sqlite3.connect(path)
init.execute("PRAGMA journal_mode = WAL")
init.execute("CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, body TEXT)")
init.close()
app = Flask(__name__)
@app.post("/insert")
def insert():
    conn = sqlite3.connect(path, isolation_level=None, timeout=5)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 5000")
    body = request.get_json()
    conn.execute("BEGIN")
    for item in body["responses"]:
        conn.execute("INSERT INTO t VALUES (?, ?)", (item["id"], str(item)))
    conn.execute("COMMIT")
    conn.close()
    return {"ok": True}
"""
    + SERVED
)

# The same rows the app writes for a response (the row, its answers), into the app's own
# schema (made by its migrations, with the bundled survey loaded), unchecked: what storing
# costs by itself. No idempotency look-up, no survey, no consent rules.
SAME_ROWS_APP = (
    """
import sqlite3, sys
from datetime import datetime, timezone
from flask import Flask, request
from waitress import serve
from survey_app import create_app
path = sys.argv[2]
create_app({"DATABASE": path, "TESTING": True})
app = Flask(__name__)
RESPONSE = (
    "INSERT INTO responses (id, survey_id, survey_version, language, mode, created_at,"
    " received_at, consent_given, consent_version, quote_consent, contact_consent,"
    " content_hash, device_id, event_id, started_at, voice_consent, collected_by)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
ANSWER = (
    "INSERT INTO answers (response_id, question_id, position, value, gloss, language,"
    " survey_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
@app.post("/insert")
def insert():
    conn = sqlite3.connect(path, isolation_level=None, timeout=5)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA foreign_keys = ON")
    body = request.get_json()
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    responses, answers = [], []
    for item in body["responses"]:
        given = item["answers"]
        glosses = item.get("glosses", {})
        responses.append((
            item["id"], item["survey_id"], item["survey_version"], item["language"],
            item["mode"], item["created_at"], now, int(given.get("consent") == "yes"), "1",
            int(given.get("quote_consent") == "yes"), 0, item["id"], None, None, None, None,
            None,
        ))
        for qid, value in given.items():
            if qid in ("consent", "quote_consent"):
                continue
            values = value if isinstance(value, list) else [value]
            answers.extend(
                (item["id"], qid, n, v, glosses.get(qid) if n == 0 else None,
                 item["language"], item["survey_id"])
                for n, v in enumerate(values)
            )
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(RESPONSE, responses)
    conn.executemany(ANSWER, answers)
    conn.execute("COMMIT")
    conn.close()
    return {"ok": True}
"""
    + SERVED
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(command: list[str], port: int) -> subprocess.Popen[bytes]:
    # 32 clients from one address send far faster than a team: the send limits are
    # counted (their cost is measured) but set out of reach.
    # The sentence vectors the app makes once a burst of arrivals has stopped would run
    # during the next server's turn and slow it: ingest is measured here without them.
    env = dict(
        os.environ,
        WHATMATTERS_SEND_LIMIT_PER_ADDRESS="1000000 per minute",
        WHATMATTERS_SEND_LIMIT_PER_DEVICE="1000000 per minute",
        WHATMATTERS_EMBED_ON_ARRIVAL="false",
    )
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def response(i: int) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "survey_id": "what-matters",
        "survey_version": 1,
        "language": "bn",
        "mode": "assisted",
        "created_at": "2026-11-22T10:00:00Z",
        "answers": {
            "consent": "yes",
            "what_matters": f"নিরাপদ রাস্তা আর পরিষ্কার পার্ক {i}",
            "home_languages": ["bengali", "english"],
            "quote_consent": "yes",
            "get_involved": "no",
        },
        "glosses": {"what_matters": f"Safe streets and clean parks {i}"},
    }


def load(port: int, path: str, batch: int, clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    sent = [0]
    busy = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        count = 0
        while time.monotonic() < stop:
            body = json.dumps({"responses": [response(count + k) for k in range(batch)]})
            began = time.perf_counter()
            conn.request("POST", path, body, {"Content-Type": "application/json"})
            reply = conn.getresponse()
            reply.read()
            if reply.status == 503:
                # The server's "busy, send again": nothing stored, as a device's outbox sees it.
                with lock:
                    busy[0] += 1
                continue
            if reply.status != 200:
                raise RuntimeError(f"status {reply.status}")
            mine.append(time.perf_counter() - began)
            count += batch
        conn.close()
        with lock:
            latencies.extend(mine)
            sent[0] += count

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "responses_per_s": sent[0] / elapsed,
        "requests_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "busy": busy[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    bare_names = ("bare: same rows", "bare: one row")
    with tempfile.TemporaryDirectory() as tmp:
        app_port, same_port, bare_port = free_port(), free_port(), free_port()
        app = start(
            [sys.executable, "run.py", "--port", str(app_port), "--database", f"{tmp}/app.sqlite"],
            app_port,
        )
        same = start(
            [sys.executable, "-c", SAME_ROWS_APP, str(same_port), f"{tmp}/same.sqlite"],
            same_port,
        )
        bare = start(
            [sys.executable, "-c", BARE_APP, str(bare_port), f"{tmp}/bare.sqlite"], bare_port
        )
        servers = [
            (bare_names[0], same_port, "/insert"),
            (bare_names[1], bare_port, "/insert"),
            ("What Matters API", app_port, "/api/v1/responses"),
        ]
        try:
            rows = [
                (name, batch, load(port, path, batch, args.clients, args.seconds))
                for batch in (1, 50)
                for name, port, path in servers
            ]
        finally:
            for process in (app, same, bare):
                process.terminate()
        stored = {
            name: sqlite3.connect(f"{tmp}/{name}.sqlite")
            .execute(f"SELECT count(*) FROM {table}")
            .fetchone()[0]
            for name, table in (("app", "responses"), ("same", "responses"), ("bare", "t"))
        }
    print(f"{args.clients} clients, {args.seconds:g} s each, {os.cpu_count()} cores")
    print(
        f"{'server':22} {'batch':>5} {'resp/s':>8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'busy':>5}"
    )
    for name, batch, figures in rows:
        print(
            f"{name:22} {batch:>5} {figures['responses_per_s']:>8.0f} "
            f"{figures['requests_per_s']:>8.0f} {figures['p50_ms']:>7.1f} "
            f"{figures['p99_ms']:>7.1f} {figures['busy']:>5}"
        )
    for batch in (1, 50):
        ours = next(f for n, b, f in rows if b == batch and n.startswith("What"))
        for bare_name in bare_names:
            base = next(f for n, b, f in rows if b == batch and n == bare_name)
            print(
                f"batch {batch}: What Matters / {bare_name} = "
                f"{ours['responses_per_s'] / base['responses_per_s']:.2f}"
            )
    print(f"responses committed: {stored}")


if __name__ == "__main__":
    main()
