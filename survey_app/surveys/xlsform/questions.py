"""From pyxform's reading of one question (or group, or repeat) to the app's question."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask_babel import gettext

from ..expressions import ExpressionError, parse
from . import search
from .common import condition
from .kinds import RECORDED_METADATA, Kind, kind_of
from .texts import Texts

# A default that is an expression, not a value: it names an answer or calls a function.
_DYNAMIC = re.compile(r"\$\{|[A-Za-z][\w-]*\s*\(")


def _yes(value: Any) -> bool:
    return str(value or "").strip().casefold() in {"yes", "true", "true()", "1"}


def _required(bind: Mapping[str, Any]) -> bool:
    return _yes(bind.get("required"))


# Appearances the app's own layout already honours; any other is kept and said to be unused.
APPEARANCES = frozenset(
    {
        "multiline",
        "minimal",
        "quick",
        "horizontal",
        "horizontal-compact",
        "compact",
        "likert",
        "field-list",
        "no-calendar",
    }
)


def workable(source: str, columns: bool = False) -> bool:
    """Whether the app can work an expression out; one with a function it does not know
    (``pulldata()``, ``jr:choice-name()``) is kept for the export and not applied."""
    try:
        parse(source, columns)
    except ExpressionError:
        # pyxform and the app's checks let it through (current()/../pos, a path into a
        # repeat): ODK works it out, the app cannot yet.
        return False
    return True


def own_condition(node: Mapping[str, Any], kept: dict[str, Any] | None = None) -> list[str]:
    """The node's own relevant, if the app can work it out; else kept aside in ``kept``."""
    relevant = node.get("bind", {}).get("relevant")
    if not relevant:
        return []
    source = condition(relevant)
    if workable(source):
        return [source]
    if kept is not None:
        kept["relevant"] = source
    return []


def _range(node: Mapping[str, Any], question: dict[str, Any]) -> None:
    """A range is a number between its start and end: asked as a number, checked as such."""
    parameters = {k: str(v) for k, v in (node.get("parameters") or {}).items()}
    start, end = parameters.get("start", "1"), parameters.get("end", "10")
    whole = all(re.fullmatch(r"-?\d+", parameters.get(k, "1")) for k in ("start", "end", "step"))
    question["type"] = "integer" if whole else "decimal"
    low, high = sorted((start, end), key=float)
    bounds = f". >= {low} and . <= {high}"
    own = question.get("constraint")
    question["constraint"] = f"({own}) and {bounds}" if own else bounds
    question.setdefault("xlsform", {}).update(
        type="range",
        parameters=" ".join(f"{k}={v}" for k, v in parameters.items()),
        constraint=own or question.get("xlsform", {}).get("constraint", ""),
    )


def _question(node: Mapping[str, Any], texts: Texts, relevant: list[str]) -> dict[str, Any]:
    name = str(node["name"])
    json_type = str(node["type"])
    bind = node.get("bind", {})
    kind = kind_of(json_type, node.get("itemset"))
    question: dict[str, Any] = {"id": name, "type": kind.app_type}
    if kind.app_type in {"single_choice", "multiple_choice"}:
        question["choices"] = node.get("list_name") or node.get("itemset")
    appearance = str(node.get("control", {}).get("appearance", "")).strip()
    if question["type"] == "short_text" and "multiline" in appearance.split():
        question["type"] = "long_text"
    # Kept for the export (a long text's "multiline" is its type); APPEARANCES says what shows.
    kept = [a for a in appearance.split() if a != "multiline" or question["type"] != "long_text"]
    if kept:
        question["appearance"] = " ".join(kept)
    aside: dict[str, Any] = {}  # what the form asks that the app keeps but cannot apply
    if question["type"] in {"single_choice", "multiple_choice"} and search.has_search(appearance):
        # Its choices are in a CSV file sent with the form; its own list names the columns.
        single = question["type"] == "single_choice"
        list_name = question.pop("choices")
        question.update(type="unsupported", asks="external")
        aside["type"] = f"{'select_one' if single else 'select_multiple'} {list_name}"
        aside["search"] = {"list": list_name, **(search.read(appearance) or {})}
    if node.get("choice_filter"):
        source = condition(node["choice_filter"])
        if workable(source, columns=True):
            question["choice_filter"] = source
        else:
            aside["choice_filter"] = source
    contact = node.get("contact")
    if contact:
        question["contact"] = str(contact)
        if question["type"] in {"short_text", "long_text"} and contact in {"phone", "email"}:
            question["type"] = str(contact)
    if node.get("records"):
        question["records"] = str(node["records"])
        if question["type"] == "acknowledge" and node["records"] == "consent":
            question["type"] = "consent"
    if _required(bind) and kind.app_type not in {"unsupported", "calculate"}:
        question["required"] = True
    conditions = [*relevant, *own_condition(node, aside)]
    if conditions:
        question["relevant"] = and_(conditions)
    if bind.get("constraint"):
        source = condition(bind["constraint"])
        if workable(source):
            question["constraint"] = source
        else:
            aside["constraint"] = source
    if aside:
        question["xlsform"] = aside
    if node.get("default") not in (None, ""):
        given = str(node["default"])
        if _DYNAMIC.search(given):
            # Worked out by ODK when the question appears (${name}, indexed-repeat(...)):
            # the app does not prefill it; kept for the export.
            question.setdefault("xlsform", {})["default"] = given
        else:
            question["default"] = given
    read_only = kind.app_type not in {"calculate", "note", "unsupported"} and _yes(
        bind.get("readonly")
    )
    if read_only:
        question["read_only"] = True
        question.pop("required", None)
        if bind.get("calculate"):
            # A read-only question with a calculation shows what it works out (ODK).
            kind = Kind("calculate")
            question.setdefault("xlsform", {})["type"] = json_type
            question.update(type="calculate")
            question.pop("choices", None)
    if kind.app_type == "calculate":
        # A hidden question has no calculation: it keeps no value, as in ODK.
        source = condition(bind.get("calculate") or "''")
        if not workable(source):
            # Kept for the export; worked out as no value, so what depends on it is told.
            question.update(type="unsupported", asks="calculation")
            question.setdefault("xlsform", {}).update(type=json_type, calculation=source)
        else:
            question["calculation"] = source
            if json_type != "calculate":
                question.setdefault("xlsform", {}).setdefault("type", json_type)
    elif kind.app_type == "range":
        _range(node, question)
    elif kind.app_type == "unsupported":
        question["asks"] = kind.asks
        question.setdefault("xlsform", {})["type"] = _sheet_type(json_type, node)
        if kind.asks == "earlier" and "choice_filter" in question:
            # Of choices the app does not offer yet: kept for the export, not applied.
            question["xlsform"]["choice_filter"] = question.pop("choice_filter")
        chosen = node.get("parameters") or {}
        if chosen and json_type in {"select one", "select all that apply"}:
            # The columns a file's value and label come from (value=code label=title).
            question["xlsform"]["parameters"] = " ".join(f"{k}={v}" for k, v in chosen.items())
        question.pop("constraint", None)
        question.pop("default", None)
    if question["type"] in {"short_text", "long_text"}:
        # Only what a resident writes is glossed and themed: not a read-only text.
        question["gloss"] = (
            question["type"] == "long_text" and "contact" not in question and not read_only
        )
    for part, value in (
        ("label", node.get("label")),
        ("hint", node.get("hint")),
        ("required_message", bind.get("jr:requiredMsg")),
        ("constraint_message", bind.get("jr:constraintMsg")),
    ):
        text = texts.pick(value, f"question.{name}.{part}")
        if text:
            question[part] = text
    return question


def _sheet_type(json_type: str, node: Mapping[str, Any]) -> str:
    """How the XLSForm export writes a question the app keeps but does not collect."""
    itemset = str(node.get("itemset") or node.get("list_name") or "")
    if json_type in {"select one", "select all that apply"}:
        one = "select_one" if json_type == "select one" else "select_multiple"
        if itemset.startswith("${"):  # choices from earlier answers
            return f"{one} {itemset}"
        return f"{one}_from_file {itemset}"  # choices from a file
    if json_type == "select one external":
        return f"select_one_external {itemset}"
    if json_type == "rank":
        return f"rank {itemset}"
    return json_type


def _repeat(node: Mapping[str, Any], texts: Texts, relevant: list[str]) -> dict[str, Any]:
    """A repeat, kept whole as a notice: the app does not collect repeats yet."""
    name = str(node["name"])
    question: dict[str, Any] = {"id": name, "type": "unsupported", "asks": "repeat"}
    aside: dict[str, Any] = {}
    conditions = [*relevant, *own_condition(node, aside)]
    if conditions:
        question["relevant"] = and_(conditions)
    label = texts.pick(node.get("label"), f"question.{name}.label")
    if label:
        question["label"] = label
    question["xlsform"] = {
        **aside,
        "type": "begin_repeat",
        "rows": [_repeat_row(child, texts) for child in node.get("children", [])],
    }
    return question


def _repeat_row(node: Mapping[str, Any], texts: Texts) -> dict[str, Any]:
    """One row inside a repeat, as the export writes it back (default-language label)."""
    label = node.get("label")
    if isinstance(label, Mapping):
        label = texts.default_text(label)  # the other languages stay behind
    row: dict[str, Any] = {
        "type": _row_type(node),
        "name": str(node.get("name", "")),
        "label": str(label or ""),
    }
    bind = node.get("bind", {})
    for column, key in (
        ("relevant", "relevant"),
        ("constraint", "constraint"),
        ("calculation", "calculate"),
        ("required", "required"),
    ):
        if bind.get(key):
            row[column] = str(bind[key])
    if node.get("type") in {"group", "repeat"}:
        row["rows"] = [_repeat_row(child, texts) for child in node.get("children", [])]
    return row


def _row_type(node: Mapping[str, Any]) -> str:
    json_type = str(node.get("type", ""))
    if json_type in {"group", "repeat"}:
        return f"begin_{json_type}"
    if json_type in {"select one", "select all that apply"} and "." not in str(
        node.get("itemset", "")
    ):
        prefix = "select_one" if json_type == "select one" else "select_multiple"
        return f"{prefix} {node.get('list_name') or node.get('itemset')}"
    return _sheet_type(json_type, node)


def and_(conditions: Sequence[str]) -> str:
    if len(conditions) == 1:
        return conditions[0]
    return " and ".join(f"({c})" for c in conditions)


def unique_names(form: dict[str, Any]) -> list[str]:
    """Give a question whose name another group also uses a name of its own.

    ODK allows one name in two groups (their paths differ); the app names each question
    once, so the later one becomes ``group_name``. Returns what the upload says of it.
    """
    said: list[str] = []
    every: set[str] = set()
    places: list[tuple[str, dict[str, Any]]] = []

    def walk(nodes: Iterable[dict[str, Any]], parent: str) -> None:
        for node in nodes:
            if node.get("type") == "group":
                every.add(str(node.get("name", "")))
                walk(node.get("children", []), str(node.get("name", "")))
            elif node.get("name"):
                every.add(str(node["name"]))
                places.append((parent, node))
                if node.get("type") == "repeat":  # its name counts it; its questions are asked
                    walk(node.get("children", []), str(node["name"]))

    walk(form.get("children", []), "")
    taken: set[str] = set()
    for parent, node in places:
        name = str(node["name"])
        if name not in taken:
            taken.add(name)
            continue
        new, number = f"{parent}_{name}" if parent else f"{name}_2", 2
        while new in every or new in taken:
            number += 1
            new = f"{parent}_{name}_{number}" if parent else f"{name}_{number}"
        node["name"] = new
        taken.add(new)
        said.append(
            gettext(
                "The name '%(name)s' is used in two groups; the app calls the second '%(new)s'.",
                name=name,
                new=new,
            )
        )
    return said


def questions_of(
    nodes: Iterable[Mapping[str, Any]],
    texts: Texts,
    relevant: list[str],
    notices: list[str],
    metadata: list[dict[str, str]],
) -> list[dict[str, Any]]:
    """A group's questions; a group inside it adds its condition to each of its questions."""
    found: list[dict[str, Any]] = []
    for node in nodes:
        kind = str(node.get("type", ""))
        if kind == "group":
            inner = [*relevant, *own_condition(node)]
            found.extend(questions_of(node.get("children", []), texts, inner, notices, metadata))
        elif kind == "repeat":
            found.append(_repeat(node, texts, relevant))
            notices.append(not_collected_notice(str(node["name"]), "begin_repeat"))
        elif kind_of(kind).app_type is None:
            metadata.append({"name": str(node["name"]), "type": kind})
            notices.append(_left_out(str(node["name"]), kind))
        else:
            question = _question(node, texts, relevant)
            found.append(question)
            if question.get("asks") == "calculation":
                notices.append(
                    gettext(
                        "The calculation of '%(name)s' uses a function the app cannot work out "
                        "yet: it is kept in the form, but has no value here.",
                        name=question["id"],
                    )
                )
            elif question["type"] == "unsupported":
                notices.append(not_collected_notice(question["id"], question["xlsform"]["type"]))
            elif question["type"] == "geopoint":
                notices.append(
                    gettext(
                        "'%(name)s' asks for a location. Where someone lives says who they "
                        "are: ask for it only if the survey needs it. A device gives its "
                        "location only when the person presses the button for it.",
                        name=question["id"],
                    )
                )
            notices.extend(_ignored(question))
    return found


def _ignored(question: Mapping[str, Any]) -> list[str]:
    """What the form asks of a question that the app keeps but does not apply yet."""
    said = []
    aside = question.get("xlsform", {})
    if aside.get("choice_filter"):
        said.append(
            gettext(
                "The choice filter of '%(name)s' (%(filter)s) uses a function the app cannot "
                "work out yet: it is kept, but every choice is shown.",
                name=question["id"],
                filter=aside["choice_filter"],
            )
        )
    if aside.get("relevant"):
        said.append(unapplied_relevant(question["id"], aside["relevant"]))
    if aside.get("constraint") and aside.get("type") != "range":
        said.append(
            gettext(
                "The constraint of '%(name)s' (%(expression)s) uses a function the app cannot "
                "work out yet: it is kept, but answers are not checked against it.",
                name=question["id"],
                expression=aside["constraint"],
            )
        )
    shown = search.without_search(str(question.get("appearance", "")))
    ignored = [a for a in shown.split() if a not in APPEARANCES]
    if ignored:
        said.append(
            gettext(
                "The appearance '%(appearance)s' of '%(name)s' is kept, but the app shows the "
                "question in its usual way.",
                appearance=" ".join(ignored),
                name=question["id"],
            )
        )
    return said


def unapplied_relevant(name: str, expression: str) -> str:
    return gettext(
        "The relevant of '%(name)s' (%(expression)s) uses a function the app cannot work out "
        "yet: it is kept, but the question is always asked.",
        name=name,
        expression=expression,
    )


def _left_out(name: str, kind: str) -> str:
    if kind_of(kind).metadata in RECORDED_METADATA:
        return gettext(
            "'%(name)s' (%(type)s) is left out: the app records this itself.", name=name, type=kind
        )
    return gettext(
        "'%(name)s' (%(type)s) is left out: the app does not record details of the device "
        "or its owner.",
        name=name,
        type=kind,
    )


def not_collected_notice(name: str, kind: str) -> str:
    return gettext(
        "'%(name)s' (%(type)s) is kept, but the app does not collect it yet: the survey shows "
        "a notice in its place. Preview it before you publish.",
        name=name,
        type=kind,
    )


# Choice columns that are texts or media, not columns a choice_filter reads.
_CHOICE_TEXTS = {"name", "label", "media", "image", "audio", "video", "big-image"}


def read_choice(list_name: str, choice: Mapping[str, Any], texts: Texts) -> dict[str, Any]:
    name = str(choice["name"])
    found: dict[str, Any] = {
        "value": name,
        "label": texts.pick(choice.get("label"), f"choice.{list_name}.{name}") or name,
    }
    columns = {
        str(k): str(v) for k, v in choice.items() if k not in _CHOICE_TEXTS and v not in ("", None)
    }
    if columns:
        found["columns"] = columns
    return found
