"""Routing over columns is routing one response at a time (``routing.route``), for every
field and every response: hypothesis makes questionnaires (gates and conditions that point
backwards, forwards, at themselves and at nothing) and hostile answers, and the real
definitions are routed with random answers."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.questionnaire import Questionnaire, load_questionnaire
from survey.questionnaire import conditions as cond
from survey.questionnaire.model import Choice, Field, ItemType, Role
from survey.questionnaire.routing import applicable_ids
from survey.questionnaire.routing_columns import AnswerColumns, applicable_columns, blank_mask, single_options
from tests.helpers import QUESTIONNAIRES

IDS = [f"f{i}" for i in range(6)]
REFS = st.sampled_from([*IDS, "okänd"])
TEXTS = ["ja", "nej", "", " ", "12,5", "12.5", "1 000", "−3", "-3", "2025-01-01", "2024-12-31", "NaN", "nan",
         "None", "null", "Infinity", "1e5", "0", "ja ", "JA", "åäö"]
TARGETS = st.sampled_from([t for t in TEXTS if t] + ["2025-06-01", "3"])
VALUES = st.one_of(st.none(), st.sampled_from(TEXTS), st.lists(st.sampled_from(["ja", "nej", "", "12,5"]),
                                                                max_size=3), st.text(max_size=4))


def comparisons() -> st.SearchStrategy[cond.Expr]:
    op = st.sampled_from(cond.COMPARISON_OPS)
    return st.builds(lambda refs, op, values, q: cond.Compare(tuple(refs), op, tuple(values), q),
                     st.lists(REFS, min_size=1, max_size=3), op, st.lists(TARGETS, min_size=1, max_size=3),
                     st.sampled_from([None, "any", "all"]))


EXPRS: st.SearchStrategy[cond.Expr] = st.recursive(
    st.one_of(comparisons(), st.builds(cond.Answered, REFS)),
    lambda inner: st.one_of(st.builds(cond.Not, inner),
                            st.builds(lambda ops: cond.And(tuple(ops)), st.lists(inner, min_size=1, max_size=3)),
                            st.builds(lambda ops: cond.Or(tuple(ops)), st.lists(inner, min_size=1, max_size=3))),
    max_leaves=6)


OPTIONS = st.lists(st.sampled_from([t for t in TEXTS if t]), min_size=1, max_size=4, unique=True)


@st.composite
def questionnaires(draw: st.DrawFn) -> Questionnaire:
    """Text fields and single choices (whose answers are read as a ``Factor`` where they can be)."""
    def one(fid: str) -> Field:
        codes = draw(st.none() | OPTIONS)
        return Field(fid, fid, "s", Role.MAIN, ItemType.TEXT if codes is None else ItemType.SINGLE, fid, False,
                     codes=tuple(Choice(code, code) for code in codes or ()),
                     condition=draw(st.none() | EXPRS), gate=draw(st.none() | REFS))
    return Questionnaire("prov", "Prov", "test", 2026, "region", (), tuple(one(fid) for fid in IDS))


def answer_columns(ids: list[str], answers: list[Any]) -> list[Any]:
    """Every column of ``AnswerColumns`` as its object array, in the order of ``ids``."""
    columns = AnswerColumns(ids, answers)
    return [columns[fid] for fid in ids]


ANSWERS = st.lists(st.dictionaries(st.sampled_from([*IDS, "okänd"]), VALUES, max_size=7), max_size=12)


def assert_same_routing(q: Questionnaire, answers: list[dict[str, Any]]) -> None:
    ids = [f.id for f in q.fields]
    for options in (single_options(q), None):  # choices read as factors, and as values
        applies = applicable_columns(q, AnswerColumns(ids, answers, options), len(answers))
        for i, one in enumerate(answers):
            expected = applicable_ids(q, one)
            assert {fid for fid in ids if applies[fid][i]} == expected, (one, i, options)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questionnaires(), ANSWERS)
def test_columns_route_as_one_response_at_a_time(q: Questionnaire, answers: list[dict[str, Any]]) -> None:
    assert_same_routing(q, answers)


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, max_size=20))
def test_blank_is_conditions_blank(values: list[Any]) -> None:
    column = np.fromiter(values, dtype=object, count=len(values))
    assert list(blank_mask(column)) == [cond.is_blank(v) for v in values]


@settings(max_examples=100, deadline=None)
@given(ANSWERS)
def test_answer_columns_are_the_answers(answers: list[dict[str, Any]]) -> None:
    columns = answer_columns(IDS, answers)
    assert [list(c) for c in columns] == [[a.get(fid) for a in answers] for fid in IDS]
    assert len(answer_columns(IDS[:1], answers)[0]) == len(answers)
    # answers that are no dict (read through their own get) give the same columns
    assert [list(c) for c in answer_columns(IDS, [MappingProxyType(a) for a in answers])] == [list(c) for c in columns]
    lazy = AnswerColumns(IDS, answers)
    assert list(lazy) == IDS and len(lazy) == len(IDS)
    where = np.array([i % 2 == 0 for i in range(len(answers))], dtype=bool)
    for source in (answers, [MappingProxyType(a) for a in answers]):
        assert list(AnswerColumns(IDS, source).read(IDS[1], where)) == [a.get(IDS[1]) for a in answers[::2]]
    # masks in turn (a selection is kept for the next field with the same mask), all and none
    other = ~where
    for mask in (where, where, other, where, np.ones(len(answers), dtype=bool), np.zeros(len(answers), dtype=bool)):
        expected = [a.get(IDS[2]) for a, chosen in zip(answers, mask, strict=True) if chosen]
        assert list(lazy.read(IDS[2], mask)) == expected
    assert lazy[IDS[0]] is lazy[IDS[0]]  # read once
    # once its array is made, a read takes it from there: the same answers
    assert list(lazy.read(IDS[0], where)) == [a.get(IDS[0]) for a in answers[::2]]
    assert list(lazy.read(IDS[0])) == [a.get(IDS[0]) for a in answers]
    with pytest.raises(KeyError):
        lazy["okänd"]


def test_a_choice_is_read_as_a_factor_where_it_can_be() -> None:
    answers: list[dict[str, Any]] = [{"a": "ja", "b": "ja"}, {"a": "nej"}, {"a": "", "b": "kanske"}, {"a": None},
                                     {"b": ["ja"]}]
    columns = AnswerColumns(["a", "b", "c"], answers, {"a": ["ja", "nej"], "b": ["ja", "nej"]})
    factor = columns.factor("a")
    assert factor is not None and factor.levels == ("ja", "nej", None, "")
    assert factor.codes.tolist() == [0, 1, 3, 2, 2]  # an answer left out is None
    assert factor.blank().tolist() == [False, False, True, True, True]
    assert factor.equal("nej").tolist() == [False, True, False, False, False]
    assert not factor.equal("").any() and not factor.equal("kanske").any()
    assert columns.factor("a") is factor  # read once
    where = np.array([True, False, True, False, True])
    subset = columns.factor("a", where)
    assert subset is not None and subset.levels == factor.levels and subset.codes.tolist() == [0, 3, 2]
    assert list(columns["a"]) == [a.get("a") for a in answers]  # the values again, from the factor
    # another text or a list is no option: read and compared as values
    assert columns.factor("b", where) is None  # «kanske» and a list
    assert columns.factor("b", np.array([True, True, False, True, False])) is not None  # options and blanks there
    assert columns.factor("b") is None
    # the first read is kept, and a read within it is taken from it
    source = [dict(a) for a in answers]
    first = AnswerColumns(["a"], source, {"a": ["ja", "nej"]})
    wide, within = np.array([True, True, False, True, False]), np.array([True, False, False, True, False])
    assert first.factor("a", wide) is not None
    source[0]["a"] = "nej"  # not read again: taken from the first read
    again = first.factor("a", within)
    assert again is not None and again.codes.tolist() == [0, 2]
    whole = first.factor("a")  # not within the first read: read now
    assert whole is not None and whole.codes.tolist() == [1, 1, 3, 2, 2]
    assert columns.factor("c") is None  # no options given
    assert list(columns["b"]) == [a.get("b") for a in answers]
    many = AnswerColumns(["a"], [{"a": "1"}], {"a": [str(i) for i in range(300)]})
    assert many.factor("a") is None and list(many["a"]) == ["1"]  # more options than a byte holds


def random_answers(q: Questionnaire, seed: int, n: int) -> list[dict[str, Any]]:
    """Every field answered, left out or blank at random, with any of its codes or a hostile value."""
    rng = np.random.default_rng(seed)
    result = []
    for _ in range(n):
        one: dict[str, Any] = {}
        for f in q.fields:
            pick = rng.random()
            if pick < 0.15:
                continue
            codes = [c.code for c in f.codes]
            if f.type is ItemType.MULTIPLE:
                one[f.id] = [c for c in codes if rng.random() < 0.5]
            elif codes and pick < 0.85:
                one[f.id] = codes[int(rng.integers(len(codes)))]
            else:
                one[f.id] = TEXTS[int(rng.integers(len(TEXTS)))]
        result.append(one)
    return result


def test_the_real_definitions_route_alike() -> None:
    paths = [*sorted(QUESTIONNAIRES.glob("*.yaml")), Path(__file__).with_name("respond_alltypes.yaml")]
    for seed, path in enumerate(paths):
        q = load_questionnaire(path)
        assert_same_routing(q, random_answers(q, seed, 300))


def test_no_responses_and_no_fields() -> None:
    q = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
    applies = applicable_columns(q, AnswerColumns([f.id for f in q.fields], []), 0)
    assert set(applies) == {f.id for f in q.fields} and all(len(mask) == 0 for mask in applies.values())
    assert answer_columns([], [{"a": "ja"}]) == []
