"""Devices: which are registered to whom, revoking one, and importing a saved file."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections import Counter

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from .. import storage
from ..auth.access import role_required, signed_in_id
from ..auth.forms import EmptyForm
from ..sync.batch import store_batch
from ..sync.payload import MAX_BATCH, BatchError, read_json
from ..voice.upload import receive_whole
from . import bp
from .forms import ImportForm

# Ten devices' worth of three-minute recordings, as base64, and their answers.
IMPORT_LIMIT = 200 * 1024 * 1024


@bp.get("/devices")
@role_required("coordinator")
def devices() -> str:
    return render_template(
        "admin/devices.html",
        devices=storage.accounts.list_devices(storage.get_db()),
        form=EmptyForm(),
    )


@bp.post("/devices/<device_id>/revoke")
@role_required("coordinator")
def revoke(device_id: str) -> BaseResponse:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        device = storage.accounts.revoke_device(storage.get_db(), device_id, signed_in_id())
    except storage.NotFound:
        abort(404)
    flash(gettext("%(label)s can no longer send answers.", label=device.label))
    return redirect(url_for(".devices"))


@bp.route("/import", methods=["GET", "POST"])
@role_required("coordinator")
def import_file() -> str:
    """Responses a volunteer saved to a file: stored exactly as the sync API would."""
    # A saved file carries the device's voice recordings too: far more than a form's 1 MB.
    request.max_content_length = IMPORT_LIMIT
    form = ImportForm()
    receipts: list[dict[str, object]] = []
    voices: Counter[str] = Counter()
    refused_voices: list[str] = []
    if form.validate_on_submit():
        try:
            saved = read_json(form.file.data.read())
        except BatchError:
            saved = None
        items = saved.get("responses") if isinstance(saved, dict) else None
        if not isinstance(items, list):
            form.file.errors = [gettext("This is not a file of saved answers.")]
        else:
            for start in range(0, len(items), MAX_BATCH):
                receipts += store_batch(items[start : start + MAX_BATCH])
            for recording in saved.get("recordings") or []:
                reason = _import_recording(recording)
                voices["refused" if reason else "stored"] += 1
                if reason:
                    refused_voices.append(reason)
    counts = Counter(str(receipt["status"]) for receipt in receipts)
    problems = [r for r in receipts if r["status"] in ("conflict", "rejected")]
    return render_template(
        "admin/import.html",
        form=form,
        counts=counts,
        problems=problems,
        imported=bool(receipts),
        voices=voices,
        refused_voices=refused_voices,
    )


def _import_recording(entry: object) -> str | None:
    """One recording of a saved file, as its device would have sent it; why not, if not."""
    if not isinstance(entry, dict):
        return gettext("A recording in the file is not readable.")
    try:
        raw = base64.b64decode(str(entry.get("data")), validate=True)
        recording_id = str(uuid.UUID(str(entry.get("id"))))
    except (ValueError, binascii.Error):
        return gettext("A recording in the file is not readable.")
    return receive_whole(recording_id, raw)
