"""Broken definitions get errors an author can act on: file, line, item id, message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from survey.questionnaire import QuestionnaireError, load_questionnaire

VALID = """\
id: liten-2026
title: Liten enkät för {organisationer}
family: test
year: 2026
respondent_kind: region
terms: {organisationer: regioner, organisationen: regionen}
sections:
  - id: s1
    title: Första
    items:
      - id: q01
        type: single
        text: Har {organisationen} en plan?
        options:
          - {code: ja, label: Ja}
          - {code: nej, label: Nej}
        followups:
          - id: q01a
            type: yesno
            when: = ja
            text: Är planen beslutad?
      - id: q02
        type: matrix
        scale: yesno
        text: Rutiner för
        rows:
          - {code: leg, label: Legitimerade}
          - {code: chef, label: Chefer}
        followups:
          - id: q02a
            type: yesno
            per_row: [leg]
            when: = ja
            text: Dokumenterad?
      - id: q03
        type: text
        text: Övrigt
        required: false
"""


def write(tmp_path: Path, text: str, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    return [f"{p.line}: {p.item_id}: {p.message}" for p in caught.value.problems]


def test_the_valid_base_loads(tmp_path: Path) -> None:
    q = load_questionnaire(write(tmp_path, VALID, "ok.yaml"))
    assert [f.id for f in q.fields] == ["q01", "q01a", "q02_leg", "q02_chef", "q02a_leg", "q03"]
    assert q.title == "Liten enkät för regioner"


BROKEN = [
    ("duplicate id",
     ("      - id: q03\n        type: text", "      - id: q01\n        type: text"),
     "35: q01: duplicate id 'q01' (first defined on line 11)"),
    ("unknown key",
     ("        text: Övrigt\n", "        text: Övrigt\n        colour: red\n"),
     "38: q03: unknown key 'colour' in an item (known keys: comment, decimals, followups, help, id, inferred, max, "
     "max_length, min, number, options, per_row, required, rows, scale, text, type, unit, when)"),
    ("unknown type",
     ("        type: text\n        text: Övrigt", "        type: essay\n        text: Övrigt"),
     "36: q03: unknown type 'essay' (known types: yesno, single, multiple, matrix, yesno_list, text, number, date)"),
    ("empty label",
     ("{code: nej, label: Nej}", "{code: nej, label: ''}"),
     "16: q01: 'label' is empty"),
    ("empty text",
     ("text: Är planen beslutad?", "text: '   '"),
     "21: q01a: 'text' is empty"),
    ("unknown item in condition",
     ("        text: Övrigt\n", "        text: Övrigt\n        when: q9 = ja\n"),
     "35: q03: condition refers to unknown item 'q9'"),
    ("later item in condition",
     ("        text: Är planen beslutad?", "        text: Är planen beslutad?\n          - id: x"),
     None),  # replaced below by a dedicated test
    ("code not among the referenced item's codes",
     ("        text: Övrigt\n", "        text: Övrigt\n        when: q01 = kanske\n"),
     "35: q03: condition compares q01 with 'kanske', which is not one of its codes (ja, nej)"),
    ("follow-up without condition",
     ("            when: = ja\n            text: Är planen beslutad?", "            text: Är planen beslutad?"),
     "18: q01a: a follow-up needs a condition ('when')"),
    ("condition syntax",
     ("            when: = ja\n            text: Är planen", "            when: = ja and\n            text: Är planen"),
     "20: q01a: condition does not parse: expected an answer id, 'any(', 'all(', 'answered(', 'not' or '(' "
     "at column 9 but found 'the end' in '= ja and'"),
    ("per_row row the parent lacks",
     ("per_row: [leg]", "per_row: [leg, ssk]"),
     "32: q02a: 'per_row' names row 'ssk', which q02 does not have (rows: leg, chef)"),
    ("matrix without rows-aware condition",
     ("        text: Övrigt\n", "        text: Övrigt\n        when: q02 = ja\n"),
     "35: q03: 'q02' has rows; use any(q02), all(q02) or a row id such as q02_leg"),
    ("unknown placeholder",
     ("text: Har {organisationen} en plan?", "text: Har {kommunen} en plan?"),
     "13: q01: unknown placeholder '{kommunen}'"),
    ("duplicate option code",
     ("{code: nej, label: Nej}", "{code: ja, label: Nej}"),
     "16: q01: duplicate code 'ja' in 'options' (first on line 15)"),
    ("missing required top key",
     ("family: test\n", ""),
     "1: None: 'family' is missing"),
    ("bad respondent kind",
     ("respondent_kind: region", "respondent_kind: landsting"),
     "5: None: respondent_kind must be one of region, kommun, not 'landsting'"),
]


@pytest.mark.parametrize(("change", "expected"),
                         [pytest.param(change, expected, id=name) for name, change, expected in BROKEN if expected])
def test_broken_definition_is_rejected_with_exact_message(tmp_path: Path, change: tuple[str, str],
                                                          expected: str) -> None:
    old, new = change
    assert old in VALID, f"test setup: {old!r} not in the valid definition"
    assert expected in errors_of(write(tmp_path, VALID.replace(old, new, 1)))


def test_condition_on_a_later_item(tmp_path: Path) -> None:
    text = VALID.replace("            when: = ja\n            text: Är planen beslutad?",
                         "            when: q03 = 'x'\n            text: Är planen beslutad?")
    assert errors_of(write(tmp_path, text)) == [
        "18: q01a: condition refers to 'q03', which comes later in the questionnaire; "
        "a condition may only use earlier answers"]


def test_conditions_forming_a_cycle(tmp_path: Path) -> None:
    text = VALID.replace("        text: Övrigt\n", "        text: Övrigt\n        when: answered(q01)\n")
    text = text.replace("        type: single\n        text: Har",
                        "        type: single\n        when: answered(q03)\n        text: Har")
    assert "11: q01: conditions form a cycle: q01 → q03 → q01" in errors_of(write(tmp_path, text))


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = VALID.replace("        text: Övrigt", "        text: [Övrigt")
    [error] = errors_of(write(tmp_path, text))
    assert error.startswith("38: None: YAML syntax error: expected ',' or ']', but got ':'")
    assert "line 37" in error


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    text = VALID.replace("        text: Övrigt\n", "        text: Övrigt\n        text: Annat\n")
    assert "38: None: key 'text' appears twice in one mapping (first on line 37)" in errors_of(write(tmp_path, text))


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = VALID.replace("type: text", "type: essay").replace("label: Nej", "label: ''")
    assert len(errors_of(write(tmp_path, text))) == 2


def test_no_python_objects_from_yaml(tmp_path: Path) -> None:
    text = VALID.replace("title: Första", "title: !!python/object/apply:os.system ['echo hacked']")
    [error] = errors_of(write(tmp_path, text))
    assert "YAML syntax error" in error and "python/object" in error


def test_yes_and_no_stay_strings(tmp_path: Path) -> None:
    text = VALID.replace("{code: ja, label: Ja}", "{code: yes, label: Ja}").replace(
        "{code: nej, label: Nej}", "{code: no, label: Nej}").replace("when: = ja", "when: = yes", 1)
    q = load_questionnaire(write(tmp_path, text))
    assert [c.code for c in q.item("q01").options] == ["yes", "no"]


def test_variant_override_of_unknown_item(tmp_path: Path) -> None:
    write(tmp_path, VALID, "base.yaml")
    path = write(tmp_path, """\
        id: variant-2026
        base: base.yaml
        respondent_kind: kommun
        terms: {organisationer: kommuner, organisationen: kommunen}
        overrides:
          q99: {text: Annat}
          q01: {colour: red}
        """, "variant.yaml")
    errors = errors_of(path)
    assert "6: q99: override of unknown item 'q99'" in errors
    assert "7: q01: an override may change only help, inferred, options, rows, text, not 'colour'" in errors


def test_variant_rewords_and_keeps_ids(tmp_path: Path) -> None:
    write(tmp_path, VALID, "base.yaml")
    path = write(tmp_path, """\
        id: variant-2026
        base: base.yaml
        respondent_kind: kommun
        terms: {organisationer: kommuner, organisationen: kommunen}
        overrides:
          q02: {rows: {leg: Legitimerad personal i kommunen}}
        """, "variant.yaml")
    q = load_questionnaire(path)
    assert q.item("q01").text == "Har kommunen en plan?"
    assert q.field("q02_leg").label == "Legitimerad personal i kommunen"
    assert q.field("q02a_leg").label == "Legitimerad personal i kommunen"
    assert [f.id for f in q.fields] == ["q01", "q01a", "q02_leg", "q02_chef", "q02a_leg", "q03"]
