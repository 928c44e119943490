"""POST /api/v1/responses: a receipt per response, each response its own savepoint."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext

from .. import storage
from ..errors import UserFacingError
from ..extensions import csrf
from ..storage.accounts import Device
from . import bp
from .batch import store_batch
from .doors import store_knocks
from .limits import send_limit
from .openapi import OPENAPI
from .payload import MAX_BATCH, BatchError, batch_items, read_json


def sending_device() -> Device | None:
    """The sending device, when the request names one; refused ones stop the batch."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    device = None
    if scheme.lower() == "bearer" and token.strip():
        device = storage.accounts.device_for_token(storage.get_db(), token.strip())
    if device is None:
        raise UserFacingError(
            gettext("This device is not recognised. Please sign in again."), status=401
        )
    if device.revoked:
        raise UserFacingError(
            gettext(
                "A coordinator has signed this device out, so it cannot send. The answers "
                "are still kept on it: save them to a file and give it to your coordinator."
            ),
            status=403,
        )
    return device


def _json_body() -> object:
    if not request.is_json:
        raise BatchError(gettext("Send the body as JSON (Content-Type: application/json)."))
    return read_json(request.get_data(cache=False))


@bp.post("/responses")
@csrf.exempt
@send_limit
def receive_responses() -> Response:
    try:
        items = batch_items(_json_body())
    except BatchError as error:
        raise UserFacingError(str(error), status=400) from None
    device = sending_device()
    receipts = store_batch(items, device.id if device else None)
    return jsonify(receipts=receipts)


@bp.post("/doors")
@csrf.exempt
@send_limit
def receive_doors() -> Response:
    """The door log: only a signed-in volunteer's device knocks on doors."""
    try:
        body = _json_body()
    except BatchError as error:
        raise UserFacingError(str(error), status=400) from None
    device = sending_device()
    if device is None:
        raise UserFacingError(
            gettext("Only a volunteer's signed-in device can send the door log."), status=401
        )
    items = body.get("doors") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise UserFacingError(gettext('Send a JSON object with a list called "doors".'), status=400)
    if len(items) > MAX_BATCH:
        raise UserFacingError(
            gettext("Send at most %(count)s responses at a time.", count=MAX_BATCH), status=400
        )
    return jsonify(receipts=store_knocks(items, device))


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(OPENAPI)
