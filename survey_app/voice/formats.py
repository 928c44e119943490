"""Which recordings the server takes: their types, their first bytes and their size."""

from __future__ import annotations

from dataclasses import dataclass

# The browsers' own recorders: WebM/Opus (Chromium, Firefox), Ogg/Opus (older Firefox),
# MP4/AAC (Safari). Each is told by its first bytes, never by what the sender says.
TYPES = {"audio/webm": ".webm", "audio/ogg": ".ogg", "audio/mp4": ".m4a"}
# Enough of the start of a file to tell its container.
MAGIC_LENGTH = 12
# Recorders ask for 64 kbit/s; a container's overhead and a browser that ignores the
# request (Safari records AAC at up to 128 kbit/s) still fit under 24 kB a second.
BYTES_PER_SECOND = 24_000
SLACK_BYTES = 256 * 1024
# A recorder stops at the limit; its clock may run a moment past it.
SLACK_SECONDS = 2


def base_type(declared: str) -> str | None:
    """``audio/webm;codecs=opus`` → ``audio/webm``; None for a type not taken."""
    base = declared.split(";", 1)[0].strip().lower()
    return base if base in TYPES else None


def sniff(start: bytes) -> str | None:
    """The container the first bytes show, as a type in :data:`TYPES`, or None."""
    if start[:4] == b"\x1a\x45\xdf\xa3":
        return "audio/webm"  # EBML: WebM and Matroska
    if start[:4] == b"OggS":
        return "audio/ogg"
    if start[4:8] == b"ftyp":
        return "audio/mp4"
    return None


def max_bytes(seconds: int) -> int:
    """The most bytes a recording of ``seconds`` (the survey's limit) may take."""
    return seconds * BYTES_PER_SECOND + SLACK_BYTES


@dataclass(frozen=True)
class Declared:
    """A voice answer a response says it has; its bytes follow in chunks."""

    id: str
    question_id: str
    mime: str
    size: int
    seconds: int
    sha256: str | None
