"""Adding and removing an instance of a repeat (one more person in the household).

Pure functions of the answers: the web form without JavaScript sends the press of an
"Add another" or "Remove" button, and the page comes back with the instances changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .model import MAX_INSTANCES, Survey, instance_key

# The buttons' values: "add:members" and "remove:members:2".
_ADD = re.compile(r"^add:(?P<repeat>[^:]+)$")
_REMOVE = re.compile(r"^remove:(?P<repeat>[^:]+):(?P<number>[0-9]{1,3})$")


def is_change(action: str) -> bool:
    return bool(_ADD.match(action) or _REMOVE.match(action))


def changed(survey: Survey, raw: Mapping[str, list[str]], action: str) -> dict[str, list[str]]:
    """The answers after the button ``action`` names was pressed on an expanded survey.

    Removing an instance moves the ones after it up, so the person sees what they typed
    where they typed it; a repeat with a count of its own is not changed by hand.
    """
    new = {name: list(values) for name, values in raw.items()}
    found = _ADD.match(action) or _REMOVE.match(action)
    if found is None:
        return new
    step = next((s for s in survey.steps if s.id == found["repeat"]), None)
    if step is None or step.repeat is None or step.repeat.count is not None:
        return new
    number = step.repeat.instances or 0
    if found.re is _ADD:
        new[step.id] = [str(min(number + 1, MAX_INSTANCES))]
        return new
    gone = int(found["number"])
    if not 1 <= gone <= number:
        return new
    own = [q.id.rsplit("/", 1)[1] for q in step.instance_questions(gone)]
    for later in range(gone, number):
        for question in own:
            for suffix in ("", "__gloss", "__language", "__lat", "__lon", "__alt", "__acc"):
                source = instance_key(step.id, later + 1, question) + suffix
                target = instance_key(step.id, later, question) + suffix
                new[target] = new.pop(source, [])
    for question in own:
        for suffix in ("", "__gloss", "__language", "__lat", "__lon", "__alt", "__acc"):
            new.pop(instance_key(step.id, number, question) + suffix, None)
    new[step.id] = [str(number - 1)]
    return new
