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
    from the engine either (only pinned ones). ``example_phrases``, ``description`` and
    ``earlier_member_ids`` (the answers a previous run put here, not held: each goes where
    it fits now) help responses find the theme.
    """

    id: str
    name: str
    description: str = ""
    example_phrases: list[str] = field(default_factory=list)
    pinned_response_ids: list[str] = field(default_factory=list)
    locked: bool = False
    earlier_member_ids: list[str] = field(default_factory=list)


@dataclass
class Codebook:
    """The team's decisions so far; ``excluded_ids`` are responses kept out of every theme."""

    themes: list[CodebookTheme] = field(default_factory=list)
    excluded_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Codebook:
        """Read a codebook written by :meth:`to_dict` (or by hand, as JSON).

        Anything else is refused with a plain message, not half read: a list where a text
        was meant would otherwise be read letter by letter.
        """
        if not isinstance(data, dict):
            raise AnalysisError("a codebook is a JSON object with 'themes' and 'excluded_ids'")
        unknown = sorted(set(data) - {"themes", "excluded_ids"})
        if unknown:
            raise AnalysisError(f"codebook has unknown fields: {', '.join(unknown)}")
        themes = _list(data.get("themes", []), "themes", dict)
        return cls(
            themes=[_theme(t, n) for n, t in enumerate(themes, 1)],
            excluded_ids=[str(i) for i in _list(data.get("excluded_ids", []), "excluded_ids", _ID)],
        )

    @classmethod
    def from_file_data(cls, data: Any, question: str) -> Codebook:
        """A codebook from any of the JSON files a team has for ``question``: a codebook,
        the themes this tool wrote last time, or the app's themes export.

        From the last two, each theme keeps its id, name, description and lock, and its
        quotes (residents who agreed to be quoted) become example phrases; no answer is
        pinned, so later answers can still move. The command line's own file also lists
        each theme's answers: they find the theme again as its earlier members (the app's
        export lists none).
        """
        if isinstance(data, dict) and isinstance(data.get("questions"), list):
            found = [q for q in data["questions"] if isinstance(q, dict)]
            found = [q for q in found if q.get("question") == question]
            if not found:
                raise AnalysisError(f"the themes file has no themes for the question {question!r}")
            return cls._from_themes(found[0].get("themes"), quotes_key="pinned_quotes")
        if isinstance(data, dict) and "unthemed" in data and "confidence" in data:
            return cls._from_themes(data.get("themes"), quotes_key="quotes", members=True)
        return cls.from_dict(data)

    @classmethod
    def _from_themes(cls, themes: Any, *, quotes_key: str, members: bool = False) -> Codebook:
        out = []
        for number, theme in enumerate(_list(themes, "themes", dict), 1):
            name = theme.get("name") or theme.get("label")
            quotes = _list(theme.get(quotes_key, []), quotes_key, dict)
            earlier = _list(theme.get("member_ids", []), "member_ids", _ID) if members else []
            out.append(
                _theme(
                    {
                        "id": theme.get("id"),
                        "name": name,
                        "description": theme.get("description") or "",
                        "example_phrases": [
                            q.get("gloss") or q.get("text") for q in quotes[:3] if q.get("text")
                        ],
                        "locked": bool(theme.get("locked", False)),
                        "earlier_member_ids": earlier,
                    },
                    number,
                )
            )
        return cls(themes=out)

    @classmethod
    def from_result(cls, result: ThemeResult, *, pin_members: bool = False) -> Codebook:
        """Start a codebook from a run: keep its themes, and pin their members if asked (if
        not, they find the themes again as earlier members, each free to move)."""
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
                    earlier_member_ids=[] if pin_members else theme.member_ids,
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


# Response ids read from JSON: text, or numbers where a spreadsheet made them numbers.
_ID = (str, int)


def _list(value: Any, name: str, kind: type | tuple[type, ...]) -> list[Any]:
    if not isinstance(value, list) or not all(
        isinstance(v, kind) and not isinstance(v, bool) for v in value
    ):
        what = "objects" if kind is dict else "texts"
        raise AnalysisError(f"codebook: {name!r} must be a list of {what}")
    return value


def _theme(data: dict[str, Any], number: int) -> CodebookTheme:
    """One codebook theme, every field checked for its type."""
    where = f"codebook theme {number}"
    unknown = sorted(set(data) - set(CodebookTheme.__dataclass_fields__))
    if unknown:
        raise AnalysisError(f"{where} has unknown fields: {', '.join(unknown)}")
    for required in ("id", "name"):
        if not isinstance(data.get(required), _ID) or isinstance(data.get(required), bool):
            raise AnalysisError(f"{where} needs {required!r} as a text")
    description = data.get("description", "")
    locked = data.get("locked", False)
    if not isinstance(description, str):
        raise AnalysisError(f"{where}: 'description' must be a text")
    if not isinstance(locked, bool):
        raise AnalysisError(f"{where}: 'locked' must be true or false")
    return CodebookTheme(
        id=str(data["id"]),
        name=str(data["name"]),
        description=description,
        example_phrases=_list(data.get("example_phrases", []), "example_phrases", str),
        pinned_response_ids=[
            str(i) for i in _list(data.get("pinned_response_ids", []), "pinned_response_ids", _ID)
        ],
        locked=locked,
        earlier_member_ids=[
            str(i) for i in _list(data.get("earlier_member_ids", []), "earlier_member_ids", _ID)
        ],
    )
