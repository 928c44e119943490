"""The audit log page: sign-ins, accounts, devices, exports, erasures and purges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l

from .. import storage
from ..admin.people import ACTION_NAMES as ACCOUNT_ACTIONS
from ..auth.access import role_required
from . import bp

PAGE = 100

ACTION_NAMES: dict[str, Any] = {
    **ACCOUNT_ACTIONS,
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Sign-in failed"),
    "password_set": _l("Password chosen"),
    "device_registered": _l("Device registered"),
    "device_revoked": _l("Device revoked"),
    "export": _l("File exported"),
    "erased": _l("Resident's response erased"),
    "contact_withdrawn": _l("Contact consent withdrawn"),
    "quote_withdrawn": _l("Quote consent withdrawn"),
    "purged": _l("Kept past its time: purged"),
    "erased_after_restore": _l("Erased again after a backup was restored"),
    "retention": _l("Keeping periods changed"),
}

# What each number or name in an entry's details is.
DETAIL_NAMES: dict[str, Any] = {
    "answers": _l("answers"),
    "recordings": _l("voice recordings"),
    "report_quotes": _l("quotes taken out of saved reports"),
    "review_records": _l("review records cleaned"),
    "pinned": _l("pinned quotes unpinned"),
    "doors": _l("door records unlinked"),
    "survey": _l("survey"),
    "what": _l("file"),
    "format": _l("format"),
    "rows": _l("rows"),
    "device": _l("device"),
    "responses": _l("responses"),
    "contacts": _l("contact details"),
    "answers_days": _l("days to keep answers"),
    "contacts_days": _l("days to keep contact details"),
    "detail": "",
}


@bp.get("/audit")
@role_required("coordinator")
def audit_log() -> str:
    before = request.args.get("before")
    if before is not None:
        # Only a place from this page's own "older" link: anything else is refused.
        place = storage.audit.parse_place(before)
        try:
            if place is None:
                raise ValueError(before)
            datetime.fromisoformat(place[0])
        except ValueError:
            abort(404)
    entries = storage.audit.entries(storage.get_db(), PAGE + 1, before)
    return render_template(
        "rights/audit.html",
        entries=entries[:PAGE],
        older=entries[PAGE - 1].place if len(entries) > PAGE else None,
        names=ACTION_NAMES,
        detail_names=DETAIL_NAMES,
    )
