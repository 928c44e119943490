"""How the number of themes was chosen, in the page's language.

The engine explains itself in English (for the command line); the team reads the same
reasoning here from the figures it recorded, in their own language.
"""

from __future__ import annotations

from typing import Any

from babel.lists import format_list
from flask_babel import get_locale, gettext, ngettext

from analysis.number_of_themes import COPIES, NEARLY


def how_many_themes(confidence: dict[str, Any], themes_wanted: int | None) -> list[str]:
    """Sentences for the themes page; empty when the run recorded no choice."""
    k = int(confidence.get("chosen_k") or 0)
    if not k:
        return []
    if themes_wanted:
        return [gettext("You asked for %(k)s themes.", k=themes_wanted)]
    scores = {int(n): float(s) for n, s in (confidence.get("k_scores") or {}).items()}
    if len(scores) <= 1:
        return [gettext("%(k)s themes: the only number the limits allowed.", k=k)]
    tried = sorted(scores)
    best = max(scores.values())
    # The number modularity chose; the engine may then have found finer groups (spectral_k).
    first = int(confidence.get("modularity_k") or k)
    close = [n for n in tried if n != first and scores[n] >= best - NEARLY * abs(best)]
    if first != k:
        lines = [
            ngettext(
                "The analysis tried %(num)d number of themes from %(low)s to %(high)s. "
                "With %(first)s, answers that are alike already fall together as often as "
                "with more; but the answers split most clearly into %(k)s smaller groups, so "
                "it suggests %(k)s.",
                "The analysis tried %(num)d numbers of themes from %(low)s to %(high)s. "
                "With %(first)s, answers that are alike already fall together as often as "
                "with more; but the answers split most clearly into %(k)s smaller groups, so "
                "it suggests %(k)s.",
                len(tried),
                low=tried[0],
                high=tried[-1],
                first=first,
                k=k,
            )
        ]
    else:
        lines = [
            ngettext(
                "The analysis tried %(num)d number of themes from %(low)s to %(high)s "
                "and suggests %(k)s: with more themes, answers that are alike would not fall "
                "together more often.",
                "The analysis tried %(num)d numbers of themes from %(low)s to %(high)s "
                "and suggests %(k)s: with more themes, answers that are alike would not fall "
                "together more often.",
                len(tried),
                low=tried[0],
                high=tried[-1],
                k=k,
            )
        ]
    if close:
        numbers = format_list([str(n) for n in close], locale=str(get_locale()))
        lines.append(
            ngettext(
                "%(numbers)s themes would do nearly as well.",
                "%(numbers)s themes would do nearly as well.",
                len(close),
                numbers=numbers,
            )
        )
    else:
        lines.append(gettext("No other number came close."))
    rephrasings = int(confidence.get("rephrasings") or 0)
    if rephrasings:
        lines.append(
            gettext(
                "The answers also split into %(n)s smaller groups, but within a theme those "
                "groups use the same telling words: they are ways of saying the same thing, "
                "not themes of their own.",
                n=rephrasings,
            )
        )
    repeats = int(confidence.get("repeats_left_out") or 0)
    if repeats:
        lines.append(
            ngettext(
                "%(num)d answer was left out of this comparison because the same words had "
                "already been counted %(times)d times: a phrase many people used would "
                "otherwise be a theme on its own. It is themed like every other answer.",
                "%(num)d answers were left out of this comparison because the same words had "
                "already been counted %(times)d times: a phrase many people used would "
                "otherwise be a theme on its own. They are themed like every other answer.",
                repeats,
                times=COPIES,
            )
        )
    return lines
