"""What the app hands the theme engine: the answers to one question, with quote consent,
and each answer's sentence embedding (and, in a mix of languages, its latent terms), made
once on first use and kept in the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sqlite_utils import Database

from analysis.embed import SENTENCE_MODEL, embed_texts, embedding_text, text_key
from analysis.model import Response
from analysis.terms import TERMS_MODEL, languages_mixed, with_terms

from . import storage

EMBED_BATCH = 256


def responses_for(db: Database, survey_id: str, question_id: str, **scope: Any) -> list[Response]:
    """The answers to ``question_id``; only residents who agreed to be quoted are quotable.
    ``scope`` limits them (events, languages, since, until: see
    :func:`storage.vectors.free_text_answers`)."""
    return [
        Response(
            id=a.response_id,
            text=a.text,
            language=a.language,
            gloss=a.gloss,
            can_quote=a.quote_consent,
        )
        for a in storage.vectors.free_text_answers(db, survey_id, question_id, **scope)
    ]


def vectors_for(
    db: Database,
    question_id: str,
    responses: list[Response],
    progress: Callable[[float], None] | None = None,
) -> dict[str, np.ndarray]:
    """Each answer's stored vector, embedding (and keeping) only answers that have none yet
    or whose embedded text (the gloss, or the answer) has changed since. Where the answers
    come in several languages, their latent terms are kept too and joined to the vectors
    (:mod:`analysis.terms`). ``progress`` is told the share embedded so far, after each
    batch is kept."""
    texts = {r.id: embedding_text(r) for r in responses}
    models = [SENTENCE_MODEL] + ([TERMS_MODEL] if languages_mixed(responses) else [])
    kept = []
    for done, model in enumerate(models):

        def told(share: float, done: int = done) -> None:
            if progress:
                progress((done + share) / len(models))

        kept.append(_kept(db, question_id, model, texts, told))
    if len(kept) == 1:
        return kept[0]
    return with_terms(kept[0], kept[1])


def _kept(
    db: Database,
    question_id: str,
    model: str,
    texts: dict[str, str],
    progress: Callable[[float], None],
) -> dict[str, np.ndarray]:
    known = storage.vectors.stored(db, question_id, model, texts)
    missing = [rid for rid, text in texts.items() if known.get(rid, ("",))[0] != text_key(text)]
    vectors = {rid: vector for rid, (_, vector) in known.items() if rid not in missing}
    # Kept batch by batch: a run stopped half-way has not wasted what it embedded.
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start : start + EMBED_BATCH]
        vectors.update(embed_and_keep(db, question_id, model, {rid: texts[rid] for rid in batch}))
        progress(min(1.0, (start + len(batch)) / len(missing)))
    return vectors


def embed_and_keep(
    db: Database, question_id: str, model: str, texts: dict[str, str]
) -> dict[str, np.ndarray]:
    """Embed ``texts`` (by response id) with ``model`` and keep each vector under its
    text's key, in one transaction; the vectors."""
    ids = list(texts)
    made = embed_texts([texts[rid] for rid in ids], model_id=model)
    storage.vectors.keep(
        db, question_id, model, [(rid, text_key(texts[rid]), made[i]) for i, rid in enumerate(ids)]
    )
    return {rid: made[i] for i, rid in enumerate(ids)}
