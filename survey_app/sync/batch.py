"""Storing a batch of queued responses: shared by the sync API and the file import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_babel import gettext

from .. import storage
from ..surveys.answers import unexpected_answers, validate_response
from .payload import Item, read_item, response_id


def receipt(rid: str | None, status: str, errors: dict[str, str] | None = None) -> dict[str, Any]:
    made: dict[str, Any] = {"id": rid, "status": status}
    if errors:
        made["errors"] = errors
    return made


def _store(item: Item, device_id: str | None) -> dict[str, Any]:
    db = storage.get_db()
    try:
        survey = storage.surveys.get_version(db, item.survey_id, item.survey_version)
    except storage.NotFound:
        return receipt(
            item.id,
            "rejected",
            {"survey_version": gettext("This survey or version does not exist on the server.")},
        )
    if item.event_id is not None and not storage.events.exists(db, item.event_id):
        return receipt(item.id, "rejected", {"event_id": gettext("This event does not exist.")})
    errors = unexpected_answers(survey, item.raw, mode=item.mode)
    if errors:
        return receipt(item.id, "rejected", errors)
    limit = current_app.config["MAX_ANSWER_LENGTH"]
    submission, errors, _step = validate_response(
        survey, item.raw, mode=item.mode, max_length=limit
    )
    if submission is None:
        return receipt(item.id, "rejected", errors)
    try:
        outcome = storage.responses.save(
            db,
            response_id=item.id,
            survey=survey,
            language=item.language,
            mode=item.mode,
            submission=submission,
            created_at=item.created_at,
            device_id=device_id,
            event_id=item.event_id,
        )
    except storage.ResponseConflict:
        return receipt(
            item.id,
            "conflict",
            {"id": gettext("A different response with this id is stored already; it was kept.")},
        )
    return receipt(item.id, outcome)


def store_batch(items: Sequence[Any], device_id: str | None = None) -> list[dict[str, Any]]:
    """A receipt per item, in order, returned only after the batch has committed.

    One commit for the batch, each response in its own savepoint: a bad one is
    undone alone, and no receipt leaves before the commit has succeeded.
    """
    languages = set(current_app.config["LANGUAGES"])
    receipts = []
    with storage.write(storage.get_db()) as db:
        if device_id is not None:
            storage.accounts.touch_device(db, device_id)
        for raw_item in items:
            item, errors = read_item(raw_item, languages)
            if item is None:
                receipts.append(receipt(response_id(raw_item), "rejected", errors))
            else:
                receipts.append(_store(item, device_id))
    return receipts
