"""The door log page: works without JavaScript online, and offline through the outbox."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from .. import i18n, storage
from ..admin.events import OUTCOME_NAMES
from ..auth.access import role_required
from ..auth.forms import EmptyForm
from ..errors import UserFacingError
from ..storage.doors import Knock
from . import bp
from .forms import DoorForm


def _form() -> DoorForm:
    form = DoorForm()
    form.language.choices = [SelectChoice("", "—")] + [
        SelectChoice(o.code, o.name, render_kw={"lang": o.tag}) for o in i18n.offered()
    ]
    return form


@bp.route("/<event_id>", methods=["GET", "POST"])
@role_required("volunteer", "coordinator")
def door_log(event_id: str) -> BaseResponse:
    db = storage.get_db()
    try:
        event = storage.events.get(db, event_id)
    except storage.NotFound:
        abort(404)
    if event.kind != "door_knocking":
        abort(404)
    user = current_user.user
    if not storage.events.works_on(db, event.id, user.id, user.role):
        abort(403)
    if event.cancelled:
        raise UserFacingError(
            gettext("This round was cancelled by a coordinator. No more doors can be logged."),
            status=410,
        )
    form = _form()
    if form.validate_on_submit():
        knock = Knock(
            id=form.id.data or "",
            event_id=event.id,
            street=(form.street.data or "").strip(),
            door=(form.door.data or "").strip() or None,
            outcome=form.outcome.data or "",
            knocked_at=datetime.now(UTC).isoformat(timespec="seconds"),
            language=form.language.data if form.outcome.data == "needs_language" else None,
            response_id=str(uuid.uuid4()) if form.outcome.data == "completed" else None,
        )
        try:
            storage.doors.log(db, knock, device_id=None, user_id=user.id)
        except storage.ResponseConflict:
            abort(409)
        flash(
            gettext(
                "Logged: %(street)s %(door)s: %(outcome)s.",
                street=knock.street,
                door=knock.door or "",
                outcome=OUTCOME_NAMES[knock.outcome],
            )
        )
        if knock.response_id:
            # Straight on to the survey with this resident, under the id the door names.
            volunteer: dict[str, Any] = {"with": "volunteer"}
            return redirect(
                url_for(
                    "collect.survey_start",
                    survey_id=event.survey_id,
                    event=event.id,
                    response=knock.response_id,
                    round=event.id,
                    **volunteer,
                )
            )
        return redirect(url_for(".door_log", event_id=event.id, street=knock.street))
    if not form.is_submitted():
        form.id.data = str(uuid.uuid4())
        form.street.data = request.args.get("street", "")
    streets = [line.strip() for line in event.area.splitlines() if line.strip()]
    page = render_template(
        "rounds/door_log.html",
        event=event,
        form=form,
        streets=streets,
        recent=storage.doors.undoable(db, event.id, user.id, datetime.now(UTC)),
        history=storage.doors.history(db, event.id),
        outcomes=OUTCOME_NAMES,
        undo_form=EmptyForm(),
        undo_minutes=storage.doors.UNDO_MINUTES,
    )
    response = make_response(page, 422 if form.errors else 200)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@role_required("volunteer", "coordinator")
def my_rounds() -> str:
    """The rounds a volunteer is on (every round, for a coordinator)."""
    user = current_user.user
    rounds = storage.events.rounds_for(storage.get_db(), user.id, user.role)
    return render_template("rounds/index.html", rounds=rounds)


@bp.post("/<event_id>/undo")
@role_required("volunteer", "coordinator")
def undo_door(event_id: str) -> BaseResponse:
    """Undo a door logged by mistake: kept in the record as undone, by whom and when."""
    user = current_user.user
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not storage.events.works_on(storage.get_db(), event_id, user.id, user.role):
        abort(403)
    try:
        storage.doors.undo(
            storage.get_db(),
            event_id,
            request.form.get("knock", ""),
            user.id,
            user.role,
            datetime.now(UTC),
        )
    except storage.doors.CannotUndo:
        flash(
            gettext(
                "That door can no longer be undone: only your own doors, for %(minutes)s "
                "minutes after they were logged.",
                minutes=storage.doors.UNDO_MINUTES,
            )
        )
    else:
        flash(gettext("Undone. Log the door again with the right outcome."))
    return redirect(url_for(".door_log", event_id=event_id))
