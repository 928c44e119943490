"""Playing a voice answer: to the team's analysts and coordinators only, never cached."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, send_file
from werkzeug.wrappers import Response

from .. import kiosk, storage
from ..auth.access import role_required
from ..i18n import localised_blueprint
from ..storage import audio
from .formats import TYPES

bp = localised_blueprint("voice", __name__, "/analysis/recordings")
# Volunteers gloss written answers; listening to a resident's voice is the team's.
LISTENERS = ("coordinator", "analyst")


@bp.get("/<recording_id>")
@role_required(*LISTENERS)
def play(recording_id: str) -> Response:
    if kiosk.is_on():
        abort(403)  # a kiosk plays nobody's voice to the next person
    try:
        recording = storage.recordings.get(storage.get_db(), recording_id)
    except storage.NotFound:
        abort(404)
    if recording.stored_name is None:
        abort(404)
    path = audio.path_of(Path(current_app.config["RECORDINGS_FOLDER"]), recording.stored_name)
    # conditional: Range requests, so a long answer can be skipped through.
    response = send_file(
        path,
        mimetype=recording.mime,
        conditional=True,
        download_name="voice-answer" + TYPES[recording.mime],
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
