"""Thematic analysis of free-text survey answers: text in, plain data out.

No Flask and no database here. The public API::

    from analysis import Response, find_themes
    result = find_themes([Response("1", "Can't get a GP appointment"), ...], max_themes=12)
    result.to_dict()  # JSON-ready

See docs/analysis.md for the design and every function.
"""

from analysis.codebook import Codebook, CodebookTheme
from analysis.model import (
    AnalysisError,
    Confidence,
    Group,
    Member,
    Quote,
    Response,
    Theme,
    ThemeResult,
)
from analysis.themes import (
    ThemeFinder,
    find_themes,
    merge_themes,
    similar_responses,
    split_theme,
)

__all__ = [
    "AnalysisError",
    "Codebook",
    "CodebookTheme",
    "Confidence",
    "Group",
    "Member",
    "Quote",
    "Response",
    "Theme",
    "ThemeFinder",
    "ThemeResult",
    "find_themes",
    "merge_themes",
    "similar_responses",
    "split_theme",
]
