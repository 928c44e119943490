"""Everything about one response in one file: a zip the resident can keep.

``your-data.json`` holds the answers (with each question's words in the resident's
language), consents, contact details, themes, quotes and transcripts; ``recordings/``
holds their voice answers as they were recorded.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .. import storage
from ..storage import audio

EXTENSIONS = {"audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a"}


def _question_words(db: Database, found: dict[str, Any]) -> dict[str, str]:
    response = found["response"]
    try:
        survey = storage.surveys.get_version(
            db, response["survey_id"], int(response["survey_version"])
        )
    except storage.NotFound:
        return {}
    words = {}
    for answer in found["answers"]:
        qid = str(answer["question_id"])
        base = qid.rsplit("/", 1)[-1]
        words[qid] = survey.text(f"question.{base}.label", str(response["language"])) or qid
    return words


def make(db: Database, folder: Path, response_id: str) -> tuple[str, bytes]:
    """The file's name and bytes."""
    found = storage.residents.everything(db, response_id)
    words = _question_words(db, found)
    for answer in found["answers"]:
        answer["question"] = words.get(str(answer["question_id"]), answer["question_id"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(
            "your-data.json", json.dumps(found, ensure_ascii=False, indent=2, sort_keys=True)
        )
        for position, (rid, mime, name) in enumerate(
            storage.residents.audio_files(db, response_id), start=1
        ):
            path = audio.path_of(folder, name)
            if not path.is_file():
                continue
            extension = EXTENSIONS.get(mime.split(";")[0], "audio")
            # Compressed audio gains nothing from deflate.
            bundle.write(
                path,
                f"recordings/{position}-{rid[:8]}.{extension}",
                compress_type=zipfile.ZIP_STORED,
            )
    reference = str(found["response"]["reference"] or "response")
    return f"what-matters-{reference}.zip", buffer.getvalue()
