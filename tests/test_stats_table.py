"""The SPSS/Stata table, built a column at a time (``exports.analysis.Table``), holds what a
deliberately simple row-at-a-time reference gives: routing per response with
``applicable_ids``, then per variable the value or the code of its state."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports.analysis import MISSING_CODES, STATA_MISSING, Variable
from exports.stats import StatsFile, data_frame, swedish_clock
from survey.aggregation.aggregate import AnswerState, OrgInfo, ResponseData, RoundInfo
from survey.formatting import local_naive
from survey.questionnaire import conditions as cond
from survey.questionnaire import load_questionnaire
from survey.questionnaire.model import ItemType, Questionnaire
from survey.questionnaire.routing import applicable_ids
from tests.helpers import QUESTIONNAIRES

ALL_TYPES = load_questionnaire(Path(__file__).with_name("respond_alltypes.yaml"))
REGIONS = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
INFO = RoundInfo(1, "Prov", date(2025, 9, 1), date(2025, 10, 1))
MADE = datetime(2025, 10, 2, tzinfo=UTC)
BLANKS = st.sampled_from(["", None, []])


def values_for(q: Questionnaire) -> st.SearchStrategy[dict[str, Any]]:
    """Answers of every type, blanks of every kind (``[]`` in a single choice too), texts that
    look like missing values or numbers."""
    def one(f: Any) -> st.SearchStrategy[Any]:
        codes = [c.code for c in f.codes]
        if f.type is ItemType.MULTIPLE:
            return st.lists(st.sampled_from(codes), unique=True) | BLANKS
        if codes:
            return st.sampled_from(codes) | BLANKS
        if f.type is ItemType.NUMBER:
            return st.sampled_from(["0", "12.5", "-3", "1000", "2.25"]) | BLANKS
        if f.type is ItemType.DATE:
            return st.sampled_from(["2024-12-31", "2025-01-01", "2026-02-28"]) | BLANKS
        return st.sampled_from(["NaN", "nan", "None", "-1", "12,5", "=1+1", "rad\nrad", " "]) | BLANKS
    return st.fixed_dictionaries({}, optional={f.id: one(f) for f in q.fields})


def reference(q: Questionnaire, v: Variable, response: ResponseData | None, drafts: bool, stata: bool) -> object:
    if response is None or not (response.status == "submitted" or drafts):
        return None
    missing: dict[AnswerState, object] = dict(STATA_MISSING) if stata else dict(MISSING_CODES)
    if not v.numeric:
        missing = {state: "" for state in AnswerState}
    value = response.answers.get(v.field.id)
    if v.field.id not in applicable_ids(q, response.answers):
        return missing[AnswerState.NOT_ASKED]
    if cond.is_blank(value):
        return missing[AnswerState.NOT_ANSWERED if v.field.required else AnswerState.LEFT_BLANK]
    if v.kind == "code":
        return v.codes[value]
    if v.kind == "chosen":
        return 1 if v.option in value else 0
    if v.kind == "number":
        return float(Decimal(str(value)))
    return date.fromisoformat(value) if v.kind == "date" else str(value)


def same(found: object, expected: object) -> bool:
    if expected is None:
        return found is None or (isinstance(found, float) and math.isnan(found)) or found is pd.NaT
    return bool(found == expected) and type(found) in (type(expected), float)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["submitted", "draft", None]), values_for(ALL_TYPES)), max_size=12),
       st.booleans(), st.booleans())
def test_the_table_is_the_row_by_row_reference(rows: list[tuple[str | None, dict[str, Any]]], drafts: bool,
                                               stata: bool) -> None:
    orgs = [OrgInfo(f"{i:02d}", f"Org {i}", "region", "01", "Län") for i in range(len(rows))]
    responses = [None if status is None else ResponseData(org, status, answers, MADE if status == "submitted"
                                                          else None)
                 for org, (status, answers) in zip(orgs, rows, strict=True)]
    frame, plan = data_frame(StatsFile(INFO, ALL_TYPES, list(zip(orgs, responses, strict=True)), MADE, drafts),
                             stata=stata)
    assert len(frame) == len(rows)
    for v in plan:
        column = frame[v.name].tolist()
        for i, response in enumerate(responses):
            expected = reference(ALL_TYPES, v, response, drafts, stata)
            if v.numeric and not stata and expected is not None:
                expected = float(expected)  # type: ignore[arg-type]
            assert same(column[i], expected), (v.name, i, column[i], expected)
    written, _ = data_frame(StatsFile(INFO, ALL_TYPES, list(zip(orgs, responses, strict=True)), MADE, drafts),
                            stata=stata, for_file=True)  # as the files hold it: a hidden text is ""
    for v in plan:
        expected_column = frame[v.name].tolist()
        if v.kind == "text":
            expected_column = ["" if same(value, None) else value for value in expected_column]
        assert written[v.name].tolist() == expected_column or v.numeric, v.name
    assert frame["status"].tolist() == [
        "not_submitted" if r is None or not (r.status == "submitted" or drafts) else r.status for r in responses]


def test_an_applicable_answer_that_is_no_code_fails_as_before() -> None:
    org = OrgInfo("01", "Org", "region", "01", "Län")
    rows = [(org, ResponseData(org, "submitted", {"q01": "kanske"}, MADE))]
    with pytest.raises(KeyError):
        data_frame(StatsFile(INFO, REGIONS, rows, MADE))
    off_path = [(org, ResponseData(org, "submitted", {"q01": "nej", "q01a": ["x"], "q02": "ja"}, MADE))]
    frame, _ = data_frame(StatsFile(INFO, REGIONS, off_path, MADE))
    assert frame["q01a"].tolist() == [MISSING_CODES[AnswerState.NOT_ASKED]]


def test_swedish_clock_is_local_naive_across_summer_time() -> None:
    start = datetime(2025, 3, 30, 0, 0, tzinfo=UTC)
    moments: list[datetime | None] = [start + timedelta(minutes=17 * i) for i in range(40)]
    moments += [datetime(2025, 10, 26, 0, 30, tzinfo=UTC) + timedelta(minutes=20 * i) for i in range(10)]
    moments += [datetime(2025, 7, 1, 12, 0), None]  # a naive moment is UTC, as SQLite stores it
    found = swedish_clock(pd.Series(moments, dtype=object)).tolist()
    assert found[:-1] == [local_naive(m) for m in moments[:-1] if m is not None]
    assert found[-1] is pd.NaT
