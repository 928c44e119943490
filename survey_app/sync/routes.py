"""POST /api/v1/responses: a receipt per response, each response its own transaction."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from flask_babel import gettext

from .. import storage
from ..errors import UserFacingError
from ..extensions import csrf
from ..surveys.answers import unexpected_answers, validate_response
from . import bp
from .openapi import OPENAPI
from .payload import BatchError, Item, batch_items, read_item, response_id


def _receipt(rid: str | None, status: str, errors: dict[str, str] | None = None) -> dict[str, Any]:
    receipt: dict[str, Any] = {"id": rid, "status": status}
    if errors:
        receipt["errors"] = errors
    return receipt


def _store(item: Item) -> dict[str, Any]:
    db = storage.get_db()
    try:
        survey = storage.surveys.get_version(db, item.survey_id, item.survey_version)
    except storage.NotFound:
        return _receipt(
            item.id,
            "rejected",
            {"survey_version": gettext("This survey or version does not exist on the server.")},
        )
    errors = unexpected_answers(survey, item.raw, mode=item.mode)
    if errors:
        return _receipt(item.id, "rejected", errors)
    limit = current_app.config["MAX_ANSWER_LENGTH"]
    submission, errors, _step = validate_response(
        survey, item.raw, mode=item.mode, max_length=limit
    )
    if submission is None:
        return _receipt(item.id, "rejected", errors)
    try:
        outcome = storage.responses.save(
            db,
            response_id=item.id,
            survey=survey,
            language=item.language,
            mode=item.mode,
            submission=submission,
            created_at=item.created_at,
        )
    except storage.ResponseConflict:
        return _receipt(
            item.id,
            "conflict",
            {"id": gettext("A different response with this id is stored already; it was kept.")},
        )
    return _receipt(item.id, outcome)


@bp.post("/responses")
@csrf.exempt
def receive_responses() -> Response:
    body = request.get_json(silent=True)
    if body is None:
        raise UserFacingError(gettext("The request body is not valid JSON."), status=400)
    try:
        items = batch_items(body)
    except BatchError as error:
        raise UserFacingError(str(error), status=400) from None
    languages = set(current_app.config["LANGUAGES"])
    receipts = []
    # One commit for the batch, each response in its own savepoint: a bad one is
    # undone alone, and no receipt leaves before the commit has succeeded.
    with storage.write(storage.get_db()):
        for raw_item in items:
            item, errors = read_item(raw_item, languages)
            if item is None:
                receipts.append(_receipt(response_id(raw_item), "rejected", errors))
            else:
                receipts.append(_store(item))
    return jsonify(receipts=receipts)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(OPENAPI)
