"""The definition format's ``inferred`` marks and declared numeric codes (``value``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey.questionnaire import QuestionnaireError, load_questionnaire
from survey.questionnaire.codes import numeric_codes, wording
from survey.questionnaire.serialize import normalised
from survey.questionnaire.stored import from_normalised
from tests.helpers import QUESTIONNAIRES

SMALL = """id: liten-2026
title: Liten enkät
family: test
year: 2026
respondent_kind: region
inferred: [intro]
intro: Välkommen.
sections:
  - id: a
    title: A
    items:
      - id: q01
        number: "1"
        type: single
        inferred: [text]
        text: Finns en plan?
        options:
          - {code: ja, label: Ja, value: 1}
          - {code: nej, label: Nej, value: 0, inferred: true}
        comment: {label: Kommentar, inferred: true}
      - id: q02
        type: matrix
        scale: yesno
        text: Har ni rutiner för
        inferred: [rows]
        rows:
          - {code: a, label: A}
          - {code: b, label: B}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "liten-2026.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_marks_and_values_are_read_and_survive_storage(tmp_path: Path) -> None:
    q = load_questionnaire(write(tmp_path, SMALL))
    stored = from_normalised(normalised(q), q.content_hash)
    for each in (q, stored):
        assert each.inferred == {"intro"}
        assert numeric_codes(each, each.field("q01")) == {"ja": 1, "nej": 0}
        assert wording(each, each.field("q01")).inferred == ("frågetext", "svarsalternativ")
        assert wording(each, each.field("q01_kommentar")).inferred == ("frågetext",)
        assert wording(each, each.field("q02_a")).inferred == ("radetikett",)
        assert numeric_codes(each, each.field("q02_a")) == {"ja": 1, "nej": 2}
    unmarked = load_questionnaire(write(tmp_path, SMALL.replace("        inferred: [text]\n", "")))
    assert unmarked.content_hash != q.content_hash  # a mark is part of the definition


@pytest.mark.parametrize(("change", "message"), [
    ("value: 0, inferred: true}", "value: -1, inferred: true}"),
    ("value: 0, inferred: true}", "value: 1}"),
    ("value: 0, inferred: true}", "inferred: true}"),
    ("inferred: [text]", "inferred: [texten]"),
    ("inferred: [rows]", "inferred: ja"),
    ("{code: a, label: A}", "{code: a, label: A, value: 3}"),
], ids=["negative", "twice", "on some", "unknown name", "not a list", "on a row"])
def test_bad_marks_and_values_are_errors_with_a_line(tmp_path: Path, change: str, message: str) -> None:
    with pytest.raises(QuestionnaireError) as raised:
        load_questionnaire(write(tmp_path, SMALL.replace(change, message)))
    problem = raised.value.problems[0]
    assert problem.line > 0 and problem.item_id in ("q01", "q02")
    assert "value" in problem.message or "inferred" in problem.message


def test_the_municipal_variant_marks_what_it_rewords() -> None:
    q = load_questionnaire(QUESTIONNAIRES / "kommuner-2025.yaml")
    assert "frågetext" in wording(q, q.field("q21_1")).inferred
    assert "radetikett" in wording(q, q.field("q03_chef")).inferred
    assert "radetikett" not in wording(q, q.field("q03_leg")).inferred
    base = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
    assert wording(base, base.field("q21_1")).inferred == ()
