"""Cells that a spreadsheet shows as text, never runs as a formula.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-``
or ``@`` (and, in some versions, tab or carriage return) as a formula, so an answer
such as ``=HYPERLINK("http://x","y")`` would become a live link in a partner's
spreadsheet. Such a cell gets a leading apostrophe, as OWASP advises: the spreadsheet
shows the text as written and runs nothing. A plain number (``-3``, ``+44``) is not a
formula and is left as it is so that numbers stay numbers.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?\Z")


def safe(value: object) -> str:
    """``value`` as text that no spreadsheet will run."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text
