"""Conditions in Swedish words (the printable questionnaire, the staff preview): table-driven
on a tiny definition, and on the 2025 questionnaire as respondents read it."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey.questionnaire import Questionnaire, load_questionnaire
from survey.questionnaire.conditions import And, Answered, Compare, Not, Or
from survey.questionnaire.describe import describe, describe_field
from tests.helpers import QUESTIONNAIRES

TINY = """\
id: tiny
title: Liten
family: tiny
year: 2025
respondent_kind: region
sections:
  - id: s
    title: Avsnitt
    items:
      - id: q01
        number: "1"
        type: single
        text: Finns en plan?
        options:
          - {code: ja, label: Ja}
          - {code: nej_beslut, label: "Nej, men beslut finns"}
          - {code: nej, label: Nej}
      - id: q02
        number: "2"
        type: matrix
        scale: yesno
        text: Har ni rutiner?
        rows:
          - {code: a, label: Läkare}
          - {code: b, label: Sjuksköterskor}
          - {code: c, label: Övriga}
      - id: q03
        number: "3"
        type: number
        text: Hur många?
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Questionnaire:
    path: Path = tmp_path_factory.mktemp("q") / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return load_questionnaire(path)


@pytest.mark.parametrize(("expr", "words"), [
    (Compare(("q01",), "=", ("ja",)), "ni svarat Ja på fråga 1"),
    (Compare(("q01",), "in", ("ja", "nej_beslut")), "ni svarat Ja eller «Nej, men beslut finns» på fråga 1"),
    (Compare(("q01",), "!=", ("nej",)), "ni inte svarat Nej på fråga 1"),
    (Compare(("q02_a",), "=", ("ja",)), "ni svarat Ja för «Läkare» på fråga 2"),
    (Compare(("q02_a", "q02_b"), "=", ("ja",), "any"), "ni svarat Ja för «Läkare» eller «Sjuksköterskor» på fråga 2"),
    (Compare(("q02_a", "q02_b"), "=", ("ja",), "all"),
     "ni svarat Ja för både «Läkare» och «Sjuksköterskor» på fråga 2"),
    (Compare(("q02_a", "q02_b", "q02_c"), "=", ("ja",), "any"), "ni svarat Ja för minst en rad i fråga 2"),
    (Compare(("q03",), ">=", ("2.5",)), "svaret på fråga 3 är minst 2,5"),
    (Answered("q03"), "ni har besvarat på fråga 3"),
    (Not(Compare(("q01",), "=", ("ja",))), "det inte gäller att ni svarat Ja på fråga 1"),
    (And((Compare(("q01",), "=", ("ja",)), Answered("q03"))), "ni svarat Ja på fråga 1 och ni har besvarat på fråga 3"),
    (Or((Compare(("q01",), "=", ("ja",)), Compare(("q02_c",), "=", ("nej",)))),
     "ni svarat Ja på fråga 1 eller ni svarat Nej för «Övriga» på fråga 2"),
])
def test_conditions_in_words(tiny: Questionnaire, expr: object, words: str) -> None:
    assert describe(tiny, expr) == words  # type: ignore[arg-type]


def test_the_2025_follow_ups_read_as_respondents_would() -> None:
    q = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
    assert describe_field(q, q.field("q01a")) == (
        "Besvaras om ni svarat Ja eller «Nej, men beslut har fattats om att ta fram en handlingsplan» på fråga 1")
    assert describe_field(q, q.field("q02a")) == "Besvaras om ni svarat Ja på fråga 2"
    assert describe_field(q, q.field("q03b_leg")) == (
        "Besvaras om ni svarat Ja för «Legitimerad hälso- och sjukvårdspersonal» på fråga 3a")
    assert describe_field(q, q.field("q01")) is None
    every = [describe_field(q, f) for f in q.fields if f.condition is not None]
    assert all(text and text.startswith("Besvaras om ") and "q0" not in text for text in every)
