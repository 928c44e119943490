"""A location answer, as ODK keeps it: "latitude longitude altitude accuracy".

A resident or volunteer gives it by pressing a button that asks the device (the browser
asks the person first), or types the latitude and longitude; a typed location has no
altitude or accuracy, kept as 0 as ODK does for a point placed by hand.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

# The page's fields for one location question: what a person types, and what the device adds.
LATITUDE, LONGITUDE, ALTITUDE, ACCURACY = "__lat", "__lon", "__alt", "__acc"
PARTS = (LATITUDE, LONGITUDE, ALTITUDE, ACCURACY)
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def compose(
    question_id: str, getlist: Callable[[str], list[str]], clean: Callable[[str], str]
) -> list[str]:
    """The answer from the page's fields, or what an earlier page carried as one value."""
    parts = [next(iter(clean(v) for v in getlist(question_id + p)), "") for p in PARTS]
    latitude, longitude, altitude, accuracy = parts
    if not latitude and not longitude:
        carried = [" ".join(clean(p) for p in v.split()) for v in getlist(question_id)]
        return [v for v in carried if v][:1]
    return [" ".join([latitude or "?", longitude or "?", altitude or "0", accuracy or "0"])]


def is_location(value: str) -> bool:
    """Two to four numbers: a latitude between -90 and 90, a longitude between -180 and
    180, then an altitude in metres and an accuracy in metres (not below 0)."""
    parts = value.split()
    if not 2 <= len(parts) <= 4 or not all(_NUMBER.match(p) for p in parts):
        return False
    numbers = [float(p) for p in parts]
    if not all(math.isfinite(n) for n in numbers):
        return False
    latitude, longitude = numbers[0], numbers[1]
    accurate = len(numbers) < 4 or numbers[3] >= 0
    return -90 <= latitude <= 90 and -180 <= longitude <= 180 and accurate


def split(value: str) -> dict[str, str]:
    """The page's fields for a stored answer, to show it again."""
    parts = value.split()
    return {
        p: (parts[i] if i < len(parts) and parts[i] != "?" else "") for i, p in enumerate(PARTS)
    }
