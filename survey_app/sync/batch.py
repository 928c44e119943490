"""Storing a batch of queued responses: shared by the sync API and the file import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_babel import gettext

from .. import storage
from ..surveys.answers import unexpected_answers, validate_response
from ..surveys.model import Survey
from ..voice.rules import recording_errors
from ..workspace.runner import embed_soon
from .payload import Item, read_item, response_id


def receipt(rid: str | None, status: str, errors: dict[str, str] | None = None) -> dict[str, Any]:
    made: dict[str, Any] = {"id": rid, "status": status}
    if errors:
        made["errors"] = errors
    return made


class _Lookups:
    """Surveys and events a batch names, each read once per batch, not once per response."""

    def __init__(self) -> None:
        self.surveys: dict[tuple[str, int], Survey | None] = {}
        self.events: dict[str, bool] = {}

    def survey(self, survey_id: str, version: int) -> Survey | None:
        key = (survey_id, version)
        if key not in self.surveys:
            try:
                self.surveys[key] = storage.surveys.get_version(
                    storage.get_db(), survey_id, version
                )
            except storage.NotFound:
                self.surveys[key] = None
        return self.surveys[key]

    def event_exists(self, event_id: str) -> bool:
        if event_id not in self.events:
            self.events[event_id] = storage.events.exists(storage.get_db(), event_id)
        return self.events[event_id]


def _check(
    item: Item, device_id: str | None, lookups: _Lookups
) -> storage.responses.NewResponse | dict[str, Any]:
    """The response ready to store, or the receipt that refuses it."""
    survey = lookups.survey(item.survey_id, item.survey_version)
    if survey is None:
        return receipt(
            item.id,
            "rejected",
            {"survey_version": gettext("This survey or version does not exist on the server.")},
        )
    if item.language not in {*current_app.config["LANGUAGES"], *survey.languages()}:
        # A language only this survey's form has (Tigrinya) is the survey's own to take.
        return receipt(item.id, "rejected", {"language": gettext("This language is not offered.")})
    if item.event_id is not None and not lookups.event_exists(item.event_id):
        return receipt(item.id, "rejected", {"event_id": gettext("This event does not exist.")})
    survey = survey.expanded(item.raw)  # each repeat's copies, as many as were sent
    kept = survey.effective_answers(item.raw)
    applicable = survey.applicable(item.raw, kept)
    errors = unexpected_answers(survey, item.raw, mode=item.mode, applicable=applicable)
    if errors:
        return receipt(item.id, "rejected", errors)
    applies = {q.id for _step, questions in applicable for q in questions}
    errors = recording_errors(survey, item.recordings, applies, item.voice_consent)
    if errors:
        return receipt(item.id, "rejected", errors)
    limit = current_app.config["MAX_ANSWER_LENGTH"]
    submission, errors, _step = validate_response(
        survey,
        item.raw,
        mode=item.mode,
        max_length=limit,
        applicable=applicable,
        kept=kept,
        voiced=frozenset(r.question_id for r in item.recordings),
    )
    if submission is None:
        return receipt(item.id, "rejected", errors)
    return storage.responses.NewResponse(
        id=item.id,
        survey=survey,
        language=item.language,
        mode=item.mode,
        submission=submission,
        created_at=item.created_at,
        device_id=device_id,
        event_id=item.event_id,
        started_at=item.started_at,
        recordings=item.recordings,
        voice_consent=item.voice_consent if item.recordings else None,
    )


def store_batch(items: Sequence[Any], device_id: str | None = None) -> list[dict[str, Any]]:
    """A receipt per item, in order, returned only after the batch has committed.

    Every response is checked first, outside the write lock, so other devices' batches
    are not kept waiting while this one is read; then one transaction stores all that
    passed. No receipt leaves before the commit has succeeded, and a failed commit
    stores none of them (the device keeps them and sends again).
    """
    lookups = _Lookups()
    checked: list[storage.responses.NewResponse | dict[str, Any]] = []
    for raw_item in items:
        item, errors = read_item(raw_item)
        if item is None:
            checked.append(receipt(response_id(raw_item), "rejected", errors))
        else:
            checked.append(_check(item, device_id, lookups))
    ready = [entry for entry in checked if isinstance(entry, storage.responses.NewResponse)]
    with storage.write(storage.get_db()) as db:
        if device_id is not None:
            storage.accounts.touch_device(db, device_id)
        outcomes = iter(storage.responses.save_many(db, ready))
    # After the commit: the answers' vectors are made in the background, off this request.
    embed_soon(current_app._get_current_object(), {entry.survey.id for entry in ready})  # type: ignore[attr-defined]
    receipts = []
    for entry in checked:
        if not isinstance(entry, storage.responses.NewResponse):
            receipts.append(entry)
            continue
        outcome = next(outcomes)
        if outcome == "conflict":
            message = gettext("A different response with this id is stored already; it was kept.")
            receipts.append(receipt(entry.id, "conflict", {"id": message}))
        else:
            receipts.append(receipt(entry.id, outcome))
    return receipts
