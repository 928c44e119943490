"""XLSForm spreadsheets in and out: the form ODK and KoboToolbox users already write.

Reading goes through pyxform, ODK's own parser, after a first pass over the
sheets that collects every problem with its sheet and row (pyxform stops at the
first; its one problem is listed beside the app's). Every type pyxform knows is read:
those the app does not collect yet (photo, map lines, repeat) are kept as notices and
written back out by the export (``kinds``, ``not_collected``). Writing gives the same
sheets back, so import, export, import gives the same survey. Columns beyond the
XLSForm standard that the app understands: ``records`` (consent, quote_consent or
contact_consent) and ``contact`` (name, phone or email: kept apart from the answers).
"""

from .build import give_free_id, read
from .checks import check
from .common import Imported, Problem, XLSFormError, column_label, match_language
from .export import write

__all__ = [
    "Imported",
    "Problem",
    "XLSFormError",
    "check",
    "column_label",
    "give_free_id",
    "match_language",
    "read",
    "write",
]
