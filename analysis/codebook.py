"""Human decisions that a new run must keep: named themes, placements, exclusions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from analysis.model import AnalysisError, ThemeResult


@dataclass
class CodebookTheme:
    """A theme a person has named or shaped.

    ``pinned_response_ids`` are responses a person placed in this theme by hand: a new run
    keeps them there whatever the text says. ``locked`` means the theme takes no new members
    from the engine either (only pinned ones). ``example_phrases`` and ``description`` help
    new responses find the theme.
    """

    id: str
    name: str
    description: str = ""
    example_phrases: list[str] = field(default_factory=list)
    pinned_response_ids: list[str] = field(default_factory=list)
    locked: bool = False


@dataclass
class Codebook:
    """The team's decisions so far; ``excluded_ids`` are responses kept out of every theme."""

    themes: list[CodebookTheme] = field(default_factory=list)
    excluded_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Codebook:
        """Read a codebook written by :meth:`to_dict` (or by hand, as JSON)."""
        try:
            themes = [CodebookTheme(**t) for t in data.get("themes", [])]
        except TypeError as exc:
            raise AnalysisError(f"codebook theme has an unknown or missing field: {exc}") from exc
        return cls(themes=themes, excluded_ids=[str(i) for i in data.get("excluded_ids", [])])

    @classmethod
    def from_result(cls, result: ThemeResult, *, pin_members: bool = False) -> Codebook:
        """Start a codebook from a run: keep its themes (and, if asked, pin their members)."""
        themes = []
        for theme in result.themes:
            examples = [q.gloss or q.text for q in theme.quotes[:3]]
            themes.append(
                CodebookTheme(
                    id=theme.id,
                    name=theme.name or theme.label,
                    description=theme.description or "",
                    example_phrases=examples,
                    pinned_response_ids=theme.member_ids if pin_members else [],
                    locked=theme.locked,
                )
            )
        return cls(themes=themes)

    def validate(self) -> None:
        """Raise AnalysisError for duplicate theme ids or a response pinned twice."""
        seen: set[str] = set()
        pinned: dict[str, str] = {}
        for theme in self.themes:
            if theme.id in seen:
                raise AnalysisError(f"codebook has two themes with id {theme.id!r}")
            seen.add(theme.id)
            for rid in theme.pinned_response_ids:
                if rid in pinned:
                    raise AnalysisError(
                        f"response {rid!r} is pinned to both {pinned[rid]!r} and {theme.id!r}"
                    )
                pinned[rid] = theme.id
