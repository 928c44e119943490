"""What each XLSForm question type becomes in the app, under any of pyxform's spellings.

pyxform knows well over a hundred spellings of its types ("int", "q int", "add integer
prompt", "gps", "image"); its own table says what each one is (the XForm control and
data type), so the app reads that table instead of keeping a list of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyxform import aliases
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

# Recorded by ODK without a question; the app records these from the response itself.
RECORDED_METADATA = frozenset({"start", "end", "today", "deviceid", "username"})
# Metadata about the phone's owner that the app never records (residents' data is theirs).
UNRECORDED_METADATA = frozenset({"simserial", "subscriberid", "phonenumber", "email", "audit"})


@dataclass(frozen=True)
class Kind:
    """An XLSForm type as the app takes it.

    ``app_type`` is the question type of the app's model, or ``None`` for metadata;
    ``asks`` names what a question the app does not collect yet asks for (``photo``,
    ``location``, …), shown to the coordinator and the resident as a notice.
    """

    app_type: str | None
    asks: str = ""
    metadata: str = ""


# pyxform takes "Integer" and "TEXT" as written and looks them up in any case.
_BY_FOLDED = {name.casefold(): entry for name, entry in QUESTION_TYPE_DICT.items()}
_SIMPLE = {
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "dateTime": "datetime",
}
_MEDIA = {"image": "photo", "audio": "audio", "video": "video"}
_MAPS = {"geotrace": "map", "geoshape": "map", "barcode": "barcode"}


def kind_of(xlsform_type: str, itemset: str | None = None) -> Kind:
    """The app's reading of a type as pyxform's JSON names it (``photo``, ``select one``)."""
    if xlsform_type in {"select one", "select all that apply"}:
        if itemset and itemset.startswith("${"):
            return Kind("unsupported", asks="earlier")  # select_one ${name}: earlier answers
        if itemset and "." in itemset:
            return Kind("unsupported", asks="external")  # select_one_from_file
        return Kind("single_choice" if xlsform_type == "select one" else "multiple_choice")
    if xlsform_type.casefold() in {"select one external", "xml-external", "csv-external"}:
        return Kind("unsupported", asks="external")
    entry: dict[str, Any] = _BY_FOLDED.get(xlsform_type.casefold(), {})
    bind: dict[str, Any] = entry.get("bind", {})
    control: dict[str, Any] = entry.get("control", {})
    preload = bind.get("jr:preloadParams")
    if preload or xlsform_type.casefold() == "audit":
        return Kind(None, metadata=str(preload or "audit"))
    tag, data = control.get("tag"), bind.get("type")
    if tag == "upload":
        media = str(control.get("mediatype", "")).split("/")[0]
        return Kind("unsupported", asks=_MEDIA.get(media, "file"))
    if tag == "action":
        return Kind("unsupported", asks="audio")  # background-audio
    if data == "geopoint":
        return Kind("geopoint")
    if data in _MAPS:
        return Kind("unsupported", asks=_MAPS[data])
    if data == "odk:rank":
        return Kind("unsupported", asks="rank")
    if tag == "trigger":
        return Kind("acknowledge")
    if tag == "range":
        return Kind("range")
    if tag is None and entry:
        return Kind("calculate")
    if xlsform_type.casefold() == "note" or bind.get("readonly") == "true()":
        return Kind("note")
    if data in _SIMPLE:
        return Kind(_SIMPLE[data])
    if data == "string":
        return Kind("short_text")
    return Kind("unsupported", asks="unknown")


_KNOWN = set(_BY_FOLDED)
# Longest first, so that "select_one_from_file" is not read as "select_one".
_SELECTS = sorted((t.casefold() for t in aliases.select), key=len, reverse=True)


def known(sheet_type: str) -> bool:
    """Whether a type as written in the sheet ("image", "select_one_from_file a.csv") is one
    pyxform knows; a select's list name or file follows its type after a space."""
    folded = " ".join(sheet_type.split()).casefold()
    return folded in _KNOWN or any(folded.startswith(f"{s} ") for s in _SELECTS)
