"""A recording's bytes, sent in chunks that resume: ``HEAD`` says how far, ``PATCH`` adds.

Modelled on the tus protocol's core: each chunk names the offset it starts at
(``Upload-Offset``), so a chunk sent twice, or after a dropped connection, is told
where the file has got to and nothing is written twice. The recording must have been
declared by its response, sent first by the same device; its first bytes must be the
container it says, and the whole must match its size (and checksum, when given).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext

from .. import storage
from ..errors import UserFacingError
from ..extensions import csrf
from ..storage import audio
from ..storage.recordings import Recording
from ..sync.limits import send_limit
from ..sync.routes import sending_device
from .formats import MAGIC_LENGTH, TYPES, sniff

bp = Blueprint("voice_upload", __name__, url_prefix="/api/v1/recordings")
OFFSET = "Upload-Offset"
LENGTH = "Upload-Length"


def folder() -> Path:
    return Path(current_app.config["RECORDINGS_FOLDER"])


def _erased(recording_id: str) -> str | None:
    """Why a recording no response declares is gone, if it was erased; else None."""
    if storage.residents.was_erased(storage.get_db(), recording_id):
        return gettext("This recording was erased at the resident's request.")
    return None


def _recording(recording_id: str) -> Recording:
    """The declared recording this device may send, or a refusal that writes nothing."""
    unknown = UserFacingError(
        gettext("No response on the server has this recording. Send the response first."),
        status=404,
    )
    try:
        audio.partial_path(folder(), recording_id)  # a UUID, or nothing to look up
        recording = storage.recordings.get(storage.get_db(), recording_id)
    except ValueError:
        raise unknown from None
    except storage.NotFound:
        if erased := _erased(recording_id):
            # The resident asked for it to be erased: the device deletes its copy.
            raise UserFacingError(erased, status=410) from None
        raise unknown from None
    device = sending_device()
    # A response sent by a device takes its audio from that device only; one sent from
    # a resident's own phone (no device) from whoever knows the recording's random id.
    if recording.device_id is not None and (device is None or device.id != recording.device_id):
        raise UserFacingError(
            gettext("This recording belongs to a response sent by another device."), status=403
        )
    return recording


def _state(recording: Recording, offset: int, status: int = 204) -> Response:
    response = Response(status=status) if status == 204 else jsonify(offset=offset)
    response.status_code = status
    response.headers[OFFSET] = str(offset)
    response.headers[LENGTH] = str(recording.size)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<recording_id>", methods=["HEAD"])
@csrf.exempt
@send_limit
def where(recording_id: str) -> Response:
    """How many bytes have arrived: where the next chunk starts."""
    recording = _recording(recording_id)
    done = recording.size if recording.arrived else audio.received(folder(), recording.id)
    return _state(recording, done, 200)


def _body(limit: int) -> Iterator[bytes]:
    left = limit
    while left > 0:
        piece = request.stream.read(min(audio.PIECE, left))
        if not piece:
            return
        left -= len(piece)
        yield piece


def _refuse(recording: Recording, message: str, status: int) -> UserFacingError:
    """Throw away what came of a recording that cannot be right, and say why."""
    audio.discard_partial(folder(), recording.id)
    return UserFacingError(message, status=status)


@bp.patch("/<recording_id>")
@csrf.exempt
@send_limit
def add_chunk(recording_id: str) -> Response:
    recording = _recording(recording_id)
    try:
        offset = int(request.headers.get(OFFSET, ""))
    except ValueError:
        raise UserFacingError(
            gettext("Say where this chunk starts (Upload-Offset)."), 400
        ) from None
    length = request.content_length
    if length is None:
        raise UserFacingError(gettext("Say how long this chunk is (Content-Length)."), 411)
    with audio.held(recording.id):
        if recording.arrived or storage.recordings.get(storage.get_db(), recording.id).arrived:
            return _state(recording, recording.size)  # sent twice: stored once
        if offset + length > recording.size:
            raise UserFacingError(
                gettext("This recording is larger than its response said it would be."), 413
            )
        try:
            done = audio.append(folder(), recording.id, offset, _body(length), recording.size)
        except audio.OffsetMismatch as mismatch:
            return _state(recording, mismatch.offset, 409)
        # Told by its first bytes, as soon as they are all here, whatever the chunks' sizes.
        if offset < MAGIC_LENGTH <= done or done == recording.size:
            _check_kind(recording)
        if done < recording.size:
            return _state(recording, done)
        return _finish(recording)


def _check_kind(recording: Recording) -> None:
    if sniff(audio.read_start(folder(), recording.id, MAGIC_LENGTH)) != recording.mime:
        raise _refuse(
            recording,
            gettext("This file is not the kind of recording its response said it was."),
            415,
        )


def _finish(recording: Recording) -> Response:
    """All bytes are here: check them, give the file its own name, then say it arrived."""
    partial = audio.partial_path(folder(), recording.id)
    if recording.sha256 and audio.digest(partial) != recording.sha256:
        raise _refuse(
            recording, gettext("The recording arrived damaged. Please send it again."), 422
        )
    name = audio.seal(folder(), recording.id, TYPES[recording.mime])
    try:
        arrived = storage.recordings.mark_arrived(storage.get_db(), recording.id, name)
    except BaseException:
        audio.remove(folder(), name)  # no row names it: leave no file either
        raise
    if not arrived:
        audio.remove(folder(), name)
    return _state(recording, recording.size)


def receive_whole(recording_id: str, data: bytes) -> str | None:
    """A whole recording from a file a coordinator imports (a device that could not send):
    None once stored (or if it was already), else why not. Checked as chunks are."""
    try:
        recording = storage.recordings.get(storage.get_db(), str(recording_id))
    except storage.NotFound:
        return _erased(recording_id) or gettext(
            "No response on the server has this recording. Send the response first."
        )
    with audio.held(recording.id):
        if storage.recordings.get(storage.get_db(), recording.id).arrived:
            return None
        if len(data) != recording.size:
            return gettext("The recording arrived damaged. Please send it again.")
        audio.discard_partial(folder(), recording.id)
        try:
            audio.append(folder(), recording.id, 0, [data], recording.size)
            _check_kind(recording)
            _finish(recording)
        except UserFacingError as refused:
            return refused.message
    return None
