"""Encrypted backup and restore, and erasing one resident, on a database of real size.

    python bench/bench_backup.py [--responses 20000] [--recordings 100] [--runs 3]

Builds a database through the app's own API (responses in four languages, contact
details, voice recordings of a minute each), then measures, each in a child process so
that its peak memory is its own:

- the encrypted backup (``operations.backups.make``) against a baseline made in the same
  run: SQLite's online backup and a plain tar of the same files, no encryption;
- the restore of that backup;
- erasing one resident (``storage.residents.erase``, every trace) against deleting the
  response row alone, with saved reports and review records present.

Medians of ``--runs``; the machine is shared, so ratios matter more than seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey_app import create_app, storage  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WEBM = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d")
SECONDS_OF_VOICE = 60
BYTES_PER_SECOND = 64_000 // 8

CHILD = r"""
import json, sys, tarfile, time, resource, sqlite3
from pathlib import Path
sys.path.insert(0, sys.argv[1])
kind, database, recordings, out = sys.argv[2:6]
start = time.perf_counter()
if kind == "backup":
    from survey_app.operations import backups
    backups.make(Path(database), Path(recordings), Path(out), "bench passphrase")
elif kind == "baseline":
    src, dst = sqlite3.connect(database), sqlite3.connect(out + ".sqlite")
    src.backup(dst); dst.close(); src.close()
    with tarfile.open(out, "w") as archive:
        archive.add(out + ".sqlite", "database.sqlite")
        for path in sorted(Path(recordings).iterdir()):
            if path.is_file():
                archive.add(path, "recordings/" + path.name)
elif kind == "restore":
    from survey_app.operations import backups
    backups.restore(Path(out), "bench passphrase", Path(database), Path(recordings), True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"seconds": seconds, "peak_mib": peak}))
"""


def _child(kind: str, database: Path, recordings: Path, out: Path) -> dict[str, float]:
    reply = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), kind, str(database), str(recordings), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(reply.stdout.strip().splitlines()[-1])
    return result


def _build(folder: Path, responses: int, recordings: int) -> tuple[Path, Path, list[str]]:
    database = folder / "bench.sqlite"
    app = create_app(
        {
            "DATABASE": str(database),
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "EMBED_ON_ARRIVAL": False,
        }
    )
    client = app.test_client()
    ids: list[str] = []
    words = ["The buses never come on time", "বাড়ি ভাড়া অনেক বেশি", "Beerta waa la jebiyey"]
    batch: list[dict[str, object]] = []
    for n in range(responses):
        rid = str(uuid.uuid4())
        ids.append(rid)
        batch.append(
            {
                "id": rid,
                "survey_id": "what-matters",
                "survey_version": 1,
                "language": "en",
                "mode": "assisted",
                "created_at": "2026-11-20T10:00:00Z",
                "answers": {
                    "consent": "yes",
                    "what_matters": f"{words[n % 3]} ({n})",
                    "quote_consent": "yes",
                    "get_involved": "yes",
                    "contact_consent": "yes",
                    "contact_name": f"Resident {n}",
                    "contact_email": f"r{n}@example.net",
                },
            }
        )
        if len(batch) == 50:
            assert client.post("/api/v1/responses", json={"responses": batch}).status_code == 200
            batch = []
    if batch:
        client.post("/api/v1/responses", json={"responses": batch})
    for _ in range(recordings):
        data = WEBM + os.urandom(SECONDS_OF_VOICE * BYTES_PER_SECOND - len(WEBM))
        recording_id = str(uuid.uuid4())
        item = {
            "id": str(uuid.uuid4()),
            "survey_id": "what-matters",
            "survey_version": 1,
            "language": "so",
            "created_at": "2026-11-20T10:00:00Z",
            "answers": {"consent": "yes", "quote_consent": "no", "get_involved": "no"},
            "recordings": [
                {
                    "id": recording_id,
                    "question": "what_matters",
                    "type": "audio/webm;codecs=opus",
                    "size": len(data),
                    "seconds": SECONDS_OF_VOICE,
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            ],
            "voice_consent": True,
        }
        client.post("/api/v1/responses", json={"responses": [item]})
        for offset in range(0, len(data), 128 * 1024):
            reply = client.patch(
                f"/api/v1/recordings/{recording_id}",
                data=data[offset : offset + 128 * 1024],
                headers={
                    "Upload-Offset": str(offset),
                    "Content-Type": "application/offset+octet-stream",
                },
            )
            assert reply.status_code == 204, reply.status_code
    # Saved report versions and review records for the erasure to go through.
    db = storage.connect(database)
    with storage.write(db):
        for _ in range(5):
            db.execute(
                "INSERT INTO reports (survey_id, title, introduction, language, sections, content,"
                " created_at) VALUES ('what-matters', 'r', '', 'en', '[]', ?, '2026-11-30')",
                [
                    json.dumps(
                        {"questions": [{"themes": [{"quotes": [{"text": w} for w in words]}]}]}
                    )
                ],
            )
        for rid in ids[:2000]:
            db.execute(
                "INSERT INTO review_log (survey_id, question_id, at, action, detail)"
                " VALUES ('what-matters', 'what_matters', '2026-11-30', 'move', ?)",
                [json.dumps({"response": rid})],
            )
    db.close()
    return database, Path(app.config["RECORDINGS_FOLDER"]), ids


def _erase_times(database: Path, folder: Path, ids: list[str], runs: int) -> tuple[float, float]:
    db = storage.connect(database)
    try:
        erase, delete = [], []
        for n in range(runs):
            start = time.perf_counter()
            storage.residents.erase(db, folder, None, ids[n])
            erase.append(time.perf_counter() - start)
            start = time.perf_counter()
            with storage.write(db):
                db.execute("DELETE FROM responses WHERE id = ?", [ids[-1 - n]])
            delete.append(time.perf_counter() - start)
    finally:
        db.close()
    return statistics.median(erase), statistics.median(delete)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=20_000)
    parser.add_argument("--recordings", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        database, recordings, ids = _build(folder, args.responses, args.recordings)
        audio = sum(p.stat().st_size for p in recordings.iterdir() if p.is_file())
        print(
            f"built: {args.responses:,} responses, {args.recordings} recordings; database "
            f"{database.stat().st_size / 2**20:.1f} MiB, audio {audio / 2**20:.1f} MiB "
            f"({time.perf_counter() - started:.0f} s)"
        )
        results: dict[str, list[dict[str, float]]] = {"backup": [], "baseline": [], "restore": []}
        out = folder / "backup.tar"
        for _ in range(args.runs):
            results["baseline"].append(_child("baseline", database, recordings, folder / "b.tar"))
            results["backup"].append(_child("backup", database, recordings, out))
            results["restore"].append(
                _child("restore", folder / "r" / "r.sqlite", folder / "r" / "rec", out)
            )
        for name, found in results.items():
            seconds = statistics.median(r["seconds"] for r in found)
            peak = statistics.median(r["peak_mib"] for r in found)
            print(f"{name:9} median {seconds:6.2f} s   peak RSS {peak:5.0f} MiB")
        ratio = statistics.median(r["seconds"] for r in results["backup"]) / statistics.median(
            r["seconds"] for r in results["baseline"]
        )
        print(
            f"backup / baseline time: {ratio:.2f}; backup size {out.stat().st_size / 2**20:.1f} MiB"
        )
        erase, delete = _erase_times(database, recordings, ids, max(args.runs, 5))
        print(
            f"erase one resident: median {erase * 1000:.1f} ms; delete the row alone "
            f"{delete * 1000:.1f} ms (ratio {erase / delete:.1f})"
        )


if __name__ == "__main__":
    main()
