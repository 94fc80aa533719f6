"""static/js/routing.js and the server's evaluator agree, on random answer sets and hostile strings.

The browser gets the compiled conditions (``conditions.to_json``) and must show exactly the
follow-ups the server will count. Every answer set is run through ``applicable_ids`` in
Python and ``SurveyRouting.applicable`` in JavaScript, and the results compared: in node
(fast, no browser needed) and in chromium (the engine respondents use).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from survey.questionnaire import Questionnaire, applicable_ids, load_questionnaire
from survey.questionnaire import conditions as cond
from survey.questionnaire.model import ItemType
from survey.questionnaire.serialize import routing_json
from tests.helpers import QUESTIONNAIRES, ROOT

ROUTING_JS = ROOT / "survey" / "static" / "js" / "routing.js"
ALL_TYPES = Path(__file__).parent / "respond_alltypes.yaml"
NUMBERS = ["0", "1", "3", "3.5", "12.5", "12.6", "13", "-2", "999", "1000", "100000"]
DATES = ["2024-12-31", "2025-01-01", "2025-06-30"]


def random_answers(q: Questionnaire, rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for f in q.fields:
        if rng.random() < 0.25:
            continue  # unanswered
        if f.type is ItemType.MULTIPLE:
            answers[f.id] = sorted(rng.sample([c.code for c in f.codes], rng.randint(0, len(f.codes))))
        elif f.codes:
            answers[f.id] = rng.choice([c.code for c in f.codes])
        elif f.type is ItemType.NUMBER:
            answers[f.id] = rng.choice(NUMBERS)
        elif f.type is ItemType.DATE:
            answers[f.id] = rng.choice(DATES)
        else:
            answers[f.id] = rng.choice(["", "text", "ja"])
    return answers


def js_page(page: Any) -> Any:
    page.set_content("<!doctype html><title>routing</title>")
    page.add_script_tag(path=str(ROUTING_JS))
    return page


def run_js(engine: str, request: pytest.FixtureRequest, function: str, argument: Any) -> Any:
    """``function(argument)`` with routing.js loaded, in node or in chromium."""
    if engine == "chromium":
        return js_page(request.getfixturevalue("page")).evaluate(function, argument)
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = (f"require({json.dumps(str(ROUTING_JS))});"
              "const input = require('fs').readFileSync(0, 'utf8');"
              f"process.stdout.write(JSON.stringify(({function})(JSON.parse(input))));")
    done = subprocess.run([node, "-e", script], input=json.dumps(argument), capture_output=True, text=True,
                          check=True, timeout=60)
    return json.loads(done.stdout)


ENGINES = [pytest.param("node"), pytest.param("chromium", marks=pytest.mark.browser)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("source", [QUESTIONNAIRES / "regioner-2025.yaml", ALL_TYPES], ids=["2025", "all-types"])
def test_browser_and_server_route_alike(request: pytest.FixtureRequest, engine: str, source: Path) -> None:
    q = load_questionnaire(source)
    rng = random.Random(2025)
    cases = [random_answers(q, rng) for _ in range(300)]
    js = run_js(engine, request,
                "([entries, cases]) => cases.map(a => Object.keys(SurveyRouting.applicable(entries, a, {})).sort())",
                [routing_json(q), cases])
    for answers, from_js in zip(cases, js, strict=True):
        assert from_js == sorted(applicable_ids(q, answers)), answers


CONDITIONS = ["x = ja", "x != ja", "x in (ja, nej)", "n > 12.5", "n <= 3", 'n >= "12,5"', "d < 2025-01-01",
              "answered(x)", "not x = ja", "any(m) = ja", "all(m) = ja", "x = ja and (n < 4 or d >= 2025-01-01)",
              "m = b", "m != b"]
VALUES = [None, "", "ja", "nej", "3", "12.5", "13", "-1", "2025-01-01", "2024-12-31", ["a", "b"], [], ["c"]]


@pytest.mark.parametrize("engine", ENGINES)
def test_each_operator_evaluates_alike(request: pytest.FixtureRequest, engine: str) -> None:
    rng = random.Random(7)
    cases = []
    for source in CONDITIONS:
        expr = cond.rewrite(cond.parse(source), lambda ref, q: ("m1", "m2") if q else (ref,))
        for _ in range(30):
            values = {ref: rng.choice(VALUES) for ref in ("x", "n", "d", "m", "m1", "m2")}
            cases.append((cond.to_json(expr), values, cond.evaluate(expr, values)))
    results = run_js(engine, request, "cases => cases.map(([expr, values]) => SurveyRouting.evaluate(expr, values))",
                     [[expr, values] for expr, values, _ in cases])
    for (expr, values, expected), got in zip(cases, results, strict=True):
        assert got == expected, (expr, values)


# Strings Decimal() or Number() would read differently, other scripts' digits, huge numbers
# that floating point cannot tell apart, dates in other shapes, control and astral characters.
HOSTILE = ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "1_0", "1e3", "1E-2", "0x10", "\u0661\u0662",
           "\u00b2", "\uff11", "12,5", "12.5", "1 234,5", "1\u00a0234", "\u22123", "-3", "+3", " 3", "3 ", "3.",
           ".5", "1.2.3", "1,2,3", "-0", "0", "00012", "12", "12345678901234567890.1", "12345678901234567890.2",
           "2025-01-01", "2024-12-31", "2025-1-1", "\uff12\uff10\uff12\uff15-01-01", "2025-01-01\n", "ja", "nej",
           "", "\u0000", "\t", "\U0001f600", "\uffff", "a" * 300]


def hostile_cases() -> list[tuple[dict[str, object], dict[str, object], bool]]:
    cases = []
    for op in cond.COMPARISON_OPS:
        for target in HOSTILE:
            expr = cond.Compare(("x",), op, (target,))
            for value in HOSTILE:
                cases.append((cond.to_json(expr), {"x": value}, cond.evaluate(expr, {"x": value})))
    return cases


def test_hostile_numbers_follow_one_grammar() -> None:
    for text in ("NaN", "Infinity", "1_0", "1e3", "\u0661", "\u00b2", "0x10", "3.", ".5", ""):
        assert cond.number(text) is None, text
    assert cond.number("1 234,5") == cond.number("1234.5") and cond.number("\u22123") == -3


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_strings_evaluate_alike(request: pytest.FixtureRequest, engine: str) -> None:
    """Every operator, every hostile answer against every hostile value: never an exception, one answer."""
    cases = hostile_cases()
    results = run_js(engine, request, "cases => cases.map(([expr, values]) => SurveyRouting.evaluate(expr, values))",
                     [[expr, values] for expr, values, _ in cases])
    wrong = [(expr, values, expected) for (expr, values, expected), got in zip(cases, results, strict=True)
             if got != expected]
    assert not wrong, wrong[:20]
