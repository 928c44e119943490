"""CSV and XLSX files for people who open them in Excel, safe to open."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from typing import IO

from flask import Response, request
from openpyxl import Workbook
from werkzeug.wsgi import wrap_file

from .cells import safe

# Excel reads a CSV as the machine's legacy code page unless the file starts with a
# byte-order mark; with it, Bengali, Arabic and Chinese open as written. Python's csv
# module, LibreOffice and pandas (encoding="utf-8-sig") all read the mark and drop it.
BOM = "\ufeff"


def csv_response(rows: Iterable[Sequence[object]], filename: str) -> Response:
    """A download of ``rows`` as UTF-8 CSV with a byte-order mark, never cached."""
    buffer = io.StringIO()
    buffer.write(BOM)
    csv.writer(buffer).writerows([safe(cell) for cell in row] for row in rows)
    return download(buffer.getvalue(), "text/csv", filename)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_file(sheets: Iterable[tuple[str, Iterable[Sequence[object]]]]) -> IO[bytes]:
    """A workbook of ``(title, rows)`` sheets, in a temporary file. The workbook is
    write-only and the file is sent from disk, so memory stays flat however many rows."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([safe(cell) for cell in row])
    out = tempfile.TemporaryFile()
    try:
        workbook.save(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def download(data: bytes | str | IO[bytes], mimetype: str, filename: str) -> Response:
    """A download that no cache keeps. A file is streamed, and closed (a temporary file
    then disappears) when the server has sent it."""
    if isinstance(data, bytes | str):
        response = Response(data, mimetype=mimetype)
    else:
        response = Response(wrap_file(request.environ, data), mimetype=mimetype)
        response.direct_passthrough = True
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response
