"""The sync API described as OpenAPI 3.1, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from ..storage.doors import OUTCOMES
from .payload import MAX_BATCH

_ERRORS = {
    "type": "object",
    "description": "Messages by field name, in the language Accept-Language asks for.",
    "additionalProperties": {"type": "string"},
}

_RESPONSE = {
    "type": "object",
    "required": ["id", "survey_id", "survey_version", "language"],
    "properties": {
        "id": {
            "type": "string",
            "format": "uuid",
            "description": "Made on the device when the response was started; a re-send "
            "with the same id never stores a second response.",
        },
        "survey_id": {"type": "string", "example": "what-matters"},
        "survey_version": {
            "type": "integer",
            "minimum": 1,
            "maximum": 2**31 - 1,
            "description": "The version the person answered; older published "
            "versions stay accepted.",
        },
        "language": {
            "type": "string",
            "example": "bn",
            "description": "The language the resident read the questions in: one the app "
            "offers, or one only this survey's form has (such as ti for Tigrinya).",
        },
        "mode": {"type": "string", "enum": ["self", "assisted"], "default": "self"},
        "created_at": {
            "type": "string",
            "format": "date-time",
            "description": "When the device finished the response (UTC).",
        },
        "started_at": {
            "type": "string",
            "format": "date-time",
            "description": "When the person began the response (UTC; ODK's start).",
        },
        "event_id": {
            "type": "string",
            "description": "The event (door-knocking round, World "
            "Café, drop-in or online link) the response came from, if any.",
        },
        "answers": {
            "type": "object",
            "description": "Answers by question id: a text, or a list of choice values. "
            "Inside a repeat, each instance's answer is named like members[2]/age, and the "
            "repeat's own id gives how many instances there are (when the person chose it).",
            "additionalProperties": {
                "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
            },
        },
        "glosses": {
            "type": "object",
            "description": "A volunteer's English gloss of a free-text answer, by question id "
            "(assisted responses only).",
            "additionalProperties": {"type": "string"},
        },
        "answer_languages": {
            "type": "object",
            "description": "The language a free-text answer was given in, by question id, when "
            "it is not the response's screen language: an offered language code or 'other' "
            "(assisted responses only).",
            "additionalProperties": {"type": "string"},
        },
        "recordings": {
            "type": "array",
            "description": "Voice answers to free-text questions, one per question. Their "
            "bytes follow, after the response's receipt, by PATCH /api/v1/recordings/{id}. "
            "A required question is answered by a recording as by typing.",
            "items": {
                "type": "object",
                "required": ["id", "question", "type", "size", "seconds"],
                "properties": {
                    "id": {
                        "type": "string",
                        "format": "uuid",
                        "description": "Made on the device.",
                    },
                    "question": {"type": "string"},
                    "type": {"type": "string", "enum": ["audio/webm", "audio/ogg", "audio/mp4"]},
                    "size": {"type": "integer", "minimum": 1, "description": "Bytes."},
                    "seconds": {"type": "integer", "minimum": 0},
                    "sha256": {"type": "string", "description": "Checked when all has arrived."},
                },
            },
        },
        "voice_consent": {
            "type": "boolean",
            "description": "The resident agreed to their recordings being kept; required "
            "with recordings.",
        },
    },
}

_UPLOAD_STATE = {
    "Upload-Offset": {
        "description": "Bytes of the recording the server has: where the next chunk starts.",
        "schema": {"type": "integer"},
    },
    "Upload-Length": {"description": "The recording's size.", "schema": {"type": "integer"}},
}

_ERROR_BODY = {
    "application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}
}
# Refusals every sending route can give (the body says why, in the sender's language).
_REFUSED = {
    "401": {"description": "A device token that is not known.", "content": _ERROR_BODY},
    "403": {
        "description": "The device was revoked, or the response is another device's.",
        "content": _ERROR_BODY,
    },
    "429": {
        "description": "Sent too fast: wait the seconds in Retry-After (nothing was kept).",
        "content": _ERROR_BODY,
    },
}

_RECEIPT = {
    "type": "object",
    "required": ["id", "status"],
    "properties": {
        "id": {"type": ["string", "null"]},
        "status": {
            "type": "string",
            "enum": ["created", "duplicate", "conflict", "rejected"],
            "description": "created: committed now. duplicate: the same id with the same "
            "content was committed before, or a response with this id was erased at the "
            "resident's request; nothing written. conflict: the same "
            "id with different content is stored; it is left untouched. "
            "rejected: not stored, see errors. Only created and duplicate mean "
            "the device may forget the response.",
        },
        "errors": _ERRORS,
    },
}

_DOOR = {
    "type": "object",
    "required": ["id", "event_id", "street", "outcome"],
    "properties": {
        "id": {"type": "string", "format": "uuid", "description": "Made on the device."},
        "event_id": {"type": "string", "description": "The door-knocking round."},
        "street": {"type": "string"},
        "door": {"type": ["string", "null"], "description": "The door label the round collects."},
        "outcome": {"type": "string", "enum": list(OUTCOMES)},
        "language": {
            "type": ["string", "null"],
            "description": "Only with needs_language: the language needed.",
        },
        "response_id": {
            "type": ["string", "null"],
            "description": "With completed: the response collected at this door.",
        },
        "knocked_at": {"type": "string", "format": "date-time"},
    },
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "What Matters sync API",
        "version": "1",
        "description": "Devices send the responses they queued, offline or not, and keep each "
        "one until its receipt says it is committed.",
    },
    "paths": {
        "/api/v1/recordings/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "head": {
                "summary": "How much of a recording has arrived",
                "description": "From the device that sent its response (its bearer token), "
                "or, for a response sent without one, from whoever knows the recording's id.",
                "responses": {
                    "200": {"description": "Where to go on from.", "headers": _UPLOAD_STATE},
                    **_REFUSED,
                    "404": {"description": "No response on the server declared this recording."},
                    "410": {
                        "description": "Erased at the resident's request: delete the device's copy."
                    },
                },
            },
            "patch": {
                "summary": "Add a chunk of a recording",
                "description": "The body is the bytes from Upload-Offset on (Content-Type "
                "application/offset+octet-stream). A chunk at the wrong offset changes "
                "nothing and is told where the file has got to; a chunk sent again after "
                "the recording arrived writes nothing. The first bytes must be the container "
                "declared (WebM, Ogg or MP4).",
                "parameters": [
                    {
                        "name": "Upload-Offset",
                        "in": "header",
                        "required": True,
                        "description": "Where this chunk starts in the recording.",
                        "schema": {"type": "integer", "minimum": 0},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/offset+octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "responses": {
                    "204": {"description": "Kept.", "headers": _UPLOAD_STATE},
                    "400": {"description": "No Upload-Offset, or not a number of bytes."},
                    **_REFUSED,
                    "404": {"description": "No response on the server declared this recording."},
                    "411": {"description": "No Content-Length: how much is sent must be said."},
                    "409": {
                        "description": "Not where the file has got to.",
                        "headers": _UPLOAD_STATE,
                    },
                    "413": {"description": "More bytes than the response declared."},
                    "415": {"description": "Not the kind of recording declared; discarded."},
                    "422": {"description": "Complete but its checksum differs; discarded."},
                    "410": {"description": "Erased at the resident's request."},
                },
            },
        },
        "/api/v1/doors": {
            "post": {
                "summary": "Send a batch of door-log entries (a volunteer's device only)",
                "description": "Needs the device's token as a bearer token. Receipts as for "
                "responses: created, duplicate, conflict or rejected.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["doors"],
                                "properties": {
                                    "doors": {
                                        "type": "array",
                                        "maxItems": MAX_BATCH,
                                        "items": _DOOR,
                                    }
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "A receipt for every door, in order.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "receipts": {"type": "array", "items": _RECEIPT}
                                    },
                                }
                            }
                        },
                    },
                    "400": {
                        "description": "Not JSON, or no list called doors.",
                        "content": _ERROR_BODY,
                    },
                    **_REFUSED,
                    "401": {"description": "No device token, or an unknown one."},
                },
            }
        },
        "/api/v1/responses": {
            "post": {
                "summary": "Send a batch of responses",
                "description": f"At most {MAX_BATCH} responses and 1 MiB a request. Each "
                "response is stored in its own transaction, so one bad response "
                "never blocks the others; the receipts come back in the order "
                "sent, after every response in the batch is committed.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["responses"],
                                "properties": {
                                    "responses": {
                                        "type": "array",
                                        "maxItems": MAX_BATCH,
                                        "items": _RESPONSE,
                                    }
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "A receipt for every response, in order.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "receipts": {"type": "array", "items": _RECEIPT}
                                    },
                                }
                            }
                        },
                    },
                    "400": {
                        "description": "Not JSON, not a list of responses, or too many.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"error": {"type": "string"}},
                                }
                            }
                        },
                    },
                    **_REFUSED,
                    "413": {
                        "description": "The body is larger than 1 MiB.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"error": {"type": "string"}},
                                }
                            }
                        },
                    },
                },
            }
        },
    },
}
