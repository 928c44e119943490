"""Devices: which are registered to whom, revoking one, and importing a saved file."""

from __future__ import annotations

from collections import Counter

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from .. import storage
from ..auth.access import role_required
from ..auth.forms import EmptyForm
from ..sync.batch import store_batch
from ..sync.payload import MAX_BATCH, BatchError, read_json
from . import bp
from .forms import ImportForm


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
        device = storage.accounts.revoke_device(storage.get_db(), device_id)
    except storage.NotFound:
        abort(404)
    flash(gettext("%(label)s can no longer send answers.", label=device.label))
    return redirect(url_for(".devices"))


@bp.route("/import", methods=["GET", "POST"])
@role_required("coordinator")
def import_file() -> str:
    """Responses a volunteer saved to a file: stored exactly as the sync API would."""
    form = ImportForm()
    receipts: list[dict[str, object]] = []
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
    counts = Counter(str(receipt["status"]) for receipt in receipts)
    problems = [r for r in receipts if r["status"] in ("conflict", "rejected")]
    return render_template(
        "admin/import.html", form=form, counts=counts, problems=problems, imported=bool(receipts)
    )
