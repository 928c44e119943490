"""Reading a workbook's sheets as rows, bounded by their header and used rows."""

from __future__ import annotations

from typing import Any

from .common import SELECT_TYPES


def _sheet_rows(book: Any, name: str) -> list[dict[str, Any]] | None:
    """A sheet's rows as dicts of its header's columns, with their row numbers.

    Only the header's columns are read: a spreadsheet that once formatted a cell far to
    the right or far down makes every row as wide as that cell, and reading each padded
    cell made a 5 KB form take minutes.
    """
    sheet = next((book[s] for s in book.sheetnames if s.strip().casefold() == name), None)
    if sheet is None:
        return None
    first = next(sheet.iter_rows(values_only=True, max_row=1), ())
    header = [str(h).strip() if h is not None else "" for h in first]
    while header and not header[-1]:
        header.pop()
    if not header:
        return []
    found = []
    rows = sheet.iter_rows(min_row=2, max_col=len(header), values_only=True)
    for number, values in enumerate(rows, start=2):
        if values.count(None) == len(values):
            continue  # the padding of a styled sheet: many such rows, so skipped cheaply
        row: dict[str, Any] = {}
        for i, v in enumerate(values):
            if v is None or not header[i]:
                continue
            text = str(v).strip()
            if text:
                row[header[i]] = text
        if row:
            row["__row__"] = number
            found.append(row)
    return found


def _columns(book: Any, name: str) -> list[str]:
    sheet = next((book[s] for s in book.sheetnames if s.strip().casefold() == name), None)
    if sheet is None:
        return []
    first = next(sheet.iter_rows(values_only=True, max_row=1), ())
    return [str(h).strip() for h in first if h is not None and str(h).strip()]


# Written with a space as often as with an underscore, in any case ("Begin Repeat").
TWO_WORD_TYPES = {"begin group", "end group", "begin repeat", "end repeat"}


def _split_type(raw: str) -> tuple[str, str | None]:
    """(type, list name) as the checks name them: 'begin repeat' is 'begin_repeat', not a
    type 'begin'; case does not matter for the type, only for the list name."""
    parts = raw.split()
    if not parts:
        return "", None
    kind = parts[0].casefold()
    if kind in SELECT_TYPES:
        return kind, (parts[1] if len(parts) > 1 else None)
    if len(parts) >= 2 and f"{kind} {parts[1].casefold()}" in TWO_WORD_TYPES:
        return f"{kind}_{parts[1].casefold()}", None
    return kind, None
