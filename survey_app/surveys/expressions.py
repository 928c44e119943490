"""The XLSForm expressions a survey may use for skip logic and constraints.

``relevant`` and ``constraint`` cells hold a small part of XPath: ``${q} = 'yes'``,
``selected(${q}, 'x')``, comparisons, ``and``/``or``/``not()``, arithmetic, ``.`` for
the answer being checked, ``string-length(.)``. An expression is parsed once, here,
into a tree of plain lists; the server evaluates the tree below and the browser
evaluates the very same tree (``static/js/expressions.js``), so both decide alike.
Anything outside this subset is refused with the reason, never guessed at.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import format_decimal, gettext, ngettext

Node = list[Any]
Value = str | float | bool

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{(?P<name>[^}]*)\})
  | (?P<number>\d+(?:\.\d*)?|\.\d+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
  | (?P<dot>\.(?![.\w]))
  | (?P<word>(?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.ASCII,
)
_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
# ``position(..)``, the number of the instance of a repeat an expression is in: read as a
# reference of its own, which each instance's copy replaces with its number.
POSITION = "__position__"
_POSITION = re.compile(r"position\(\s*\.\.\s*\)")
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
# A choice's columns travel beside the answers under names no question can have.
COLUMN = "@"
# name: (fewest arguments, most arguments or None for any number)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (0, 1),
    "not": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "today": (0, 0),
    "number": (1, 1),
    "int": (1, 1),
    "string": (1, 1),
    "concat": (1, None),
    "contains": (2, 2),
    "starts-with": (2, 2),
    "if": (3, 3),
    "coalesce": (2, 2),
    # Over the instances of a repeat (see aggregated()); of one answer, as XPath has them.
    "sum": (1, 1),
    "count": (1, 1),
    # indexed-repeat(${name}, ${repeat}, n): that instance's answer (aggregated()).
    "indexed-repeat": (3, 3),
}
# Worked out in expression_functions.py (and the same in expressions.js).
EXTRA_FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "regex": (2, 2),
    "round": (1, 2),
    "floor": (1, 1),
    "ceiling": (1, 1),
    "abs": (1, 1),
    "pow": (2, 2),
    "min": (1, None),
    "max": (1, None),
    "substr": (2, 3),
    "normalize-space": (1, 1),
    "boolean-from-string": (1, 1),
    "selected-at": (2, 2),
    "ends-with": (2, 2),
    "boolean": (1, 1),
}
FUNCTIONS.update(EXTRA_FUNCTIONS)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# XPath's number(): no exponent, no "Infinity", no "NaN" (Python's float() takes all three).
_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$", re.ASCII)


class ExpressionError(ValueError):
    """An expression the app cannot use, with the reason in plain words."""


class UnsupportedFunction(ExpressionError):
    """A well-formed expression with a function the app does not work out (yet)."""


# Bounds on the work one expression may cause: real forms' longest conditions are a few
# hundred characters and a handful of levels deep. Without them a form could make the
# parser or the evaluators (here and in expressions.js) recurse until they fail.
MAX_LENGTH = 4000
MAX_NESTING = 40  # brackets, function calls and minus signs inside each other
MAX_DEPTH = 200  # of the tree: a chain such as 1+1+…+1 is as deep as it is long


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its source text and the tree both evaluators share."""

    source: str
    tree: Node = field(compare=False)

    def references(self) -> set[str]:
        return set(_references(self.tree))

    def uses_current(self) -> bool:
        return _uses_current(self.tree)

    def holds(self, answers: Mapping[str, Sequence[str]], current: Sequence[str] = ()) -> bool:
        return boolean(evaluate(self.tree, answers, current))

    def keeps(self, answers: Mapping[str, Sequence[str]], columns: Mapping[str, str]) -> bool:
        """Whether a choice with these columns passes this choice_filter."""
        given = {COLUMN + name: [value] for name, value in columns.items()}
        return boolean(evaluate(self.tree, {**answers, **given}))

    def value(self, answers: Mapping[str, Sequence[str]]) -> str:
        """The expression's value as text, as a calculate question keeps it.

        A sum over an unanswered question is NaN in XPath; it is kept as no value.
        """
        text = string(evaluate(self.tree, answers))
        return "" if text in {"NaN", "Infinity", "-Infinity"} else text

    def indexes_into(self, names: set[str]) -> bool:
        """Whether ``indexed-repeat()`` here picks an instance of one of ``names``."""
        return _indexes_into(self.tree, names)

    def requires(self, question: str, value: str) -> bool:
        """Whether the expression can only hold when ``question``'s answer includes ``value``."""
        return _requires(self.tree, question, value)


def parse(source: str, columns: bool = False) -> Expression:
    """Parse ``source`` or raise :class:`ExpressionError` saying what is wrong.

    With ``columns`` (a choice_filter), a bare word names a column of the choices sheet
    (``area=${area}``, ``name != 'other'``).
    """
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            gettext(
                "the expression is longer than %(num)s characters: split it over several "
                "questions with calculate",
                num=format_decimal(MAX_LENGTH),
            )
        )
    tokens = list(_tokens(_POSITION.sub("${" + POSITION + "}", source)))
    if not tokens:
        raise ExpressionError(gettext("the expression is empty"))
    parser = _Parser(tokens, columns)
    tree = parser.expression()
    left = parser.peek()
    if left is not None:
        raise ExpressionError(
            gettext("unexpected %(token)s after a complete expression", token=repr(left[1]))
        )
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(
            gettext(
                "the expression chains more than %(num)s operations: split it over several "
                "questions with calculate",
                num=format_decimal(MAX_DEPTH),
            )
        )
    return Expression(source.strip(), tree)


def _rebuilt(node: Node, walk: Callable[[Node], Node]) -> Node:
    """``node`` with each of its operands (a call's arguments) replaced by ``walk``'s."""
    if node[0] == "bin":
        return ["bin", node[1], walk(node[2]), walk(node[3])]
    if node[0] == "neg":
        return ["neg", walk(node[1])]
    if node[0] == "call":
        return ["call", node[1], [walk(arg) for arg in node[2]]]
    return node


def renamed(expression: Expression, names: Mapping[str, str], position: int = 0) -> Expression:
    """The same expression with each ``${old}`` naming ``names[old]`` instead, and
    ``position(..)`` the number ``position``: a question inside a repeat names its own
    instance's answers."""

    def walk(node: Node) -> Node:
        if node[0] == "ref" and node[1] == POSITION and position:
            return ["num", float(position)]
        if node[0] == "ref":
            return ["ref", names.get(node[1], node[1])]
        return _rebuilt(node, walk)

    source = re.sub(
        r"\$\{([^}]+)\}", lambda m: "${" + names.get(m[1], m[1]) + "}", expression.source
    )
    return Expression(source, walk(expression.tree))


def aggregated(
    expression: Expression, answers: Mapping[str, list[str]], counts: Mapping[str, int]
) -> Expression:
    """The expression outside a repeat, reading the repeat's answers as XPath reads a set of
    nodes: ``sum(${age})`` adds every instance's age, ``max()``/``min()`` over them,
    ``count(${members})`` or ``count(${age})`` is how many instances,
    ``indexed-repeat(${age}, ${members}, 2)`` the second's, and a bare ``${age}`` the
    first's. ``answers`` names each question inside a repeat with its copies' names
    (``age``: ``members[1]/age``, ``members[2]/age``); ``counts`` each repeat's number."""

    def nan() -> Node:
        return ["call", "number", [["str", ""]]]

    def walk(node: Node) -> Node:
        if node[0] == "call" and node[1] == "indexed-repeat" and node[2][0][0] == "ref":
            keys = answers.get(node[2][0][1])
            if keys is not None:
                # The instance the third argument names, as a chain of ifs over them.
                index = walk(node[2][2])
                chosen: Node = ["str", ""]
                for number in range(len(keys), 0, -1):
                    test = ["bin", "=", index, ["num", float(number)]]
                    chosen = ["call", "if", [test, ["ref", keys[number - 1]], chosen]]
                return chosen
        if node[0] == "call" and len(node[2]) == 1 and node[2][0][0] == "ref":
            name = node[2][0][1]
            if node[1] == "count" and name in counts:
                return ["num", float(counts[name])]
            if name in answers:
                copies = [["ref", key] for key in answers[name]]
                if node[1] == "count":
                    return ["num", float(len(copies))]
                if node[1] == "sum":
                    total: Node = ["num", 0.0]
                    for copy in copies:
                        total = ["bin", "+", total, copy]
                    return total
                if node[1] in {"max", "min"}:
                    return ["call", node[1], copies] if copies else nan()
        if node[0] == "ref" and node[1] in answers:
            first = answers[node[1]]
            return ["ref", first[0]] if first else ["str", ""]
        return _rebuilt(node, walk)

    return Expression(expression.source, walk(expression.tree))


def _too_deep() -> ExpressionError:
    return ExpressionError(
        gettext(
            "the expression is nested more than %(num)s levels deep: simplify it",
            num=format_decimal(MAX_NESTING),
        )
    )


def _depth(tree: Node) -> int:
    """How deep the tree goes, found without recursion (a long chain such as 1+1+…+1
    makes a tree as deep as it is long)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in _children(node))
    return deepest


def _tokens(source: str) -> Iterator[tuple[str, str]]:
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or "other"
        text = match.group()
        if kind == "space":
            continue
        if kind == "ref":
            name = match.group("name").strip()
            if not _NAME.match(name):
                raise ExpressionError(gettext("${%(name)s} is not a question name", name=name))
            yield "ref", name
        elif kind == "other":
            if text == "/":
                raise ExpressionError(
                    gettext("paths such as /data/question are not supported: use ${name}")
                )
            raise ExpressionError(
                gettext("the character %(character)s is not understood", character=repr(text))
            )
        else:
            yield kind, text


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], columns: bool = False) -> None:
        self.tokens = tokens
        self.columns = columns
        self.at = 0
        self.nesting = 0

    def deeper(self) -> None:
        """Count a level of brackets, calls or minus signs; refuse before Python's own
        recursion limit would."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise _too_deep()

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError(gettext("the expression ends too early"))
        self.at += 1
        return token

    def accept(self, *texts: str) -> str | None:
        token = self.peek()
        if token is not None and token[0] in {"op", "word"} and token[1] in texts:
            self.at += 1
            return token[1]
        return None

    def expect(self, text: str) -> None:
        if self.accept(text) is None:
            found = self.peek()
            raise ExpressionError(
                gettext(
                    "expected %(wanted)s but found %(found)s",
                    wanted=repr(text),
                    found=repr(found[1]),
                )
                if found
                else gettext("a missing %(wanted)s", wanted=repr(text))
            )

    def binary(self, operators: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        left = operand()
        while (op := self.accept(*operators)) is not None:
            left = ["bin", op, left, operand()]
        return left

    def expression(self) -> Node:
        return self.binary(("or",), self.conjunction)

    def conjunction(self) -> Node:
        return self.binary(("and",), self.equality)

    def equality(self) -> Node:
        return self.binary(("=", "!="), self.relation)

    def relation(self) -> Node:
        return self.binary(("<", "<=", ">", ">="), self.sum)

    def sum(self) -> Node:
        return self.binary(("+", "-"), self.product)

    def product(self) -> Node:
        return self.binary(("*", "div", "mod"), self.unary)

    def unary(self) -> Node:
        if self.accept("-") is not None:
            self.deeper()
            node = ["neg", self.unary()]
            self.nesting -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "number":
            return ["num", float(text)]
        if kind == "string":
            return ["str", text[1:-1]]
        if kind == "ref":
            return ["ref", text]
        if kind == "dot":
            return ["cur"]
        if kind == "op" and text == "(":
            self.deeper()
            inner = self.expression()
            self.expect(")")
            self.nesting -= 1
            return inner
        if kind == "word":
            if self.columns and self.accept("(") is None:
                return ["col", text]
            if not self.columns and self.accept("(") is None:
                raise ExpressionError(
                    gettext(
                        "%(word)s is not understood: name a question as ${%(name)s}, "
                        "or put text in quotes as '%(name)s'",
                        word=repr(text),
                        name=text,
                    )
                )
            if text not in FUNCTIONS:
                raise UnsupportedFunction(
                    gettext("the function %(name)s() is not supported", name=text)
                )
            args: list[Node] = []
            self.deeper()
            if self.accept(")") is None:
                args.append(self.expression())
                while self.accept(",") is not None:
                    args.append(self.expression())
                self.expect(")")
            self.nesting -= 1
            fewest, most = FUNCTIONS[text]
            if len(args) < fewest or (most is not None and len(args) > most):
                raise ExpressionError(
                    ngettext(
                        "%(name)s() cannot take %(num)d argument",
                        "%(name)s() cannot take %(num)d arguments",
                        len(args),
                        name=text,
                    )
                )
            if text == "regex" and args[1][0] == "str":
                _check_pattern(args[1][1])
            return ["call", text, args]
        raise ExpressionError(gettext("unexpected %(token)s", token=repr(text)))


def _check_pattern(pattern: str) -> None:
    """A regex() pattern that neither side could use is refused when the form is read."""
    import regex

    try:
        regex.compile(pattern)
    except regex.error as error:
        raise ExpressionError(
            gettext(
                "the pattern %(pattern)s cannot be read: %(error)s",
                pattern=repr(pattern),
                error=str(error),
            )
        ) from None


def _children(node: Node) -> list[Node]:
    if node[0] == "bin":
        return [node[2], node[3]]
    if node[0] == "neg":
        return [node[1]]
    if node[0] == "call":
        return list(node[2])
    return []


def _references(node: Node) -> Iterator[str]:
    if node[0] == "ref":
        yield node[1]
    for child in _children(node):
        yield from _references(child)


def _indexes_into(node: Node, names: set[str]) -> bool:
    if node[0] == "call" and node[1] == "indexed-repeat":
        first = node[2][0]
        if first[0] == "ref" and first[1] in names:
            return True
    return any(_indexes_into(child, names) for child in _children(node))


def _uses_current(node: Node) -> bool:
    if node[0] == "cur" or (node[0] == "call" and node[1] == "string-length" and not node[2]):
        return True
    return any(_uses_current(child) for child in _children(node))


def _requires(node: Node, question: str, value: str) -> bool:
    if node[0] == "bin" and node[1] == "and":
        return _requires(node[2], question, value) or _requires(node[3], question, value)
    if node[0] == "bin" and node[1] == "=":
        sides = [node[2], node[3]]
        return ["ref", question] in sides and ["str", value] in sides
    if node[0] == "call" and node[1] == "selected":
        return node[2] == [["ref", question], ["str", value]]
    return False


# Evaluation follows XPath 1.0, as ODK does: an answer is a string (the values of a
# multiple choice joined by spaces, "" when unanswered), comparisons with a number
# are numeric, and an ISO date compares with another date as a date.


def number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    text = value.strip()
    return float(text) if _NUMBER.match(text) else math.nan


def string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value == int(value) else repr(value)
    return value


def boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not math.isnan(value) and value != 0
    return value != ""


def _compare(op: str, left: Value, right: Value) -> bool:
    if op in {"=", "!="}:
        if isinstance(left, bool) or isinstance(right, bool):
            same = boolean(left) == boolean(right)
        elif isinstance(left, float) or isinstance(right, float):
            same = number(left) == number(right)
        else:
            same = left == right
        return same if op == "=" else not same
    if isinstance(left, str) and isinstance(right, str):
        if _ISO_DATE.match(left) and _ISO_DATE.match(right):
            a, b = left, right
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    x, y = number(left), number(right)
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _arithmetic(op: str, x: float, y: float) -> float:
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "div":
        if y == 0:
            return math.nan if x == 0 or math.isnan(x) else math.copysign(math.inf, x)
        return x / y
    if y == 0 or math.isinf(x) or math.isnan(x) or math.isnan(y):
        return math.nan
    return math.fmod(x, y)


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def evaluate(
    node: Node, answers: Mapping[str, Sequence[str]], current: Sequence[str] = ()
) -> Value:
    """The value of a parsed tree, given the answers so far and the answer being checked."""
    kind = node[0]
    if kind == "num":
        return float(node[1])
    if kind == "str":
        return str(node[1])
    if kind == "ref":
        return " ".join(answers.get(node[1], ()))
    if kind == "cur":
        return " ".join(current)
    if kind == "col":  # a choice's column, given as "@column" beside the answers
        return " ".join(answers.get(COLUMN + node[1], ()))
    if kind == "neg":
        return -number(evaluate(node[1], answers, current))
    if kind == "bin":
        op = node[1]
        if op == "and":
            return boolean(evaluate(node[2], answers, current)) and boolean(
                evaluate(node[3], answers, current)
            )
        if op == "or":
            return boolean(evaluate(node[2], answers, current)) or boolean(
                evaluate(node[3], answers, current)
            )
        left = evaluate(node[2], answers, current)
        right = evaluate(node[3], answers, current)
        if op in COMPARISONS:
            return _compare(op, left, right)
        return _arithmetic(op, number(left), number(right))
    return _call(node[1], node[2], answers, current)


def _call(
    name: str, args: list[Node], answers: Mapping[str, Sequence[str]], current: Sequence[str]
) -> Value:
    values = [evaluate(arg, answers, current) for arg in args]
    if name in EXTRA_FUNCTIONS:
        from .expression_functions import call_extra  # it builds on this module

        return call_extra(name, values)
    if name == "selected":
        return string(values[1]).strip() in string(values[0]).split()
    if name == "count-selected":
        return float(len(string(values[0]).split()))
    if name == "string-length":
        text = string(values[0]) if values else " ".join(current)
        return float(len(text))
    if name == "not":
        return not boolean(values[0])
    if name in {"true", "false"}:
        return name == "true"
    if name == "today":
        return today()
    if name == "number":
        return number(values[0])
    if name == "int":
        x = number(values[0])
        return x if math.isnan(x) or math.isinf(x) else float(math.trunc(x))
    if name == "string":
        return string(values[0])
    if name == "concat":
        return "".join(string(v) for v in values)
    if name == "contains":
        return string(values[1]) in string(values[0])
    if name == "starts-with":
        return string(values[0]).startswith(string(values[1]))
    if name == "if":
        return values[1] if boolean(values[0]) else values[2]
    if name == "sum":
        return number(values[0])
    if name == "count":
        return 1.0  # one answer; over a repeat's answers, aggregated() counts them
    if name == "indexed-repeat":
        return values[0]  # of one answer; over a repeat's, aggregated() picks the instance
    # coalesce: the first value that is not empty
    return values[0] if string(values[0]) != "" else values[1]
