"""Voice answers waiting to be written down: listened to and typed by the team."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import storage
from ..auth.access import role_required
from ..storage.recordings import Recording
from ..voice.listen import LISTENERS
from . import bp
from .forms import TranscriptForm
from .runner import embed_soon

SHOWN = 10


def waiting(questions: list[tuple[str, str]]) -> tuple[list[Recording], int]:
    """Recordings in the languages the signed-in person speaks, for those who may listen."""
    user = current_user.user
    if user.role not in LISTENERS:
        return [], 0
    return storage.recordings.to_transcribe(
        storage.get_db(), questions, list(user.languages) or ["en"], limit=SHOWN
    )


@bp.post("/translate/transcript")
@role_required(*LISTENERS)
def save_transcript() -> BaseResponse:
    form = TranscriptForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return redirect(url_for(".translate"))
    try:
        storage.recordings.save_transcript(
            storage.get_db(),
            form.recording_id.data,
            form.transcript.data.strip(),
            current_user.user.id,
            gloss=form.gloss.data,
        )
    except storage.NotFound:
        abort(404)
    recording = storage.recordings.get(storage.get_db(), form.recording_id.data)
    embed_soon(current_app._get_current_object(), {recording.survey_id})  # type: ignore[attr-defined]
    flash(gettext("Transcript saved. The analysis reads it as the resident's answer."))
    return redirect(url_for(".translate"))
