"""The plain data that goes into and comes out of the engine.

Every class here is a dataclass whose ``to_dict()`` gives JSON-ready dicts and lists, so the
web app can store or send results without knowing anything about the engine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class AnalysisError(ValueError):
    """A problem with the input that the person running the analysis can fix."""


# The most themes looked for unless the team says otherwise: enough for fine-grained
# answers (77 banking intents, 89 tweet topics, 150 intents), which a maximum of 20 made
# impossible and one of 100 cut short.
DEFAULT_MAX_THEMES = 200


@dataclass(frozen=True)
class Response:
    """One free-text answer.

    ``language`` is a name or code (``'bn'``, ``'Bengali'``, ``'ben_Beng'``) or None to guess;
    ``gloss`` is a volunteer's English rendering; ``attributes`` are categories to break
    themes down by (neighbourhood, age band, event ...); ``can_quote`` is True only when the
    resident agreed to be quoted: otherwise the answer is themed but never shown as a quote.
    It is False unless said, so an answer whose consent nobody passed on is never quoted.
    """

    id: str
    text: str
    language: str | None = None
    gloss: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    can_quote: bool = False


@dataclass
class Quote:
    """A representative answer, in its own language, with the gloss when there is one."""

    response_id: str
    text: str
    language: str | None
    gloss: str | None
    score: float


@dataclass
class Member:
    """A response placed in a theme; ``score`` is its cosine similarity to the theme centre.

    ``placed_by`` says why it is there: ``'engine'``, ``'codebook'`` (a person pinned it) or
    ``'example'`` (it matched the theme's example phrases). In the "not yet themed" and
    non-answer groups, ``reason`` says in plain words why it is not in a theme.
    """

    response_id: str
    score: float
    placed_by: str = "engine"
    reason: str | None = None


@dataclass
class Theme:
    """A candidate theme with everything a review screen shows about it."""

    id: str
    label: str
    keywords: list[str]
    quotes: list[Quote]
    members: list[Member]
    size: int
    cohesion: float
    by_language: dict[str, int]
    by_attribute: dict[str, dict[str, int]]
    name: str | None = None
    description: str | None = None
    from_codebook: bool = False
    locked: bool = False

    @property
    def member_ids(self) -> list[str]:
        return [m.response_id for m in self.members]


@dataclass
class Group:
    """Responses set aside: the 'not yet themed' group or the non-answers."""

    id: str
    label: str
    members: list[Member]
    size: int
    by_language: dict[str, int]

    @property
    def member_ids(self) -> list[str]:
        return [m.response_id for m in self.members]


@dataclass
class Confidence:
    """How sure the engine is about the number of themes and the grouping, in numbers and words.

    ``silhouette`` is the mean cosine silhouette of the chosen grouping (-1 to 1; above about
    0.1 is typical for short texts that do group); ``stability`` the adjusted Rand index
    between the grouping and re-runs with other seeds (1 = identical); ``k_scores`` the
    score of each number of themes tried; ``modularity_k`` the number modularity alone
    chose and ``spectral_k`` where the neighbour graph's spectrum splits most clearly (the
    choice when it is far above ``modularity_k``; see :mod:`analysis.number_of_themes`);
    ``repeats_left_out`` how many answers repeating another word for word were left out
    when the numbers were compared (each answer counts at most three times there);
    ``rephrasings`` the spectrum's number when its finer groups were set aside as ways of
    saying the same thing (they share their telling words within a theme);
    ``unglossed_less_known`` how many answers, by language, are in a language the embedding
    model knows less well and have no English gloss, when they are enough to make the
    grouping less certain (:data:`analysis.embed.LESS_KNOWN`).
    """

    silhouette: float
    stability: float
    k_scores: dict[int, float]
    level: str
    explanation: str
    modularity_k: int | None = None
    spectral_k: int | None = None
    repeats_left_out: int = 0
    unglossed_less_known: dict[str, int] = field(default_factory=dict)
    rephrasings: int | None = None


@dataclass
class ThemeResult:
    """What :func:`analysis.find_themes` returns."""

    themes: list[Theme]
    unthemed: Group
    non_answers: Group
    chosen_k: int
    confidence: Confidence
    n_responses: int
    random_state: int
    excluded_ids: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    # Answers themed but never quoted: their residents did not agree (or nobody said).
    not_quotable: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of the whole result; themes and groups also list ``member_ids``."""
        data = asdict(self)
        for item, theme in zip(data["themes"], self.themes, strict=True):
            item["member_ids"] = theme.member_ids
        data["unthemed"]["member_ids"] = self.unthemed.member_ids
        data["non_answers"]["member_ids"] = self.non_answers.member_ids
        data["confidence"]["k_scores"] = {str(k): v for k, v in self.confidence.k_scores.items()}
        return data

    def theme(self, theme_id: str) -> Theme:
        """The theme with ``theme_id`` (KeyError if there is none)."""
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def assignments(self) -> dict[str, str]:
        """Response id -> theme id, ``'unthemed'`` or ``'non_answer'``."""
        placed = {m.response_id: t.id for t in self.themes for m in t.members}
        placed.update({m.response_id: self.unthemed.id for m in self.unthemed.members})
        placed.update({m.response_id: self.non_answers.id for m in self.non_answers.members})
        return placed
