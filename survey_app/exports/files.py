"""CSV and XLSX files for people who open them in Excel, safe to open."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence

from flask import Response
from openpyxl import Workbook

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


def xlsx_file(sheets: Iterable[tuple[str, Iterable[Sequence[object]]]]) -> bytes:
    """A workbook of ``(title, rows)`` sheets. The workbook is write-only and goes through
    a temporary file, so rows stream through: only the compressed file is held."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([safe(cell) for cell in row])
    with tempfile.TemporaryFile() as out:
        workbook.save(out)
        out.seek(0)
        return out.read()


def download(data: bytes | str, mimetype: str, filename: str) -> Response:
    """A download that no cache keeps."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response
