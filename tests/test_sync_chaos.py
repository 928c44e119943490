"""Chaos on the sync: many devices, re-sends, one id with two contents, and a server killed
mid-request (no goodbye) and started again, several times. Nothing is lost, nothing is
stored twice, nothing stored is overwritten, nothing is half-written."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.browser.conftest import LOAD_SETTINGS, LiveServer, start_server

DEVICES = 10
PER_DEVICE = 80
SHARED = 8  # ids that two devices both send, with different answers
KILLS = 4
DEADLINE = 120.0


def _response(response_id: str, text: str) -> dict[str, Any]:
    return {
        "id": response_id,
        "survey_id": "what-matters",
        "survey_version": 1,
        "language": "so",
        "mode": "assisted",
        "created_at": "2026-12-01T10:00:00Z",
        "answers": {
            "consent": "yes",
            "what_matters": text,
            "home_languages": ["somali", "english"],
            "quote_consent": "yes",
            "get_involved": "no",
        },
        "glosses": {"what_matters": "gloss of " + text},
    }


@dataclass
class Device:
    name: str
    pending: list[dict[str, Any]]
    done: dict[str, str] = field(default_factory=dict)  # id -> created/duplicate/conflict
    sent: list[dict[str, Any]] = field(default_factory=list)
    failures: int = 0
    problems: list[str] = field(default_factory=list)


def _post(port: int, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "POST",
            "/api/v1/responses",
            body=json.dumps({"responses": items}),
            headers={"Content-Type": "application/json"},
        )
        reply = conn.getresponse()
        body = reply.read()
        if reply.status != 200:
            raise OSError(f"server answered {reply.status}")
        receipts: list[dict[str, Any]] = json.loads(body)["receipts"]
        return receipts
    finally:
        conn.close()


def _run_device(device: Device, port: int, seed: int, stop: float) -> None:
    """An outbox: oldest first, a batch of any size, a re-send now and then; an item leaves
    only with a receipt, and a failed send is tried again."""
    rng = random.Random(seed)
    while device.pending and time.monotonic() < stop:
        # Tablets collect over time: a few responses, then a pause.
        time.sleep(rng.uniform(0.03, 0.15))
        batch = device.pending[: rng.randint(1, 8)]
        resend = rng.sample(device.sent, min(len(device.sent), rng.randint(0, 3)))
        try:
            receipts = _post(port, batch + resend)
        except (OSError, http.client.HTTPException):
            device.failures += 1
            time.sleep(rng.uniform(0.02, 0.1))
            continue
        for item, got in zip(batch + resend, receipts, strict=True):
            if got["id"] != item["id"]:
                device.problems.append(f"receipt for {got['id']} answered {item['id']}")
            elif got["status"] == "rejected":
                device.problems.append(f"{item['id']} rejected: {got.get('errors')}")
            elif item in batch:
                device.done[item["id"]] = got["status"]
        for item in batch:
            if item["id"] in device.done:
                device.pending.remove(item)
                device.sent.append(item)


def _kill_and_restart(server: LiveServer, tmp: Path, port: int, kills: list[LiveServer]) -> None:
    rng = random.Random(7)
    current = server
    for _ in range(KILLS):
        time.sleep(rng.uniform(0.3, 1.2))
        current.process.kill()  # as if the power went, mid-request
        current.process.wait()
        time.sleep(rng.uniform(0.05, 0.3))
        current = start_server(tmp, port=port, settings=LOAD_SETTINGS)
        kills.append(current)


def test_many_devices_a_killed_server_and_conflicts_lose_and_double_nothing(
    tmp_path: Path,
) -> None:
    server = start_server(tmp_path, settings=LOAD_SETTINGS)
    port = int(server.url.rsplit(":", 1)[1])
    devices = [
        Device(
            f"tablet-{d}",
            [_response(str(uuid.uuid4()), f"tablet {d}, answer {i}") for i in range(PER_DEVICE)],
        )
        for d in range(DEVICES)
    ]
    shared = [str(uuid.uuid4()) for _ in range(SHARED)]
    for n, rid in enumerate(shared):
        # The same id made on two devices (a bug, a cloned tablet): two different answers.
        for d in (n % DEVICES, (n + 1) % DEVICES):
            devices[d].pending.insert(
                random.Random(n).randint(0, PER_DEVICE), _response(rid, f"shared {n} from {d}")
            )
    servers = [server]
    stop = time.monotonic() + DEADLINE
    threads = [
        threading.Thread(target=_run_device, args=(device, port, seed, stop))
        for seed, device in enumerate(devices)
    ]
    killer = threading.Thread(target=_kill_and_restart, args=(server, tmp_path, port, servers))
    try:
        killer.start()
        for thread in threads:
            thread.start()
        killer.join()
        for thread in threads:
            thread.join()
        final = servers[-1]
        # Anything still waiting when the last restart came goes out now.
        for device in devices:
            _run_device(device, port, 99, time.monotonic() + 30)

        assert [p for d in devices for p in d.problems] == []
        assert all(not d.pending for d in devices), "a device never got its receipts"
        assert sum(d.failures for d in devices) > 0, "no send met the dead server"
        assert len(servers) == KILLS + 1

        made = {item["id"]: item for d in devices for item in d.sent}
        rows = final.query(
            "SELECT r.id, a.value FROM responses r JOIN answers a ON a.response_id = r.id"
            " WHERE a.question_id = 'what_matters'"
        )
        stored = dict(rows)
        assert len(rows) == len(stored) == len(made)  # each id once, none lost
        unique = {rid for rid in made if rid not in shared}
        for rid in unique:
            assert stored[rid] == made[rid]["answers"]["what_matters"]
        for rid in shared:
            outcomes = sorted(d.done[rid] for d in devices if rid in d.done)
            # One device's answers were kept; the other was told of the conflict.
            assert outcomes in (["conflict", "created"], ["conflict", "duplicate"]), outcomes
            winner = next(
                d for d in devices if rid in d.done and d.done[rid] in {"created", "duplicate"}
            )
            kept = next(i for i in winner.sent if i["id"] == rid)
            assert stored[rid] == kept["answers"]["what_matters"]
        # Nothing half-written: every response has its four answer rows (what matters, two
        # home languages, get involved; consents live on the response row) and its gloss.
        counts = final.query(
            "SELECT count(*), sum(gloss IS NOT NULL) FROM answers GROUP BY response_id"
        )
        assert set(counts) == {(4, 1)}
    finally:
        for running in servers:
            if running.process.poll() is None:
                running.process.terminate()
                running.process.wait(timeout=10)
