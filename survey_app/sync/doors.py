"""Reading and storing a batch of door-log entries sent by a volunteer's device."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from .. import storage
from ..storage.accounts import Device
from ..storage.doors import OUTCOMES, Knock
from .batch import receipt
from .payload import read_time, response_id

MAX_LABEL = 200


def read_knock(item: Any) -> tuple[Knock | None, dict[str, str]]:
    errors: dict[str, str] = {}
    if not isinstance(item, dict):
        return None, {"door": gettext("Each door must be a JSON object.")}
    rid = response_id(item)
    if rid is None:
        errors["id"] = gettext("Each door needs an id made on the device (a UUID).")
    event_id = item.get("event_id")
    if not isinstance(event_id, str) or not storage.events.exists(storage.get_db(), event_id):
        errors["event_id"] = gettext("This event does not exist.")
    street = item.get("street")
    if not isinstance(street, str) or not street.strip() or len(street) > MAX_LABEL:
        errors["street"] = gettext("Say which street.")
    door = item.get("door")
    if door is not None and (not isinstance(door, str) or len(door) > MAX_LABEL):
        errors["door"] = gettext("A door label must be a short text.")
    outcome = item.get("outcome")
    if outcome not in OUTCOMES:
        errors["outcome"] = gettext("Say what happened at the door.")
    language = item.get("language")
    if outcome == "needs_language":
        if not isinstance(language, str) or not language.strip() or len(language) > 50:
            errors["language"] = gettext("Say which language is needed.")
    elif language is not None:
        errors["language"] = gettext("A language goes only with 'needs another language'.")
    linked = item.get("response_id")
    if linked is not None and not isinstance(linked, str):
        errors["response_id"] = gettext("Each response needs an id made on the device (a UUID).")
    knocked_at = read_time(item.get("knocked_at"), errors, "knocked_at")
    if errors:
        return None, errors
    assert rid is not None and isinstance(event_id, str) and isinstance(street, str)
    return Knock(
        id=rid,
        event_id=event_id,
        street=street.strip(),
        door=door.strip() or None if isinstance(door, str) else None,
        outcome=str(outcome),
        knocked_at=knocked_at,
        language=language.strip() if isinstance(language, str) else None,
        response_id=linked,
    ), {}


def store_knocks(items: list[Any], device: Device) -> list[dict[str, Any]]:
    """A receipt per door; only the round's own volunteers (and coordinators) log its doors."""
    receipts = []
    with storage.write(storage.get_db()) as db:
        storage.accounts.touch_device(db, device.id)
        user = storage.accounts.get_user(db, device.user_id)
        for item in items:
            knock, errors = read_knock(item)
            if knock is not None and not storage.events.works_on(
                db, knock.event_id, user.id, user.role
            ):
                knock, errors = (
                    None,
                    {"event_id": gettext("You are not a volunteer on this round.")},
                )
            elif knock is not None and storage.events.get(db, knock.event_id).cancelled:
                knock, errors = None, {"event_id": gettext("This round was cancelled.")}
            if knock is None:
                receipts.append(receipt(response_id(item), "rejected", errors))
                continue
            try:
                outcome = storage.doors.log(db, knock, device.id)
            except storage.ResponseConflict:
                receipts.append(
                    receipt(
                        knock.id,
                        "conflict",
                        {
                            "id": gettext(
                                "A different door with this id is stored already; it was kept."
                            )
                        },
                    )
                )
            else:
                receipts.append(receipt(knock.id, outcome))
    return receipts
