"""Cleaning one posted value: Swedish numbers and dates, codes, text limits."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from survey.errors import Refused
from survey.formatting import format_swedish_number
from survey.questionnaire import load_questionnaire
from survey.questionnaire.values import InvalidValue, clean_value, parse_swedish_number
from survey.responses.answers import MAX_VERSION, InvalidVersion, parse_version
from tests.helpers import QUESTIONNAIRES

SMALL = """\
id: tal-2026
title: T
family: t
year: 2026
respondent_kind: region
sections:
  - id: s
    title: S
    items:
      - {id: antal, type: number, text: Antal, min: 0, max: 10000, decimals: 1, unit: st}
      - {id: datum, type: date, text: Datum}
      - id: flera
        type: multiple
        text: Flera
        options: [{code: a, label: A}, {code: b, label: B}, {code: c, label: C}]
"""


@pytest.mark.parametrize("text,expected", [
    ("12,5", Decimal("12.5")), ("1 234", Decimal("1234")), ("1\u00a0234,5", Decimal("1234.5")),
    ("-3", Decimal("-3")), ("0,25", Decimal("0.25")), ("7.5", Decimal("7.5")),
])
def test_swedish_numbers(text: str, expected: Decimal) -> None:
    assert parse_swedish_number(text) == expected


@pytest.mark.parametrize("text", ["12,5,1", "1.234,5", "abc", "", "1e5", "12,"])
def test_malformed_numbers(text: str) -> None:
    with pytest.raises(InvalidOperation):
        parse_swedish_number(text)


def test_format_swedish_number() -> None:
    assert format_swedish_number("1234.5") == "1\u00a0234,5"
    assert format_swedish_number("-1000000") == "-1\u00a0000\u00a0000"


def test_clean_values(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(SMALL, encoding="utf-8")
    q = load_questionnaire(tmp_path / "t.yaml")
    assert clean_value(q, q.field("antal"), "1 234,5") == "1234.5"
    assert clean_value(q, q.field("antal"), "  ") is None
    assert clean_value(q, q.field("datum"), "2025-10-19") == "2025-10-19"
    assert clean_value(q, q.field("flera"), ["c", "a", "c"]) == ["a", "c"]
    for field_id, raw, message in [
        ("antal", "12,25", "Ange högst en decimal."),
        ("antal", "-1", "Talet får inte vara mindre än 0."),
        ("antal", "10 001", "Talet får inte vara större än 10\u00a0000."),
        ("antal", "tolv", "Ange ett tal, till exempel 12 eller 12,5."),
        ("datum", "19/10/2025", "Ange ett datum som ÅÅÅÅ-MM-DD, till exempel 2025-10-19."),
        ("datum", "2025-02-30", "Ange ett datum som ÅÅÅÅ-MM-DD, till exempel 2025-10-19."),
        ("flera", ["a", "x"], "Okänt svarsalternativ «x»."),
    ]:
        with pytest.raises(InvalidValue) as caught:
            clean_value(q, q.field(field_id), raw)
        assert caught.value.message == message


def test_codes_and_text_limits_in_the_2025_questionnaire() -> None:
    q = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
    assert clean_value(q, q.field("q01"), "nej_beslut") == "nej_beslut"
    with pytest.raises(InvalidValue, match="Okänt svarsalternativ"):
        clean_value(q, q.field("q01"), "kanske")
    with pytest.raises(InvalidValue, match="Endast ett svar"):
        clean_value(q, q.field("q02"), ["ja", "nej"])
    assert clean_value(q, q.field("q22"), "  =SUM(A1)\x00 ") == "=SUM(A1)"
    with pytest.raises(InvalidValue, match="högst 4000 tecken"):
        clean_value(q, q.field("q22"), "x" * 4001)


def test_a_posted_version_is_ascii_digits_or_a_refusal() -> None:
    assert [parse_version(raw) for raw in ("0", "7", " 12 ", str(MAX_VERSION))] == [0, 7, 12, MAX_VERSION]
    for raw in ("", "²", "٣", "１", "-1", "+1", "1.0", "0x1", "ett", str(MAX_VERSION + 1)):
        with pytest.raises(InvalidVersion) as refused:
            parse_version(raw)
        assert isinstance(refused.value, Refused) and "ogiltig version" in str(refused.value), raw
