"""New answers placed into themes already found (and reviewed), without clustering again.

A team reviews themes once; answers that arrive later go to the theme they are closest to,
with how sure that is, or to "fits none" when they are not close to any. Each answer is
placed on its own, so the order they come in changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from analysis.model import AnalysisError, Response
from analysis.nonanswers import is_non_answer
from analysis.vectorize import prepare

if TYPE_CHECKING:
    from analysis.themes import Embeddings, ThemeFinder


@dataclass(frozen=True)
class Placement:
    """Where a new answer goes.

    ``theme_id`` is None when it fits no theme (``reason`` ``'fits none'``) or says nothing
    (``'non-answer'``). ``similarity`` is its cosine similarity to the closest theme's
    centre; ``typical`` the share of that theme's answers that are further from the centre
    than it is (0.5: as typical as the middle answer; 0: less than any); ``runner_up`` the
    next closest theme and ``margin`` how much closer the chosen one is.
    """

    response_id: str
    theme_id: str | None
    reason: str
    similarity: float
    typical: float
    runner_up: str | None
    margin: float

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def place(
    finder: ThemeFinder,
    responses: Sequence[Response],
    embeddings: Embeddings | None = None,
) -> list[Placement]:
    """Place each of ``responses`` into ``finder``'s current themes, in the input order.

    When the themes were found with stored vectors (sentence embeddings), the new answers'
    vectors must be given too, by response id: otherwise they would be compared on their
    words alone, in another space.
    """
    result = finder.result_
    themes = [t for t in result.themes if t.size > 0]
    if not themes:
        raise AnalysisError("there are no themes to place answers into")
    columns = [finder._theme_index(t.id) for t in themes]
    centres = finder.centres_[columns]
    rows = _vectors(finder, responses, embeddings)
    placements = []
    for r, vector in zip(responses, rows, strict=True):
        if vector is None:
            placements.append(Placement(r.id, None, "non-answer", 0.0, 0.0, None, 0.0))
            continue
        sims = centres @ vector
        order = np.argsort(-sims, kind="stable")
        best = int(order[0])
        second = int(order[1]) if len(order) > 1 else None
        similarity = float(sims[best])
        margin = similarity - float(sims[second]) if second is not None else similarity
        member_scores = np.array([m.score for m in themes[best].members])
        typical = float(np.mean(member_scores < similarity)) if len(member_scores) else 0.0
        fits = similarity >= finder.min_similarity
        placements.append(
            Placement(
                response_id=r.id,
                theme_id=themes[best].id if fits else None,
                reason="theme" if fits else "fits none",
                similarity=round(similarity, 4),
                typical=round(typical, 4),
                runner_up=themes[second].id if second is not None else None,
                margin=round(margin, 4),
            )
        )
    return placements


def _vectors(
    finder: ThemeFinder,
    responses: Sequence[Response],
    embeddings: Embeddings | None,
) -> list[np.ndarray | None]:
    """Each answer's vector in the space the themes were found in (None for a non-answer)."""
    docs = [prepare(r.text, r.language, r.gloss, finder.fallback_language_) for r in responses]
    keep = [
        i
        for i, (r, doc) in enumerate(zip(responses, docs, strict=True))
        if doc.tokens and not is_non_answer(r.text, r.gloss)
    ]
    out: list[np.ndarray | None] = [None] * len(responses)
    if not keep:
        return out
    space = finder.space_
    z = space.words([docs[i] for i in keep])
    if z.shape[1] < space.width_:  # the themes were found with stored vectors joined
        if embeddings is not None:
            missing = [responses[i].id for i in keep if responses[i].id not in embeddings]
            if missing:
                raise AnalysisError(
                    f"no stored vector for {len(missing)} of the new answers (first: "
                    f"{missing[0]!r}); embed them as the others were"
                )
            e = np.vstack([np.asarray(embeddings[responses[i].id]) for i in keep])
        elif space.text_vectors_ is not None:
            e = np.asarray(space.text_vectors_([docs[i].text for i in keep]))
        else:
            raise AnalysisError(
                "these themes were found with stored vectors: pass the new answers' vectors "
                "too (embeddings={response_id: vector})"
            )
        z = space.join(z, e, [docs[i].language for i in keep])
    for pos, i in enumerate(keep):
        out[i] = z[pos]
    return out
