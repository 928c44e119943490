"""Thematic analysis of free-text survey answers: text in, plain data out.

No Flask and no database here. The public API::

    from analysis import Response, find_themes
    result = find_themes([Response("1", "Can't get a GP appointment"), ...], max_themes=12)
    result.to_dict()  # JSON-ready

See docs/analysis.md for the design and every function. Names are imported on first use,
so importing the package (say, when the web app starts) does not load scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.codebook import Codebook, CodebookTheme
    from analysis.editing import merge_themes, similar_responses, split_theme
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
    from analysis.placing import Placement
    from analysis.themes import ThemeFinder, find_themes

_EXPORTS = {
    "Codebook": "analysis.codebook",
    "CodebookTheme": "analysis.codebook",
    "AnalysisError": "analysis.model",
    "Confidence": "analysis.model",
    "Group": "analysis.model",
    "Member": "analysis.model",
    "Quote": "analysis.model",
    "Response": "analysis.model",
    "Theme": "analysis.model",
    "ThemeResult": "analysis.model",
    "Placement": "analysis.placing",
    "ThemeFinder": "analysis.themes",
    "find_themes": "analysis.themes",
    "merge_themes": "analysis.editing",
    "similar_responses": "analysis.editing",
    "split_theme": "analysis.editing",
}

__all__ = [
    "AnalysisError",
    "Codebook",
    "CodebookTheme",
    "Confidence",
    "Group",
    "Member",
    "Placement",
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


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
