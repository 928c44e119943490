"""Reading one queued response from JSON: shape and types first, then the survey's rules."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext

from ..surveys.answers import GLOSS_SUFFIX, LANGUAGE_SUFFIX, MODES, clean_text
from ..voice.formats import Declared, base_type

MAX_BATCH = 100
# SQLite keeps integers in 64 bits; a version is a small number anyway.
MAX_VERSION = 2**31 - 1


class BatchError(ValueError):
    """The batch as a whole cannot be read; nothing in it is looked at."""


@dataclass
class Item:
    """A response read from JSON, before the survey's rules are applied."""

    id: str
    survey_id: str
    survey_version: int
    language: str
    mode: str
    created_at: str
    raw: dict[str, list[str]]
    event_id: str | None = None
    started_at: str | None = None
    recordings: tuple[Declared, ...] = ()
    voice_consent: bool = False


def read_json(data: bytes) -> Any:
    """A request body as JSON, or :class:`BatchError` with a message for the sender.

    A UTF-8 byte-order mark is accepted (and ignored), as RFC 8259 allows, because
    files saved by Windows tools start with one. Nesting too deep for the parser is
    refused like any other body that is not JSON.
    """
    try:
        text = data.decode("utf-8")
        return json.loads(text.removeprefix("\ufeff"))
    except (ValueError, RecursionError):
        raise BatchError(gettext("The request body is not valid JSON.")) from None


def batch_items(body: Any) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get("responses"), list):
        raise BatchError(gettext('Send a JSON object with a list called "responses".'))
    items = body["responses"]
    if len(items) > MAX_BATCH:
        raise BatchError(gettext("Send at most %(count)s responses at a time.", count=MAX_BATCH))
    return items


def response_id(item: Any) -> str | None:
    """The item's id if it is a UUID, for the receipt."""
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        try:
            return str(uuid.UUID(item["id"]))
        except ValueError:
            return None
    return None


_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# One recording per question; a survey has far fewer free-text questions than this.
MAX_RECORDINGS = 50


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**40:
        return value
    return None


def read_recordings(given: Any, errors: dict[str, str]) -> tuple[Declared, ...]:
    """The voice answers a response declares, checked for shape (the survey's rules after)."""
    if given is None:
        return ()
    if not isinstance(given, list) or len(given) > MAX_RECORDINGS:
        errors["recordings"] = gettext("Recordings must be a list of objects.")
        return ()
    found: list[Declared] = []
    for entry in given:
        rid = response_id(entry)
        if rid is None or not isinstance(entry, dict):
            errors["recordings"] = gettext(
                "Each recording needs an id made on the device (a UUID)."
            )
            return ()
        question = entry.get("question")
        kind = entry.get("type")
        mime = base_type(kind) if isinstance(kind, str) else None
        size, seconds = _count(entry.get("size")), _count(entry.get("seconds"))
        digest = entry.get("sha256")
        if not isinstance(question, str) or not question:
            errors["recordings"] = gettext("Say which question each recording answers.")
        elif mime is None:
            errors["recordings"] = gettext("Recordings are taken as WebM, Ogg or MP4 audio.")
        elif not size or seconds is None:
            errors["recordings"] = gettext(
                "Give each recording's size in bytes and length in seconds."
            )
        elif digest is not None and not (isinstance(digest, str) and _SHA256.match(digest)):
            errors["recordings"] = gettext("A recording's checksum must be SHA-256 in hexadecimal.")
        else:
            found.append(Declared(rid, question, mime, size, seconds, digest))
            continue
        return ()
    return tuple(found)


def read_time(value: Any, errors: dict[str, str], field: str = "created_at") -> str:
    now = datetime.now(UTC)
    if value is None:
        return now.isoformat(timespec="seconds")
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors[field] = gettext("Give the time as an ISO 8601 date and time.")
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # "0001-01-01T00:00+00:01" is before the calendar's first day in UTC
        errors[field] = gettext("Give the time as an ISO 8601 date and time.")
        return ""
    # A device clock may run a little fast, never a day.
    if moment > now + timedelta(days=1):
        errors[field] = gettext("This time is in the future.")
    return moment.isoformat(timespec="seconds")


def _values(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


# A Babel language code ("so", "zh_Hans", "pt_BR"); which ones a survey takes is its own.
LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8}){0,2}$")


def read_item(item: Any) -> tuple[Item | None, dict[str, str]]:
    """Check an item's shape and types; the survey's own rules (and languages) come after."""
    errors: dict[str, str] = {}
    if not isinstance(item, dict):
        return None, {"response": gettext("Each response must be a JSON object.")}
    rid = response_id(item)
    if rid is None:
        errors["id"] = gettext("Each response needs an id made on the device (a UUID).")
    survey_id = item.get("survey_id")
    if not isinstance(survey_id, str) or not survey_id:
        errors["survey_id"] = gettext("Say which survey this answers.")
    version = item.get("survey_version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_VERSION:
        errors["survey_version"] = gettext("Say which version of the survey this answers.")
    language = item.get("language")
    if not isinstance(language, str) or not LANGUAGE_CODE.match(language):
        errors["language"] = gettext("This language is not offered.")
    mode = item.get("mode", "self")
    if mode not in MODES:
        errors["mode"] = gettext("Mode must be self or assisted.")
    created_at = read_time(item.get("created_at"), errors)
    started = item.get("started_at")
    started_at = None if started is None else read_time(started, errors, "started_at")
    event_id = item.get("event_id")
    if event_id is not None and not isinstance(event_id, str):
        errors["event_id"] = gettext("This event does not exist.")
    raw: dict[str, list[str]] = {}
    fields = (("answers", ""), ("glosses", GLOSS_SUFFIX), ("answer_languages", LANGUAGE_SUFFIX))
    for field, suffix in fields:
        given = item.get(field, {})
        if not isinstance(given, dict):
            errors[field] = gettext("Answers must be a JSON object.")
            continue
        for name, value in given.items():
            values = _values(value)
            if values is None:
                errors[str(name) + suffix] = gettext("An answer must be text or a list of texts.")
                continue
            cleaned = [v for v in (clean_text(v) for v in values) if v]
            if cleaned:
                raw[str(name) + suffix] = cleaned
    recordings = read_recordings(item.get("recordings"), errors)
    voice_consent = item.get("voice_consent", False)
    if not isinstance(voice_consent, bool):
        errors["voice_consent"] = gettext("Consent to keep a recording is true or false.")
    if errors:
        return None, errors
    assert rid is not None and isinstance(survey_id, str) and isinstance(version, int)
    item_ = Item(
        rid,
        survey_id,
        version,
        str(language),
        str(mode),
        created_at,
        raw,
        event_id,
        started_at,
        recordings,
        bool(voice_consent),
    )
    return item_, {}
