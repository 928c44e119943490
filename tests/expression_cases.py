"""Expressions with answers and the result both evaluators must give."""

from __future__ import annotations

from typing import Any

ANSWERS: dict[str, list[str]] = {
    "yes_no": ["yes"],
    "age": ["17"],
    "needs": ["school", "other"],
    "name": ["Amina"],
    "visit": ["2026-03-01"],
    "empty": [],
}

# (expression, current answer, expected truth)
CASES: list[tuple[str, list[str], bool]] = [
    ("${yes_no} = 'yes'", [], True),
    ("${yes_no} != 'yes'", [], False),
    ("${age} > 16", [], True),
    ("${age} >= 18 or ${yes_no} = 'no'", [], False),
    ("${age} = 17", [], True),
    ("${age} = '17'", [], True),
    ("${empty} > 3", [], False),
    ("${empty} = ''", [], True),
    ("not(${empty} = '')", [], False),
    ("selected(${needs}, 'other')", [], True),
    ("selected(${needs}, 'health')", [], False),
    ("count-selected(${needs}) = 2", [], True),
    ("string-length(${name}) = 5", [], True),
    (". > 0 and . < 20", ["7"], True),
    (". > 0 and . < 20", ["25"], False),
    (". > 0", ["abc"], False),
    ("string-length(.) <= 3", ["টাকা"], False),
    ("string-length(.) <= 4", ["টাকা"], True),
    ("${visit} < '2026-04-01'", [], True),
    ("${visit} > today()", [], False),
    ("${age} + 3 = 20", [], True),
    ("${age} div 2 > 8", [], True),
    ("${age} mod 5 = 2", [], True),
    ("-${age} < 0", [], True),
    ("if(${yes_no} = 'yes', 1, 0) = 1", [], True),
    ("contains(${name}, 'min')", [], True),
    ("starts-with(${name}, 'Am') and true()", [], True),
    ("coalesce(${empty}, 'x') = 'x'", [], True),
    # Of one answer, as XPath has them (over a repeat's answers, Survey.expanded rewrites them).
    ("sum(${age}) = 17", [], True),
    ("count(${age}) = 1", [], True),
    ("concat(${name}, '!') = 'Amina!'", [], True),
    ("int(7.9) = 7 and number('1e3') != 1000", [], True),
    ("1 div 0 > 1000000", [], True),
    ("false() or (${age} > 10 and (${yes_no} = 'yes'))", [], True),
    # regex() matches the whole answer, as in ODK; \p{L} is a letter of any script.
    ("regex(., '[0-9]{5}')", ["07700"], True),
    ("regex(., '[0-9]{5}')", ["077001"], False),
    ("regex(., '\\p{L}+')", ["أمينة"], True),
    ("regex(., '\\p{L}+')", ["Amina 2"], False),
    ("regex(., '\\d{3}')", ["৩৩৩"], False),  # \d is 0-9, in the browser as on the server
    ("round(2.5) = 3 and round(-2.5) = -2 and round(1.005, 2) = 1", [], True),
    ("round(3.14159, 2) = 3.14", [], True),
    ("floor(-1.5) = -2 and ceiling(1.2) = 2 and abs(-3) = 3", [], True),
    ("pow(2, 10) = 1024 and pow(-8, 0.5) != pow(-8, 0.5)", [], True),
    ("max(${age}, 3, 40) = 40 and min(${age}, 3) = 3", [], True),
    ("max(${age}, ${empty}) = 17", [], False),
    ("substr(${name}, 1, 3) = 'mi' and substr('টাকা', 2) = 'কা'", [], True),
    ("normalize-space('  a \t b  ') = 'a b'", [], True),
    ("boolean-from-string('1') and not(boolean-from-string('yes'))", [], True),
    ("selected-at(${needs}, 1) = 'other' and selected-at(${needs}, 5) = ''", [], True),
    ("ends-with(${name}, 'na') and not(ends-with(${name}, 'x'))", [], True),
    ("boolean(${empty})", [], False),
]


def as_json() -> list[dict[str, Any]]:
    from survey_app.surveys.expressions import parse

    return [
        {"source": source, "tree": parse(source).tree, "current": current, "expected": expected}
        for source, current, expected in CASES
    ]
