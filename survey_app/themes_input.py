"""What the app hands the theme engine: the answers to one question, with quote consent,
and each answer's sentence embedding, made once on first use and kept in the database."""

from __future__ import annotations

import numpy as np
from sqlite_utils import Database

from analysis.embed import SENTENCE_MODEL, embed_texts, embedding_text, text_key
from analysis.model import Response

from . import storage


def responses_for(db: Database, survey_id: str, question_id: str) -> list[Response]:
    """The answers to ``question_id``; only residents who agreed to be quoted are quotable."""
    return [
        Response(
            id=a.response_id,
            text=a.text,
            language=a.language,
            gloss=a.gloss,
            can_quote=a.quote_consent,
        )
        for a in storage.vectors.free_text_answers(db, survey_id, question_id)
    ]


def vectors_for(db: Database, question_id: str, responses: list[Response]) -> dict[str, np.ndarray]:
    """Each answer's stored vector, embedding (and keeping) only answers that have none yet
    or whose embedded text (the gloss, or the answer) has changed since."""
    texts = {r.id: embedding_text(r) for r in responses}
    known = storage.vectors.stored(db, question_id, SENTENCE_MODEL, texts)
    missing = [rid for rid, text in texts.items() if known.get(rid, ("",))[0] != text_key(text)]
    vectors = {rid: vector for rid, (_, vector) in known.items() if rid not in missing}
    if missing:
        made = embed_texts([texts[rid] for rid in missing])
        storage.vectors.keep(
            db,
            question_id,
            SENTENCE_MODEL,
            [(rid, text_key(texts[rid]), made[i]) for i, rid in enumerate(missing)],
        )
        vectors.update({rid: made[i] for i, rid in enumerate(missing)})
    return vectors
