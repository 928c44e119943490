"""What a question of a kind the app does not collect yet asks for, as the notice says it.

An XLSForm may ask for a photo, a line on a map or a repeat; the app reads such a form, keeps
the question (so it goes back out in the XLSForm export) and shows this notice in its
place, to the coordinator in the preview and to the resident in the survey.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

NOTICES = {
    "photo": _l("This question asks for a photo, which this app does not collect yet."),
    "audio": _l("This question asks for a sound recording, which this app does not collect yet."),
    "video": _l("This question asks for a video, which this app does not collect yet."),
    "file": _l("This question asks for a file, which this app does not collect yet."),
    "map": _l(
        "This question asks for a line or an area drawn on a map, which this app does not "
        "collect yet."
    ),
    "barcode": _l("This question asks for a barcode, which this app does not collect yet."),
    "rank": _l(
        "This question asks for choices to be put in order, which this app does not collect yet."
    ),
    "external": _l(
        "This question's choices come from a file sent with the form, which has not been "
        "attached here yet."
    ),
    "earlier": _l(
        "This question's choices are answers given earlier in the survey (such as the names "
        "of the people in a household), which this app does not offer yet."
    ),
    "repeat": _l(
        "This part of the form repeats (for example once for each person in a household), "
        "which this app does not collect yet."
    ),
    "unknown": _l("This question is of a kind this app does not collect yet."),
}


def notice(asks: str | None) -> str:
    """The notice shown in place of a question that asks for ``asks``."""
    return str(NOTICES.get(asks or "unknown", NOTICES["unknown"]))
