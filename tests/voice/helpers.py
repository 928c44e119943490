"""Responses with voice answers, and their bytes, for the voice tests."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_user, sign_in, soup

# The first bytes of a WebM file (EBML header), then noise: the server sniffs the start.
WEBM_START = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d")
OGG_START = b"OggS\x00\x02" + bytes(22)


def recording_bytes(size: int = 300_000, start: bytes = WEBM_START) -> bytes:
    return start + os.urandom(size - len(start))


def declared(question: str, data: bytes, mime: str = "audio/webm;codecs=opus") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "question": question,
        "type": mime,
        "size": len(data),
        "seconds": 12,
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def voice_response(*recordings: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A response whose free-text answer was spoken, not typed."""
    item: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "survey_id": "what-matters",
        "survey_version": 1,
        "language": "so",
        "mode": "self",
        "created_at": "2026-12-05T10:00:00Z",
        "answers": {"consent": "yes", "quote_consent": "no", "get_involved": "no"},
        "recordings": list(recordings),
        "voice_consent": True,
    }
    item.update(overrides)
    return item


def device_token(app: Flask, client: FlaskClient, email: str = "volunteer@example.org") -> str:
    make_user(app, "volunteer", email)
    node = soup(sign_in(client, email)).select_one("[data-wm-device]")
    assert node is not None
    return str(node["data-token"])


def send(client: FlaskClient, item: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = client.post("/api/v1/responses", json={"responses": [item]}, headers=headers)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    receipt: dict[str, Any] = reply.get_json()["receipts"][0]
    return receipt


def upload(
    client: FlaskClient,
    recording_id: str,
    data: bytes,
    token: str | None = None,
    chunk: int = 64 * 1024,
    start: int = 0,
) -> Any:
    """Send ``data`` from ``start`` in chunks; the last reply."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = None
    offset = start
    while offset < len(data):
        piece = data[offset : offset + chunk]
        reply = client.patch(
            f"/api/v1/recordings/{recording_id}",
            data=piece,
            headers={
                **headers,
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        if reply.status_code != 204:
            return reply
        offset = int(reply.headers["Upload-Offset"])
    return reply


def audio_files(app: Flask) -> list[Path]:
    """Every file in the recordings folder, finished or partial."""
    folder = Path(app.config["RECORDINGS_FOLDER"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
