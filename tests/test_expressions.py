"""The XLSForm expression subset: parsed once, evaluated by XPath's rules."""

from __future__ import annotations

import pytest

from survey_app.surveys.expressions import ExpressionError, parse
from tests.expression_cases import ANSWERS, CASES


@pytest.mark.parametrize(("source", "current", "expected"), CASES)
def test_expression_gives_the_xpath_answer(source: str, current: list[str], expected: bool) -> None:
    assert parse(source).holds(ANSWERS, current) is expected


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("", "the expression is empty"),
        ("${a} = = 1", "unexpected '='"),
        ("format-date(., '%Y')", "the function format-date() is not supported"),
        ("regex(., '[0-9')", "the pattern '[0-9' cannot be read"),
        ("/data/a = 1", "paths such as /data/question are not supported: use ${name}"),
        ("yes = 1", "'yes' is not understood: name a question as ${yes}, or put text in quotes"),
        ("selected(${a})", "selected() cannot take 1 argument"),
        ("(${a} = 1", "a missing ')'"),
        ("${a b} = 1", "${a b} is not a question name"),
        ("${a} = 1 ]", "the character ']' is not understood"),
    ],
)
def test_an_unsupported_expression_says_why(source: str, reason: str) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse(source)
    assert str(raised.value).startswith(reason)


def test_references_and_required_answers_are_read_from_the_tree() -> None:
    expression = parse("${a} = 'yes' and selected(${b}, 'x') or ${c} > 1")
    assert expression.references() == {"a", "b", "c"}
    assert parse("${consent} = 'yes' and ${age} > 3").requires("consent", "yes")
    assert not parse("${consent} = 'yes' or ${age} > 3").requires("consent", "yes")


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("${a} > " + "(" * 500 + "1" + ")" * 500, "the expression is nested more than 40 levels"),
        ("${a} > " + "-" * 900 + "1", "the expression is nested more than 40 levels"),
        ("${a} > " + "int(" * 300 + "1" + ")" * 300, "the expression is nested more than 40"),
        # A long chain builds a tree as deep as it is long: refused before any evaluator
        # (here or in the browser) would recurse through it.
        ("${a} > " + "+".join(["1"] * 1500), "the expression chains more than 200 operations"),
        ("${a} > " + "1+" * 5000 + "1", "the expression is longer than 4"),
    ],
)
def test_a_runaway_expression_is_refused_quickly_and_clearly(source: str, reason: str) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse(source)
    assert str(raised.value).startswith(reason)


def test_real_sized_expressions_still_parse() -> None:
    nested = "(" * 30 + "${a} = 1" + ")" * 30
    # A real form's "any of these choices": 150 selected() joined by or.
    chain = " or ".join(f"selected(${{b}}, 'x{n}')" for n in range(150))
    assert parse(nested).references() == {"a"}
    assert parse(chain).references() == {"b"}
    assert parse(chain).holds({"b": ["x149"]})
