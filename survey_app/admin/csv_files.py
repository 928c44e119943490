"""CSV files for people who open them in Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

# Excel reads a CSV as the machine's legacy code page unless the file starts with a
# byte-order mark; with it, Bengali, Arabic and Chinese open as written. Python's csv
# module, LibreOffice and pandas (encoding="utf-8-sig") all read the mark and drop it.
BOM = "\ufeff"


def csv_response(rows: Iterable[Sequence[object]], filename: str) -> Response:
    """A download of ``rows`` as UTF-8 CSV with a byte-order mark, never cached."""
    buffer = io.StringIO()
    buffer.write(BOM)
    csv.writer(buffer).writerows(rows)
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response
