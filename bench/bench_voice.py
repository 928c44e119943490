"""Voice answers arriving from many devices at once, over the chunked upload.

    python bench/bench_voice.py [--devices 20] [--recordings 10] [--seconds 180]

Against the real server (run.py, waitress): each device sends its responses (one
voice answer each) and then, all devices at once, every recording in 128 KB chunks
as the outbox does (HEAD, then PATCH from the offset). A recording is the size a
browser makes at the 64 kbit/s the recorder asks for. Reported: every chunk's time
(median, p99), beside a baseline measured in the same run under the same load, the
HEAD that asks how far a recording has got (no body, no disk); the server's resident
memory before and at its peak; and a check that each recording is stored once,
byte for byte. Aims (issue 16): p99 per chunk <= 200 ms, memory flat.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey_app import storage  # noqa: E402
from tests.browser.conftest import LOAD_SETTINGS, start_server  # noqa: E402

CHUNK = 128 * 1024
BYTES_PER_SECOND = 64_000 // 8
WEBM = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d")


def _rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _devices(database: Path, count: int) -> list[str]:
    db = storage.connect(database)
    user = storage.accounts.create_user(
        db, email="bench@example.org", name="Bench", role="volunteer", password="x" * 12
    )
    return [storage.accounts.register_device(db, user, f"Tablet {n}")[1] for n in range(count)]


def _recording(size: int) -> bytes:
    return WEBM + os.urandom(size - len(WEBM))


class Device(threading.Thread):
    def __init__(self, host: str, port: int, token: str, recordings: int, size: int) -> None:
        super().__init__()
        self.host, self.port, self.token = host, port, token
        self.data = [_recording(size) for _ in range(recordings)]
        self.ids = [str(uuid.uuid4()) for _ in self.data]
        self.chunk_ms: list[float] = []
        self.last_ms: list[float] = []  # the chunk that completes a recording
        self.head_ms: list[float] = []
        self.start_gate: threading.Event | None = None

    def _request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[http.client.HTTPResponse, float]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            began = time.perf_counter()
            headers = {"Authorization": f"Bearer {self.token}", **headers}
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            reply.read()
            return reply, (time.perf_counter() - began) * 1000
        finally:
            conn.close()

    def send_responses(self) -> None:
        items = [
            {
                "id": str(uuid.uuid4()),
                "survey_id": "what-matters",
                "survey_version": 1,
                "language": "so",
                "mode": "assisted",
                "answers": {"consent": "yes", "quote_consent": "no", "get_involved": "no"},
                "voice_consent": True,
                "recordings": [
                    {
                        "id": rid,
                        "question": "what_matters",
                        "type": "audio/webm;codecs=opus",
                        "size": len(data),
                        "seconds": len(data) // BYTES_PER_SECOND,
                        "sha256": hashlib.sha256(data).hexdigest(),
                    }
                ],
            }
            for rid, data in zip(self.ids, self.data, strict=True)
        ]
        body = json.dumps({"responses": items}).encode()
        reply, _ms = self._request(
            "POST", "/api/v1/responses", body, {"Content-Type": "application/json"}
        )
        assert reply.status == 200, reply.status

    def run(self) -> None:
        assert self.start_gate is not None
        self.start_gate.wait()
        for rid, data in zip(self.ids, self.data, strict=True):
            reply, ms = self._request("HEAD", f"/api/v1/recordings/{rid}", None, {})
            self.head_ms.append(ms)
            offset = int(reply.getheader("Upload-Offset") or 0)
            while offset < len(data):
                piece = data[offset : offset + CHUNK]
                reply, ms = self._request(
                    "PATCH",
                    f"/api/v1/recordings/{rid}",
                    piece,
                    {
                        "Upload-Offset": str(offset),
                        "Content-Type": "application/offset+octet-stream",
                    },
                )
                assert reply.status == 204, reply.status
                self.chunk_ms.append(ms)
                offset = int(reply.getheader("Upload-Offset") or 0)
                if offset == len(data):
                    self.last_ms.append(ms)


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=20)
    parser.add_argument("--recordings", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=180)
    args = parser.parse_args()
    size = args.seconds * BYTES_PER_SECOND
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), settings=LOAD_SETTINGS)
        try:
            host, port = server.url.removeprefix("http://").split(":")
            tokens = _devices(server.database, args.devices)
            devices = [Device(host, int(port), t, args.recordings, size) for t in tokens]
            for device in devices:
                device.send_responses()
            pid = server.process.pid
            before = _rss_kb(pid, "VmRSS")
            gate = threading.Event()
            for device in devices:
                device.start_gate = gate
                device.start()
            began = time.perf_counter()
            gate.set()
            peak = before
            # Memory is flat if the second half of the data raises it no higher than the
            # first half did: it is bounded by what is in flight, not by what has passed.
            total_chunks = sum(-(-size // CHUNK) for d in devices for _ in d.data)
            half = before
            while any(d.is_alive() for d in devices):
                rss = _rss_kb(pid, "VmRSS")
                peak = max(peak, rss)
                if sum(len(d.chunk_ms) for d in devices) <= total_chunks // 2:
                    half = max(half, rss)
                time.sleep(0.05)
            elapsed = time.perf_counter() - began
            chunks = [ms for d in devices for ms in d.chunk_ms]
            heads = [ms for d in devices for ms in d.head_ms]
            stored = server.query("SELECT id, stored_name FROM recordings")
            folder = server.database.with_name("live-recordings")
            files = [p for p in folder.glob("*") if p.is_file()]
            expected = {rid: data for d in devices for rid, data in zip(d.ids, d.data, strict=True)}
            same = sum(
                1 for rid, name in stored if name and (folder / name).read_bytes() == expected[rid]
            )
        finally:
            server.process.terminate()
            server.process.wait()
    total = len(expected)
    megabytes = total * size / 1e6
    print(
        f"{args.devices} devices x {args.recordings} recordings of {args.seconds} s"
        f" ({size / 1e6:.2f} MB each, {megabytes:.0f} MB in all), {len(chunks)} chunks"
        f" of {CHUNK // 1024} KB, all at once, in {elapsed:.1f} s"
    )
    print(
        f"  chunk PATCH: median {statistics.median(chunks):.1f} ms, p99 {_p99(chunks):.1f} ms"
        f"  (baseline HEAD in the same run: median {statistics.median(heads):.1f} ms,"
        f" p99 {_p99(heads):.1f} ms; ratio of medians"
        f" {statistics.median(chunks) / statistics.median(heads):.1f})"
    )
    lasts = [ms for d in devices for ms in d.last_ms]
    print(
        f"  of which the last chunk of each recording (checked, synced, named):"
        f" median {statistics.median(lasts):.1f} ms, p99 {_p99(lasts):.1f} ms"
    )
    print(
        f"  server memory: {before / 1024:.0f} MB before, peak {half / 1024:.0f} MB in the first"
        f" half of the data, {peak / 1024:.0f} MB in all ({megabytes:.0f} MB passed through)"
    )
    print(f"  stored: {len(stored)} rows, {len(files)} files, {same} of {total} byte-identical")
    assert len(stored) == total and len(files) == total and same == total


if __name__ == "__main__":
    main()
