"""The XPath and ODK functions beyond the first few: numbers, text and patterns.

Kept beside ``expressions.py`` (which parses and evaluates) and mirrored in
``static/js/expressions.js``, so the server and the browser decide alike: ``regex()`` must
match the whole answer, as in ODK; ``round()`` rounds halves up; ``substr()`` counts
characters, not bytes or UTF-16 units.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import regex

from .expressions import Value, boolean, number, string

# One pattern may not tie up the server: a pattern that backtracks for longer fails.
REGEX_TIMEOUT = 0.05
# XPath's own whitespace, which normalize-space() folds; not Unicode's wider idea of it.
_XPATH_SPACE = regex.compile(r"[ \t\r\n]+")


def _round(x: float, digits: float = 0.0) -> float:
    if not math.isfinite(x):
        return x
    if not math.isfinite(digits):
        return math.nan
    try:
        scale = 10.0 ** math.trunc(digits)
        return math.floor(x * scale + 0.5) / scale
    except (OverflowError, ValueError, ZeroDivisionError):
        return math.nan  # as the browser's arithmetic gives


def _pow(x: float, y: float) -> float:
    try:
        return math.pow(x, y)
    except OverflowError:
        return math.inf
    except ValueError:
        return math.nan


def _extreme(values: Sequence[Value], pick: str) -> float:
    found = [number(v) for v in values]
    if not found or any(math.isnan(x) for x in found):
        return math.nan
    return max(found) if pick == "max" else min(found)


# In the browser's RegExp (and in ODK) \d and \w are ASCII; in Python's regex they are
# any script's digits and letters. \p{L} stays any script's letter on both sides.
_ASCII_CLASSES = {"d": "0-9", "w": "A-Za-z0-9_"}
_ASCII_NEGATED = {"D": "[^0-9]", "W": "[^A-Za-z0-9_]"}


def as_browser(pattern: str) -> str:
    r"""``pattern`` with \d, \w, \D and \W meaning what they mean in the browser."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            code = pattern[i + 1]
            if code in _ASCII_CLASSES:
                out.append(_ASCII_CLASSES[code] if in_class else f"[{_ASCII_CLASSES[code]}]")
            elif code in _ASCII_NEGATED and not in_class:
                out.append(_ASCII_NEGATED[code])
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


def _regex(text: str, pattern: str) -> bool:
    try:
        found = regex.fullmatch(as_browser(pattern), text, timeout=REGEX_TIMEOUT)
        return found is not None
    except (regex.error, TimeoutError):
        return False


def _index(x: float, length: int) -> int:
    """A position as substr() takes it, clamped to the text: NaN is the start."""
    if math.isnan(x):
        return 0
    return max(0, min(length, math.trunc(x) if math.isfinite(x) else (length if x > 0 else 0)))


def _substr(text: str, start: float, end: float | None = None) -> str:
    begin = _index(start, len(text))
    if end is None:
        return text[begin:]
    return "" if math.isnan(end) else text[begin : max(begin, _index(end, len(text)))]


def call_extra(name: str, values: Sequence[Value]) -> Value:
    """One of the functions listed in ``expressions.EXTRA_FUNCTIONS``."""
    if name == "regex":
        return _regex(string(values[0]), string(values[1]))
    if name == "round":
        return _round(number(values[0]), number(values[1]) if len(values) > 1 else 0.0)
    if name == "floor":
        return float(math.floor(x)) if math.isfinite(x := number(values[0])) else x
    if name == "ceiling":
        return float(math.ceil(x)) if math.isfinite(x := number(values[0])) else x
    if name == "abs":
        return abs(number(values[0]))
    if name == "pow":
        return _pow(number(values[0]), number(values[1]))
    if name in {"min", "max"}:
        return _extreme(values, name)
    if name == "substr":
        end = number(values[2]) if len(values) > 2 else None
        return _substr(string(values[0]), number(values[1]), end)
    if name == "normalize-space":
        return _XPATH_SPACE.sub(" ", string(values[0])).strip(" \t\r\n")
    if name == "boolean-from-string":
        return string(values[0]) in {"true", "1"}
    if name == "selected-at":
        parts = string(values[0]).split()
        index = number(values[1])
        return parts[int(index)] if math.isfinite(index) and 0 <= index < len(parts) else ""
    if name == "ends-with":
        return string(values[0]).endswith(string(values[1]))
    # boolean()
    return boolean(values[0])
