"""Reading answers from the files teams have: the app's export, other CSV or TSV, XLSX, and
ODK Central's zip of CSV files.

The app's responses export (``response_id``, ``quote_consent``, then per question ``<q>``,
``<q>__gloss`` and, for free text, ``<q>__language``) is read with nothing but the question
to theme: ids, glosses, languages and quote consent are found by their column names.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analysis.model import AnalysisError, Response

# How the app and common tools write yes and no in a consent column.
_YES = frozenset({"yes", "y", "true", "1", "agreed", "consented"})
_NO = frozenset({"no", "n", "false", "0", "", "declined", "refused"})


@dataclass(frozen=True)
class Table:
    """A file's header and rows, every cell as text."""

    columns: list[str]
    rows: list[list[str]]


@dataclass
class Answers:
    """The answers read for one question, and what a person should know about them."""

    responses: list[Response]
    question: str
    skipped_empty: int = 0
    consent_column: str | None = None
    notes: list[str] = field(default_factory=list)


def read_table(path: Path) -> Table:
    """A CSV, TSV or XLSX file as text cells; AnalysisError with a plain message if it isn't."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AnalysisError(f"{path}: no such file") from None
    except OSError as exc:
        raise AnalysisError(f"{path}: cannot read it ({exc.strerror})") from None
    if raw.startswith(b"PK\x03\x04"):
        return _read_zip(path, raw)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        # The signature of Excel 97-2003 (.xls) workbooks, which openpyxl cannot read.
        raise AnalysisError(
            f"{path} is an Excel 97-2003 workbook: save it as .xlsx or 'CSV UTF-8' and try again"
        )
    return _read_text(path, raw)


def _read_text(path: Path, raw: bytes) -> Table:
    try:
        # Excel's "Unicode Text" is UTF-16 with a byte-order mark (and tabs).
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        content = raw.decode("utf-16") if utf16 else raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnalysisError(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}). "
            "Save it as 'CSV UTF-8' and try again."
        ) from None
    if not content.strip():
        raise AnalysisError(f"{path} is empty")
    # Only the header line decides the delimiter; answers may hold any character, and the
    # csv module (not str.splitlines, which also breaks at U+2028 and inside quotes) decides
    # where a row ends.
    header, _, rest = content.partition("\n")
    hint = header.strip()
    if len(hint) == 5 and hint.lower().startswith("sep="):
        # Excel's own first line naming the delimiter ("sep=;"), not a header.
        delimiter, content = hint[4], rest
    else:
        delimiter = "\t" if path.suffix.lower() == ".tsv" or "\t" in header else ","
        if delimiter == "," and header.count(";") > header.count(","):
            delimiter = ";"
    # One long answer (a pasted letter, a transcript) must not refuse the whole file: the
    # csv module's default limit is 131,072 characters a field.
    csv.field_size_limit(max(csv.field_size_limit(), len(content) + 1))
    try:
        rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise AnalysisError(f"{path} is not valid CSV: {exc}") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise AnalysisError(f"{path} is empty")
    return Table(columns=[c.strip() for c in rows[0]], rows=rows[1:])


def _read_zip(path: Path, raw: bytes) -> Table:
    """An XLSX workbook, or ODK Central's export: a zip of ``FORM.csv``, one
    ``FORM-REPEAT.csv`` per repeat group and a ``media`` folder. The form's own table is the
    CSV whose name begins every other one."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                return _read_xlsx(path)
            tables = sorted(
                n for n in names if n.lower().endswith(".csv") and not n.startswith("media/")
            )
            stems = [n[: -len(".csv")] for n in tables]
            main = [
                n
                for n, stem in zip(tables, stems, strict=True)
                if all(other.startswith(stem) for other in stems)
            ]
            if not main:
                raise AnalysisError(
                    f"{path} is a zip file without one main CSV table to read "
                    f"({', '.join(tables) or 'no CSV files'}): unzip it and name the CSV file"
                )
            member = archive.read(main[0])
    except zipfile.BadZipFile:
        raise AnalysisError(f"{path} looks like a zip file but cannot be opened") from None
    return _read_text(Path(f"{path}:{main[0]}"), member)  # named as in the zip, for messages


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise AnalysisError(f"{path}: no such file") from None
    except (OSError, InvalidFileException, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise AnalysisError(f"{path} is not an Excel workbook this tool can read ({exc})") from None
    try:
        sheet = book.worksheets[0]
        rows = [
            ["" if cell is None else str(cell) for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        book.close()
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise AnalysisError(f"{path} is empty")
    width = len(rows[0])
    return Table(
        columns=[c.strip() for c in rows[0]], rows=[(r + [""] * width)[:width] for r in rows[1:]]
    )


def free_text_questions(table: Table) -> list[str]:
    """The questions of an app export whose answers are free text (they say their language)."""
    return [c[: -len("__language")] for c in table.columns if c.endswith("__language")]


def consent_value(value: str) -> bool | None:
    """True or False for the ways a consent cell says yes or no; None when it says neither."""
    word = value.strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def read_answers(
    path: Path,
    *,
    question: str | None = None,
    id_column: str | None = None,
    gloss_column: str | None = None,
    language_column: str | None = None,
    consent_column: str | None = None,
    attribute_columns: Sequence[str] = (),
    quotes_without_consent: bool = False,
    header: bool = True,
) -> Answers:
    """The answers to ``question`` in the file at ``path``, as :class:`Response` objects.

    Columns not named are found as the app's export names them. An answer may be quoted
    only when its consent column says yes; with no consent column, no answer may be quoted
    unless ``quotes_without_consent`` (for data with no residents, such as benchmarks).
    Rows with an empty answer are left out and counted. Without a ``header`` row (a
    labelled data set as ``label<TAB>text``), columns are named by number from "1".
    """
    table = read_table(path)
    if not header:
        rows = [table.columns, *table.rows]
        table = Table([str(n) for n in range(1, max(map(len, rows)) + 1)], rows)
    columns = table.columns
    if question is None:
        question = _only_question(path, table)
    else:
        question = find_column(path, columns, question)
    id_column, gloss_column, language_column, consent_column = (
        None if name is None else find_column(path, columns, name)
        for name in (id_column, gloss_column, language_column, consent_column)
    )
    attribute_columns = [find_column(path, columns, name) for name in attribute_columns]
    id_note = None
    if id_column is None:
        id_column = next((c for c in ID_COLUMNS if c in columns), None)
    if id_column is None:
        id_column, id_note = _plain_id_column(table, question)
    if gloss_column is None and f"{question}__gloss" in columns:
        gloss_column = f"{question}__gloss"
    if language_column is None:
        for candidate in (f"{question}__language", "language"):
            if candidate in columns:
                language_column = candidate
                break
    if consent_column is None and (found := find_column(path, columns, "quote_consent")) in columns:
        consent_column = found  # the app's name, or inside a group in a KoboToolbox form
    wanted: list[tuple[str, str | None]] = [
        ("question", question),
        ("id", id_column),
        ("gloss", gloss_column),
    ]
    wanted += [("language", language_column), ("consent", consent_column)]
    wanted += [("attribute", c) for c in attribute_columns]
    for role, name in wanted:
        if name is not None and name not in columns:
            raise AnalysisError(
                f"{path} has no {role} column {name!r}; its columns are: "
                + ", ".join(repr(c) for c in columns)
            )
        if name is not None and columns.count(name) > 1:
            # Which of them holds the answers is a guess this tool should not make.
            places = [str(at + 1) for at, c in enumerate(columns) if c == name]
            raise AnalysisError(
                f"{path} has {len(places)} columns named {name!r} (columns "
                f"{', '.join(places)}); rename them so that each name is used once"
            )

    position = {name: at for at, name in enumerate(columns)}

    def cell(row: list[str], name: str | None) -> str:
        if name is None:
            return ""
        at = position[name]
        return row[at] if at < len(row) else ""

    answers = Answers(responses=[], question=question, consent_column=consent_column)
    if id_note:
        answers.notes.append(id_note)
    unclear = 0
    seen: set[str] = set()
    for number, row in enumerate(table.rows):
        text = cell(row, question)
        if not text.strip():
            answers.skipped_empty += 1
            continue
        rid = cell(row, id_column).strip() if id_column else str(number)
        if not rid:
            raise AnalysisError(f"{path}: row {number + 2} has an empty id")
        if rid in seen:
            raise AnalysisError(f"{path}: the id {rid!r} is on more than one row")
        seen.add(rid)
        if consent_column is not None:
            agreed = consent_value(cell(row, consent_column))
            unclear += agreed is None
            can_quote = bool(agreed)
        else:
            can_quote = quotes_without_consent
        answers.responses.append(
            Response(
                id=rid,
                text=text,
                language=cell(row, language_column).strip() or None,
                gloss=cell(row, gloss_column).strip() or None,
                attributes={c: cell(row, c) for c in attribute_columns},
                can_quote=can_quote,
            )
        )
    if consent_column is None and not quotes_without_consent:
        answers.notes.append(
            f"Quotes are withheld: {path.name} has no quote consent column, so no answer is "
            "known to be quotable. Add one (the app's export has 'quote_consent'), or, for "
            "data with no residents behind it, pass --quotes-without-consent."
        )
    if unclear:
        answers.notes.append(
            f"{unclear} answers have a quote consent that is neither yes nor no; "
            "they are not quoted."
        )
    if not answers.responses:
        raise AnalysisError(
            f"{path} has no answers to {question!r}"
            + (f" ({answers.skipped_empty} rows, all empty)" if answers.skipped_empty else "")
        )
    return answers


def find_column(path: Path, columns: Sequence[str], name: str) -> str:
    """The column ``name`` names: itself or, in a file from KoboToolbox or ODK, the one
    column that is ``name`` inside a group (``group/name``, ``group-name``)."""
    if name in columns:
        return name
    found = [c for c in columns if c.endswith((f"/{name}", f"-{name}"))]
    if len(found) > 1:
        raise AnalysisError(
            f"{path} has several columns for {name!r}; name the one you mean in full: "
            + ", ".join(repr(c) for c in found)
        )
    return found[0] if found else name  # a missing name is reported with the columns


# A response's id where the file has one: the app's export, KoboToolbox, ODK Central and
# Briefcase, then KoboToolbox's row number. Failing these, a plain "id" column that names
# each answer once (:func:`_plain_id_column`), then row numbers.
ID_COLUMNS = (
    "response_id",
    "_uuid",
    "KEY",
    "meta-instanceID",
    "meta/instanceID",
    "instanceID",
    "_id",
)


def _plain_id_column(table: Table, question: str) -> tuple[str | None, str | None]:
    """A column named "id" (in any case) when it names each answered row once, as in most
    labelled sets; otherwise none, and why, where there was one (a person's id repeated
    on each of their rows must not refuse a file that row numbers can read)."""
    named = [c for c in table.columns if c.strip().lower() == "id" and c != question]
    if len(named) != 1 or question not in table.columns:  # a missing question is told later
        return None, None
    at, asked = table.columns.index(named[0]), table.columns.index(question)
    values = [
        row[at].strip() if at < len(row) else ""
        for row in table.rows
        if asked < len(row) and row[asked].strip()
    ]
    if all(values) and len(set(values)) == len(values):
        return named[0], None
    return None, (
        f"The column {named[0]!r} does not name each answer once (a value is repeated or "
        "empty), so answers are named by their row number instead."
    )


# Columns that say something about an answer, never the answer itself.
_ABOUT_AN_ANSWER = frozenset({"id", "language", "quote_consent"})


def _only_question(path: Path, table: Table) -> str:
    """The question to theme when none is named: the export's only free-text question, or,
    in any other file, its only column besides ids, languages and consent (a file of
    answers alone, or ``id,answer``)."""
    found = free_text_questions(table)
    if len(found) == 1:
        return found[0]
    if found:
        raise AnalysisError(
            f"{path} has several free-text questions; name one with --question: " + ", ".join(found)
        )
    answers = [
        c
        for c in table.columns
        if c.strip()
        and c not in ID_COLUMNS
        and c.strip().lower() not in _ABOUT_AN_ANSWER
        and not c.endswith(("__gloss", "__language"))
    ]
    if len(answers) == 1:
        return answers[0]
    raise AnalysisError(
        f"name the column of answers with --question; the columns of {path} are: "
        + ", ".join(repr(c) for c in table.columns)
    )
