"""The condition language, table-driven: parse, evaluate, serialise (one tiny case per rule)."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.questionnaire import conditions as cond

CASES = [
    # (condition, answers, expected)
    ("q1 = ja", {"q1": "ja"}, True),
    ("q1 = ja", {"q1": "nej"}, False),
    ("q1 = ja", {}, False),
    ("q1 != ja", {"q1": "nej"}, True),
    ("q1 != ja", {}, False),  # a missing answer is neither equal nor unequal
    ("not q1 = ja", {}, True),
    ("q1 in (ja, nej_beslut)", {"q1": "nej_beslut"}, True),
    ("q1 in (ja, nej_beslut)", {"q1": "nej"}, False),
    ("q1 = ja and q2 = ja", {"q1": "ja", "q2": "ja"}, True),
    ("q1 = ja and q2 = ja", {"q1": "ja", "q2": "nej"}, False),
    ("q1 = ja or q2 = ja", {"q2": "ja"}, True),
    ("q1 = ja and (q2 = ja or q3 = ja)", {"q1": "ja", "q3": "ja"}, True),
    ("not (q1 = ja or q2 = ja)", {"q1": "nej"}, True),
    ("answered(q9)", {"q9": "fritext"}, True),
    ("answered(q9)", {"q9": ""}, False),
    ("n > 12.5", {"n": "13"}, True),
    ("n > 12.5", {"n": "12.5"}, False),
    ("n <= 3", {"n": "3"}, True),
    ("d >= 2025-10-19", {"d": "2025-10-20"}, True),
    ("d < 2025-10-19", {"d": "2025-10-20"}, False),
    ("m = a", {"m": ["a", "b"]}, True),  # multiple choice: "=" means includes
    ("m != a", {"m": ["b"]}, True),
    ("m in (c, b)", {"m": ["b"]}, True),
    ("t = 'två ord'", {"t": "två ord"}, True),
]


@pytest.mark.parametrize("source,answers,expected", CASES)
def test_evaluate(source: str, answers: dict, expected: bool) -> None:
    assert cond.evaluate(cond.parse(source), answers) is expected


@pytest.mark.parametrize("source,answers,expected", CASES)
def test_json_round_trip_keeps_meaning(source: str, answers: dict, expected: bool) -> None:
    tree = cond.parse(source)
    restored = cond.from_json(json.loads(json.dumps(cond.to_json(tree))))  # through JSON text, as stored
    assert restored == tree
    assert cond.evaluate(restored, answers) is expected


def test_quantifiers_over_rows() -> None:
    any_row = cond.Compare(("r_1", "r_2", "r_3"), "=", ("ja",), "any")
    all_rows = cond.Compare(("r_1", "r_2", "r_3"), "=", ("ja",), "all")
    answers = {"r_1": "nej", "r_2": "ja", "r_3": "ja"}
    assert cond.evaluate(any_row, answers) and not cond.evaluate(all_rows, answers)
    assert cond.evaluate(all_rows, {"r_1": "ja", "r_2": "ja", "r_3": "ja"})
    assert cond.parse("any(q17) = ja") == cond.Compare(("q17",), "=", ("ja",), "any")


def test_shorthand_refers_to_the_parent() -> None:
    assert cond.parse("= ja") == cond.Compare((cond.PARENT,), "=", ("ja",))
    assert cond.parse("in (a, b) and q1 = x") == cond.And((
        cond.Compare((cond.PARENT,), "in", ("a", "b")), cond.Compare(("q1",), "=", ("x",))))


@pytest.mark.parametrize("source,message", [
    ("", "empty condition"),
    ("q1 =", "expected a value at column 5 but found 'the end' in 'q1 ='"),
    ("q1 ja", "expected a comparison (=, !=, <, <=, >, >=, in) at column 4 but found 'ja' in 'q1 ja'"),
    ("q1 = ja)", "expected 'and', 'or' or the end at column 8 but found ')' in 'q1 = ja)'"),
    ("(q1 = ja", "expected ')' at column 9 but found 'the end' in '(q1 = ja'"),
    ("q1 = ja; drop", "unexpected character at column 8 in 'q1 = ja; drop'"),
    ("__import__('os') = x",
     "expected a comparison (=, !=, <, <=, >, >=, in) at column 11 but found '(' in \"__import__('os') = x\""),
])
def test_syntax_errors_say_where(source: str, message: str) -> None:
    with pytest.raises(cond.ConditionSyntaxError) as caught:
        cond.parse(source)
    assert str(caught.value) == message


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_parser_never_crashes_on_garbage(source: str) -> None:
    with contextlib.suppress(cond.ConditionSyntaxError):
        cond.parse(source)
