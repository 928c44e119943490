"""Voice answers' files: appended chunk by chunk, then moved under a name of our making.

A recording's bytes collect in ``partial/<recording id>.part`` (the id is a UUID the
server has checked); once all have come and match, the file is synced and renamed to a
random name, and only then does the row say it arrived. Whatever a crash leaves (a
file no row names, a partial for a recording that is gone) :func:`sweep` removes.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

PIECE = 64 * 1024
# Striped: a fixed set of locks, so that memory does not grow with every recording.
_LOCKS = tuple(threading.Lock() for _ in range(64))


class OffsetMismatch(ValueError):
    """A chunk that does not start where the file has got to; ``offset`` says where."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class TooLarge(ValueError):
    """More bytes than the recording declared."""


@contextmanager
def held(recording_id: str) -> Iterator[None]:
    """One writer at a time per recording (two tabs of one device may both send)."""
    stripe = int(hashlib.sha256(recording_id.encode()).hexdigest()[:8], 16) % len(_LOCKS)
    with _LOCKS[stripe]:
        yield


def _checked(recording_id: str) -> str:
    return str(uuid.UUID(recording_id))  # a name we can trust in a path


def partial_path(folder: Path, recording_id: str) -> Path:
    return folder / "partial" / f"{_checked(recording_id)}.part"


def received(folder: Path, recording_id: str) -> int:
    """How many bytes of a recording have arrived so far."""
    try:
        return partial_path(folder, recording_id).stat().st_size
    except FileNotFoundError:
        return 0


def append(
    folder: Path, recording_id: str, offset: int, chunks: Iterable[bytes], limit: int
) -> int:
    """Add a chunk at ``offset``, streamed to disk; the new size. Call under :func:`held`.

    A chunk that would take the file past ``limit`` bytes is refused whole: nothing of
    it is kept.
    """
    path = partial_path(folder, recording_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    current = received(folder, recording_id)
    if offset != current:
        raise OffsetMismatch(current)
    written = 0
    with path.open("ab") as handle:
        try:
            for piece in chunks:
                written += len(piece)
                if current + written > limit:
                    raise TooLarge(limit)
                handle.write(piece)
        except BaseException:
            handle.flush()
            handle.truncate(current)  # a chunk is kept whole or not at all
            raise
        # Not synced chunk by chunk: what a power cut takes from the end of a partial file,
        # HEAD no longer counts, and the checksum at the end catches anything worse.
    return current + written


def read_start(folder: Path, recording_id: str, length: int) -> bytes:
    with partial_path(folder, recording_id).open("rb") as handle:
        return handle.read(length)


def digest(path: Path) -> str:
    hashed = hashlib.sha256()
    with path.open("rb") as handle:
        for piece in iter(lambda: handle.read(PIECE), b""):
            hashed.update(piece)
    return hashed.hexdigest()


def seal(folder: Path, recording_id: str, extension: str) -> str:
    """Move a complete partial file to a name of the server's making; that name."""
    name = secrets.token_hex(16) + extension
    partial = partial_path(folder, recording_id)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())  # the whole recording is on disk before it has a name
    os.replace(partial, folder / name)
    _sync_folder(folder)
    return name


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def path_of(folder: Path, stored_name: str) -> Path:
    return folder / Path(stored_name).name


def remove(folder: Path, stored_name: str) -> None:
    path_of(folder, stored_name).unlink(missing_ok=True)


def discard_partial(folder: Path, recording_id: str) -> None:
    partial_path(folder, recording_id).unlink(missing_ok=True)


def open_partial(folder: Path, recording_id: str) -> BinaryIO:
    return partial_path(folder, recording_id).open("rb")


def sweep(folder: Path, stored: set[str], waiting: set[str]) -> list[str]:
    """Remove files no row names and partials of recordings not waiting; what went."""
    removed: list[str] = []
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        if path.is_file() and path.name not in stored:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    partial = folder / "partial"
    if partial.is_dir():
        for path in partial.iterdir():
            if path.is_file() and path.stem not in waiting:
                path.unlink(missing_ok=True)
                removed.append("partial/" + path.name)
    return removed
