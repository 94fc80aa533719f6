"""static/js/routing.js and the server's evaluator agree, on random answer sets.

The browser gets the compiled conditions (``conditions.to_json``) and must show exactly the
follow-ups the server will count. Every answer set is run through ``applicable_ids`` in
Python and ``SurveyRouting.applicable`` in chromium, and the results compared.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from survey.questionnaire import Questionnaire, applicable_ids, load_questionnaire
from survey.questionnaire import conditions as cond
from survey.questionnaire.model import ItemType
from survey.questionnaire.serialize import routing_json
from tests.helpers import QUESTIONNAIRES, ROOT

pytestmark = pytest.mark.browser
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


@pytest.mark.parametrize("source", [QUESTIONNAIRES / "regioner-2025.yaml", ALL_TYPES], ids=["2025", "all-types"])
def test_browser_and_server_route_alike(page: Any, source: Path) -> None:
    q = load_questionnaire(source)
    rng = random.Random(2025)
    cases = [random_answers(q, rng) for _ in range(300)]
    js = js_page(page).evaluate(
        "([entries, cases]) => cases.map(a => Object.keys(SurveyRouting.applicable(entries, a, {})).sort())",
        [routing_json(q), cases])
    for answers, from_js in zip(cases, js, strict=True):
        assert from_js == sorted(applicable_ids(q, answers)), answers


CONDITIONS = ["x = ja", "x != ja", "x in (ja, nej)", "n > 12.5", "n <= 3", 'n >= "12,5"', "d < 2025-01-01",
              "answered(x)", "not x = ja", "any(m) = ja", "all(m) = ja", "x = ja and (n < 4 or d >= 2025-01-01)",
              "m = b", "m != b"]
VALUES = [None, "", "ja", "nej", "3", "12.5", "13", "-1", "2025-01-01", "2024-12-31", ["a", "b"], [], ["c"]]


def test_each_operator_evaluates_alike(page: Any) -> None:
    rng = random.Random(7)
    cases = []
    for source in CONDITIONS:
        expr = cond.rewrite(cond.parse(source), lambda ref, q: ("m1", "m2") if q else (ref,))
        for _ in range(30):
            values = {ref: rng.choice(VALUES) for ref in ("x", "n", "d", "m", "m1", "m2")}
            cases.append((cond.to_json(expr), values, cond.evaluate(expr, values)))
    results = js_page(page).evaluate(
        "cases => cases.map(([expr, values]) => SurveyRouting.evaluate(expr, values))",
        [[expr, values] for expr, values, _ in cases])
    for (expr, values, expected), got in zip(cases, results, strict=True):
        assert got == expected, (expr, values)
